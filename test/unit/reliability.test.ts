/**
 * The core-level part of the fault matrix (RELIABILITY.md): faults where the extension host adds nothing
 * and that the host under test cannot produce - a killed process, short timeouts, a watch limit - run
 * against the real core (client, downloader, JobStore on disk, JobService) and the fake OpenRouter over
 * loopback. The host-level faults are in test/integration/faults.test.ts.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { VideoModel } from '../../src/core/api/schemas';
import type { VideoRequest } from '../../src/core/api/videoRequest';
import { downloadOutput } from '../../src/core/download/downloader';
import type { DownloadFn } from '../../src/core/jobs/downloadJob';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import { parseStore } from '../../src/core/jobs/storeFormat';
import type { ReadImageFn } from '../../src/core/jobs/submitJob';
import { planSubmit } from '../../src/core/jobs/submitPlan';
import { RequestValidationError } from '../../src/core/models/problems';
import { FakeOpenRouter, fixtureModels, generatedBytes, sampleMp4 } from '../fake-openrouter/fakeOpenRouter';
import { FAST_POLL, openCoreWindow, type CoreWindow } from './helpers/coreWindow';
import { listFiles, until as waitUntil } from './helpers/waiting';

const MODEL_ID = 'google/veo-3.1';
const veo = fixtureModels().find((m) => (m as { id?: string }).id === MODEL_ID) as VideoModel;
const REQUEST: VideoRequest = { model: MODEL_ID, prompt: 'A lighthouse in a storm', duration: 4, resolution: '720p', aspectRatio: '16:9' };
const KiB = 1024;
const MiB = 1024 * KiB;
const CORE = path.join(__dirname, '..', '..', 'src', 'core');

const noImages: ReadImageFn = async () => {
  throw new Error('no images in this test');
};

/** The shared helper, with this suite's longer wait (it starts child processes). */
function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  return waitUntil(what, fn, timeoutMs, 10);
}

async function onDisk(storePath: string): Promise<JobRecord[]> {
  try {
    return (JSON.parse(await fs.readFile(storePath, 'utf8')) as { jobs: JobRecord[] }).jobs;
  } catch {
    return [];
  }
}

interface Harness extends CoreWindow {
  dir: string;
  storePath: string;
  out: string;
  /** Plans and submits `request`, as the generate flow does. */
  submit(request?: VideoRequest): Promise<JobRecord>;
}

let fake: FakeOpenRouter;
const open: Harness[] = [];

/** A service as the host builds it, with timeouts short enough for a test (the host's are 30 s / 60 s). */
async function harness(
  options: { dir?: string; timeoutMs?: number; stallMs?: number; watchLimitMs?: number; notFoundLimitMs?: number } = {},
): Promise<Harness> {
  const dir = options.dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'reliability-')));
  const storePath = path.join(dir, 'state', 'jobs.json');
  const out = path.join(dir, 'videos');
  const download: DownloadFn = (a, request) =>
    downloadOutput(a, { ...request, backoffMs: 10, ...(options.stallMs !== undefined ? { stallTimeoutMs: options.stallMs } : {}) });
  const core = await openCoreWindow({
    fake,
    storePath,
    client: { userAgent: 'reliability-test', retryBaseMs: 10, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) },
    poll: {
      ...FAST_POLL,
      ...(options.watchLimitMs !== undefined ? { watchLimitMs: options.watchLimitMs } : {}),
      ...(options.notFoundLimitMs !== undefined ? { notFoundLimitMs: options.notFoundLimitMs } : {}),
    },
    service: { download, readImage: noImages, defaultTargetFolder: () => out },
  });
  const h: Harness = { ...core, dir, storePath, out, submit: async (request = REQUEST) => core.service.submit(await planSubmit(veo, request), out) };
  open.push(h);
  return h;
}

/**
 * A child Node process that does what the extension does on Generate: load the store, submit once, and
 * let the poller and downloader run. It prints {clientId, jobId} once submitted, then runs until killed.
 */
