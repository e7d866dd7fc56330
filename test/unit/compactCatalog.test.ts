/**
 * The compact catalogue the `#videoModels` tool returns to a language model, over the 30-model capture: every
 * model's block, the values a request may use, prices by the estimate's own rules, and the filters.
 */
import * as assert from 'node:assert/strict';
import { compactCatalog, compactModel, compactPrice, filterModels } from '../../src/core/models/compactCatalog';
import { defaultsFor } from '../../src/core/models/modelCapabilities';
import { estimateCost, formatUsd } from '../../src/core/pricing/estimateCost';
import { MODELS, model } from './helpers/capturedModels';

const ids = (list: readonly { id: string }[]): string[] => list.map((m) => m.id);

describe('compactCatalog', () => {
  it('lists all 30 models of the capture, one block each, with a header that says how to use the ids', () => {
    const text = compactCatalog(MODELS);
    const first = text.split('\n')[0] ?? '';
    assert.match(first, /^30 of 30 OpenRouter video models\. Prices in USD\. Use the id as "model" in openrouterVideo_generate/);
    for (const m of MODELS) assert.ok(text.includes(`\n- ${m.id} (${m.name})\n`) || text.endsWith(`\n- ${m.id} (${m.name})`), `${m.id} has a block`);
    assert.equal(text.split('\n').filter((l) => l.startsWith('- ')).length, 30);
    assert.ok(text.length < 16_000, `compact enough for a tool result (${text.length} characters)`);
  });

  it("gives a model's durations, resolutions, ratios, sizes, audio, frames, defaults, price and passthrough keys", () => {
    assert.equal(
      compactModel(model('google/veo-3.1-lite')),
      [
        '- google/veo-3.1-lite (Google: Veo 3.1 Lite)',
        '  makes: text-to-video, image-to-video (first and last frame image)',
        '  durations (s): 4, 6, 8',
        '  resolutions: 720p, 1080p',
        '  aspect ratios: 16:9, 9:16',
        '  sizes: 1280x720, 720x1280, 1920x1080, 1080x1920',
        '  audio: on or off (generateAudio)',
        '  seed: yes',
        '  defaults: duration 4, resolution 720p, aspectRatio 16:9, generateAudio true',
        '  price: USD per second: 720p $0.05 with audio, $0.03 without; 1080p $0.08 with audio, $0.05 without',
        '  passthrough keys: personGeneration, aspectRatio, negativePrompt, conditioningScale, enhancePrompt',
      ].join('\n'),
    );
  });

  it('shortens a long run of whole seconds to a range', () => {
    assert.match(compactModel(model('alibaba/wan-3.0')), /\n {2}durations \(s\): 2–30 \(any whole number\)\n/);
    assert.match(compactModel(model('kwaivgi/kling-video-o1')), /\n {2}durations \(s\): 5, 10\n/);
  });

  it('says what an edit or upscale model and a passthrough-driven model make', () => {
    assert.match(compactModel(model('black-forest-labs/flux-video-edit')), /makes: edits an existing video \(not usable with openrouterVideo_generate\)/);
    assert.match(compactModel(model('black-forest-labs/flux-video-upscale')), /makes: upscales an existing video/);
    assert.match(compactModel(model('heygen/avatar-iv')), /makes: needs provider passthrough input/);
    assert.match(compactModel(model('heygen/heygen-video-1')), /audio: always on \(generateAudio not accepted\)/);
  });

  describe('prices', () => {
    it('agree with the cost estimate for every per-second model at its defaults', () => {
      for (const m of MODELS) {
        const defaults = defaultsFor(m);
        if (defaults.duration === undefined) continue;
        const estimate = estimateCost(m, { model: m.id, ...defaults });
        if (estimate.kind !== 'estimate' || estimate.approximate) continue;
        const price = compactPrice(m);
        assert.ok(price.includes(formatUsd(estimate.basis.perSecondUsd)), `${m.id}: ${price} names ${formatUsd(estimate.basis.perSecondUsd)}/s`);
      }
    });

    it('agree with the approximate estimate for every token-priced model at its defaults, and say it is approximate', () => {
      let checked = 0;
      for (const m of MODELS) {
        const defaults = defaultsFor(m);
        const estimate = estimateCost(m, { model: m.id, ...defaults });
        if (estimate.kind !== 'estimate' || !estimate.approximate) continue;
        const price = compactPrice(m);
        assert.match(price, /approximate estimate: tokens ≈ width × height × 24 × seconds ÷ 1024 × price per token/, m.id);
        // The listed rate is for 16:9 at the default resolution; the estimate rounds its total once.
        assert.equal(defaults.aspectRatio, '16:9', `${m.id}: the defaults are the listed aspect ratio`);
        const rate = Number(new RegExp(`≈ (?:[^;]*; )*${defaults.resolution ?? ''} \\$([0-9.]+)`).exec(price)?.[1]);
        const seconds = estimate.basis.seconds;
        assert.ok(Math.abs(rate * seconds - estimate.usd) <= 0.00005 * seconds + 0.0001, `${m.id}: ${price} gives ${formatUsd(rate)}/s × ${seconds} s ≈ ${formatUsd(estimate.usd)}`);
        checked += 1;
      }
      assert.equal(checked, 5, 'the five Seedance models of the capture');
    });

    it('name image-to-video, frame image, minimum and one-price-everywhere cases', () => {
      assert.equal(compactPrice(model('alibaba/wan-2.6')), 'USD per second: 720p $0.08 (image-to-video $0.10); 1080p $0.12 (image-to-video $0.15)');
      assert.equal(compactPrice(model('x-ai/grok-imagine-video')), 'USD per second: 480p $0.05; 720p $0.07, + $0.002 per frame image');
      assert.equal(compactPrice(model('runway/aleph-2')), 'USD per second: $0.28, minimum $0.56 per video');
      assert.equal(compactPrice(model('alibaba/wan-2.7')), 'USD per second: $0.10 at every resolution');
    });

    it('give a token-priced model its prices per token, the estimate rule and approximate rates by resolution', () => {
      assert.equal(
        compactPrice(model('bytedance/seedance-1-5-pro')),
        'per video token $0.0000024/token, without audio $0.0000012/token; approximate estimate: tokens ≈ width × height × 24 × seconds ÷ 1024 × price per token, so USD per second at 16:9 ≈ 480p $0.023 with audio, $0.0115 without; 720p $0.0518 with audio, $0.0259 without; 1080p $0.1166 with audio, $0.0583 without; the actual cost is known only when the job completes',
      );
      // 1280 × 720 × 24 ÷ 1024 = 21 600 tokens per second, at $0.000007 each; 1080p and 4K have prices of their own.
      const seedance = compactPrice(model('bytedance/seedance-2.0'));
      assert.match(seedance, /^per video token \$0\.000007\/token, 4k \$0\.000004\/token, 1080p \$0\.0000077\/token; /);
      assert.match(seedance, /≈ 480p \$0\.0672; 720p \$0\.1512; 1080p \$0\.3742; 4K \$0\.7776; /);
    });

    it('say when the cost is known only after completion', () => {
      assert.match(compactPrice(model('black-forest-labs/flux-video-upscale')), /per megapixel-second .* known only when the job completes/);
      assert.match(compactPrice({ ...model('runway/gen-4.5'), pricing_skus: {} }), /^not listed; known only when the job completes$/);
      assert.match(compactPrice({ ...model('runway/gen-4.5'), pricing_skus: { credits_per_clip: '3' } }), /units not understood \(credits_per_clip\)/);
    });
  });

  describe('filters', () => {
    it('by text in the id, name or description, case-insensitively', () => {
      assert.deepEqual(ids(filterModels(MODELS, { text: 'VEO' })), ['google/veo-3.1-fast', 'google/veo-3.1-lite', 'google/veo-3.1']);
      assert.deepEqual(ids(filterModels(MODELS, { text: 'video editing model' })), ['runway/aleph-2']);
    });

    it('by audio and first frame', () => {
      const audio = filterModels(MODELS, { needsAudio: true });
      assert.ok(audio.some((m) => m.id === 'heygen/heygen-video-1'), 'a model that always renders audio counts');
      assert.ok(!audio.some((m) => m.id === 'runway/gen-4.5'));
      const first = filterModels(MODELS, { needsFirstFrame: true });
      assert.ok(first.every((m) => (m.supported_frame_images ?? []).includes('first_frame')));
      assert.ok(!first.some((m) => m.id === 'heygen/avatar-iv'));
    });

    it('by the highest price per second, leaving out models not priced per second', () => {
      const cheap = filterModels(MODELS, { maxPricePerSecond: 0.03 });
      assert.deepEqual(ids(cheap).sort(), ['black-forest-labs/flux-video-edit', 'google/veo-3.1-lite', 'heygen/heygen-video-1', 'x-ai/grok-imagine-video-1.5-lite'].sort());
      assert.ok(!ids(filterModels(MODELS, { maxPricePerSecond: 100 })).some((id) => id.startsWith('bytedance/')), 'token-priced models are left out');
    });

    it('say which filters applied, and what to do when nothing matches', () => {
      const text = compactCatalog(MODELS, { text: 'veo', needsAudio: true, maxPricePerSecond: 0.1 });
      assert.match(text, /^2 of 30 OpenRouter video models \(filter: text "veo", needs audio, at most \$0\.10\/s \(per-second priced models only\)\)\./);
      assert.equal(compactCatalog(MODELS, { text: 'no such model' }).split('\n')[1], 'No model matches; call again with fewer filters.');
    });
  });
});
