import * as assert from 'node:assert/strict';
import type { VideoModel } from '../../src/core/api/schemas';
import type { FrameImageInput, VideoRequest } from '../../src/core/api/videoRequest';
import {
  estimateCost,
  formatUsd,
  lowestPerSecondUsd,
  pricingKind,
  pricingResolution,
  resolutionClassOfSize,
  type CostEstimate,
} from '../../src/core/pricing/estimateCost';
import { wordEstimate } from '../../src/host/modelWords';
import { MODELS, model } from './helpers/capturedModels';
import { l10n } from './helpers/fakeL10n';

/** The basis of an estimate, or why there is none, as the confirmation shows it. */
function words(estimate: CostEstimate): string {
  return wordEstimate(l10n, estimate);
}

function usd(estimate: CostEstimate): number {
  assert.equal(estimate.kind, 'estimate', words(estimate));
  return estimate.kind === 'estimate' ? estimate.usd : Number.NaN;
}

const FIRST: FrameImageInput = { frameType: 'first_frame', path: 'images/start.png', mimeType: 'image/png', byteLength: 1000 };
const LAST: FrameImageInput = { frameType: 'last_frame', path: 'images/end.png', mimeType: 'image/png', byteLength: 1000 };

type Params = Omit<VideoRequest, 'model' | 'prompt'>;
interface Row {
  id: string;
  /** The model's defaults (as defaultsFor gives them), written out. */
  params: Params;
  /** Hand-computed from the fixture's pricing_skus, or the expected "unavailable" reason fragment. */
  expected: number | RegExp;
  why: string;
}

// Each model's defaults (smallest duration >= 4, 720p else lowest, 16:9, audio on when toggleable),
// priced by hand from the SKUs in the capture.
const TABLE: Row[] = [
  { id: 'x-ai/grok-imagine-video-1.5-lite', params: { duration: 4, resolution: '720p', aspectRatio: '16:9' }, expected: 0.12, why: '4 × 3¢' },
  { id: 'heygen/heygen-video-1', params: { duration: 5, resolution: '480p', aspectRatio: '16:9' }, expected: 0.1, why: '5 × $0.02 (duration_seconds_480p)' },
  { id: 'black-forest-labs/flux-video-edit', params: {}, expected: /takes no duration: the length depends on its input/, why: 'no duration' },
  { id: 'minimax/hailuo-3-max', params: { duration: 5, resolution: '480p', aspectRatio: '16:9' }, expected: 0.25, why: '5 × $0.05' },
  { id: 'alibaba/wan-3.0-prime', params: { duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: true }, expected: 0.56, why: '4 × $0.14' },
  { id: 'alibaba/wan-3.0', params: { duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: true }, expected: 0.4, why: '4 × $0.10' },
  { id: 'heygen/avatar-iv', params: { resolution: '720p', aspectRatio: '16:9' }, expected: /takes no duration/, why: 'no duration' },
  { id: 'black-forest-labs/flux-video-upscale', params: {}, expected: /megapixel-second/, why: 'upscaler' },
  { id: 'bytedance/seedance-2.0-mini', params: { duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: true }, expected: 0.3024, why: '≈ 86,400 tokens (1280×720 × 24 × 4 s / 1024) × $0.0000035' },
  { id: 'bytedance/seedance-2.5', params: { duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: true }, expected: 0.9245, why: '≈ 86,400 tokens × $0.0000107' },
  { id: 'black-forest-labs/flux-3-video', params: { duration: 5, resolution: '720p', aspectRatio: '16:9', generateAudio: true }, expected: 0.85, why: '5 × 17¢' },
  { id: 'minimax/hailuo-3', params: { duration: 5, resolution: '2K', aspectRatio: '16:9', generateAudio: true }, expected: 0.65, why: '5 × $0.13' },
  { id: 'runway/aleph-2', params: { aspectRatio: '16:9' }, expected: /at least \$0\.56/, why: 'no duration; floor 56¢' },
  { id: 'runway/gen-4.5', params: { duration: 4, resolution: '720p', aspectRatio: '16:9' }, expected: 0.48, why: '4 × 12¢' },
  { id: 'x-ai/grok-imagine-video-1.5', params: { duration: 4, resolution: '720p', aspectRatio: '16:9' }, expected: 0.56, why: '4 × 14¢' },
  { id: 'alibaba/happyhorse-1.1', params: { duration: 4, resolution: '720p', aspectRatio: '16:9' }, expected: 0.3952, why: '4 × $0.0988' },
  { id: 'alibaba/happyhorse-1.0', params: { duration: 4, resolution: '720p', aspectRatio: '16:9' }, expected: 0.3952, why: '4 × $0.0988' },
  { id: 'x-ai/grok-imagine-video', params: { duration: 4, resolution: '720p', aspectRatio: '16:9' }, expected: 0.28, why: '4 × 7¢' },
  { id: 'kwaivgi/kling-v3.0-pro', params: { duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: true }, expected: 0.672, why: '4 × $0.168 (with audio)' },
  { id: 'kwaivgi/kling-v3.0-std', params: { duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: true }, expected: 0.504, why: '4 × $0.126 (with audio)' },
  { id: 'google/veo-3.1-fast', params: { duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: true }, expected: 0.4, why: '4 × $0.10 (with_audio_720p)' },
  { id: 'google/veo-3.1-lite', params: { duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: true }, expected: 0.2, why: '4 × $0.05 (with_audio_720p)' },
  { id: 'kwaivgi/kling-video-o1', params: { duration: 5, resolution: '720p', aspectRatio: '16:9', generateAudio: true }, expected: 0.56, why: '5 × $0.1120' },
  { id: 'minimax/hailuo-2.3', params: { duration: 6, resolution: '1080p', aspectRatio: '16:9' }, expected: 0.4902, why: '6 × $0.0817' },
  { id: 'bytedance/seedance-2.0', params: { duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: true }, expected: 0.6048, why: '≈ 86,400 tokens × $0.000007 (no 720p key)' },
  { id: 'alibaba/wan-2.7', params: { duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: true }, expected: 0.4, why: '4 × $0.1' },
  { id: 'bytedance/seedance-2.0-fast', params: { duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: true }, expected: 0.3629, why: '≈ 86,400 tokens × $0.0000042' },
  { id: 'alibaba/wan-2.6', params: { duration: 5, resolution: '720p', aspectRatio: '16:9', generateAudio: true }, expected: 0.4, why: '5 × $0.08 (t2v 720p)' },
  { id: 'bytedance/seedance-1-5-pro', params: { duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: true }, expected: 0.2074, why: '≈ 86,400 tokens × $0.0000024 (with audio)' },
  { id: 'google/veo-3.1', params: { duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: true }, expected: 1.6, why: '4 × $0.40 (with_audio, no 720p key)' },
];

