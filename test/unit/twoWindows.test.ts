/**
 * Two windows (two extension hosts) sharing one storage folder: two JobStore + JobService pairs over the same
 * jobs.json, with the real client, poller and downloader against the fake OpenRouter over loopback. Neither
 * loses the other's records, each sees the other's jobs, and a job both watch is downloaded once. Also the
 * lock file under it (src/core/shared/lockFile.ts).
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { VideoModel } from '../../src/core/api/schemas';
import type { VideoRequest } from '../../src/core/api/videoRequest';
import { FileStorage } from '../../src/core/jobs/fileStorage';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import { JobService } from '../../src/core/jobs/jobService';
import { JobStore } from '../../src/core/jobs/jobStore';
import { planSubmit } from '../../src/core/jobs/submitPlan';
import { FileLock, isStale } from '../../src/core/shared/lockFile';
import { FakeOpenRouter, fixtureModels } from '../fake-openrouter/fakeOpenRouter';
import { openCoreWindow } from './helpers/coreWindow';
import { listFiles, until } from './helpers/waiting';

const MODEL_ID = 'google/veo-3.1';
const veo = fixtureModels().find((m) => (m as { id?: string }).id === MODEL_ID) as VideoModel;

function request(prompt: string): VideoRequest {
  return { model: MODEL_ID, prompt, duration: 4, resolution: '720p', aspectRatio: '16:9' };
}

interface Window {
  store: JobStore;
  service: JobService;
  submit(prompt: string): Promise<JobRecord>;
  close(): Promise<void>;
}

let fake: FakeOpenRouter;
const open: Window[] = [];

/** One window over `dir`: its own store, client, poller and service, as the composition root wires them. */
async function openWindow(dir: string): Promise<Window> {
  const core = await openCoreWindow({
    fake,
    storePath: path.join(dir, 'state', 'jobs.json'),
    store: { followOtherWriters: true },
    service: { writeSidecar: () => true },
  });
  const out = path.join(dir, 'videos');
  const w: Window = {
    store: core.store,
    service: core.service,
    submit: async (prompt) => core.service.submit(await planSubmit(veo, request(prompt), { sizeOf: async () => 0 }), out),
    close: core.close,
  };
  open.push(w);
  return w;
}

async function onDisk(dir: string): Promise<JobRecord[]> {
  return (JSON.parse(await fs.readFile(path.join(dir, 'state', 'jobs.json'), 'utf8')) as { jobs: JobRecord[] }).jobs;
}

