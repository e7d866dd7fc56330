/**
 * Bad input → the exact message the user gets, for every message that comes from src/core (plain Node,
 * no vscode). docs/troubleshooting.md lists each row and names its test here; the host's own messages
 * (settings, the Generate Video command, Set API Key) are asserted in test/integration/faults.test.ts.
 * Where a message has a real path to it (an HTTP status from the fake, a folder under a file), the test
 * takes that path rather than calling the formatter.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OpenRouterError } from '../../src/core/api/errors';
import { createVideoApi } from '../../src/core/api/client';
import { RateLimitGate } from '../../src/core/api/retry';
import type { VideoModel } from '../../src/core/api/schemas';
import type { VideoRequest } from '../../src/core/api/videoRequest';
import { downloadOutput } from '../../src/core/download/downloader';
import { diskError, reserveUniquePath, validateOutputDirectory } from '../../src/core/download/fileNames';
import { JobPoller } from '../../src/core/jobs/jobPoller';
import { JobService } from '../../src/core/jobs/jobService';
import { parseJobId } from '../../src/core/jobs/recoverJob';
import { remoteFailurePatch } from '../../src/core/jobs/remoteStatus';
import { planSubmit } from '../../src/core/jobs/submitPlan';
import { JobStore } from '../../src/core/jobs/jobStore';
import { RequestValidationError } from '../../src/core/models/problems';
import { validateRequest } from '../../src/core/models/validateRequest';
import { errorMessage, wordErrorInfo } from '../../src/host/errorMessages';
import { wordProblem } from '../../src/host/problemWords';
import { FakeOpenRouter, fixtureModels, type Fault } from '../fake-openrouter/fakeOpenRouter';
import { l10n } from './helpers/fakeL10n';
import { MemoryStorage } from './helpers/memoryStorage';

const model = (id: string) => fixtureModels().find((m) => (m as { id?: string }).id === id) as VideoModel;

/** The one problem validateRequest finds in `extra` on top of a valid request for `id`, as the host words it. */
function problem(id: string, extra: Partial<VideoRequest>, base: Partial<VideoRequest> = { prompt: 'a paper boat' }): string {
  const result = validateRequest(model(id), { model: id, ...base, ...extra });
  assert.equal(result.problems.length, 1, `one problem: ${JSON.stringify(result.problems)}`);
  return wordProblem(l10n, result.problems[0]!);
}

const SET_TO = 'Set "openrouterVideo.outputDirectory" to a folder inside the workspace, relative to it, such as "videos" or "media/videos".';
const DOWNLOAD_AGAIN = 'The job stays downloadable: run Download Again from the Jobs view.';

/** Asserts that `promise` rejects with an error the host words as `expected.message`. */
async function assertWords(promise: Promise<unknown>, expected: { message: string }): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.equal(errorMessage(l10n, error), expected.message);
    return true;
  });
}

/** The words of what `run` throws. */
function wordsOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return errorMessage(l10n, error);
  }
  return assert.fail('expected a throw');
}

