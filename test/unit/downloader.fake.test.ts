/**
 * The downloader through the real client (Node's fetch) against the loopback fake OpenRouter: real HTTP, real
 * Range answers, real resets and stalls. Edge cases the fake cannot script: downloader.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createVideoApi } from '../../src/core/api/client';
import { OpenRouterError, type ErrorKind } from '../../src/core/api/errors';
import type { VideoApi } from '../../src/core/api/videoApi';
import { downloadOutput, MAX_RESUMES, type DownloadOptions } from '../../src/core/download/downloader';
import { partPathFor } from '../../src/core/download/fileNames';
import { FakeOpenRouter, fixtureModels, generatedBytes, sampleMp4 } from '../fake-openrouter/fakeOpenRouter';

function failsWith(kind: ErrorKind) {
  return (error: unknown) => {
    assert.ok(OpenRouterError.is(error, kind), `expected ${kind}, got ${String(error)}`);
    return true;
  };
}

describe('downloader (real client, fake OpenRouter)', () => {
  let fake: FakeOpenRouter;
  let api: VideoApi;
  let dir: string;
  let target: string;
  const model = (fixtureModels()[0] as { id: string }).id;

  before(async () => {
    fake = await FakeOpenRouter.start();
  });
  after(() => fake.close());
  beforeEach(async () => {
    fake.reset();
    api = createVideoApi({ baseUrl: fake.baseUrl, keyProvider: () => fake.apiKey, fetch, userAgent: 'downloader-test', timeoutMs: 5000, maxRetries: 0 });
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'orv-dlf-'));
    target = path.join(dir, 'clip.mp4');
  });
  afterEach(async () => {
    await api.dispose();
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  /** A completed job on the fake; its content URL on the API origin, or on the storage origin. */
  async function completedJob(script: Parameters<FakeOpenRouter['createJob']>[1] = {}): Promise<string> {
    const job = fake.createJob(model, { statuses: ['completed'], ...script });
    fake.setJobStatus(job.id, 'completed');
    return api.contentUrl(job.id, 0, (await api.getJob(job.id)).unsignedUrls);
  }
  const download = (url: string, extra: Partial<DownloadOptions> = {}) => downloadOutput(api, { url, targetPath: target, backoffMs: 1, ...extra });
  const ranges = () => fake.requestsTo('content').map((r) => r.headers.range);
  const listDir = async () => (await fs.promises.readdir(dir)).sort();

  it('saves the video byte for byte, the key sent to the API origin only', async () => {
    const result = await download(await completedJob());
    assert.deepEqual([result.path, result.bytes, result.resumed, result.restarts], [target, sampleMp4().length, 0, 0]);
    assert.equal(await result.sync(), 'synced');
    assert.ok((await fs.promises.readFile(target)).equals(sampleMp4()));
    assert.deepEqual(await listDir(), ['clip.mp4']);
    assert.equal(fake.requestsTo('content')[0]?.headers.authorization, `Bearer ${fake.apiKey}`);
  });

  it('never sends the key to a storage origin (an unsigned URL)', async () => {
    const url = await completedJob({ contentOrigin: 'storage' });
    assert.ok(url.startsWith(fake.storageOrigin), url);
    await download(url);
    assert.ok((await fs.promises.readFile(target)).equals(sampleMp4()));
    const storage = fake.requestsTo('storage');
    assert.equal(storage.length, 1);
    assert.equal(storage[0]!.headers.authorization, undefined);
  });

  it('resumes a body reset twice with Range, every byte in place', async () => {
    const size = 2 * 1024 * 1024;
    const url = await completedJob({ body: { size } });
    fake.setContent({ ranges: true, resetAfterBytes: 512 * 1024 + 17, resetTimes: 2 });
    const result = await download(url);
    assert.deepEqual([result.bytes, result.resumed, result.restarts], [size, 2, 0]);
    const asked = ranges();
    assert.equal(asked[0], undefined);
    assert.match(String(asked[1]), /^bytes=\d+-$/);
    assert.match(String(asked[2]), /^bytes=\d+-$/);
    assert.ok((await fs.promises.readFile(target)).equals(generatedBytes(size, 0, size)));
    assert.deepEqual(await listDir(), ['clip.mp4']);
  });

  it('starts again from zero after a reset when the server takes no ranges', async () => {
    const size = 1024 * 1024;
    const url = await completedJob({ body: { size } });
    fake.setContent({ ranges: false, resetAfterBytes: 256 * 1024 });
    const result = await download(url);
    assert.deepEqual([result.resumed, result.restarts], [0, 1]);
    assert.deepEqual(ranges(), [undefined, undefined]);
    assert.ok((await fs.promises.readFile(target)).equals(generatedBytes(size, 0, size)));
  });

  it('resumes a body that stalls, once the stall timer runs out', async () => {
    const url = await completedJob();
    fake.setContent({ stallAfterBytes: 4000 });
    const result = await download(url, { stallTimeoutMs: 300 });
    assert.equal(result.resumed, 1);
    assert.ok((await fs.promises.readFile(target)).equals(sampleMp4()));
  });

  it(`gives up after ${MAX_RESUMES} resumes that break too: nothing left, the job can be downloaded again`, async () => {
    const url = await completedJob();
    fake.setContent({ ranges: true, resetAfterBytes: 2000, resetTimes: 100 });
    await assert.rejects(download(url), failsWith('network'));
    assert.equal(fake.requestsTo('content').length, MAX_RESUMES + 1);
    assert.deepEqual(await listDir(), []);
  });

  for (const wrong of ['json', 'html'] as const) {
    it(`refuses a ${wrong.toUpperCase()} answer as badContent, not retried, nothing left`, async () => {
      const url = await completedJob();
      fake.setContent({ wrongContentType: wrong });
      await assert.rejects(download(url), (error: unknown) => {
        failsWith('badContent')(error);
        assert.equal((error as OpenRouterError).params['downloadFailed'], true, 'marked for the advice');
        return true;
      });
      assert.equal(fake.requestsTo('content').length, 1);
      assert.deepEqual(await listDir(), []);
    });
  }

  it('a job OpenRouter does not know is notFound, nothing saved', async () => {
    await assert.rejects(download(api.contentUrl('NoSuchJob000000000000', 0)), failsWith('notFound'));
    assert.deepEqual(await listDir(), []);
  });

  it('continues a .part a killed process left (resumeExisting) with Range, byte-identical', async () => {
    const size = 1024 * 1024;
    const url = await completedJob({ body: { size } });
    await fs.promises.writeFile(partPathFor(target), generatedBytes(size, 0, 300_000));
    const result = await download(url, { resumeExisting: true });
    assert.deepEqual([result.bytes, result.resumed, result.restarts], [size, 1, 0]);
    assert.deepEqual(ranges(), ['bytes=300000-']);
    assert.ok((await fs.promises.readFile(target)).equals(generatedBytes(size, 0, size)));
    assert.deepEqual(await listDir(), ['clip.mp4']);
  });

  it('a .part as long as the file is not taken as complete: the 416 starts it again from zero', async () => {
    const size = 200_000;
    const url = await completedJob({ body: { size } });
    await fs.promises.writeFile(partPathFor(target), generatedBytes(size, 0, size));
    const result = await download(url, { resumeExisting: true });
    assert.equal(result.restarts, 1);
    assert.deepEqual(ranges(), [`bytes=${size}-`, undefined]);
    assert.ok((await fs.promises.readFile(target)).equals(generatedBytes(size, 0, size)));
    assert.deepEqual(await listDir(), ['clip.mp4']);
  });

  it('an abort during a stalled body is cancelled and leaves nothing', async () => {
    const url = await completedJob();
    fake.setContent({ stallAfterBytes: 3000 });
    const pending = download(url, { signal: AbortSignal.timeout(150), stallTimeoutMs: 10_000 });
    await assert.rejects(pending, failsWith('cancelled'));
    assert.deepEqual(await listDir(), []);
  });
});
