/**
 * Reference images (`input_references`) and provider options (`provider.options.<slug>.parameters`) from the
 * request model to the wire: which models take references, how they are checked, priced, sized, sent (the
 * fake OpenRouter records the body) and kept in the record and the sidecar.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toWireRequest, type VideoRequest } from '../../src/core/api/videoRequest';
import { buildSidecar } from '../../src/core/download/sidecar';
import { submitJob } from '../../src/core/jobs/submitJob';
import { planSubmit } from '../../src/core/jobs/submitPlan';
import { takesInputReferences } from '../../src/core/models/modelCapabilities';
import { estimateBodyBytes, validateRequest } from '../../src/core/models/validateRequest';
import { estimateCost } from '../../src/core/pricing/estimateCost';
import { systemClock } from '../../src/core/shared/clock';
import { wordCostBasis, wordRequestSettings } from '../../src/host/modelWords';
import { wordProblem } from '../../src/host/problemWords';
import { FakeOpenRouter } from '../fake-openrouter/fakeOpenRouter';
import { MODELS, model } from './helpers/capturedModels';
import { openStoreAndClient, type StoreAndClient } from './helpers/coreWindow';
import { l10n } from './helpers/fakeL10n';
import { TestLogger } from './helpers/testLogger';

const HAILUO = model('minimax/hailuo-3');
const HEYGEN = model('heygen/heygen-video-1');
const VEO = model('google/veo-3.1');
const PROMPT = 'A paper lantern drifting over a night market';

function request(m: { id: string }, extra: Partial<VideoRequest> = {}): VideoRequest {
  return { model: m.id, prompt: PROMPT, duration: 6, ...extra };
}

describe('input references and provider options', () => {
  it('the wire body lists references as image_url parts in order, inlined where the caller inlined them', () => {
    const body = toWireRequest(
      request(HAILUO, { inputReferences: [{ path: '/w/style.png' }, { path: 'https://example.com/look.jpg' }] }),
      new Map([['/w/style.png', 'data:image/png;base64,AAAA']]),
    );
    assert.deepEqual(body.input_references, [
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      { type: 'image_url', image_url: { url: 'https://example.com/look.jpg' } },
    ]);
    assert.equal('input_references' in toWireRequest(request(HAILUO, { inputReferences: [] })), false);
    assert.equal('frame_images' in body, false);
  });

  it('the wire body wraps provider options in parameters, one object per provider slug', () => {
    const body = toWireRequest(request(VEO, { providerOptions: { 'google-vertex': { negativePrompt: 'blurry', enhancePrompt: true } } }));
    assert.deepEqual(body.provider, { options: { 'google-vertex': { parameters: { negativePrompt: 'blurry', enhancePrompt: true } } } });
    assert.equal('provider' in toWireRequest(request(VEO, { providerOptions: {} })), false);
  });

  it('models take references when their prices name reference or video input', () => {
    assert.deepEqual(
      MODELS.filter(takesInputReferences).map((m) => m.id).sort(),
      ['bytedance/seedance-2.0', 'bytedance/seedance-2.0-fast', 'bytedance/seedance-2.0-mini', 'bytedance/seedance-2.5', 'heygen/heygen-video-1', 'minimax/hailuo-3'],
    );
  });

  it('validation: refused by a model that takes none, beside frame images, and when not an image', () => {
    const refs = [{ path: 'style.png', byteLength: 10 }];
    assert.deepEqual(validateRequest(HAILUO, request(HAILUO, { inputReferences: refs })).problems, []);
    const notTaken = validateRequest(VEO, request(VEO, { inputReferences: refs })).problems;
    assert.deepEqual(notTaken.map((p) => p.code), ['referencesNotTaken']);
    assert.equal(wordProblem(l10n, notTaken[0]!), 'Google: Veo 3.1 does not take reference images. Remove the reference image, or pick a model that takes them.');
    const withFrames = validateRequest(HAILUO, request(HAILUO, { inputReferences: refs, frames: [{ frameType: 'first_frame', path: 'start.png' }] })).problems;
    assert.deepEqual(withFrames.map((p) => p.code), ['referencesWithFrames']);
    const gif = validateRequest(HAILUO, request(HAILUO, { inputReferences: [{ path: 'dance.gif' }] })).problems;
    assert.deepEqual(gif.map((p) => [p.code, p.params?.extension]), [['referenceNotImage', 'gif']]);
    assert.match(wordProblem(l10n, gif[0]!), /reference image "dance\.gif" is not a PNG, JPEG or WebP image \(it is a \.gif file\)/);
  });

  it('the body size counts each reference as a base64 data URL', () => {
    const plain = request(HAILUO, { inputReferences: [{ path: 'a.png', byteLength: 30 }] });
    const skeleton = Buffer.byteLength(JSON.stringify(toWireRequest(plain, new Map([['a.png', '']]))));
    assert.equal(estimateBodyBytes(plain), skeleton + 'data:image/png;base64,'.length + 40);
    const big = request(HAILUO, { inputReferences: [{ path: 'a.png', byteLength: 20 * 1024 * 1024 }, { path: 'b.png', byteLength: 20 * 1024 * 1024 }] });
    assert.deepEqual(validateRequest(HAILUO, big).problems.map((p) => p.code), ['bodyTooLarge']);
  });

  it('prices HeyGen by its reference rate and MiniMax per reference image (approximate)', () => {
    const heygen = estimateCost(HEYGEN, request(HEYGEN, { resolution: '768p', aspectRatio: '16:9', inputReferences: [{ path: 'a.png' }] }));
    assert.ok(heygen.kind === 'estimate');
    assert.equal(heygen.usd, 0.36); // 6 s × $0.06 instead of 6 s × $0.03
    const withoutRefs = estimateCost(HEYGEN, request(HEYGEN, { resolution: '768p', aspectRatio: '16:9' }));
    assert.ok(withoutRefs.kind === 'estimate');
    assert.equal(withoutRefs.usd, 0.18);
    const hailuo = estimateCost(HAILUO, request(HAILUO, { inputReferences: [{ path: 'a.png' }, { path: 'b.png' }] }));
    assert.ok(hailuo.kind === 'estimate');
    assert.equal(hailuo.usd, 0.86); // 6 s × $0.13 + 2 × $0.04
    assert.equal(hailuo.approximate, true);
    assert.match(wordCostBasis(l10n, hailuo.basis), /\+ 2 reference images × \$0\.04 \(approximate/);
  });

  it('the settings line of the summary and the confirmation counts reference images and provider options', () => {
    const line = wordRequestSettings(l10n, request(HAILUO, { inputReferences: [{ path: 'a.png' }, { path: 'b.png' }], providerOptions: { minimax: { aigc_watermark: false } } }));
    assert.equal(line, '6 s · 2 reference image(s) · 1 provider option(s)');
  });

  describe('sent to the fake OpenRouter', () => {
    let fake: FakeOpenRouter;
    let dir: string;
    let core: StoreAndClient;

    beforeEach(async () => {
      fake = await FakeOpenRouter.start();
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'references-'));
      core = await openStoreAndClient({ fake, storePath: path.join(dir, 'jobs.json') });
    });

    afterEach(async () => {
      await core.close();
      await fake.close();
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('plans (sizing each local reference), inlines them at submit, and records only their paths', async () => {
      const style = path.join(dir, 'images', 'style.png');
      const asked: string[] = [];
      const plan = await planSubmit(
        HAILUO,
        request(HAILUO, { inputReferences: [{ path: style, mimeType: 'image/png' }, { path: 'https://example.com/look.jpg' }], providerOptions: { minimax: { aigc_watermark: false } } }),
        { sizeOf: async (file) => (asked.push(file), 321) },
      );
      assert.deepEqual(asked, [style]);
      assert.deepEqual(plan.request.inputReferences, [{ path: style, mimeType: 'image/png', byteLength: 321 }, { path: 'https://example.com/look.jpg' }]);
      const read: string[] = [];
      const readImage = async (file: string) => (read.push(file), { dataUrl: 'data:image/png;base64,c3R5bGU=', mimeType: 'image/png', bytes: 5 });
      const record = await submitJob({ api: core.api, store: core.store, clock: systemClock, logger: new TestLogger(), readImage, onAccepted: () => undefined }, plan, dir);
      assert.deepEqual(read, [style]);

      const body = JSON.parse(fake.requestsTo('submit')[0]!.body) as Record<string, unknown>;
      assert.deepEqual(body.input_references, [
        { type: 'image_url', image_url: { url: 'data:image/png;base64,c3R5bGU=' } },
        { type: 'image_url', image_url: { url: 'https://example.com/look.jpg' } },
      ]);
      assert.deepEqual(body.provider, { options: { minimax: { parameters: { aigc_watermark: false } } } });
      assert.deepEqual(record.request.inputReferences?.map((r) => r.path), [style, 'https://example.com/look.jpg']);
      assert.doesNotMatch(JSON.stringify(record), /base64/);

      const sidecar = buildSidecar({ ...record, state: 'saved' }, { index: 0, file: path.join(dir, 'clip.mp4') }, 't', dir);
      assert.deepEqual(sidecar.rerun.inputReferences, ['images/style.png', 'https://example.com/look.jpg']);
      assert.deepEqual(sidecar.request.inputReferences, [{ path: 'images/style.png', mimeType: 'image/png' }, { path: 'https://example.com/look.jpg' }]);
    });
  });
});