describe('estimateCost', () => {
  it('the table covers every model of the capture exactly once', () => {
    assert.equal(MODELS.length, 30);
    assert.deepEqual([...TABLE.map((r) => r.id)].sort(), MODELS.map((m) => m.id).sort());
  });

  describe('each model with its default parameters', () => {
    for (const row of TABLE) {
      it(`${row.id}: ${row.why}`, () => {
        const estimate = estimateCost(model(row.id), { model: row.id, prompt: 'a lighthouse at dusk', ...row.params });
        if (typeof row.expected === 'number') {
          assert.equal(usd(estimate), row.expected);
        } else {
          assert.equal(estimate.kind, 'unavailable');
          assert.match(estimate.kind === 'unavailable' ? words(estimate) : '', row.expected);
        }
      });
    }
  });

  describe('audio on and off', () => {
    it('Veo 3.1 Lite 8 s 720p with audio is 8 × $0.05', () => {
      const e = estimateCost(model('google/veo-3.1-lite'), { model: 'google/veo-3.1-lite', prompt: 'p', duration: 8, resolution: '720p', generateAudio: true });
      assert.deepEqual(e, { kind: 'estimate', usd: 0.4, basis: { seconds: 8, perSecondUsd: 0.05, resolution: '720p', audio: true } });
      assert.equal(words(e), '8 s × $0.05/s (720p, with audio)');
    });
    it('Veo 3.1 Lite 8 s 720p without audio is 8 × $0.03', () => {
      const e = estimateCost(model('google/veo-3.1-lite'), { model: 'google/veo-3.1-lite', prompt: 'p', duration: 8, resolution: '720p', generateAudio: false });
      assert.equal(usd(e), 0.24);
      assert.equal(e.kind === 'estimate' && words(e), '8 s × $0.03/s (720p, without audio)');
    });
    it('audio defaults to on for a model whose generate_audio is true', () => {
      assert.equal(usd(estimateCost(model('google/veo-3.1-lite'), { model: 'google/veo-3.1-lite', prompt: 'p', duration: 8, resolution: '720p' })), 0.4);
    });
    it('Veo 3.1 Lite at 1080p falls back to the generic audio keys', () => {
      const m = model('google/veo-3.1-lite');
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 8, resolution: '1080p', generateAudio: true })), 0.64); // 8 × 0.08
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 8, resolution: '1080p', generateAudio: false })), 0.4); // 8 × 0.05
    });
    it('Kling v3.0 Pro: the audio surcharge outranks the mode keys', () => {
      const m = model('kwaivgi/kling-v3.0-pro');
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 10, resolution: '720p', generateAudio: true })), 1.68); // 10 × 0.168
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 5, resolution: '720p', generateAudio: false })), 0.56); // 5 × 0.112
    });
    it('a model that reports no audio is priced without audio', () => {
      const m = model('heygen/heygen-video-1');
      const e = estimateCost(m, { model: m.id, prompt: 'p', duration: 10, resolution: '2K' });
      assert.equal(usd(e), 0.9); // 10 × 0.09, reference prices ignored
      assert.equal(e.kind === 'estimate' && words(e), '10 s × $0.09/s (2K)');
    });
  });

  describe('per resolution', () => {
    it('Veo 3.1 at 4K uses the 4k keys', () => {
      const m = model('google/veo-3.1');
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 8, resolution: '4K', generateAudio: true })), 4.8); // 8 × 0.60
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 8, resolution: '4K', generateAudio: false })), 3.2); // 8 × 0.40
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 8, resolution: '1080p', generateAudio: false })), 1.6); // 8 × 0.20
    });
    it('Veo 3.1 Fast at 1080p uses the generic with-audio price', () => {
      const m = model('google/veo-3.1-fast');
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 6, resolution: '1080p', generateAudio: true })), 0.72); // 6 × 0.12
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 6, resolution: '720p', generateAudio: false })), 0.48); // 6 × 0.08
    });
    it('FLUX.3 Video at 1080p is 29¢/s', () => {
      const m = model('black-forest-labs/flux-3-video');
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 10, resolution: '1080p' })), 2.9);
    });
    it('Grok Imagine Video 1.5 at 1080p is 25¢/s', () => {
      const m = model('x-ai/grok-imagine-video-1.5');
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 15, resolution: '1080p' })), 3.75);
    });
    it('HappyHorse 1.0 via size 1920x1080 is the 1080p price', () => {
      const m = model('alibaba/happyhorse-1.0');
      const e = estimateCost(m, { model: m.id, prompt: 'p', duration: 4, size: '1920x1080' });
      assert.equal(usd(e), 0.6776); // 4 × 0.1694
      assert.equal(e.kind === 'estimate' && words(e), '4 s × $0.1694/s (1920x1080)');
    });
    it('Veo 3.1 via size 2160x3840 is the 4k price', () => {
      const m = model('google/veo-3.1');
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 8, size: '2160x3840', generateAudio: true })), 4.8);
    });
    it('without a resolution, a generic price is used when there is one', () => {
      const m = model('minimax/hailuo-3-max');
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 10 })), 0.8); // 10 × 0.08
    });
    it('without a resolution, a model priced only per resolution asks for one', () => {
      const m = model('alibaba/wan-3.0');
      const e = estimateCost(m, { model: m.id, prompt: 'p', duration: 10 });
      assert.equal(e.kind, 'unavailable');
      assert.match(e.kind === 'unavailable' ? words(e) : '', /choose a resolution first/);
    });
    it('a resolution with no price is unavailable, naming it', () => {
      const m = model('alibaba/wan-3.0');
      const e = estimateCost(m, { model: m.id, prompt: 'p', duration: 10, resolution: '4K' });
      assert.equal(e.kind, 'unavailable');
      assert.match(e.kind === 'unavailable' ? words(e) : '', /no per-second price for Alibaba: Wan 3.0 at 4K/);
    });
  });

  describe('text-to-video and image-to-video', () => {
    it('Wan 2.6 720p: t2v $0.08/s, i2v $0.10/s', () => {
      const m = model('alibaba/wan-2.6');
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 5, resolution: '720p' })), 0.4);
      const i2v = estimateCost(m, { model: m.id, prompt: 'p', duration: 5, resolution: '720p', frames: [FIRST] });
      assert.equal(usd(i2v), 0.5);
      assert.equal(i2v.kind === 'estimate' && words(i2v), '5 s × $0.10/s (720p, image-to-video, with audio)');
    });
    it('Wan 2.6 1080p 10 s: t2v $1.20, i2v $1.50', () => {
      const m = model('alibaba/wan-2.6');
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 10, resolution: '1080p' })), 1.2);
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 10, resolution: '1080p', frames: [FIRST, LAST] })), 1.5);
    });
    it('Kling v3.0 Std without audio: t2v and i2v both $0.084/s', () => {
      const m = model('kwaivgi/kling-v3.0-std');
      const t2v = estimateCost(m, { model: m.id, prompt: 'p', duration: 5, resolution: '720p', generateAudio: false });
      const i2v = estimateCost(m, { model: m.id, prompt: 'p', duration: 5, resolution: '720p', generateAudio: false, frames: [FIRST] });
      assert.equal(usd(t2v), 0.42);
      assert.equal(usd(i2v), 0.42);
      assert.equal(t2v.kind === 'estimate' && words(t2v), '5 s × $0.084/s (720p, text-to-video, without audio)');
      assert.equal(i2v.kind === 'estimate' && words(i2v), '5 s × $0.084/s (720p, image-to-video, without audio)');
    });
  });

  describe('cents keys, images and minimums', () => {
    it('Runway Gen-4.5 5 s is 5 × 12¢ = $0.60', () => {
      const m = model('runway/gen-4.5');
      const e = estimateCost(m, { model: m.id, prompt: 'p', duration: 5, resolution: '720p' });
      assert.deepEqual(e, { kind: 'estimate', usd: 0.6, basis: { seconds: 5, perSecondUsd: 0.12, resolution: '720p' } });
      assert.equal(words(e), '5 s × $0.12/s (720p)');
    });
    it('Grok Imagine Video 1.5 with a first frame adds 1¢', () => {
      const m = model('x-ai/grok-imagine-video-1.5');
      const e = estimateCost(m, { model: m.id, prompt: 'p', duration: 5, resolution: '720p', frames: [FIRST] });
      assert.equal(usd(e), 0.71); // 5 × 0.14 + 0.01
      assert.equal(e.kind === 'estimate' && words(e), '5 s × $0.14/s (720p) + 1 image × $0.01');
    });
    it('Grok Imagine Video with a first frame adds 0.2¢', () => {
      const m = model('x-ai/grok-imagine-video');
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 4, resolution: '480p', frames: [FIRST] })), 0.202); // 4 × 0.05 + 0.002
    });
    it('Runway Aleph 2.0 is raised to its 56¢ minimum', () => {
      const m = model('runway/aleph-2');
      const e = estimateCost(m, { model: m.id, prompt: 'p', duration: 1 });
      assert.equal(usd(e), 0.56); // 1 × 0.28 < 0.56
      assert.equal(e.kind === 'estimate' && words(e), '1 s × $0.28/s, raised to the $0.56 minimum charge');
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 5 })), 1.4); // 5 × 0.28 > 0.56
    });
    it('FLUX Video Edit with an explicit length is 3¢/s', () => {
      const m = model('black-forest-labs/flux-video-edit');
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 10 })), 0.3);
    });
    it('MiniMax H3 ignores the reference_images SKU', () => {
      const m = model('minimax/hailuo-3');
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 15, resolution: '2K' })), 1.95); // 15 × 0.13
    });
  });

  describe('unavailable', () => {
    it('Seedance without a resolution or size cannot be counted: the price depends on the frame size', () => {
      const m = model('bytedance/seedance-2.0');
      const e = estimateCost(m, { model: m.id, prompt: 'p', duration: 5 });
      assert.deepEqual(e, { kind: 'unavailable', reason: 'resolutionNeeded', facts: { model: m.name } });
    });
    it('the upscaler is priced per megapixel-second', () => {
      const m = model('black-forest-labs/flux-video-upscale');
      const e = estimateCost(m, { model: m.id, prompt: 'p', duration: 5 });
      assert.equal(e.kind, 'unavailable');
      assert.match(e.kind === 'unavailable' ? words(e) : '', /megapixel-second/);
    });
    it('no duration → choose a duration first', () => {
      const m = model('google/veo-3.1');
      const e = estimateCost(m, { model: m.id, prompt: 'p', resolution: '720p' });
      assert.deepEqual(e, { kind: 'unavailable', reason: 'durationNeeded', facts: { model: 'Google: Veo 3.1' } });
      assert.equal(words(e), 'choose a duration first; the price is per second');
    });
    it('a duration of zero asks for at least 1 s', () => {
      const m = model('google/veo-3.1');
      assert.equal(words(estimateCost(m, { model: m.id, prompt: 'p', duration: 0, resolution: '720p' })), 'choose a duration of at least 1 s first; the price is per second');
    });
    it('no SKUs at all', () => {
      const m: VideoModel = { ...model('google/veo-3.1'), pricing_skus: null };
      const e = estimateCost(m, { model: m.id, prompt: 'p', duration: 4 });
      assert.equal(e.kind, 'unavailable');
      assert.match(e.kind === 'unavailable' ? words(e) : '', /lists no price/);
    });
    it('unknown units only', () => {
      const m: VideoModel = { ...model('google/veo-3.1'), pricing_skus: { reference_images: '0.04' } };
      const e = estimateCost(m, { model: m.id, prompt: 'p', duration: 4 });
      assert.equal(e.kind, 'unavailable');
      assert.deepEqual(e, { kind: 'unavailable', reason: 'unknownUnits', facts: { model: 'Google: Veo 3.1', keys: ['reference_images'] } });
      assert.match(words(e), /units this extension does not understand \(reference_images\)/);
    });
  });

  describe('precision', () => {
    it('has no float noise', () => {
      const kling = model('kwaivgi/kling-v3.0-pro');
      assert.equal(usd(estimateCost(kling, { model: kling.id, prompt: 'p', duration: 3, resolution: '720p', generateAudio: false })), 0.336); // 3 × 0.112
      const horse = model('alibaba/happyhorse-1.1');
      assert.equal(usd(estimateCost(horse, { model: horse.id, prompt: 'p', duration: 3, resolution: '1080p' })), 0.3834); // 3 × 0.1278
      const veo = model('google/veo-3.1-fast');
      assert.equal(usd(estimateCost(veo, { model: veo.id, prompt: 'p', duration: 6, resolution: '720p', generateAudio: true })), 0.6); // 6 × 0.10
    });
    it('rounds to 1/10000 USD', () => {
      const m: VideoModel = { ...model('runway/gen-4.5'), pricing_skus: { duration_seconds: '0.012345' } };
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 3 })), 0.037); // 0.037035
    });
    it('accepts numeric SKU values', () => {
      const m: VideoModel = { ...model('runway/gen-4.5'), pricing_skus: { cents_per_second_output: 12 } };
      assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 7 })), 0.84);
    });
  });

  describe('helpers', () => {
    it('resolutionClassOfSize', () => {
      assert.equal(resolutionClassOfSize('854x480'), '480p');
      assert.equal(resolutionClassOfSize('720x1680'), '720p');
      assert.equal(resolutionClassOfSize('1280x720'), '720p');
      assert.equal(resolutionClassOfSize('1080x1920'), '1080p');
      assert.equal(resolutionClassOfSize('3840x2160'), '4k');
      assert.equal(resolutionClassOfSize('5040x2160'), '4k');
      assert.equal(resolutionClassOfSize('960x960'), '720p');
      assert.equal(resolutionClassOfSize('640x640'), '480p');
      assert.equal(resolutionClassOfSize('992x432'), '480p');
      assert.equal(resolutionClassOfSize('big'), undefined);
    });
    it('pricingResolution prefers size and lower-cases', () => {
      assert.equal(pricingResolution({ resolution: '4K' }), '4k');
      assert.equal(pricingResolution({ resolution: '720p', size: '1920x1080' }), '1080p');
      assert.equal(pricingResolution({}), undefined);
    });
    it('formatUsd', () => {
      assert.equal(formatUsd(0.4), '$0.40');
      assert.equal(formatUsd(0.0988), '$0.0988');
      assert.equal(formatUsd(0.002), '$0.002');
      assert.equal(formatUsd(3), '$3.00');
    });
    it('pricingKind', () => {
      assert.equal(pricingKind(model('google/veo-3.1')), 'perSecond');
      assert.equal(pricingKind(model('runway/aleph-2')), 'perSecond');
      assert.equal(pricingKind(model('bytedance/seedance-2.0')), 'perToken');
      assert.equal(pricingKind(model('black-forest-labs/flux-video-upscale')), 'perMegapixelSecond');
    });
    it('lowestPerSecondUsd only counts supported resolutions', () => {
      assert.equal(lowestPerSecondUsd(model('google/veo-3.1')), 0.2);
      assert.equal(lowestPerSecondUsd(model('alibaba/wan-2.6')), 0.08); // the 480p t2v price is not offered
      assert.equal(lowestPerSecondUsd(model('x-ai/grok-imagine-video-1.5-lite')), 0.02);
      assert.equal(lowestPerSecondUsd(model('bytedance/seedance-2.0')), undefined);
    });
  });
});

