/**
 * JobService end to end: the real client, poller and downloader against the fake OpenRouter over loopback,
 * the real FileStorage in a temporary folder, and the system clock with short poll intervals.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createVideoApi } from '../../src/core/api/client';
import { OpenRouterError } from '../../src/core/api/errors';
import type { VideoModel } from '../../src/core/api/schemas';
import type { FetchFn, VideoApi } from '../../src/core/api/videoApi';
import type { VideoRequest } from '../../src/core/api/videoRequest';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import { JobSubmitError, type ReadImageFn } from '../../src/core/jobs/submitJob';
import { planSubmit } from '../../src/core/jobs/submitPlan';
import { RequestValidationError } from '../../src/core/models/problems';
import { FakeOpenRouter, fixtureModels, sampleMp4, type Fault } from '../fake-openrouter/fakeOpenRouter';
import { openCoreWindow, type CoreWindow } from './helpers/coreWindow';
import { patchFileSync } from './helpers/patchFileSync';
import { listFiles, until } from './helpers/waiting';

const MODEL_ID = 'google/veo-3.1';
const REQUEST: VideoRequest = {
  model: MODEL_ID,
  prompt: 'A red fox running through fresh snow',
  duration: 4,
  resolution: '720p',
  aspectRatio: '16:9',
};

const veo = fixtureModels().find((m) => (m as { id?: string }).id === MODEL_ID) as VideoModel;

const nodeFetch: FetchFn = (input, init) => globalThis.fetch(input, init);

/** The plan the host would make and show (images sized as the test says, not from the disk). */
function plan(request: VideoRequest = REQUEST) {
  return planSubmit(veo, request, { sizeOf: async () => 20 });
}

const readImage: ReadImageFn = async (p) => ({
  dataUrl: `data:image/png;base64,${Buffer.from(`png bytes of ${p}`).toString('base64')}`,
  mimeType: 'image/png',
  bytes: 20,
});

interface Harness extends CoreWindow {
  dir: string;
  storePath: string;
  out: string;
  finished: JobRecord[];
  /** Plans and submits `request` (the generate flow's two steps). */
  submit(request?: VideoRequest): Promise<JobRecord>;
}

let fake: FakeOpenRouter;
const open: Harness[] = [];

/** One window's core (`openCoreWindow`) saving into `<dir>/videos`, with sidecars and images sized by the test. */
async function harness(options: { dir?: string; wrapApi?: (api: VideoApi, h: { storePath: string }) => VideoApi } = {}): Promise<Harness> {
  const dir = options.dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'jobservice-')));
  const storePath = path.join(dir, 'state', 'jobs.json');
  const out = path.join(dir, 'videos');
  const { wrapApi } = options;
  const core = await openCoreWindow({
    fake,
    storePath,
    ...(wrapApi ? { wrapApi: (api: VideoApi) => wrapApi(api, { storePath }) } : {}),
    service: { readImage, writeSidecar: () => true, defaultTargetFolder: () => out },
  });
  const finished: JobRecord[] = [];
  core.service.onDidFinish((r) => finished.push(r));
  const h: Harness = { ...core, dir, storePath, out, finished, submit: async (request = REQUEST) => core.service.submit(await plan(request), out) };
  open.push(h);
  return h;
}

/** A delegating VideoApi whose submit runs `before` first. */
function withBeforeSubmit(api: VideoApi, before: () => Promise<void>): VideoApi {
  return {
    get baseUrl() {
      return api.baseUrl;
    },
    listModels: (o) => api.listModels(o),
    submit: async (body, o) => {
      await before();
      return api.submit(body, o);
    },
    getJob: (id, o) => api.getJob(id, o),
    contentUrl: (id, i, u) => api.contentUrl(id, i, u),
    openContent: (r) => api.openContent(r),
    getKeyInfo: (o) => api.getKeyInfo(o),
    dispose: () => api.dispose(),
  };
}


async function onDisk(storePath: string): Promise<JobRecord[]> {
  return (JSON.parse(await fs.readFile(storePath, 'utf8')) as { jobs: JobRecord[] }).jobs;
}


