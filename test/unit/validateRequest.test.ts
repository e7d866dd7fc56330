import * as assert from 'node:assert/strict';
import type { VideoModel } from '../../src/core/api/schemas';
import { toWireRequest, type FrameImageInput, type VideoRequest } from '../../src/core/api/videoRequest';
import { defaultsFor, supportsTextToVideo } from '../../src/core/models/modelCapabilities';
import type { ProblemCode, ProblemField } from '../../src/core/models/problems';
import { DEFAULT_MAX_BODY_BYTES, estimateBodyBytes, imageMimeType, validateRequest, type ValidationResult } from '../../src/core/models/validateRequest';
import { wordProblem, wordProblems } from '../../src/host/problemWords';
import { MODELS, model } from './helpers/capturedModels';
import { l10n } from './helpers/fakeL10n';

const VEO = model('google/veo-3.1');
const VEO_LITE = model('google/veo-3.1-lite');
const GROK = model('x-ai/grok-imagine-video-1.5');
const HEYGEN = model('heygen/heygen-video-1');
const GEN45 = model('runway/gen-4.5');

function request(m: VideoModel, extra: Partial<VideoRequest> = {}): VideoRequest {
  return { model: m.id, prompt: 'A lighthouse at dusk, waves crashing', ...extra };
}

function frame(frameType: FrameImageInput['frameType'], file = 'images/start.png', extra: Partial<FrameImageInput> = {}): FrameImageInput {
  return { frameType, path: file, byteLength: 100_000, ...extra };
}

function fields(result: ValidationResult): ProblemField[] {
  return result.problems.map((p) => p.field);
}

/** The one problem's sentence, as the host words it; with `code`, checks that too. */
function only(result: ValidationResult, field: ProblemField, code?: ProblemCode): string {
  assert.deepEqual(fields(result), [field], wordProblems(l10n, result.problems));
  assert.equal(result.ok, false);
  if (code !== undefined) assert.equal(result.problems[0]!.code, code);
  return wordProblem(l10n, result.problems[0]!);
}

