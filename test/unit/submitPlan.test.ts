/**
 * planSubmit: the one place a request is checked and priced before a submit. Image sizes the caller left out
 * are filled in first, so the request-size limit is checked once, on known sizes.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OpenRouterError } from '../../src/core/api/errors';
import type { VideoRequest } from '../../src/core/api/videoRequest';
import { planSubmit } from '../../src/core/jobs/submitPlan';
import { RequestValidationError } from '../../src/core/models/problems';
import { validateRequest } from '../../src/core/models/validateRequest';
import { estimateCost } from '../../src/core/pricing/estimateCost';
import { model } from './helpers/capturedModels';

const MiB = 1024 * 1024;
const veo = model('google/veo-3.1');
const REQUEST: VideoRequest = { model: veo.id, prompt: 'A heron lifting off a misty lake', duration: 4, resolution: '720p', aspectRatio: '16:9' };

/** A sizeOf that records the paths it was asked about. */
function sizes(bytes: number): { sizeOf: (file: string) => Promise<number>; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    sizeOf: async (file) => {
      asked.push(file);
      return bytes;
    },
  };
}

describe('planSubmit', () => {
  it('validates and prices the request once: the estimate and the audio flag are the ones validation and pricing give', async () => {
    const plan = await planSubmit(veo, REQUEST);
    assert.equal(plan.model, veo);
    assert.deepEqual(plan.request, REQUEST);
    assert.deepEqual(plan.estimate, estimateCost(veo, REQUEST));
    assert.equal(plan.estimate.kind, 'estimate');
    assert.equal(plan.omitAudioFlag, false);

    // A model that reports generate_audio: false and rejects an explicit false (HeyGen): the flag is left out.
    const heygen = model('heygen/heygen-video-1');
    const quiet: VideoRequest = { model: heygen.id, prompt: 'A presenter waves', duration: 5, resolution: '480p', generateAudio: false };
    const heygenPlan = await planSubmit(heygen, quiet);
    assert.equal(heygenPlan.omitAudioFlag, validateRequest(heygen, quiet).omitAudioFlag);
    assert.equal(heygenPlan.omitAudioFlag, true);
  });

  it('refuses a request that does not fit the model, with every problem', async () => {
    const bad: VideoRequest = { ...REQUEST, duration: 5, resolution: '480p' };
    await assert.rejects(planSubmit(veo, bad), (error: unknown) => {
      assert.ok(error instanceof RequestValidationError);
      assert.equal(error.kind, 'badRequest');
      assert.deepEqual(error.problems.map((p) => p.code).sort(), ['durationNotOffered', 'resolutionNotOffered']);
      return true;
    });
  });

  it('fills in the size of each local image the caller left out (not of URLs, nor of sizes given), leaving the request it was given alone', async () => {
    const { sizeOf, asked } = sizes(2048);
    const request: VideoRequest = {
      ...REQUEST,
      frames: [
        { frameType: 'first_frame', path: '/img/first.png' },
        { frameType: 'last_frame', path: '/img/last.png', byteLength: 10 },
      ],
    };
    const plan = await planSubmit(veo, request, { sizeOf });
    assert.deepEqual(asked, ['/img/first.png']);
    assert.deepEqual(plan.request.frames?.map((f) => f.byteLength), [2048, 10]);
    assert.equal(request.frames?.[0]?.byteLength, undefined, 'the caller\'s request is not changed');

    const url: VideoRequest = { ...REQUEST, frames: [{ frameType: 'first_frame', path: 'https://example.test/a.png' }] };
    const remote = await planSubmit(veo, url, { sizeOf: async () => assert.fail('a URL is not sized') });
    assert.equal(remote.request.frames?.[0]?.byteLength, undefined);
  });

  it('checks the 50 MiB request limit on the sizes it filled in', async () => {
    const request: VideoRequest = { ...REQUEST, frames: [{ frameType: 'first_frame', path: '/img/big.png' }] };
    await assert.rejects(planSubmit(veo, request, sizes(40 * MiB)), (error: unknown) => {
      assert.ok(error instanceof RequestValidationError);
      assert.deepEqual(error.problems.map((p) => [p.field, p.code]), [['body', 'bodyTooLarge']]);
      assert.ok(Number(error.problems[0]!.params?.['bytes']) > 50 * MiB);
      return true;
    });
    assert.ok(await planSubmit(veo, request, sizes(MiB)), 'the same request with a small image is fine');
  });

  it('reads sizes from the disk by default, and names an image it cannot read (nothing submitted)', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'plan-'));
    try {
      const image = path.join(dir, 'first.png');
      await fs.writeFile(image, Buffer.alloc(1234));
      const plan = await planSubmit(veo, { ...REQUEST, frames: [{ frameType: 'first_frame', path: image }] });
      assert.equal(plan.request.frames?.[0]?.byteLength, 1234);

      const missing = path.join(dir, 'missing.png');
      await assert.rejects(planSubmit(veo, { ...REQUEST, frames: [{ frameType: 'first_frame', path: missing }] }), (error: unknown) => {
        assert.ok(OpenRouterError.is(error, 'io'));
        assert.equal(error.reason, 'imageUnreadable');
        assert.equal(error.params['path'], missing);
        return true;
      });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