function startChild(storePath: string, out: string): { child: ChildProcess; submitted: Promise<{ clientId: string; jobId: string }> } {
  const config = {
    core: CORE,
    fakeModule: path.join(__dirname, '..', 'fake-openrouter', 'fakeOpenRouter.js'),
    storePath,
    out,
    baseUrl: fake.baseUrl,
    key: fake.apiKey,
    model: MODEL_ID,
    request: REQUEST,
    poll: FAST_POLL,
  };
  const script = `
    const path = require('node:path');
    const c = JSON.parse(process.env.ORV_CHILD);
    const { JobStore } = require(path.join(c.core, 'jobs', 'jobStore.js'));
    const { FileStorage } = require(path.join(c.core, 'jobs', 'fileStorage.js'));
    const { JobService } = require(path.join(c.core, 'jobs', 'jobService.js'));
    const { JobPoller } = require(path.join(c.core, 'jobs', 'jobPoller.js'));
    const { planSubmit } = require(path.join(c.core, 'jobs', 'submitPlan.js'));
    const { createVideoApi } = require(path.join(c.core, 'api', 'client.js'));
    const { RateLimitGate } = require(path.join(c.core, 'api', 'retry.js'));
    const { downloadOutput } = require(path.join(c.core, 'download', 'downloader.js'));
    const { fixtureModels } = require(c.fakeModule);
    (async () => {
      const store = await JobStore.load(new FileStorage(c.storePath));
      const gate = new RateLimitGate();
      const api = createVideoApi({ baseUrl: c.baseUrl, keyProvider: () => c.key, fetch: (i, o) => fetch(i, o), userAgent: 'child', gate });
      const poller = new JobPoller({ api, store, gate, ...c.poll });
      const service = new JobService({ api, store, poller, download: downloadOutput, extensionVersion: 'child',
        readImage: async () => { throw new Error('no images'); } });
      const model = fixtureModels().find((m) => m.id === c.model);
      const record = await service.submit(await planSubmit(model, c.request), c.out);
      process.stdout.write(JSON.stringify({ clientId: record.clientId, jobId: record.jobId }) + '\\n');
      setInterval(() => undefined, 60000); // keep running until killed
    })().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(3); });
  `;
  const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, ORV_CHILD: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const submitted = new Promise<{ clientId: string; jobId: string }>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) resolve(JSON.parse(line) as { clientId: string; jobId: string });
    });
    child.once('exit', (code, signal) => reject(new Error(`child exited (${code ?? signal}) before submitting: ${stderr}`)));
  });
  return { child, submitted };
}