describe('token-priced models (≈ width × height × 24 × duration / 1024 tokens)', () => {
  const tokenModels = MODELS.filter((m) => pricingKind(m) === 'perToken');

  it('the capture has five token-priced models, and each gets an approximate estimate for each size it lists', () => {
    assert.equal(tokenModels.length, 5);
    for (const m of tokenModels) {
      for (const size of m.supported_sizes ?? []) {
        const e = estimateCost(m, { model: m.id, prompt: 'p', duration: 5, size });
        assert.equal(e.kind, 'estimate', `${m.id} ${size}: ${words(e)}`);
        assert.equal(e.kind === 'estimate' && e.approximate, true);
        assert.ok(e.kind === 'estimate' && e.usd > 0 && e.usd < 10, `${m.id} ${size}: ${e.kind === 'estimate' ? e.usd : ''}`);
      }
    }
  });

  it('Seedance 2.0 at 1080p uses its 1080p price; at a size, the size decides the tokens', () => {
    const m = model('bytedance/seedance-2.0');
    // 1920×1080 × 24 × 5 / 1024 = 243,000 tokens × $0.0000077
    const e = estimateCost(m, { model: m.id, prompt: 'p', duration: 5, resolution: '1080p', aspectRatio: '16:9' });
    assert.deepEqual(e, {
      kind: 'estimate',
      usd: 1.8711,
      approximate: true,
      basis: { seconds: 5, perSecondUsd: 1.8711 / 5, resolution: '1080p', audio: true, tokens: { count: 243_000, perTokenUsd: 0.0000077, width: 1920, height: 1080 } },
    });
    // 720×1680 (portrait 720p): 141,750 tokens × $0.000007
    assert.equal(usd(estimateCost(m, { model: m.id, prompt: 'p', duration: 5, size: '720x1680' })), 0.9923);
  });

  it('Seedance 1.5 Pro prices audio off at its without-audio rate', () => {
    const m = model('bytedance/seedance-1-5-pro');
    const on = estimateCost(m, { model: m.id, prompt: 'p', duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: true });
    const off = estimateCost(m, { model: m.id, prompt: 'p', duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: false });
    assert.equal(usd(on), 0.2074);
    assert.equal(usd(off), 0.1037);
    assert.match(words(off), /≈ 86,400 video tokens/);
    assert.match(words(off), /approximate/);
  });

  it('a portrait aspect ratio turns the frame; the video-input prices are never used', () => {
    const m = model('bytedance/seedance-2.0-fast');
    const landscape = estimateCost(m, { model: m.id, prompt: 'p', duration: 4, resolution: '480p', aspectRatio: '16:9' });
    const portrait = estimateCost(m, { model: m.id, prompt: 'p', duration: 4, resolution: '480p', aspectRatio: '9:16' });
    assert.equal(usd(landscape), usd(portrait));
    assert.ok(landscape.kind === 'estimate' && landscape.basis.tokens?.perTokenUsd === 0.0000042);
  });
});