describe('JobService (real client + downloader against the fake OpenRouter)', function () {
  this.timeout(20_000);

  before(async () => {
    fake = await FakeOpenRouter.start();
    assert.ok(veo, 'fixture has google/veo-3.1');
  });
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
    fake.reset();
  });
  after(async () => {
    await fake.close();
  });

  it('submit → poll → download saves a byte-identical MP4 with a sidecar, exactly once', async () => {
    fake.queueScript({ statuses: ['pending', 'in_progress', 'completed'], costUsd: 0.4 });
    const h = await harness();
    const record = await h.submit();
    // Accepted. The record returned is the store's latest: the first poll (20 ms) can land before the write of
    // the answer does, so the job may be further on already. The full local sequence is asserted from the history.
    assert.ok(!['submitting', 'rejected', 'submitUnknown'].includes(record.state), `accepted, not ${record.state}`);
    assert.match(record.jobId!, /^[A-Za-z0-9]{20}$/);
    const planned = (await plan()).estimate;
    assert.ok(planned.kind === 'estimate' && planned.usd > 0);
    assert.equal(record.estimatedCostUsd, planned.usd, 'the plan\'s estimate is kept');

    const final = await h.service.waitForJob(record.clientId);
    assert.equal(final.state, 'saved');
    assert.equal(final.costUsd, 0.4);
    assert.equal(final.remoteStatus, 'completed');
    assert.equal(final.outputs.length, 1);
    const output = final.outputs[0]!;
    assert.equal(path.dirname(output.file!), h.out);
    assert.match(path.basename(output.file!), /^a-red-fox-running-through-fresh-snow-\d{8}-\d{6}\.mp4$/);
    assert.deepEqual(await fs.readFile(output.file!), sampleMp4());
    assert.equal(output.bytes, sampleMp4().length);
    assert.equal(output.sidecar, `${output.file}.json`);
    const sidecar = JSON.parse(await fs.readFile(output.sidecar, 'utf8')) as { job: { id: string }; request: { prompt: string } };
    assert.equal(sidecar.job.id, record.jobId);
    assert.equal(sidecar.request.prompt, REQUEST.prompt);
    assert.deepEqual(await listFiles(h.out), [path.basename(output.file!), path.basename(output.sidecar)]);

    assert.equal(fake.submitCount(), 1);
    assert.equal(fake.requestsTo('content').length, 1);
    assert.deepEqual(
      final.history.filter((e) => e.source === 'local').map((e) => e.status),
      ['submitting', 'pending', 'in_progress', 'downloading', 'saved'],
    );
    assert.deepEqual(h.finished.map((r) => r.state), ['saved']);
    await h.store.flush();
    assert.equal((await onDisk(h.storePath))[0]?.state, 'saved');
    // Nothing more happens on its own, and an ordinary download() of a saved job is a no-op.
    await h.service.resumeAll();
    assert.equal((await h.service.download(record.clientId)).state, 'saved');
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(fake.requestsTo('content').length, 1);
    assert.equal(fake.submitCount(), 1);
  });

  it('has the record on disk in `submitting` before the POST leaves, and before OpenRouter answers', async () => {
    const seen: JobRecord[][] = [];
    const h = await harness({
      wrapApi: (api, { storePath }) => withBeforeSubmit(api, async () => void seen.push(await onDisk(storePath))),
    });
    fake.inject({ route: 'submit', stallMs: 300 });
    const submitting = h.submit();
    await until('the submit to reach the fake', () => fake.requestsTo('submit').length === 1);
    const whileInFlight = await onDisk(h.storePath);
    assert.equal(whileInFlight.length, 1);
    assert.equal(whileInFlight[0]?.state, 'submitting');
    assert.equal(whileInFlight[0]?.jobId, undefined);
    const record = await submitting;
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.[0]?.state, 'submitting', 'on disk when api.submit was called');
    assert.equal(seen[0]?.[0]?.clientId, record.clientId);
    await h.service.waitForJob(record.clientId);
  });

  it('refuses an invalid request when it is planned: nothing written, nothing sent, every problem listed', async () => {
    const h = await harness();
    await assert.rejects(
      h.submit({ ...REQUEST, duration: 5, resolution: '480p' }),
      (error: unknown) => {
        assert.ok(error instanceof RequestValidationError);
        assert.equal(error.kind, 'badRequest');
        assert.deepEqual(error.problems.map((p) => p.code).sort(), ['durationNotOffered', 'resolutionNotOffered']);
        return true;
      },
    );
    assert.equal(h.store.size, 0);
    assert.deepEqual(await listFiles(path.dirname(h.storePath)), []);
    assert.equal(fake.requests.length, 0);
  });

  const ambiguous: [string, Fault][] = [
    ['a 500', { route: 'submit', status: 500 }],
    ['a connection reset after sending', { route: 'submit', reset: true }],
  ];
  for (const [name, fault] of ambiguous) {
    it(`${name} on submit → submitUnknown, never resubmitted (not by resumeAll, not after a reload)`, async () => {
      const h = await harness();
      fake.inject(fault);
      let thrown: unknown;
      await h.submit().catch((e: unknown) => (thrown = e));
      assert.ok(thrown instanceof JobSubmitError, String(thrown));
      const record = thrown.record;
      assert.equal(record.state, 'submitUnknown');
      assert.equal(record.error?.reason, 'submitUnknown');
      assert.deepEqual(thrown.info, record.error, 'the error thrown is the one recorded');
      if (fault.status !== undefined) assert.equal(record.error?.params?.['status'], fault.status);
      else assert.equal(record.error?.params?.['failure'], 'network');
      assert.equal(fake.requestsTo('submit').length, 1);
      assert.ok(fake.submitCount() <= 1);

      await h.service.resumeAll();
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(fake.requestsTo('submit').length, 1);
      assert.equal((await h.service.waitForJob(record.clientId)).state, 'submitUnknown');

      await h.close();
      const again = await harness({ dir: h.dir });
      assert.equal(again.store.get(record.clientId)?.state, 'submitUnknown');
      await again.service.resumeAll();
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(fake.requestsTo('submit').length, 1);
      assert.equal(fake.requestsTo('poll').length, 0);
    });
  }

  for (const [status, kind] of [
    [402, 'payment'],
    [400, 'badRequest'],
  ] as const) {
    it(`a ${status} on submit → rejected (nothing billed) with the client's error`, async () => {
      const h = await harness();
      fake.inject({ route: 'submit', status });
      const error = await h.submit().then(
        () => assert.fail('should throw'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof JobSubmitError);
      assert.equal(error.kind, kind);
      assert.equal(error.status, status);
      assert.equal(error.record.state, 'rejected');
      assert.deepEqual(error.record.error, error.info);
      assert.equal(error.record.error?.kind, kind);
      assert.equal(error.record.error?.reason, status === 402 ? 'noCredits' : 'requestRefused');
      assert.equal((await onDisk(h.storePath))[0]?.state, 'rejected');
      assert.equal(fake.submitCount(), 0);
    });
  }

  it('a submit that cannot connect at all → rejected (provably not sent)', async () => {
    // A port nothing listens on (the connection is refused).
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const h = await harness({
      wrapApi: () =>
        createVideoApi({ baseUrl: `http://127.0.0.1:${port}/api/v1`, keyProvider: () => fake.apiKey, fetch: nodeFetch, userAgent: 'test', maxRetries: 0 }),
    });
    const error = await h.submit().catch((e: unknown) => e);
    assert.ok(error instanceof JobSubmitError);
    assert.equal(error.record.state, 'rejected');
    assert.equal(error.notSent, true);
    await h.api.dispose();
  });

  for (const [raw, state, error] of [
    ['failed', 'failed', 'Content policy violation'],
    ['expired', 'expired', 'Job exceeded maximum time to live'],
    ['dead', 'failed', 'Job died unexpectedly and will not complete'],
    ['cancelled', 'cancelled', 'Job was cancelled'],
  ] as const) {
    it(`a job OpenRouter reports ${raw} ends ${state} with its error verbatim`, async () => {
      fake.queueScript({ statuses: ['pending', raw] });
      const h = await harness();
      const record = await h.submit();
      const final = await h.service.waitForJob(record.jobId!);
      assert.equal(final.state, state);
      assert.deepEqual(final.error, { kind: 'server', reason: 'remoteFailed', params: { status: raw, said: error } }, 'OpenRouter\'s text kept verbatim');
      assert.equal(final.remoteStatus, raw);
      assert.deepEqual(h.finished.map((r) => r.state), [state]);
      assert.equal(fake.requestsTo('content').length, 0);
      assert.deepEqual(await listFiles(h.out), []);
    });
  }

  it('resumes after a reload (service and store disposed, loaded again) and saves exactly once', async () => {
    fake.queueScript({ statuses: ['pending', 'pending', 'pending', 'completed'] });
    const first = await harness();
    const record = await first.submit();
    await first.close();
    const pollsBefore = fake.requestsTo('poll').length;
    assert.ok(pollsBefore < 4, 'it was still running when the window closed');

    const second = await harness({ dir: first.dir });
    assert.equal(second.store.get(record.clientId)?.state, 'pending');
    await second.service.resumeAll();
    const final = await second.service.waitForJob(record.clientId);
    assert.equal(final.state, 'saved');
    assert.deepEqual(await fs.readFile(final.outputs[0]!.file!), sampleMp4());
    assert.equal(fake.submitCount(), 1);
    assert.equal(fake.requestsTo('content').length, 1);
    assert.equal((await listFiles(second.out)).filter((f) => f.endsWith('.mp4')).length, 1);
  });

  it('a reload in the middle of a download downloads again once, into the same name, with no leftovers', async () => {
    fake.queueScript({ statuses: ['completed'] });
    fake.setContent({ latencyMs: 400 });
    const first = await harness();
    const record = await first.submit();
    await until('the download to start', () => first.store.get(record.clientId)?.state === 'downloading');
    await first.store.flush();
    // A crash: the last thing on disk says "downloading".
    const crashed = await fs.readFile(first.storePath, 'utf8');
    await first.close();
    await fs.writeFile(first.storePath, crashed);
    assert.equal((await onDisk(first.storePath))[0]?.state, 'downloading');
    fake.setContent({});

    const second = await harness({ dir: first.dir });
    assert.equal(second.store.get(record.clientId)?.state, 'downloadFailed', 'load turned it into a re-download');
    await second.service.resumeAll();
    const final = await second.service.waitForJob(record.clientId);
    assert.equal(final.state, 'saved');
    const files = await listFiles(second.out);
    assert.deepEqual(files.filter((f) => f.endsWith('.mp4')), [path.basename(final.outputs[0]!.file!)]);
    assert.ok(!files.some((f) => f.endsWith('.part')));
    assert.doesNotMatch(path.basename(final.outputs[0]!.file!), /-2\.mp4$/);
    assert.equal(fake.submitCount(), 1);
  });

  it('a saved output is `unsynced` until its fsync has finished, then plain saved (on disk too)', async () => {
    fake.queueScript({ statuses: ['completed'] });
    const h = await harness();
    const flags: (boolean | undefined)[] = [];
    h.store.onDidChange(({ changed }) => {
      for (const r of changed) if (r.outputs[0]?.file !== undefined) flags.push(r.outputs[0].unsynced);
    });
    const record = await h.submit();
    const saved = await h.service.waitForJob(record.clientId);
    assert.equal(saved.state, 'saved');
    await h.service.settled();
    await h.store.flush();
    assert.equal(flags[0], true, 'recorded as saved before its fsync had finished');
    assert.equal(flags.at(-1), undefined, 'and plain saved once it had');
    assert.equal((await onDisk(h.storePath))[0]?.outputs[0]?.unsynced, undefined);
  });

  (process.platform === 'linux' ? it : it.skip)('a video is fsynced only once the record on disk says saved, with its sidecar (a large fsync would hold up the store\'s) [needs /proc/self/fd: Linux]', async () => {
    fake.queueScript({ statuses: ['completed'] });
    const h = await harness();
    let clientId = '';
    const atVideoSync: { state?: string; sidecar?: string; unsynced?: boolean }[] = [];
    // Which file a handle is: Linux names it in /proc/self/fd.
    const restore = await patchFileSync(h.dir, async (original, handle) => {
      const file = await fs.readlink(`/proc/self/fd/${handle.fd}`).catch(() => '');
      if (file.endsWith('.mp4')) {
        const job = (await onDisk(h.storePath)).find((j) => j.clientId === clientId);
        atVideoSync.push({ state: job?.state, sidecar: job?.outputs[0]?.sidecar, unsynced: job?.outputs[0]?.unsynced });
      }
      return original();
    });
    try {
      const record = await h.submit();
      clientId = record.clientId;
      await h.service.waitForJob(clientId);
      await h.service.settled();
    } finally {
      restore();
    }
    const output = h.store.get(clientId)!.outputs[0]!;
    assert.deepEqual(atVideoSync, [{ state: 'saved', sidecar: `${output.file}.json`, unsynced: true }], 'one fsync, after the saved record and its sidecar were on disk');
    await h.store.flush();
    assert.equal(output.unsynced, undefined, 'plain saved once the fsync ended');
  });

  it('a video whose writing out reports an error (EIO at fsync) stays `unsynced`, so the next start checks it; the log says so', async () => {
    fake.queueScript({ statuses: ['completed'] });
    const h = await harness();
    const restore = await patchFileSync(h.dir, async (original, handle) => {
      if ((await handle.stat()).size === sampleMp4().length) throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
      return original();
    });
    let record: JobRecord;
    try {
      record = await h.submit();
      await h.service.waitForJob(record.clientId);
      await h.service.settled();
    } finally {
      restore();
    }
    assert.equal(h.store.get(record.clientId)?.state, 'saved');
    assert.equal(h.store.get(record.clientId)?.outputs[0]?.unsynced, true);
    assert.ok(h.logger.lines.some((l) => l.level === 'error' && /reported an error; it is checked again on the next start/.test(l.message)));
  });

  describe('a video saved just before the system stopped (its fsync had not finished: `unsynced` on disk)', () => {
    /** Saves a job, then rewrites the store as a crash right after the rename would leave it. */
    async function savedThenCrashed(): Promise<{ first: Harness; clientId: string; file: string }> {
      fake.queueScript({ statuses: ['completed'] });
      const first = await harness();
      const record = await first.submit();
      const saved = await first.service.waitForJob(record.clientId);
      await first.close();
      const text = JSON.parse(await fs.readFile(first.storePath, 'utf8')) as { jobs: JobRecord[] };
      text.jobs[0]!.outputs[0]!.unsynced = true;
      await fs.writeFile(first.storePath, JSON.stringify(text));
      return { first, clientId: record.clientId, file: saved.outputs[0]!.file! };
    }

    it('a file cut short is downloaded again from where the disk stopped, into the same name, exactly once more', async () => {
      const { first, clientId, file } = await savedThenCrashed();
      await fs.truncate(file, 3000);
      const contentBefore = fake.requestsTo('content').length;

      const second = await harness({ dir: first.dir });
      await second.service.resumeAll();
      // The check runs in the background: wait for the second content request and the job saved again.
      await until('the rest to be downloaded', () => fake.requestsTo('content').length > contentBefore && second.store.get(clientId)?.state === 'saved');
      const final = await second.service.waitForJob(clientId);
      assert.equal(final.state, 'saved');
      assert.equal(final.outputs[0]!.file, file, 'same name, no -2');
      assert.deepEqual(await fs.readFile(file), sampleMp4());
      const again = fake.requestsTo('content').slice(contentBefore);
      assert.equal(again.length, 1);
      assert.equal(again[0]!.headers.range, 'bytes=3000-', 'continued after the bytes that were on disk');
      await second.service.settled();
      assert.equal(second.store.get(clientId)?.outputs[0]?.unsynced, undefined);
      const files = await listFiles(second.out);
      assert.deepEqual(files.filter((f) => f.endsWith('.mp4')), [path.basename(file)]);
      assert.ok(!files.some((f) => f.endsWith('.part')));
      assert.ok(second.logger.lines.some((l) => /shorter on disk than the 7111 bytes saved/.test(l.message)), 'the log says why');
      assert.equal(fake.submitCount(), 1);
    });

    it('a complete file is kept (fsynced, flag cleared) and nothing is fetched; a file moved away since is left alone', async () => {
      const { first, clientId, file } = await savedThenCrashed();
      const contentBefore = fake.requestsTo('content').length;
      const second = await harness({ dir: first.dir });
      await second.service.resumeAll();
      await until('the flag to be cleared', () => second.store.get(clientId)?.outputs[0]?.unsynced === undefined);
      assert.equal(second.store.get(clientId)?.state, 'saved');
      await second.close();

      // Flag it again and move the file away: it is not fetched again on its own.
      const text = JSON.parse(await fs.readFile(first.storePath, 'utf8')) as { jobs: JobRecord[] };
      text.jobs[0]!.outputs[0]!.unsynced = true;
      await fs.writeFile(first.storePath, JSON.stringify(text));
      await fs.rename(file, path.join(first.dir, 'moved.mp4'));
      const third = await harness({ dir: first.dir });
      await third.service.resumeAll();
      await until('the flag to be cleared', () => third.store.get(clientId)?.outputs[0]?.unsynced === undefined);
      assert.equal(third.store.get(clientId)?.state, 'saved');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(fake.requestsTo('content').length, contentBefore, 'nothing downloaded');
      assert.ok(third.logger.lines.some((l) => /was moved or deleted since it was saved/.test(l.message)));
    });
  });

  it('downloadFailed keeps the job downloadable; download() then works; again:true makes a second copy', async () => {
    fake.queueScript({ statuses: ['completed'] });
    fake.inject({ route: 'content', status: 404 });
    const h = await harness();
    const record = await h.submit();
    const failed = await h.service.waitForJob(record.clientId);
    assert.equal(failed.state, 'downloadFailed');
    assert.equal(failed.error?.kind, 'notFound');
    assert.deepEqual(await listFiles(h.out), [], 'no partial or placeholder file left');
    assert.deepEqual(h.finished.map((r) => r.state), ['downloadFailed']);

    const saved = await h.service.download(record.clientId);
    assert.equal(saved.state, 'saved');
    assert.equal(saved.downloadAttempts, 2);
    assert.equal(saved.error, undefined);
    assert.deepEqual(await fs.readFile(saved.outputs[0]!.file!), sampleMp4());
    assert.equal(fake.requestsTo('content').length, 2);

    const again = await h.service.download(record.clientId, { again: true });
    assert.equal(fake.requestsTo('content').length, 3);
    assert.notEqual(again.outputs[0]!.file, saved.outputs[0]!.file);
    assert.match(again.outputs[0]!.file!, /-2\.mp4$/);
    assert.equal((await listFiles(h.out)).filter((f) => f.endsWith('.mp4')).length, 2);
    assert.equal(fake.submitCount(), 1);
  });

  it('the reserved name is on disk in the record before the first byte is fetched; a failed download forgets it and leaves no .part', async () => {
    fake.queueScript({ statuses: ['completed'] });
    fake.inject({ route: 'content', status: 404 });
    let atFirstByte: { record?: JobRecord; files: string[] } | undefined;
    const h = await harness({
      wrapApi: (api, { storePath }) => ({
        ...withBeforeSubmit(api, async () => undefined),
        openContent: async (r) => {
          atFirstByte ??= { record: (await onDisk(storePath))[0], files: await listFiles(path.join(path.dirname(path.dirname(storePath)), 'videos')) };
          return api.openContent(r);
        },
      }),
    });
    const record = await h.submit();
    const failed = await h.service.waitForJob(record.clientId);
    assert.equal(failed.state, 'downloadFailed');
    const target = atFirstByte?.record?.outputs[0]?.target;
    assert.ok(target && path.dirname(target) === h.out, `recorded before the request: ${JSON.stringify(atFirstByte?.record?.outputs)}`);
    assert.deepEqual(atFirstByte?.files, [`${path.basename(target)}.lock`, `${path.basename(target)}.part`], 'its placeholder was there, beside the download lock');
    assert.equal(failed.outputs[0]?.target, undefined, 'forgotten once its .part is gone');
    assert.equal((await onDisk(h.storePath))[0]?.outputs[0]?.target, undefined);
    assert.deepEqual(await listFiles(h.out), [], 'no .part left');

    const saved = await h.service.download(record.clientId);
    assert.equal(saved.outputs[0]!.file, target, 'Download Again reserves the same (free) name afresh');
    assert.equal(saved.outputs[0]!.target, undefined);
  });

  it('a storage link that answers 401 fails as notFound (not an API-key problem); download() asks OpenRouter for the job again, then saves it', async () => {
    fake.queueScript({ statuses: ['completed'], contentOrigin: 'storage' });
    fake.inject({ route: 'storage', status: 401 });
    const h = await harness();
    const record = await h.submit();
    const failed = await h.service.waitForJob(record.clientId);
    assert.equal(failed.state, 'downloadFailed');
    assert.equal(failed.error?.kind, 'notFound');
    assert.equal(failed.error?.reason, 'linkExpired', 'a storage link, not the API key');
    assert.equal(failed.error?.params?.['status'], 401);
    assert.match(String(failed.error?.params?.['host']), /^127\.0\.0\.1:\d+$/);
    assert.deepEqual(await listFiles(h.out), []);
    const polls = fake.requestsTo('poll').length;

    const saved = await h.service.download(record.clientId);
    assert.equal(saved.state, 'saved');
    assert.equal(fake.requestsTo('poll').length, polls + 1, 'asked OpenRouter for the job (and its links) again');
    assert.equal(fake.requestsTo('storage').length, 2);
    assert.ok(fake.requestsTo('storage').every((r) => r.headers.authorization === undefined), 'still no key to storage');
    assert.deepEqual(await fs.readFile(saved.outputs[0]!.file!), sampleMp4());
  });

  it('never downloads one job twice at once (concurrent download(), resumeAll)', async () => {
    fake.queueScript({ statuses: ['completed'] });
    fake.inject({ route: 'content', status: 404 });
    const h = await harness();
    const record = await h.submit();
    await h.service.waitForJob(record.clientId);
    fake.setContent({ latencyMs: 200 });
    const a = h.service.download(record.clientId);
    const b = h.service.download(record.clientId);
    const c = h.service.download(record.clientId, { again: true });
    await h.service.resumeAll();
    assert.equal(a, b);
    assert.equal(a, c);
    await Promise.all([a, b, c]);
    assert.equal(fake.requestsTo('content').length, 2, 'the failed one, then exactly one more');
    assert.equal((await listFiles(h.out)).filter((f) => f.endsWith('.mp4')).length, 1);
  });

  it('saves every output of a multi-output job, from a storage origin without sending the key there', async () => {
    fake.queueScript({ statuses: ['completed'], outputs: 2, contentOrigin: 'storage' });
    const h = await harness();
    const record = await h.submit();
    const final = await h.service.waitForJob(record.clientId);
    assert.equal(final.state, 'saved');
    assert.deepEqual(final.outputs.map((o) => o.index), [0, 1]);
    assert.match(final.outputs[1]!.file!, /-out2\.mp4$/);
    for (const o of final.outputs) {
      assert.deepEqual(await fs.readFile(o.file!), sampleMp4());
      assert.ok(o.sidecar);
    }
    assert.equal(fake.requestsTo('storage').length, 2);
    assert.ok(fake.requestsTo('storage').every((r) => r.headers.authorization === undefined));
  });

  it('recovers a job by id (nothing submitted) and saves it', async () => {
    const job = fake.createJob(MODEL_ID, { statuses: ['pending', 'completed'] });
    const h = await harness();
    const record = await h.service.recover(job.id, h.out);
    assert.equal(record.jobId, job.id);
    const final = await h.service.waitForJob(job.id);
    assert.equal(final.state, 'saved');
    assert.deepEqual(await fs.readFile(final.outputs[0]!.file!), sampleMp4());
    assert.match(path.basename(final.outputs[0]!.file!), new RegExp(`openrouter-${job.id.toLowerCase()}`, 'i'));
    assert.equal(fake.submitCount(), 0);
    // The same id again returns the same record.
    assert.equal((await h.service.recover(job.id, h.out)).clientId, record.clientId);
    // An unknown id creates nothing.
    await assert.rejects(h.service.recover('NoSuchJob0000000000a', h.out), (e: unknown) => OpenRouterError.is(e, 'notFound'));
    assert.equal(h.store.size, 1);
    await assert.rejects(h.service.recover('not a job id!', h.out), { reason: 'badJobId', params: { text: 'not a job id!' } });
  });

  it('adopts a job id into a submitUnknown record (same record, request kept)', async () => {
    const h = await harness();
    fake.inject({ route: 'submit', status: 502 });
    const error = await h.submit().catch((e: unknown) => e);
    assert.ok(error instanceof JobSubmitError);
    // Suppose OpenRouter did accept it: the user finds it in their activity.
    const job = fake.createJob(MODEL_ID, { statuses: ['completed'] });
    const adopted = await h.service.recover(`${fake.baseUrl}/videos/${job.id}`, { adopt: error.record.clientId });
    assert.equal(adopted.clientId, error.record.clientId);
    const final = await h.service.waitForJob(error.record.clientId);
    assert.equal(final.state, 'saved');
    assert.equal(final.request.prompt, REQUEST.prompt);
    assert.equal(h.store.size, 1);
  });

  it('Recover Job by ID attaches a job to the submit whose outcome was unknown, not to a second record', async () => {
    const h = await harness();
    fake.inject({ route: 'submit', status: 502 });
    const error = await h.submit().catch((e: unknown) => e);
    assert.ok(error instanceof JobSubmitError);
    const job = fake.createJob(MODEL_ID, { statuses: ['completed'] });
    const offered: string[][] = [];
    const chooseUnknown = async (candidates: readonly JobRecord[]) => {
      offered.push(candidates.map((c) => c.clientId));
      return candidates[0]?.clientId;
    };
    // No `adopt`: the palette's Recover Job by ID, given only the id.
    const recovered = await h.service.recover(job.id, { targetFolder: h.out, chooseUnknown });
    assert.deepEqual(offered, [[error.record.clientId]], 'the unknown submit is offered once the job is known to exist');
    assert.equal(recovered.clientId, error.record.clientId, 'the same record, not a second one');
    assert.equal(h.store.size, 1);
    const final = await h.service.waitForJob(error.record.clientId);
    assert.equal(final.state, 'saved');
    assert.equal(final.request.model, MODEL_ID, 'the model is kept (not "unknown")');
    assert.equal(final.request.prompt, REQUEST.prompt, 'the prompt is kept');
    // An id OpenRouter does not know offers nothing and changes nothing.
    await assert.rejects(h.service.recover('NoSuchJob0000000000b', { targetFolder: h.out, chooseUnknown }), (e: unknown) => OpenRouterError.is(e, 'notFound'));
    assert.equal(offered.length, 1);
    assert.equal(fake.requestsTo('submit').length, 1, 'nothing submitted by recovering');
  });

  it('Run Again is planned afresh and priced before anything is sent (planRerun)', async () => {
    const h = await harness();
    const first = await h.submit();
    await h.service.waitForJob(first.clientId);
    const pricier = { ...veo, pricing_skus: Object.fromEntries(Object.entries(veo.pricing_skus ?? {}).map(([k, v]) => [k, String(Number(v) * 2)])) } as VideoModel;
    const before = fake.submitCount();
    const planned = await h.service.planRerun(first.clientId, { model: pricier });
    assert.equal(fake.submitCount(), before, 'planning sends nothing');
    assert.equal(planned.estimate.kind, 'estimate');
    assert.equal(first.estimatedCostUsd !== undefined && planned.estimate.kind === 'estimate', true);
    assert.ok(planned.estimate.kind === 'estimate' && Math.abs(planned.estimate.usd - 2 * first.estimatedCostUsd!) < 1e-9, "today's prices, not the first run's");
  });

  it('sends frames as data URLs but never stores them', async () => {
    const h = await harness();
    const request: VideoRequest = { ...REQUEST, frames: [{ frameType: 'first_frame', path: '/images/first.png' }] };
    const record = await h.submit(request);
    const body = JSON.parse(fake.requestsTo('submit')[0]!.body) as { frame_images: { image_url: { url: string } }[] };
    assert.match(body.frame_images[0]!.image_url.url, /^data:image\/png;base64,/);
    assert.equal(record.request.frames?.[0]?.path, '/images/first.png');
    await h.service.waitForJob(record.clientId);
    await h.store.flush();
    assert.doesNotMatch(await fs.readFile(h.storePath, 'utf8'), /data:/);
  });

  it('rerun() submits the same request again as a new job (only when asked)', async () => {
    const h = await harness();
    const first = await h.submit();
    await h.service.waitForJob(first.clientId);
    const second = await h.service.rerun(first.clientId);
    assert.notEqual(second.clientId, first.clientId);
    assert.notEqual(second.jobId, first.jobId);
    assert.deepEqual(second.request, first.request);
    assert.equal((await h.service.waitForJob(second.clientId)).state, 'saved');
    assert.equal(fake.submitCount(), 2);
  });

  it('download() of a job not known to be complete checks with OpenRouter first', async () => {
    fake.queueScript({ statuses: ['pending'] });
    fake.queueScript({ statuses: ['pending'] });
    const h = await harness();
    const a = await h.submit();
    const b = await h.submit();
    await h.service.stopWatching(a.clientId);
    await h.service.stopWatching(b.clientId);
    await assert.rejects(h.service.download(a.clientId), { reason: 'notFinished', params: { status: 'pending' } });
    assert.equal(h.store.get(a.clientId)?.state, 'stopped');
    fake.setJobStatus(a.jobId!, 'completed');
    assert.equal((await h.service.download(a.clientId)).state, 'saved');
    fake.setJobStatus(b.jobId!, 'failed', 'Content policy violation');
    await assert.rejects(h.service.download(b.clientId), { reason: 'noVideo', params: { status: 'failed', said: 'Content policy violation' } });
    assert.equal(h.store.get(b.clientId)?.state, 'failed');
    assert.deepEqual(h.store.get(b.clientId)?.error, { kind: 'server', reason: 'remoteFailed', params: { status: 'failed', said: 'Content policy violation' } });
    assert.equal(fake.requestsTo('content').length, 1);
  });

  it('markOpened() records that the video was opened, and writes nothing when it already is', async () => {
    fake.queueScript({ statuses: ['completed'] });
    const h = await harness();
    const record = await h.submit();
    assert.equal((await h.service.waitForJob(record.clientId)).opened, undefined);
    await h.service.markOpened(record.clientId);
    assert.equal(h.store.get(record.clientId)?.opened, true);
    let changes = 0;
    h.store.onDidChange(() => changes++);
    await h.service.markOpened(record.clientId);
    assert.equal(changes, 0);
    await assert.rejects(h.service.markOpened('no-such-job'), { reason: 'noSuchJob' });
  });

  it('stopWatching() and watch() through the service; remove() drops a job', async () => {
    fake.queueScript({ statuses: ['pending'] });
    const h = await harness();
    const record = await h.submit();
    const stopped = await h.service.stopWatching(record.clientId);
    assert.equal(stopped.state, 'stopped');
    assert.equal((await h.service.waitForJob(record.clientId)).state, 'stopped');
    const polls = fake.requestsTo('poll').length;
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(fake.requestsTo('poll').length, polls);
    fake.setJobStatus(record.jobId!, 'completed');
    await h.service.watch(record.clientId);
    assert.equal((await h.service.waitForJob(record.clientId)).state, 'saved');
    const waiting = h.service.waitForJob(record.clientId);
    assert.equal((await waiting).state, 'saved');
    assert.equal(await h.service.remove(record.clientId), true);
    assert.equal(h.store.size, 0);
    await assert.rejects(h.service.waitForJob(record.clientId), { reason: 'noSuchJob' });
  });
});