describe('Bad input: the exact message (core)', () => {
  describe('the request, checked before anything is sent (validateRequest)', () => {
    const rows: [string, () => string, string][] = [
      ['a duration the model does not offer', () => problem('google/veo-3.1', { duration: 5 }), 'Duration 5 s is not available for Google: Veo 3.1. Choose 4, 6 or 8 s.'],
      [
        'a duration outside a range of whole seconds',
        () => problem('alibaba/wan-2.7', { duration: 12 }),
        'Duration 12 s is not available for Alibaba: Wan 2.7. Choose a whole number of seconds from 2 to 10.',
      ],
      ['a duration for a model that takes none', () => problem('heygen/avatar-iv', { duration: 5 }), 'HeyGen: Avatar IV does not take a duration. Remove the duration.'],
      ['a resolution the model does not offer', () => problem('google/veo-3.1', { resolution: '480p' }), 'Resolution 480p is not available for Google: Veo 3.1. Choose 720p, 1080p or 4K.'],
      ['an aspect ratio the model does not offer', () => problem('google/veo-3.1', { aspectRatio: '1:1' }), 'Aspect ratio 1:1 is not available for Google: Veo 3.1. Choose 16:9 or 9:16.'],
      [
        'a size the model does not offer',
        () => problem('google/veo-3.1', { size: '640x480' }),
        'Size 640x480 is not available for Google: Veo 3.1. Choose 1280x720, 1080x1920, 1920x1080, 720x1280, 3840x2160 or 2160x3840.',
      ],
      [
        'a size for a model that takes none',
        () => problem('heygen/heygen-video-1', { size: '640x480' }),
        'HeyGen: HeyGen Video does not take a size (width x height). Remove the size and use the resolution and aspect ratio instead.',
      ],
      [
        'both a size and a resolution',
        () => problem('google/veo-3.1', { size: '1280x720', resolution: '720p' }),
        'Both a size and a resolution or aspect ratio are set. Send one or the other: remove the size, or remove the resolution and aspect ratio.',
      ],
      [
        'a frame image for a model that takes none',
        () => problem('heygen/avatar-iv', { frames: [{ frameType: 'first_frame', path: 'a.png' }] }),
        'HeyGen: Avatar IV does not accept frame images. Remove the image.',
      ],
      [
        'a last frame for a model that takes only a first frame',
        () => problem('x-ai/grok-imagine-video', { frames: [{ frameType: 'last_frame', path: 'a.png' }] }),
        'SpaceXAI: Grok Imagine Video does not accept a last-frame image; it accepts only a first-frame image. Remove the last-frame image.',
      ],
      [
        'two first frames',
        () => problem('google/veo-3.1', { frames: [{ frameType: 'first_frame', path: 'a.png' }, { frameType: 'first_frame', path: 'b.png' }] }),
        'There are 2 first-frame images; only one can be sent. Keep one and remove the others.',
      ],
      [
        'a frame image that is not an image (by its name)',
        () => problem('google/veo-3.1', { frames: [{ frameType: 'first_frame', path: '/w/notes.txt' }] }),
        'The first-frame image "notes.txt" is not a PNG, JPEG or WebP image (it is a .txt file). Convert it to PNG, JPEG or WebP.',
      ],
      [
        'a frame image whose type cannot be told',
        () => problem('google/veo-3.1', { frames: [{ frameType: 'first_frame', path: '/w/picture' }] }),
        'The first-frame image "picture" is not a PNG, JPEG or WebP image (its type cannot be told from the name). Convert it to PNG, JPEG or WebP.',
      ],
      [
        'frame images too big for the 50 MiB request limit',
        () => problem('google/veo-3.1', { frames: [{ frameType: 'first_frame', path: '/w/big.png', byteLength: 45 * 1024 * 1024 }] }),
        'The request would be about 60.1 MiB once the images are encoded, over the 50 MiB limit. Use smaller images (resize or compress them).',
      ],
      ['a seed for a model that takes none', () => problem('x-ai/grok-imagine-video', { seed: 1 }), 'SpaceXAI: Grok Imagine Video does not support a seed. Remove the seed.'],
      ['a seed that is not a whole number', () => problem('google/veo-3.1', { seed: 1.5 }), 'The seed must be a whole number (it is 1.5). Use a whole number or remove the seed.'],
      ['audio for a model without an audio control', () => problem('x-ai/grok-imagine-video', { generateAudio: true }), 'SpaceXAI: Grok Imagine Video has no audio control. Remove the audio setting.'],
      ['audio for a model that makes none', () => problem('minimax/hailuo-2.3', { generateAudio: true }), 'MiniMax: Hailuo 2.3 cannot generate audio. Turn audio off.'],
      [
        'an audio setting for a model that always adds audio',
        () => problem('heygen/heygen-video-1', { generateAudio: true }),
        'HeyGen: HeyGen Video adds its own audio and takes no audio setting. Remove the audio setting.',
      ],
      [
        'a provider option for a model that takes none',
        () => problem('x-ai/grok-imagine-video', { providerOptions: { xai: { foo: 1 } } }),
        'SpaceXAI: Grok Imagine Video accepts no provider options, so "foo" would be dropped. Remove it.',
      ],
      [
        'a provider option the model does not accept',
        () => problem('minimax/hailuo-2.3', { providerOptions: { minimax: { foo: 1 } } }),
        'Provider option "foo" is not accepted by MiniMax: Hailuo 2.3. Remove it; the accepted ones are prompt_optimizer, fast_pretreatment.',
      ],
      ['a callback URL that is not a URL', () => problem('google/veo-3.1', { callbackUrl: 'not a url' }), 'The callback URL "not a url" is not a valid URL. Use an https:// address.'],
      ['a callback URL on http://', () => problem('google/veo-3.1', { callbackUrl: 'http://example.com/hook' }), 'The callback URL must use https:// (it uses http://). Use an https:// address.'],
      [
        'an empty prompt (model that takes a first frame)',
        () => problem('google/veo-3.1', {}, { prompt: '   ' }),
        'The prompt is empty. Write a prompt that describes the video, or add a first-frame image.',
      ],
      ['an empty prompt (text-only model)', () => problem('heygen/avatar-iv', {}, {}), 'The prompt is empty. Write a prompt that describes the video.'],
      [
        'an edit/upscale model used to generate',
        () => problem('black-forest-labs/flux-video-edit', {}),
        'Black Forest Labs: FLUX Video Edit edits or upscales an existing video and cannot be used to generate from a prompt. Choose a text-to-video model.',
      ],
      [
        'several problems at once (public API: RequestValidationError)',
        () => errorMessage(l10n, new RequestValidationError(validateRequest(model('google/veo-3.1'), { model: 'google/veo-3.1', prompt: 'p', duration: 5, resolution: '480p' }).problems)),
        'Nothing was submitted. 2 problems: Duration 5 s is not available for Google: Veo 3.1. Choose 4, 6 or 8 s. Resolution 480p is not available for Google: Veo 3.1. Choose 720p, 1080p or 4K.',
      ],
    ];
    for (const [title, produce, message] of rows) {
      it(title, () => assert.equal(produce(), message));
    }
  });

  describe('the output folder setting (validateOutputDirectory)', () => {
    const rows: [string, string, string, string][] = [
      ['an absolute output folder', '/w', '/etc', `The output folder "/etc" is an absolute path; videos are only saved inside the workspace. ${SET_TO}`],
      ['a Windows drive path', '/w', 'C:\\Videos', `The output folder "C:\\Videos" is an absolute path; videos are only saved inside the workspace. ${SET_TO}`],
      ['an output folder in the home folder', '/w', '~/videos', `The output folder "~/videos" points at the home folder; videos are only saved inside the workspace. ${SET_TO}`],
      ['an output folder that climbs out with ..', '/w', 'media/../../x', `The output folder "media/../../x" uses ".." to leave the workspace; videos are only saved inside it. ${SET_TO}`],
      ['an output folder with a character Windows refuses', '/w', 'clips/vid:eos', `The output folder "clips/vid:eos" contains "vid:eos", which is not a valid folder name on every system. ${SET_TO}`],
      ['an output folder named like a device (CON)', '/w', 'CON', `The output folder "CON" contains "CON", which is not a valid folder name on every system. ${SET_TO}`],
      ['no folder open', '', 'videos', 'Open a folder or workspace first: videos are saved inside it.'],
    ];
    for (const [title, workspace, setting, message] of rows) {
      it(title, () => {
        const result = validateOutputDirectory(workspace, setting);
        assert.equal(result.ok, false);
        assert.equal(result.ok ? '' : errorMessage(l10n, new OpenRouterError('io', result.reason, result.params)), message);
      });
    }
  });

  describe('HTTP errors, as the real client reports them (fake OpenRouter)', () => {
    let fake: FakeOpenRouter;
    before(async () => {
      fake = await FakeOpenRouter.start();
    });
    afterEach(() => fake.reset());
    after(() => fake.close());

    const client = (key: string | undefined = fake.apiKey) =>
      createVideoApi({ baseUrl: fake.baseUrl, keyProvider: () => key, fetch: globalThis.fetch, userAgent: 'bad-input-test', maxRetries: 0 });

    async function errorOf(fault: Fault | undefined, call: (api: ReturnType<typeof client>) => Promise<unknown>, key?: string): Promise<OpenRouterError> {
      if (fault) fake.inject(fault);
      const api = client(key);
      try {
        await call(api);
      } catch (error) {
        assert.ok(OpenRouterError.is(error), String(error));
        return error;
      } finally {
        await api.dispose();
      }
      assert.fail('the call succeeded');
    }
    const poll = (api: ReturnType<typeof client>) => api.getJob(fake.createJob('google/veo-3.1').id);

    const rows: [string, Fault | undefined, string | undefined, string][] = [
      ['401: a key OpenRouter does not know', undefined, 'sk-or-v1-unknown-key-0000', 'OpenRouter said: "User not found.". Check your API key: run "OpenRouter Video: Set API Key".'],
      ['403: a key without permission', { route: 'poll', status: 403 }, undefined, 'OpenRouter said: "Forbidden". This key is not allowed to do that; check its permissions at https://openrouter.ai/keys.'],
      [
        '402: no credits',
        { route: 'poll', status: 402 },
        undefined,
        'OpenRouter said: "Insufficient credits. Add more using https://openrouter.ai/credits". Add credits at https://openrouter.ai/credits, then try again.',
      ],
      ['429 with Retry-After', { route: 'poll', status: 429, retryAfter: 3 }, undefined, 'OpenRouter said: "Rate limit exceeded". Wait 3 s and try again.'],
      ['429 without Retry-After', { route: 'poll', status: 429 }, undefined, 'OpenRouter said: "Rate limit exceeded". Wait a moment and try again.'],
      ['400: a request OpenRouter refuses', { route: 'poll', status: 400 }, undefined, 'OpenRouter said: "Invalid request parameters". Change the request and try again.'],
      [
        '404: a job or model that does not exist',
        { route: 'poll', status: 404 },
        undefined,
        'OpenRouter said: "Resource not found". The model or job does not exist (any more); refresh the models list or check the job id.',
      ],
      ['408: OpenRouter timed out', { route: 'poll', status: 408 }, undefined, 'OpenRouter said: "Operation timed out. Please try again later.". Try again in a moment.'],
      ['500', { route: 'poll', status: 500 }, undefined, 'OpenRouter said: "Internal Server Error". OpenRouter or the provider is having trouble; try again in a moment.'],
      ['502', { route: 'poll', status: 502 }, undefined, 'OpenRouter said: "Provider returned error". OpenRouter or the provider is having trouble; try again in a moment.'],
      ['503', { route: 'poll', status: 503 }, undefined, 'OpenRouter said: "Service temporarily unavailable". OpenRouter or the provider is having trouble; try again in a moment.'],
      [
        'a status page instead of JSON',
        { route: 'poll', status: 200, body: '<html>Bad gateway</html>', contentType: 'text/html' },
        undefined,
        'OpenRouter sent the job status that is not JSON (HTTP 200, text/html). Try again; if it keeps happening, check the base URL setting.',
      ],
    ];
    for (const [title, fault, key, message] of rows) {
      it(title, async () => assert.equal(errorMessage(l10n, await errorOf(fault, poll, key)), message));
    }

    for (const status of [401, 403]) {
      it(`a download link refused by the storage host (${status}): not about the key; Download Again asks OpenRouter again`, async () => {
        const job = fake.createJob('google/veo-3.1', { statuses: ['completed'], contentOrigin: 'storage' });
        fake.setJobStatus(job.id, 'completed');
        const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bad-input-link-'));
        const api = client();
        try {
          const url = api.contentUrl(job.id, 0, (await api.getJob(job.id)).unsignedUrls);
          assert.ok(url.startsWith(fake.storageOrigin), url);
          fake.inject({ route: 'storage', status });
          await assert.rejects(downloadOutput(api, { url, targetPath: path.join(dir, 'clip.mp4') }), (error: unknown) => {
            assert.ok(OpenRouterError.is(error, 'notFound'), String(error));
            assert.equal(error.status, status);
            assert.equal(
              errorMessage(l10n, error),
              `The download link was refused by ${new URL(fake.storageOrigin).host} (HTTP ${status}); it may have expired. Nothing was saved. ` +
                'Run Download Again from the Jobs view: it asks OpenRouter for the video again.',
            );
            return true;
          });
          assert.deepEqual(await fs.readdir(dir), [], 'nothing saved, no .part');
          assert.equal(fake.requestsTo('storage').length, 1, 'not retried');
        } finally {
          await api.dispose();
          await fs.rm(dir, { recursive: true, force: true });
        }
      });
    }

    it('no key at all (only reachable from the public API; the commands ask for one first)', async () => {
      const api = createVideoApi({ baseUrl: fake.baseUrl, keyProvider: () => undefined, fetch: globalThis.fetch, userAgent: 'bad-input-test' });
      await assertWords(api.getJob('abc'), { message: 'No OpenRouter API key is set. Run "OpenRouter Video: Set API Key" to set your OpenRouter API key.' });
      await api.dispose();
      assert.equal(fake.requests.length, 0, 'nothing sent');
    });

    it('a polling_url on another origin is refused, before the key is read', async () => {
      let asked = 0;
      const api = createVideoApi({ baseUrl: fake.baseUrl, keyProvider: () => (asked++, fake.apiKey), fetch: globalThis.fetch, userAgent: 'bad-input-test' });
      await assertWords(api.getJob('abc', { pollingUrl: `${fake.storageOrigin}/api/v1/videos/abc` }), {
        message: `Refusing to poll ${fake.storageOrigin}: the job's polling URL is not on the OpenRouter API origin (${fake.origin}), and following it would send your API key there.`,
      });
      await api.dispose();
      assert.equal(asked, 0);
      assert.equal(fake.requests.length, 0, 'nothing sent anywhere');
    });

    it('a submit with no clear answer (500): submitUnknown, with the message that says it was not resubmitted', async () => {
      fake.inject({ route: 'submit', status: 500 });
      const store = await JobStore.load(new MemoryStorage());
      const api = client();
      const poller = new JobPoller({ api, store, gate: new RateLimitGate() });
      const service = new JobService({
        api,
        store,
        poller,
        download: async () => assert.fail('no download'),
        extensionVersion: 't',
        readImage: async () => assert.fail('no images'),
      });
      const plan = await planSubmit(model('google/veo-3.1'), { model: 'google/veo-3.1', prompt: 'p' });
      await assertWords(service.submit(plan, '/tmp/none'), {
        message:
          'The submit did not get a clear answer (OpenRouter answered HTTP 500: "Internal Server Error"). OpenRouter may have accepted the job, and billed it. It was NOT resubmitted. If it shows up in your OpenRouter activity, adopt it with "Recover Job by ID".',
      });
      assert.equal(store.all()[0]?.state, 'submitUnknown');
      service.dispose();
      poller.dispose();
      await store.dispose();
      await api.dispose();
    });
  });

  describe('jobs', () => {
    it('a job id that is not one (Recover Job by ID)', () => {
      assert.equal(wordsOf(() => parseJobId('../../etc/passwd')), '"../../etc/passwd" is not an OpenRouter job id (letters, digits, "-" or "_").');
    });

    it('a job OpenRouter failed without a reason', () => {
      const patch = remoteFailurePatch({ id: 'x', status: 'failed', rawStatus: 'failed', unsignedUrls: [] }, 0);
      assert.ok(patch?.error);
      assert.equal(wordErrorInfo(l10n, patch.error), 'OpenRouter reported the job as "failed" without giving a reason.');
    });

    it('the app stopped mid-submit / mid-download (found on the next start)', async () => {
      const now = Date.now();
      const base = { request: { model: 'm', prompt: 'p' }, history: [], createdAt: now, updatedAt: now, targetFolder: '/w/videos', outputs: [], downloadAttempts: 0 };
      const storage = new MemoryStorage(
        JSON.stringify({ version: 1, jobs: [{ ...base, clientId: 'a', state: 'submitting' }, { ...base, clientId: 'b', state: 'downloading', jobId: 'abc' }] }),
      );
      const store = await JobStore.load(storage);
      assert.equal(
        wordErrorInfo(l10n, store.get('a')!.error!),
        'The app stopped while this job was being submitted. OpenRouter may or may not have accepted it (and billed it); it was NOT resubmitted. If it shows up in your OpenRouter activity, adopt it with "Recover Job by ID".',
      );
      assert.equal(wordErrorInfo(l10n, store.get('b')!.error!), 'The app stopped while the video was being saved. It will be downloaded again; nothing was resubmitted.');
      await store.dispose();
    });
  });

  describe('the disk', () => {
    it('an output folder path that runs through a file (ENOTDIR, a real error)', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bad-input-'));
      await fs.writeFile(path.join(dir, 'videos'), 'a file where the folder should be');
      const folder = path.join(dir, 'videos', 'clips');
      await assertWords(reserveUniquePath(folder, 'clip'), {
        message: `Could not create the output folder: "${folder}" (or one of its parents) is not a folder that can be written to (ENOTDIR). Set "openrouterVideo.outputDirectory" to a folder in the workspace, or move the file in the way.`,
      });
    });

    const rows: [string, string, string][] = [
      [
        'a read-only folder (EACCES)',
        'EACCES',
        `Could not save the video: the folder "/w/videos" is read-only or you lack permission to write there (EACCES). Set "openrouterVideo.outputDirectory" to a writable folder in the workspace, or fix the folder's permissions. ${DOWNLOAD_AGAIN}`,
      ],
      [
        'a read-only file system (EROFS)',
        'EROFS',
        `Could not save the video: the folder "/w/videos" is read-only or you lack permission to write there (EROFS). Set "openrouterVideo.outputDirectory" to a writable folder in the workspace, or fix the folder's permissions. ${DOWNLOAD_AGAIN}`,
      ],
      ['a full disk (ENOSPC)', 'ENOSPC', `Could not save the video: the disk holding "/w/videos" is full (ENOSPC). Free some space. ${DOWNLOAD_AGAIN}`],
      ['too many open files (EMFILE)', 'EMFILE', `Could not save the video in "/w/videos": too many open files (EMFILE). Close some programs and try again. ${DOWNLOAD_AGAIN}`],
    ];
    for (const [title, code, message] of rows) {
      it(title, () => {
        const error = diskError(Object.assign(new Error(code), { code }), { folder: '/w/videos', action: 'saveVideo' });
        assert.equal(error.kind, 'io');
        assert.equal(errorMessage(l10n, error), message);
      });
    }
  });
});