describe('Two windows on one job store', function () {
  this.timeout(20_000);

  before(async () => {
    fake = await FakeOpenRouter.start();
    assert.ok(veo);
  });
  afterEach(async () => {
    for (const w of open.splice(0)) await w.close();
    fake.reset();
  });
  after(async () => {
    await fake.close();
  });

  it('two windows submitting at once keep both jobs: on disk, in each window, and after a restart', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'two-windows-'));
    fake.setDefaultScript({ statuses: ['pending', 'completed'] });
    const a = await openWindow(dir);
    const b = await openWindow(dir);
    const [ra, rb] = await Promise.all([a.submit('A job from window one'), b.submit('A job from window two')]);
    const saved = await Promise.all([a.service.waitForJob(ra.clientId), b.service.waitForJob(rb.clientId)]);
    assert.deepEqual(saved.map((r) => r.state), ['saved', 'saved']);
    await Promise.all([a.store.flush(), b.store.flush()]);

    const ids = [ra.clientId, rb.clientId].sort();
    assert.deepEqual((await onDisk(dir)).map((r) => r.clientId).sort(), ids, 'jobs.json holds both jobs');
    for (const w of [a, b]) {
      await until('each window to list both jobs', () => ids.every((id) => w.store.get(id)?.state === 'saved'));
    }
    await a.close();
    await b.close();
    const restarted = await openWindow(dir);
    assert.deepEqual(restarted.store.all().map((r) => r.clientId).sort(), ids, 'after a restart both paid jobs are there');
    assert.equal(fake.submitCount(), 2);
    assert.equal((await listFiles(path.join(dir, 'videos'))).filter((f) => f.endsWith('.mp4')).length, 2);
  });

  it('a job both windows watch is downloaded once, by one of them; both see it saved; no lock file is left', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'two-windows-'));
    fake.queueScript({ statuses: ['pending'], body: { size: 1024 * 1024 } });
    const a = await openWindow(dir);
    const submitted = await a.submit('A job both windows watch');
    await a.store.flush();
    // The second window opens while the job is pending, and resumes it as a start does.
    const b = await openWindow(dir);
    assert.equal(b.store.get(submitted.clientId)?.state, 'pending');
    await b.service.resumeAll();
    await until('both windows to poll the job', () => fake.jobs.get(submitted.jobId!)!.polls >= 4);

    fake.setJobStatus(submitted.jobId!, 'completed');
    const [fromA, fromB] = await Promise.all([a.service.waitForJob(submitted.clientId), b.service.waitForJob(submitted.clientId)]);
    assert.equal(fromA.state, 'saved');
    assert.equal(fromB.state, 'saved');
    assert.equal(fromA.outputs[0]?.file, fromB.outputs[0]?.file, 'both windows name the same file');
    await Promise.all([a.service.settled(), b.service.settled()]);

    assert.equal(fake.requestsTo('content').length, 1, 'one content GET');
    assert.deepEqual(await listFiles(path.join(dir, 'videos')), [path.basename(fromA.outputs[0]!.file!), `${path.basename(fromA.outputs[0]!.file!)}.json`], 'one video and its sidecar; no .part, no -2 copy, no .lock');
    assert.equal(fake.submitCount(), 1);
  });

  it('a job one window removes stays removed when the other writes', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'two-windows-'));
    fake.setDefaultScript({ statuses: ['completed'] });
    const a = await openWindow(dir);
    const first = await a.submit('First job');
    await a.service.waitForJob(first.clientId);
    const b = await openWindow(dir);
    assert.ok(b.store.get(first.clientId));
    await a.service.remove(first.clientId);
    const second = await b.submit('Second job, written by the other window');
    await b.service.waitForJob(second.clientId);
    await b.store.flush();
    assert.deepEqual((await onDisk(dir)).map((r) => r.clientId), [second.clientId], 'the removed job does not come back');
    await until('window two to drop the removed job', () => b.store.get(first.clientId) === undefined);
    await until('window one to list the new job', () => a.store.get(second.clientId));
  });

  it('a window that has not yet seen a job saved does not turn it back to pending with a later poll answer', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'two-windows-'));
    const storage = () => new FileStorage(path.join(dir, 'state', 'jobs.json'));
    // Two stores that merge only when they write: one window's view is behind the other's until then.
    const a = await JobStore.load(storage());
    const b = await JobStore.load(storage());
    try {
      const record = await a.create({ request: request('A job saved by the other window'), targetFolder: dir, state: 'pending', jobId: 'job-1' });
      await b.refresh();
      await b.update(record.clientId, { state: 'saved', remoteStatus: 'completed', outputs: [{ index: 0, url: 'u', file: path.join(dir, 'a.mp4'), bytes: 1, savedAt: 1 }] });
      await new Promise((resolve) => setTimeout(resolve, 5));
      // Window one's poll answer arrives later than the save, in its view of the job as still pending.
      await a.update(record.clientId, { remoteStatus: 'completed', completedAt: Date.now() });
      assert.equal((await onDisk(dir)).find((r) => r.clientId === record.clientId)?.state, 'saved', 'the saved job on disk');
      assert.equal(a.get(record.clientId)?.state, 'saved', 'in window one');
      await b.refresh();
      assert.equal(b.get(record.clientId)?.state, 'saved', 'in window two');
    } finally {
      await a.dispose();
      await b.dispose();
    }
  });
});

describe('FileLock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lock-'));
  });

  it('is held by one owner at a time, waits while it is held, and leaves nothing behind', async () => {
    const file = path.join(dir, 'clip.mp4.lock');
    const first = await FileLock.tryAcquire(file, { staleMs: 60_000 });
    assert.ok(first);
    const held = JSON.parse(await fs.readFile(file, 'utf8')) as { pid: number; host: string; id: string; at: number };
    assert.equal(held.pid, process.pid);
    assert.equal(held.host, os.hostname());
    assert.equal(await FileLock.tryAcquire(file, { staleMs: 60_000 }), undefined, 'a live lock is not taken');
    const second = FileLock.acquire(file, { staleMs: 60_000, retryMs: 10 });
    await new Promise((r) => setTimeout(r, 50));
    await first.release();
    const lock = await second;
    assert.notEqual(lock.owner.id, first.owner.id);
    await lock.release();
    assert.deepEqual(await fs.readdir(dir), []);
  });

  it('takes over a lock whose process is gone, or that nobody touched for staleMs', async () => {
    const file = path.join(dir, 'clip.mp4.lock');
    const child = spawn(process.execPath, ['-e', '']);
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)));
    await fs.writeFile(file, JSON.stringify({ pid: deadPid, host: os.hostname(), id: 'gone', at: Date.now() }));
    assert.equal(await isStale(file, 60_000), true, 'its process is gone');
    const taken = await FileLock.tryAcquire(file, { staleMs: 60_000 });
    assert.ok(taken);
    await taken.release();

    await fs.writeFile(file, JSON.stringify({ pid: process.pid, host: 'another-machine', id: 'old', at: 0 }));
    assert.equal(await isStale(file, 60_000), false, 'fresh, from another machine');
    const old = new Date(Date.now() - 120_000);
    await fs.utimes(file, old, old);
    assert.equal(await isStale(file, 60_000), true, 'not touched for staleMs');
    const again = await FileLock.tryAcquire(file, { staleMs: 60_000 });
    assert.ok(again);
    await again.release();
    assert.deepEqual(await fs.readdir(dir), []);
  });

  it('its owner touches it while it works, so it never looks stale', async () => {
    const file = path.join(dir, 'clip.mp4.lock');
    const lock = await FileLock.acquire(file, { staleMs: 150 });
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await isStale(file, 150), false);
    await lock.release();
  });
});
