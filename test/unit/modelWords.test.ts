/**
 * The words the host makes from a model and from a cost estimate: the one-line model summary, the estimate's
 * basis, and every reason an estimate can be unavailable (table-driven over `UNPRICED_REASONS`).
 */
import * as assert from 'node:assert/strict';
import { UNPRICED_REASONS } from '../../src/core/pricing/estimateCost';
import { summariseModel, wordCostBasis, wordUnpriced } from '../../src/host/modelWords';
import { MODELS, model } from './helpers/capturedModels';
import { l10n } from './helpers/fakeL10n';

const summarise = (id: string): string => summariseModel(l10n, model(id));

describe('modelWords', () => {
  describe('summariseModel', () => {
    it('matches the one-line format', () => {
      assert.equal(summarise('google/veo-3.1'), '4–8 s · 720p–4K · audio · from $0.20/s');
      assert.equal(summarise('runway/gen-4.5'), '2–10 s · 720p · from $0.12/s');
      assert.equal(summarise('kwaivgi/kling-video-o1'), '5 or 10 s · 720p · audio · from $0.112/s');
      assert.equal(summarise('alibaba/wan-2.6'), '5 or 10 s · 720p–1080p · audio · from $0.08/s');
      assert.equal(summarise('heygen/heygen-video-1'), '5–15 s · 480p–2K · audio · from $0.02/s');
      assert.equal(summarise('bytedance/seedance-2.0'), '4–15 s · 480p–4K · audio · priced per token (approx. estimate)');
    });
    it('says when a model does not generate from a prompt', () => {
      assert.equal(summarise('black-forest-labs/flux-video-edit'), 'edits a video · from $0.03/s');
      assert.equal(summarise('black-forest-labs/flux-video-upscale'), 'upscales a video · priced per megapixel-second');
      assert.equal(summarise('runway/aleph-2'), 'edits a video · from $0.28/s');
      assert.equal(summarise('heygen/avatar-iv'), 'needs provider input · 720p–1080p · audio · from $0.05/s');
    });
    it('gives every model of the capture a non-empty line', () => {
      for (const m of MODELS) assert.ok(summariseModel(l10n, m).length > 0, m.id);
    });
  });

  describe('wordCostBasis', () => {
    it('words each part that is there', () => {
      assert.equal(wordCostBasis(l10n, { seconds: 4, perSecondUsd: 0.1 }), '4 s × $0.10/s');
      assert.equal(
        wordCostBasis(l10n, { seconds: 5, perSecondUsd: 0.1, resolution: '720p', mode: 'imageToVideo', audio: false, images: { count: 2, eachUsd: 0.01 }, minimumUsd: 0.6 }),
        '5 s × $0.10/s (720p, image-to-video, without audio) + 2 images × $0.01, raised to the $0.60 minimum charge',
      );
    });
  });

  describe('wordUnpriced: every reason in words', () => {
    for (const reason of UNPRICED_REASONS) {
      it(reason, () => {
        const text = wordUnpriced(l10n, reason, { model: 'Acme: Model', keys: ['a_key', 'b_key'], minimumUsd: 0.5, resolution: '8K' });
        assert.ok(text.length > 0);
        assert.doesNotMatch(text, /\{\w+\}|\bundefined\b|\bNaN\b/, text);
        const bare = wordUnpriced(l10n, reason, { model: 'Acme: Model' });
        assert.doesNotMatch(bare, /\{\w+\}|\bundefined\b|\bNaN\b/, bare);
      });
    }
    it('names the facts it is given', () => {
      assert.equal(
        wordUnpriced(l10n, 'lengthFromInput', { model: 'Runway: Aleph 2.0', minimumUsd: 0.56 }),
        'priced per second of output, and Runway: Aleph 2.0 takes no duration: the length depends on its input (at least $0.56)',
      );
      assert.equal(wordUnpriced(l10n, 'noPriceAtResolution', { model: 'Alibaba: Wan 3.0', resolution: '4K' }), 'OpenRouter lists no per-second price for Alibaba: Wan 3.0 at 4K');
    });
  });
});
