/**
 * Every download is bounded, against the fake OpenRouter over loopback (and, where the fake is too well behaved,
 * a small hostile server on loopback): a size cap, an overall deadline, https-only video links and at most
 * `MAX_OUTPUTS` videos per job.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createVideoApi } from '../../src/core/api/client';
import { OpenRouterError } from '../../src/core/api/errors';
import { RateLimitGate } from '../../src/core/api/retry';
import type { VideoModel } from '../../src/core/api/schemas';
import type { FetchFn, VideoApi } from '../../src/core/api/videoApi';
import { downloadOutput, type DownloadOptions } from '../../src/core/download/downloader';
import { FileStorage } from '../../src/core/jobs/fileStorage';
import { MAX_OUTPUTS } from '../../src/core/jobs/jobOutputs';
import { JobPoller } from '../../src/core/jobs/jobPoller';
import { JobService } from '../../src/core/jobs/jobService';
import { JobStore } from '../../src/core/jobs/jobStore';
import { planSubmit } from '../../src/core/jobs/submitPlan';
import { FakeOpenRouter, fixtureModels, sampleMp4 } from '../fake-openrouter/fakeOpenRouter';
import { TestLogger } from './helpers/testLogger';
import { listFiles } from './helpers/waiting';

const KiB = 1024;
const MiB = 1024 * KiB;
const MODEL_ID = 'google/veo-3.1';
const veo = fixtureModels().find((m) => (m as { id?: string }).id === MODEL_ID) as VideoModel;
const nodeFetch: FetchFn = (input, init) => globalThis.fetch(input, init);

function failsWith(kind: string, reason: string) {
  return (error: unknown) => {
    assert.ok(OpenRouterError.is(error), `not an OpenRouterError: ${String(error)}`);
    assert.deepEqual([error.kind, error.reason], [kind, reason], error.message);
    return true;
  };
}

/** A loopback server that answers every GET with `video/mp4` of no announced length, sent as `send` says. */
async function hostileServer(send: (res: http.ServerResponse) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'video/mp4' });
    send(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/video.mp4`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('Bounded downloads', function () {
  this.timeout(20_000);
  let fake: FakeOpenRouter;
  let api: VideoApi;
  let dir: string;
  let target: string;
  const closers: (() => Promise<void>)[] = [];

  before(async () => {
    fake = await FakeOpenRouter.start();
  });
  after(() => fake.close());
  beforeEach(async () => {
    fake.reset();
    api = createVideoApi({ baseUrl: fake.baseUrl, keyProvider: () => fake.apiKey, fetch: nodeFetch, userAgent: 'bounds-test', maxRetries: 0 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'orv-bounds-'));
    target = path.join(dir, 'clip.mp4');
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await api.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function completedJob(script: Parameters<FakeOpenRouter['createJob']>[1] = {}): Promise<string> {
    const job = fake.createJob(MODEL_ID, { statuses: ['completed'], ...script });
    fake.setJobStatus(job.id, 'completed');
    return api.contentUrl(job.id, 0, (await api.getJob(job.id)).unsignedUrls);
  }
  const download = (url: string, extra: Partial<DownloadOptions> = {}) => downloadOutput(api, { url, targetPath: target, backoffMs: 1, ...extra });

  describe('the size cap', () => {
    it('refuses a video announced above the cap before writing any of it', async () => {
      const url = await completedJob({ body: { size: 3 * MiB } });
      await assert.rejects(download(url, { maxBytes: 2 * MiB }), (error: unknown) => {
        failsWith('badContent', 'downloadTooLarge')(error);
        assert.deepEqual((error as OpenRouterError).params, { bytes: 3 * MiB, limitMiB: 2 });
        return true;
      });
      assert.deepEqual(await fs.readdir(dir), [], 'no file, no .part');
      assert.equal(fake.requestsTo('content').length, 1, 'not asked again');
    });

    it('stops a body of no announced length once its bytes pass the cap', async () => {
      const chunk = Buffer.alloc(64 * KiB, 1);
      chunk.write('\0\0\0\x18ftypisom', 0, 'latin1');
      let sent = 0;
      const server = await hostileServer((res) => {
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) sent += chunk.length;
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      });
      closers.push(server.close);
      await assert.rejects(download(server.url, { maxBytes: 1 * MiB }), (error: unknown) => {
        failsWith('badContent', 'downloadTooLarge')(error);
        assert.equal((error as OpenRouterError).params['endless'], true);
        return true;
      });
      assert.deepEqual(await fs.readdir(dir), [], 'no file, no .part');
      assert.ok(sent < 16 * MiB, `the server was stopped early (${sent} bytes sent)`);
    });

    it('saves a video of exactly the cap', async () => {
      const url = await completedJob({ body: { size: 1 * MiB } });
      const result = await download(url, { maxBytes: 1 * MiB });
      assert.equal(result.bytes, 1 * MiB);
    });
  });

  describe('the overall deadline', () => {
    it('ends a download slower than its size allows, though bytes keep coming (no stall)', async () => {
      const url = await completedJob({ body: { size: 512 * KiB }, bytesPerSecond: 128 * KiB });
      const started = Date.now();
      // 100 ms + 512 KiB at 4 MiB/s = 225 ms; the body takes about 4 s, a chunk every 0.5 s.
      await assert.rejects(download(url, { deadlineBaseMs: 100, minBytesPerSecond: 4 * MiB, stallTimeoutMs: 2000 }), (error: unknown) => {
        failsWith('timeout', 'downloadTooSlow')(error);
        assert.equal((error as OpenRouterError).params['total'], 512 * KiB);
        return true;
      });
      assert.ok(Date.now() - started < 2000, `ended at the deadline (${Date.now() - started} ms)`);
      assert.deepEqual(await fs.readdir(dir), [], 'no file, no .part');
    });

    it('ends a trickle of one byte at a time just inside the stall timeout, with no announced length', async () => {
      const server = await hostileServer((res) => {
        res.write('\0\0\0\x18ftypisom');
        const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('x')), 100);
        res.once('close', () => clearInterval(timer));
      });
      closers.push(server.close);
      const started = Date.now();
      // No size announced: the deadline is for the cap, 300 ms + 1 MiB at 4 MiB/s = 550 ms.
      await assert.rejects(download(server.url, { maxBytes: 1 * MiB, deadlineBaseMs: 300, minBytesPerSecond: 4 * MiB, stallTimeoutMs: 500 }), failsWith('timeout', 'downloadTooSlow'));
      assert.ok(Date.now() - started < 3000, `ended at the deadline (${Date.now() - started} ms)`);
      assert.deepEqual(await fs.readdir(dir), [], 'no file, no .part');
    });

    it('leaves a download within its deadline alone', async () => {
      const url = await completedJob({ body: { size: 256 * KiB }, bytesPerSecond: 1 * MiB });
      const result = await download(url, { deadlineBaseMs: 1000, minBytesPerSecond: 256 * KiB });
      assert.equal(result.bytes, 256 * KiB);
    });
  });

  describe('the videos of a job (JobService)', () => {
    async function service() {
      const logger = new TestLogger();
      const store = await JobStore.load(new FileStorage(path.join(dir, 'state', 'jobs.json')), logger);
      const gate = new RateLimitGate();
      const client = createVideoApi({ baseUrl: fake.baseUrl, keyProvider: () => fake.apiKey, fetch: nodeFetch, userAgent: 'bounds-test', logger, gate });
      const poller = new JobPoller({ api: client, store, gate, logger, firstDelayMs: 20, intervalMs: 20, maxIntervalMs: 50, jitter: 0 });
      const jobs = new JobService({
        api: client,
        store,
        poller,
        download: downloadOutput,
        logger,
        extensionVersion: '0.1.0-test',
        readImage: async () => Promise.reject(new Error('no images here')),
        writeSidecar: () => false,
      });
      closers.push(async () => {
        jobs.dispose();
        poller.dispose();
        await jobs.settled();
        await store.dispose();
        await client.dispose();
      });
      const out = path.join(dir, 'videos');
      const submit = async () => jobs.submit(await planSubmit(veo, { model: MODEL_ID, prompt: 'A lighthouse', duration: 4, resolution: '720p', aspectRatio: '16:9' }), out);
      return { jobs, logger, out, submit };
    }

    it('refuses a video link OpenRouter gives over plain http to another host, without a request to it', async () => {
      // 0.0.0.0 reaches this machine's servers, but is not a loopback name: the link is refused, not fetched.
      fake.queueScript({ statuses: ['completed'], contentOrigin: 'storage', contentHost: '0.0.0.0' });
      const { jobs, out, submit } = await service();
      const record = await submit();
      const final = await jobs.waitForJob(record.clientId);
      assert.equal(final.state, 'downloadFailed');
      assert.deepEqual(final.error, { kind: 'insecure', reason: 'outputUrlInsecure', params: { scheme: 'http', host: `0.0.0.0:${new URL(fake.storageOrigin).port}` } });
      assert.equal(fake.requestsTo('storage').length, 0, 'nothing was asked of that host');
      assert.deepEqual(await listFiles(out), [], 'nothing saved, no .part');
    });

    it(`saves the first ${MAX_OUTPUTS} videos of a job that lists more, and records how many were left out`, async () => {
      fake.queueScript({ statuses: ['completed'], outputs: MAX_OUTPUTS + 3 });
      const { jobs, logger, out, submit } = await service();
      const record = await submit();
      const final = await jobs.waitForJob(record.clientId);
      assert.equal(final.state, 'saved', JSON.stringify(final.error));
      assert.equal(final.outputs.length, MAX_OUTPUTS);
      assert.equal(final.skippedOutputs, 3);
      assert.equal(fake.requestsTo('content').length, MAX_OUTPUTS);
      const files = (await listFiles(out)).filter((f) => f.endsWith('.mp4'));
      assert.equal(files.length, MAX_OUTPUTS);
      assert.ok((await fs.readFile(final.outputs[0]!.file!)).equals(sampleMp4()));
      assert.ok(logger.at('warn').some((m) => m.includes(`listed ${MAX_OUTPUTS + 3} videos; only the first ${MAX_OUTPUTS} are saved`)));
    });
  });
});