describe('Reliability: core-level faults (real client, downloader and store on disk, fake OpenRouter)', function () {
  this.timeout(30_000);
  const children: ChildProcess[] = [];

  before(async () => {
    fake = await FakeOpenRouter.start();
    assert.ok(veo, `the fixture has ${MODEL_ID}`);
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const h of open.splice(0)) await h.close();
    fake.reset();
  });
  after(async () => {
    await fake.close();
  });

  // The next start continues the killed download's .part under its reserved name (kept in the record): with
  // Range when the server does ranges, from zero (same name) when it ignores them.
  for (const ranges of [true, false]) {
    const title = ranges
      ? 'the extension host is killed (SIGKILL) mid-download: nothing passes for complete, and the next start continues the .part with Range under the same name, saved once, byte-identical'
      : 'the extension host is killed (SIGKILL) mid-download and the server then ignores Range: the next start downloads again from zero into the same name, saved once, byte-identical';
    it(title, async () => {
      const size = 4 * MiB;
      fake.queueScript({ statuses: ['completed'], body: { size } });
      fake.setContent({ stallAfterBytes: 1 * MiB }); // the first download hangs after 1 MiB, socket open
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reliability-kill-'));
      const storePath = path.join(dir, 'state', 'jobs.json');
      const out = path.join(dir, 'videos');

      const { child, submitted } = startChild(storePath, out);
      children.push(child);
      const { clientId, jobId } = await submitted;
      await until('the download to be under way on disk', async () => {
        const record = (await onDisk(storePath)).find((r) => r.clientId === clientId);
        const parts = (await listFiles(out)).filter((n) => n.endsWith('.part'));
        if (record?.state !== 'downloading' || parts.length !== 1) return false;
        return (await fs.stat(path.join(out, parts[0]!))).size >= 256 * KiB;
      });
      const killed = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await killed;

      // What the next start finds: no video, a partial file that is not mistaken for one, a "downloading"
      // record that names the file it was saving into.
      const left = await listFiles(out);
      assert.deepEqual(left.filter((n) => n.endsWith('.mp4')), [], 'no .mp4 before the job is finished');
      const stalePart = left.find((n) => n.endsWith('.part'))!;
      assert.ok(stalePart, `the killed download left its .part (${left.join(', ')})`);
      const partSize = (await fs.stat(path.join(out, stalePart))).size;
      assert.ok(partSize > 0 && partSize < size, `the .part is incomplete (${partSize} bytes)`);
      const reservedName = stalePart.slice(0, -'.part'.length);
      const killedRecord = (await onDisk(storePath)).find((r) => r.clientId === clientId);
      assert.equal(killedRecord?.state, 'downloading');
      assert.equal(killedRecord?.outputs[0]?.target, path.join(out, reservedName), 'the reserved name was on disk before the download started');

      // The next start: a new process (this one), the store loaded from disk, resumeAll().
      fake.setContent({ ranges });
      const next = await harness({ dir });
      assert.equal(next.store.get(clientId)?.state, 'downloadFailed', 'loading turns an interrupted download into a re-download');
      await next.service.resumeAll();
      const final = await next.service.waitForJob(clientId);
      assert.equal(final.state, 'saved', JSON.stringify(final.error));
      assert.equal(final.jobId, jobId);
      const file = final.outputs[0]!.file!;
      assert.equal(file, path.join(out, reservedName), 'saved under the name reserved before the kill (no -2)');
      assert.equal(final.outputs[0]!.target, undefined, 'a saved output keeps no reservation');
      assert.ok((await fs.readFile(file)).equals(generatedBytes(size, 0, size)), 'the saved video is byte-identical');
      assert.equal(fake.submitCount(), 1, 'never resubmitted');
      assert.equal(fake.requestsTo('submit').length, 1);
      const gets = fake.requestsTo('content');
      assert.equal(gets.length, 2, 'the killed download and one more');
      // The resume asks for the rest of the .part either way; a server without ranges answers 200 (whole file).
      assert.equal(gets[1]!.headers.range, `bytes=${partSize}-`, 'the resume asked for what the .part did not have');
      const after = await listFiles(out);
      assert.deepEqual(after.filter((n) => n.endsWith('.mp4')), [reservedName], 'one video');
      assert.deepEqual(after.filter((n) => n.endsWith('.part')), [], `no .part left (${after.join(', ')})`);
      const how = ranges ? /\(resumed 1, restarts 0\)$/ : /ignored the Range request/;
      assert.ok(next.logger.lines.some((l) => how.test(l.message)), `the log says how it went on: ${next.logger.lines.map((l) => l.message).join(' | ')}`);
    });
  }

  it('waitForJob called right after a restart, before resumeAll, waits for the interrupted download instead of reporting it as the outcome', async () => {
    fake.queueScript({ statuses: ['completed'] });
    fake.setContent({ stallAfterBytes: 1000 });
    const first = await harness();
    const record = await first.submit();
    await until('the download to start', () => first.store.get(record.clientId)?.state === 'downloading');
    await first.close(); // a window reload: the download is cut off, the record says "interrupted"
    fake.setContent({});

    const second = await harness({ dir: first.dir });
    // The host resumes only after reading the key; a script calling waitForJob first must not see an interim state.
    const waited = second.service.waitForJob(record.clientId);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await second.service.resumeAll();
    const final = await waited;
    assert.equal(final.state, 'saved', `${final.state}: ${JSON.stringify(final.error)}`);
    assert.ok((await fs.readFile(final.outputs[0]!.file!)).equals(sampleMp4()));
    assert.equal(fake.submitCount(), 1);
  });

  describe('stalled responses (timeouts; the host uses 30 s for an answer and 60 s without data)', () => {
    it('a poll that gets no answer times out, is asked again, and the job is saved', async () => {
      fake.queueScript({ statuses: ['completed'] });
      fake.inject({ route: 'poll', stallMs: 3_000, times: 1 });
      const h = await harness({ timeoutMs: 300 });
      const record = await h.submit();
      const final = await h.service.waitForJob(record.clientId);
      assert.equal(final.state, 'saved', JSON.stringify(final.error));
      const polls = fake.requestsTo('poll');
      assert.ok(polls.length >= 2 && polls[1]!.at - polls[0]!.at >= 250, 'the stalled poll timed out and was asked again');
      assert.ok((await fs.readFile(final.outputs[0]!.file!)).equals(sampleMp4()));
      assert.equal(fake.submitCount(), 1);
    });

    it('a download that stops sending mid-body is resumed with Range after the stall timeout and saved byte-identical', async () => {
      const size = 1 * MiB;
      fake.queueScript({ statuses: ['completed'], body: { size } });
      fake.setContent({ stallAfterBytes: 300 * KiB });
      const h = await harness({ timeoutMs: 2_000, stallMs: 300 });
      const record = await h.submit();
      const final = await h.service.waitForJob(record.clientId);
      assert.equal(final.state, 'saved', JSON.stringify(final.error));
      const gets = fake.requestsTo('content');
      assert.equal(gets.length, 2);
      assert.match(String(gets[1]!.headers.range), /^bytes=[1-9]\d*-$/, 'resumed with Range');
      assert.ok((await fs.readFile(final.outputs[0]!.file!)).equals(generatedBytes(size, 0, size)));
      assert.deepEqual((await listFiles(h.out)).filter((n) => n.endsWith('.part')), []);
    });

    it('a submit that gets no answer is NOT resubmitted (submitUnknown); the job OpenRouter may have made is adopted by id and saved once', async () => {
      fake.inject({ route: 'submit', stallMs: 1_000, times: 1 }); // no answer before the client gives up
      const h = await harness({ timeoutMs: 300 });
      await assert.rejects(h.submit(), { reason: 'submitUnknown', kind: 'timeout' });
      const unknown = h.store.all()[0]!;
      assert.equal(unknown.state, 'submitUnknown');
      assert.equal(unknown.error?.params?.['failure'], 'timeout');
      await h.service.resumeAll();
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      assert.equal(fake.requestsTo('submit').length, 1, 'one POST, never repeated (not even by resumeAll)');

      // The fake drops a request whose client left; it stands for a job OpenRouter did start with createJob.
      const job = fake.createJob(MODEL_ID, { statuses: ['completed'] }, { model: MODEL_ID, prompt: REQUEST.prompt });
      await h.service.recover(job.id, { adopt: unknown.clientId });
      const final = await h.service.waitForJob(unknown.clientId);
      assert.equal(final.state, 'saved', JSON.stringify(final.error));
      assert.equal(final.jobId, job.id);
      assert.equal(h.store.all().length, 1, 'the same record, adopted');
      assert.ok((await fs.readFile(final.outputs[0]!.file!)).equals(sampleMp4()));
      assert.equal(fake.requestsTo('submit').length, 1);
    });
  });

  it('a job that never finishes becomes stale (not failed, nothing downloaded); watching it again after OpenRouter finishes saves it once', async () => {
    fake.queueScript({ statuses: ['pending'] });
    const h = await harness({ watchLimitMs: 300 });
    const record = await h.submit();
    const stale = await h.service.waitForJob(record.clientId);
    assert.equal(stale.state, 'stale');
    assert.deepEqual(stale.error, { kind: 'timeout', reason: 'watchLimit', params: { minutes: 0 } });
    assert.equal(fake.requestsTo('content').length, 0);
    const polls = fake.requestsTo('poll').length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(fake.requestsTo('poll').length, polls, 'no polling once stale');

    fake.setJobStatus(record.jobId!, 'completed');
    await h.service.watch(record.clientId);
    const final = await h.service.waitForJob(record.clientId);
    assert.equal(final.state, 'saved', JSON.stringify(final.error));
    assert.ok((await fs.readFile(final.outputs[0]!.file!)).equals(sampleMp4()));
    assert.equal(fake.submitCount(), 1);
    assert.equal((await listFiles(h.out)).filter((n) => n.endsWith('.mp4')).length, 1);
  });

  it('a 404 on one status check does not write the job off: it is checked again and saved once', async () => {
    fake.queueScript({ statuses: ['pending', 'pending', 'completed'] });
    fake.inject({ route: 'poll', status: 404, times: 1 });
    const h = await harness();
    const record = await h.submit();
    const final = await h.service.waitForJob(record.clientId);
    assert.equal(final.state, 'saved', `ended ${final.state}: ${JSON.stringify(final.error)}`);
    assert.equal(fake.requestsTo('poll').length, 4, 'the 404, then pending, pending, completed');
    assert.ok((await fs.readFile(final.outputs[0]!.file!)).equals(sampleMp4()));
    assert.equal(fake.submitCount(), 1);
  });

  it('404s on every status check for the not-found limit make the job unknown (not failed); watching it again saves it once', async () => {
    fake.queueScript({ statuses: ['pending', 'completed'] });
    fake.inject({ route: 'poll', status: 404, times: Infinity });
    const h = await harness({ notFoundLimitMs: 300 });
    const record = await h.submit();
    const unknown = await h.service.waitForJob(record.clientId);
    assert.equal(unknown.state, 'unknown');
    assert.deepEqual(unknown.error, { kind: 'notFound', reason: 'jobNotFound', params: { minutes: 0 } });
    const polls = fake.requestsTo('poll').length;
    assert.ok(polls >= 3, `checked again before giving up (${polls} checks)`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(fake.requestsTo('poll').length, polls, 'no polling once unknown');
    assert.equal(fake.requestsTo('content').length, 0);
    await h.store.flush();
    const onFile = parseStore(await fs.readFile(h.storePath, 'utf8'));
    assert.ok(onFile.usable && onFile.dropped === 0, 'the jobs file reads back whole');
    assert.equal(onFile.records.find((r) => r.clientId === record.clientId)?.state, 'unknown', 'kept as unknown on disk');

    fake.clearFaults();
    await h.service.watch(record.clientId);
    const final = await h.service.waitForJob(record.clientId);
    assert.equal(final.state, 'saved', JSON.stringify(final.error));
    assert.ok((await fs.readFile(final.outputs[0]!.file!)).equals(sampleMp4()));
    assert.equal(fake.submitCount(), 1);
    assert.equal((await listFiles(h.out)).filter((n) => n.endsWith('.mp4')).length, 1);
  });

  it('frame images too big for the 50 MiB request limit are refused before any request, even when the caller gave no byteLength', async () => {
    const h = await harness();
    const image = path.join(h.dir, 'big.png');
    await fs.writeFile(image, '');
    await fs.truncate(image, 40 * MiB); // 53.3 MiB as base64; sparse, so nothing is really written
    const request: VideoRequest = { ...REQUEST, frames: [{ frameType: 'first_frame', path: image }] };
    await assert.rejects(h.submit(request), (error: unknown) => {
      assert.ok(error instanceof RequestValidationError, `a validation error (got ${String(error)})`);
      assert.deepEqual(error.problems.map((p) => [p.field, p.code]), [['body', 'bodyTooLarge']]);
      assert.ok(Number(error.problems[0]!.params?.['bytes']) > 53 * MiB, 'counted with the image size read from the disk');
      return true;
    });
    assert.equal(fake.requestsTo('submit').length, 0, 'no POST');
    assert.deepEqual(h.store.all(), [], 'no record');
  });
});