describe('validateRequest', () => {
  it('accepts a plain valid request', () => {
    const result = validateRequest(VEO, request(VEO, { duration: 8, resolution: '1080p', aspectRatio: '16:9', generateAudio: true, seed: 42 }));
    assert.deepEqual(result, { ok: true, problems: [], omitAudioFlag: false });
  });

  describe('prompt', () => {
    it('an empty prompt without a first frame is a problem', () => {
      const message = only(validateRequest(VEO, request(VEO, { prompt: '   \n' })), 'prompt');
      assert.equal(message, 'The prompt is empty. Write a prompt that describes the video, or add a first-frame image.');
      only(validateRequest(VEO, request(VEO, { prompt: undefined })), 'prompt');
    });
    it('an empty prompt with a first frame is fine', () => {
      assert.equal(validateRequest(VEO, request(VEO, { prompt: '', frames: [frame('first_frame')] })).ok, true);
    });
    it('a last frame alone does not replace the prompt', () => {
      only(validateRequest(VEO, request(VEO, { prompt: '', frames: [frame('last_frame')] })), 'prompt');
    });
  });

  describe('duration', () => {
    it('names the model and lists the choices ascending (Veo Lite lists [8,4,6])', () => {
      const message = only(validateRequest(VEO_LITE, request(VEO_LITE, { duration: 5 })), 'duration', 'durationNotOffered');
      assert.equal(message, 'Duration 5 s is not available for Google: Veo 3.1 Lite. Choose 4, 6 or 8 s.');
    });
    it('a long run of durations is shown as a range', () => {
      const wan = model('alibaba/wan-3.0');
      assert.equal(only(validateRequest(wan, request(wan, { duration: 31 })), 'duration'), 'Duration 31 s is not available for Alibaba: Wan 3.0. Choose a whole number of seconds from 2 to 30.');
    });
    it('two choices read "a or b"', () => {
      const o1 = model('kwaivgi/kling-video-o1');
      assert.match(only(validateRequest(o1, request(o1, { duration: 7 })), 'duration'), /Choose 5 or 10 s\.$/);
    });
    it('a duration sent to a model that takes none is a problem', () => {
      const avatar = model('heygen/avatar-iv');
      assert.equal(only(validateRequest(avatar, request(avatar, { duration: 5 })), 'duration', 'durationNotTaken'), 'HeyGen: Avatar IV does not take a duration. Remove the duration.');
    });
    it('no duration is fine (the provider default applies)', () => {
      assert.equal(validateRequest(VEO, request(VEO)).ok, true);
    });
  });

  describe('resolution, aspect ratio and size', () => {
    it('resolution not in the set', () => {
      assert.equal(
        only(validateRequest(VEO_LITE, request(VEO_LITE, { resolution: '4K' })), 'resolution'),
        'Resolution 4K is not available for Google: Veo 3.1 Lite. Choose 720p or 1080p.',
      );
    });
    it('resolutions are listed low to high', () => {
      const max = model('minimax/hailuo-3-max');
      assert.match(only(validateRequest(max, request(max, { resolution: '1080p' })), 'resolution'), /Choose 480p or 768p\.$/);
    });
    it('resolution on a model without resolutions', () => {
      const aleph = model('runway/aleph-2');
      const result = validateRequest(aleph, request(aleph, { resolution: '720p' }));
      assert.ok(result.problems.some((p) => p.field === 'resolution' && wordProblem(l10n, p) === 'Runway: Aleph 2.0 does not take a resolution. Remove the resolution.'));
    });
    it('aspect ratio not in the set', () => {
      assert.equal(
        only(validateRequest(VEO, request(VEO, { aspectRatio: '1:1' })), 'aspectRatio'),
        'Aspect ratio 1:1 is not available for Google: Veo 3.1. Choose 16:9 or 9:16.',
      );
    });
    it('aspect ratio on a model without ratios', () => {
      const edit = model('black-forest-labs/flux-video-edit');
      assert.ok(validateRequest(edit, request(edit, { aspectRatio: '16:9' })).problems.some((p) => p.field === 'aspectRatio'));
    });
    it('size not in the set', () => {
      assert.equal(
        only(validateRequest(GEN45, request(GEN45, { size: '1920x1080' })), 'size'),
        'Size 1920x1080 is not available for Runway: Gen-4.5. Choose 1280x720 or 720x1280.',
      );
    });
    it('size on a model with no sizes', () => {
      assert.match(only(validateRequest(GROK, request(GROK, { size: '1280x720' })), 'size'), /does not take a size/);
    });
    it('a valid size alone passes', () => {
      assert.equal(validateRequest(GEN45, request(GEN45, { size: '720x1280', duration: 5 })).ok, true);
    });
    it('size together with resolution or aspect ratio is a problem', () => {
      assert.match(only(validateRequest(GEN45, request(GEN45, { size: '1280x720', resolution: '720p' })), 'size', 'sizeAndResolution'), /Send one or the other/);
      only(validateRequest(GEN45, request(GEN45, { size: '1280x720', aspectRatio: '16:9' })), 'size');
    });
  });

  describe('frame images', () => {
    it('a frame type the model does not accept', () => {
      const message = only(validateRequest(GROK, request(GROK, { frames: [frame('first_frame'), frame('last_frame', 'end.png')] })), 'frames');
      assert.equal(message, 'SpaceXAI: Grok Imagine Video 1.5 does not accept a last-frame image; it accepts only a first-frame image. Remove the last-frame image.');
    });
    it('a model with no frame images at all', () => {
      const avatar = model('heygen/avatar-iv');
      assert.equal(only(validateRequest(avatar, request(avatar, { frames: [frame('first_frame')] })), 'frames'), 'HeyGen: Avatar IV does not accept frame images. Remove the image.');
    });
    it('two images of the same frame type', () => {
      const message = only(validateRequest(VEO, request(VEO, { frames: [frame('first_frame', 'a.png'), frame('first_frame', 'b.png')] })), 'frames');
      assert.equal(message, 'There are 2 first-frame images; only one can be sent. Keep one and remove the others.');
    });
    it('first and last frame together are fine where supported', () => {
      assert.equal(validateRequest(VEO, request(VEO, { frames: [frame('first_frame'), frame('last_frame', 'end.jpg')] })).ok, true);
    });
  });

  describe('image type', () => {
    it('accepts PNG, JPEG and WebP by MIME type or extension', () => {
      for (const f of [
        frame('first_frame', 'a.PNG'),
        frame('first_frame', 'b.jpeg'),
        frame('first_frame', 'c.jpg'),
        frame('first_frame', 'file:///work/d.webp'),
        frame('first_frame', 'noext', { mimeType: 'image/webp' }),
        frame('first_frame', 'x.gif', { mimeType: 'IMAGE/JPEG' }),
      ]) {
        assert.equal(validateRequest(VEO, request(VEO, { frames: [f] })).ok, true, f.path);
      }
    });
    it('rejects another MIME type', () => {
      const message = only(validateRequest(VEO, request(VEO, { frames: [frame('first_frame', 'images/cat.png', { mimeType: 'image/gif' })] })), 'frames');
      assert.equal(message, 'The first-frame image "cat.png" is not a PNG, JPEG or WebP image (its type is image/gif). Convert it to PNG, JPEG or WebP.');
    });
    it('rejects another extension when there is no MIME type', () => {
      assert.match(only(validateRequest(VEO, request(VEO, { frames: [frame('first_frame', 'images/cat.heic?x=1')] })), 'frames'), /"cat.heic" .*it is a \.heic file/);
      assert.match(only(validateRequest(VEO, request(VEO, { frames: [frame('first_frame', 'images/cat')] })), 'frames', 'frameNotImage'), /cannot be told from the name/);
    });
    it('imageMimeType', () => {
      assert.equal(imageMimeType({ path: 'x/y.JPG' }), 'image/jpeg');
      assert.equal(imageMimeType({ path: 'x/y.png', mimeType: 'image/webp' }), 'image/webp');
      assert.equal(imageMimeType({ path: 'x/y' }), undefined);
    });
  });

  describe('seed', () => {
    it('a seed on a model that does not support one (false or null)', () => {
      const o1 = model('kwaivgi/kling-video-o1');
      assert.equal(only(validateRequest(o1, request(o1, { seed: 1 })), 'seed'), 'Kling: Video O1 does not support a seed. Remove the seed.');
      only(validateRequest(GROK, request(GROK, { seed: 1 })), 'seed');
    });
    it('a seed that is not a whole number', () => {
      assert.match(only(validateRequest(VEO, request(VEO, { seed: 1.5 })), 'seed'), /whole number/);
      only(validateRequest(VEO, request(VEO, { seed: Number.NaN })), 'seed');
    });
  });

  describe('audio', () => {
    it('an audio setting on a model with no audio control (null)', () => {
      assert.equal(only(validateRequest(GROK, request(GROK, { generateAudio: false })), 'generateAudio'), 'SpaceXAI: Grok Imagine Video 1.5 has no audio control. Remove the audio setting.');
      only(validateRequest(GROK, request(GROK, { generateAudio: true })), 'generateAudio');
    });
    it('HeyGen quirk: false on a model reporting false is fine but the flag must be omitted', () => {
      const result = validateRequest(HEYGEN, request(HEYGEN, { generateAudio: false }));
      assert.deepEqual(result, { ok: true, problems: [], omitAudioFlag: true });
      const wire = toWireRequest(request(HEYGEN, { generateAudio: false }), new Map(), { omitAudioFlag: result.omitAudioFlag });
      assert.equal('generate_audio' in wire, false);
    });
    it('true on a model reporting false is a problem', () => {
      assert.equal(only(validateRequest(GEN45, request(GEN45, { generateAudio: true })), 'generateAudio'), 'Runway: Gen-4.5 cannot generate audio. Turn audio off.');
      assert.match(only(validateRequest(HEYGEN, request(HEYGEN, { generateAudio: true })), 'generateAudio'), /adds its own audio/);
    });
    it('either value on a toggle model is fine and keeps the flag', () => {
      assert.deepEqual(validateRequest(VEO, request(VEO, { generateAudio: false })), { ok: true, problems: [], omitAudioFlag: false });
    });
  });

  describe('provider options', () => {
    it('an unknown key names the key and the allowed ones', () => {
      const message = only(validateRequest(VEO, request(VEO, { providerOptions: { 'google-vertex': { negativePrompt: 'blur', seedish: 1 } } })), 'providerOptions');
      assert.equal(
        message,
        'Provider option "seedish" is not accepted by Google: Veo 3.1. Remove it; the accepted ones are personGeneration, aspectRatio, negativePrompt, conditioningScale, enhancePrompt.',
      );
    });
    it('any key on a model that allows none', () => {
      assert.match(only(validateRequest(GROK, request(GROK, { providerOptions: { xai: { style: 'x' } } })), 'providerOptions'), /accepts no provider options, so "style"/);
    });
    it('allowed keys pass', () => {
      assert.equal(validateRequest(VEO, request(VEO, { providerOptions: { 'google-vertex': { negativePrompt: 'blur', enhancePrompt: true } } })).ok, true);
    });
  });

  describe('callback URL', () => {
    it('must be https', () => {
      assert.equal(only(validateRequest(VEO, request(VEO, { callbackUrl: 'http://example.com/hook' })), 'callbackUrl'), 'The callback URL must use https:// (it uses http://). Use an https:// address.');
      assert.match(only(validateRequest(VEO, request(VEO, { callbackUrl: 'not a url' })), 'callbackUrl', 'callbackUrlInvalid'), /not a valid URL/);
      assert.equal(validateRequest(VEO, request(VEO, { callbackUrl: 'https://example.com/hook' })).ok, true);
    });
  });

  describe('body size', () => {
    it('counts base64 and the data-URL prefix', () => {
      const plain = request(VEO);
      const skeleton = Buffer.byteLength(JSON.stringify(toWireRequest({ ...plain, frames: [frame('first_frame', 'a.png', { byteLength: 10 })] }, new Map([['a.png', '']]))));
      assert.equal(estimateBodyBytes({ ...plain, frames: [frame('first_frame', 'a.png', { byteLength: 10 })] }), skeleton + 'data:image/png;base64,'.length + 16);
    });
    it('over 50 MiB after base64 is a problem naming the size and the limit', () => {
      assert.equal(DEFAULT_MAX_BODY_BYTES, 52_428_800);
      // 2 × 20 MiB raw → about 53.3 MiB of base64.
      const frames = [frame('first_frame', 'a.png', { byteLength: 20 * 1024 * 1024 }), frame('last_frame', 'b.png', { byteLength: 20 * 1024 * 1024 })];
      const message = only(validateRequest(VEO, request(VEO, { frames })), 'body', 'bodyTooLarge');
      assert.equal(message, 'The request would be about 53.4 MiB once the images are encoded, over the 50 MiB limit. Use smaller images (resize or compress them).');
    });
    it('just under the limit passes; maxBodyBytes is honoured', () => {
      const frames = [frame('first_frame', 'a.png', { byteLength: 37 * 1024 * 1024 })]; // about 49.3 MiB
      assert.equal(validateRequest(VEO, request(VEO, { frames })).ok, true);
      only(validateRequest(VEO, request(VEO, { frames }), { maxBodyBytes: 10 * 1024 * 1024 }), 'body');
    });
  });

  describe('model', () => {
    it('an edit or upscale model cannot generate from a prompt', () => {
      for (const id of ['black-forest-labs/flux-video-edit', 'black-forest-labs/flux-video-upscale', 'runway/aleph-2']) {
        const m = model(id);
        assert.match(only(validateRequest(m, request(m)), 'model'), /cannot be used to generate from a prompt/, id);
      }
    });
    it('a request for another model is a problem', () => {
      assert.match(only(validateRequest(VEO, request(VEO, { model: 'google/veo-3.1-lite' })), 'model'), /checked against "google\/veo-3.1"/);
    });
  });

  it('returns all problems at once', () => {
    const result = validateRequest(
      GROK,
      {
        model: GROK.id,
        prompt: ' ',
        duration: 20,
        resolution: '4K',
        aspectRatio: '21:9',
        size: '1280x720',
        seed: 3,
        generateAudio: true,
        frames: [frame('last_frame', 'end.bmp')],
        providerOptions: { xai: { foo: 1 } },
        callbackUrl: 'http://localhost/hook',
      },
    );
    assert.equal(result.ok, false);
    assert.deepEqual(fields(result), [
      'prompt',
      'duration',
      'resolution',
      'aspectRatio',
      'size',
      'size',
      'frames',
      'frames',
      'seed',
      'generateAudio',
      'providerOptions',
      'callbackUrl',
    ]);
    const paragraph = wordProblems(l10n, result.problems);
    assert.ok(paragraph.startsWith('12 problems: The prompt is empty.'), paragraph);
    assert.ok(!paragraph.includes('\n'));
  });

  it('gives the facts as params, never words: the values offered stay a list', () => {
    const [problem] = validateRequest(VEO_LITE, request(VEO_LITE, { duration: 5 })).problems;
    assert.deepEqual(problem, { field: 'duration', code: 'durationNotOffered', params: { name: 'Google: Veo 3.1 Lite', value: 5, choices: [4, 6, 8] } });
  });

  describe("every text-to-video model's own defaults pass", () => {
    for (const m of MODELS.filter(supportsTextToVideo)) {
      it(m.id, () => {
        const result = validateRequest(m, { model: m.id, prompt: 'A red fox in fresh snow', ...defaultsFor(m) });
        assert.deepEqual(result.problems, []);
        assert.equal(result.ok, true);
      });
    }
    it('covers 26 models', () => {
      assert.equal(MODELS.filter(supportsTextToVideo).length, 26);
    });
  });
});
