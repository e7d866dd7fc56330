import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OpenRouterError } from '../../src/core/api/errors';
import { FileStorage } from '../../src/core/jobs/fileStorage';
import type { JobRecord, JobState } from '../../src/core/jobs/jobRecord';
import { JobStore, type JobStoreChange } from '../../src/core/jobs/jobStore';
import { FakeClock, flushMicrotasks } from './helpers/fakeClock';
import { MemoryStorage } from './helpers/memoryStorage';
import { TestLogger } from './helpers/testLogger';

function sampleRecord(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    clientId: 'c-1',
    jobId: 'Nxff2D1Z6w4Zk9iNuZam',
    request: { model: 'google/veo-3.1', prompt: 'a fox in the snow', duration: 4, resolution: '720p', aspectRatio: '16:9' },
    modelName: 'Google: Veo 3.1',
    state: 'pending',
    remoteStatus: 'pending',
    history: [{ status: 'submitting', at: 1, source: 'local' }],
    createdAt: 1,
    updatedAt: 2,
    submittedAt: 2,
    targetFolder: '/tmp/videos',
    outputs: [],
    downloadAttempts: 0,
    ...overrides,
  };
}

/** Record `n`, created at time `n`. */
function numbered(n: number, state: JobState): JobRecord {
  return sampleRecord({ clientId: `c-${n}`, jobId: `job-${n}`, state, createdAt: n, updatedAt: n, history: [{ status: state, at: n, source: 'local' }] });
}

function fileText(jobs: unknown[], version = 1): string {
  return JSON.stringify({ version, jobs });
}

const isReason = (reason: string) => (error: unknown) => OpenRouterError.is(error) && error.reason === reason;

describe('JobStore', () => {
  let clock: FakeClock;
  let logger: TestLogger;

  beforeEach(() => {
    clock = new FakeClock();
    logger = new TestLogger();
  });

  describe('records', () => {
    it('creates records with a UUID, times and a history, and resolves only once the record is on disk', async () => {
      const storage = new MemoryStorage();
      const store = await JobStore.load(storage, logger, clock);
      let release!: () => void;
      storage.gate = new Promise<void>((resolve) => (release = resolve));
      let resolved = false;
      const creating = store.create({ state: 'submitting', request: { model: 'm', prompt: 'p' }, targetFolder: '/out' }).then((r) => {
        resolved = true;
        return r;
      });
      await flushMicrotasks();
      assert.equal(resolved, false, 'not before the write lands');
      assert.equal(store.size, 1, 'but in memory at once');
      release();
      const record = await creating;
      assert.match(record.clientId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(record.createdAt, clock.now());
      assert.equal(record.updatedAt, clock.now());
      assert.deepEqual(record.history, [{ status: 'submitting', at: clock.now(), source: 'local' }]);
      assert.deepEqual(record.outputs, []);
      assert.equal(record.downloadAttempts, 0);
      assert.deepEqual(storage.jobs().map((j) => [j.clientId, j.state]), [[record.clientId, 'submitting']]);
      await store.dispose();
    });

    it('starts the history with the remote status a record is created with', async () => {
      const store = await JobStore.load(new MemoryStorage(), logger, clock);
      const r = await store.create({ state: 'pending', remoteStatus: 'queued', jobId: 'J', request: { model: 'm' }, targetFolder: '/o' });
      assert.deepEqual(r.history, [
        { status: 'pending', at: clock.now(), source: 'local' },
        { status: 'queued', at: clock.now(), source: 'remote' },
      ]);
      await store.dispose();
    });

    it('lists newest first and finds by clientId and by OpenRouter job id', async () => {
      const store = await JobStore.load(new MemoryStorage(), logger, clock);
      const a = await store.create({ state: 'pending', jobId: 'jobA', request: { model: 'm' }, targetFolder: '/o' });
      await clock.advance(10);
      const b = await store.create({ state: 'pending', jobId: 'jobB', request: { model: 'm' }, targetFolder: '/o' });
      const c = await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      assert.deepEqual(store.all().map((r) => r.clientId), [c.clientId, b.clientId, a.clientId], 'created in the same instant: the later one first');
      assert.equal(store.get(b.clientId)?.jobId, 'jobB');
      assert.equal(store.findByJobId('jobA')?.clientId, a.clientId);
      assert.equal(store.findByJobId('nope'), undefined);
      await store.dispose();
    });

    it('appends history when state or remote status changes, sets updatedAt, clears fields given as undefined', async () => {
      const store = await JobStore.load(new MemoryStorage(), logger, clock);
      const error = { kind: 'network', reason: 'cancelled' } as const;
      const r = await store.create({ state: 'submitting', request: { model: 'm' }, targetFolder: '/o', error });
      await clock.advance(100);
      const u1 = await store.update(r.clientId, { state: 'pending', remoteStatus: 'pending', jobId: 'J', error: undefined });
      assert.equal(u1.updatedAt, clock.now());
      assert.equal('error' in u1, false);
      assert.deepEqual(
        u1.history.map((h) => [h.status, h.source]),
        [
          ['submitting', 'local'],
          ['pending', 'local'],
          ['pending', 'remote'],
        ],
      );
      const u2 = await store.update(r.clientId, (cur) => ({ pollCount: (cur.pollCount ?? 0) + 1 }));
      assert.equal(u2.history.length, 3, 'no entry when neither state nor remote status changed');
      assert.equal(u2.pollCount, 1);
      const u3 = await store.update(r.clientId, () => undefined);
      assert.equal(u3, store.get(r.clientId), 'an updater returning undefined changes nothing');
      await assert.rejects(store.update('missing', { state: 'saved' }), isReason('storeJobMissing'));
      await store.dispose();
    });

    it('keeps the first history entry and the newest 99', async () => {
      const store = await JobStore.load(new MemoryStorage(), logger, clock, { lazyWriteMs: 0 });
      const r = await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      for (let i = 0; i < 150; i++) {
        void store.update(r.clientId, { remoteStatus: `status-${i}` });
      }
      await store.flush();
      const history = store.get(r.clientId)!.history;
      assert.equal(history.length, 100);
      assert.equal(history[0]?.status, 'pending');
      assert.equal(history[1]?.status, 'status-51');
      assert.equal(history.at(-1)?.status, 'status-149');
      await store.dispose();
    });

    it('hands out immutable snapshots: a change replaces the record, and all() is a new array', async () => {
      const store = await JobStore.load(new MemoryStorage(), logger, clock);
      const a = await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      await clock.advance(5);
      const b = await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      const before = store.all();
      const updated = await store.update(a.clientId, { state: 'stopped' });
      assert.notEqual(updated, a);
      assert.equal(a.state, 'pending', 'the old snapshot is as it was');
      assert.throws(() => {
        (updated as { state: string }).state = 'saved';
      }, TypeError);
      assert.throws(() => updated.history.push({ status: 'x', at: 0 }), TypeError);
      const after = store.all();
      assert.notEqual(after, before);
      assert.equal(before[1]?.state, 'pending');
      assert.equal(after[1]?.state, 'stopped');
      await store.remove(b.clientId);
      assert.deepEqual(store.all().map((r) => r.clientId), [a.clientId]);
      await store.dispose();
    });

    it('fires one change per mutation with only the changed record (and removals)', async () => {
      const store = await JobStore.load(new MemoryStorage(), logger, clock);
      const events: JobStoreChange[] = [];
      store.onDidChange((e) => events.push(e));
      const a = await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      await store.update(a.clientId, { state: 'stopped' });
      assert.equal(await store.remove(a.clientId), true);
      assert.equal(await store.remove(a.clientId), false);
      assert.equal(events.length, 4);
      assert.deepEqual(events[2]?.changed.map((r) => [r.clientId, r.state]), [[a.clientId, 'stopped']]);
      assert.deepEqual(events[3], { changed: [], removed: [a.clientId] });
      assert.equal(store.size, 1);
      await store.dispose();
    });

    it('applies updates in memory and fires at once, coalesces writes while one is in flight, and resolves each when on disk', async () => {
      const storage = new MemoryStorage();
      const store = await JobStore.load(storage, logger, clock);
      const r = await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      const seen: number[] = [];
      store.onDidChange((e) => seen.push(e.changed[0]?.pollCount ?? -1));
      let release!: () => void;
      storage.gate = new Promise<void>((resolve) => (release = resolve));
      const writesBefore = storage.writes.length;
      const pending = [1, 2, 3, 4, 5].map((n) => store.update(r.clientId, { pollCount: n }));
      assert.equal(store.get(r.clientId)?.pollCount, 5, 'visible before the write lands');
      assert.deepEqual(seen, [1, 2, 3, 4, 5], 'events fired synchronously');
      let landed = 0;
      for (const p of pending) void p.then(() => landed++);
      await flushMicrotasks();
      assert.equal(landed, 0, 'none resolves before its write lands');
      release();
      storage.gate = undefined;
      const records = await Promise.all(pending);
      assert.equal(storage.writes.length - writesBefore, 2, 'the first write, then one for the other four');
      assert.equal(storage.jobs()[0]?.pollCount, 5);
      assert.equal(records.at(-1)?.pollCount, 5);
      await store.dispose();
    });

    it('writes lazy changes within lazyWriteMs, or with the next ordinary change; flush() and dispose() write them', async () => {
      const storage = new MemoryStorage();
      const store = await JobStore.load(storage, logger, clock, { lazyWriteMs: 1000 });
      const r = await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      const writes = storage.writes.length;
      let landed = false;
      void store.update(r.clientId, { pollCount: 1 }, { lazy: true }).then(() => (landed = true));
      void store.update(r.clientId, { pollCount: 2 }, { lazy: true });
      assert.equal(store.get(r.clientId)?.pollCount, 2, 'in memory at once');
      await clock.advance(999);
      assert.equal(storage.writes.length, writes, 'not yet');
      await clock.advance(1);
      assert.equal(storage.writes.length, writes + 1, 'one write for both');
      assert.equal(landed, true);
      assert.equal(storage.jobs()[0]?.pollCount, 2);

      void store.update(r.clientId, { pollCount: 3 }, { lazy: true });
      await store.update(r.clientId, { state: 'in_progress' });
      assert.equal(storage.jobs()[0]?.pollCount, 3, 'an ordinary change takes the lazy one along');
      assert.equal(clock.pendingTimerCount, 0);

      void store.update(r.clientId, { pollCount: 4 }, { lazy: true });
      await store.flush();
      assert.equal(storage.jobs()[0]?.pollCount, 4);
      void store.update(r.clientId, { pollCount: 5 }, { lazy: true });
      await store.dispose();
      assert.equal(storage.jobs()[0]?.pollCount, 5);
      assert.equal(clock.pendingTimerCount, 0);
    });

    it('writes the same JSON as JSON.stringify of the whole list, oldest first', async () => {
      const storage = new MemoryStorage();
      const store = await JobStore.load(storage, logger, clock);
      const a = await store.create({ state: 'pending', request: { model: 'm', prompt: 'é "quoted" \\ \u2028' }, targetFolder: '/o' });
      await clock.advance(5);
      await store.create({ state: 'saved', request: { model: 'm' }, targetFolder: '/o', outputs: [{ index: 0, file: '/o/x.mp4' }] });
      await store.update(a.clientId, { state: 'stopped', error: undefined });
      assert.equal(storage.text, JSON.stringify({ version: 1, jobs: [...store.all()].reverse() }));
      await store.dispose();
    });

    it('takes a created record back out when it cannot be written, so nobody acts on it', async () => {
      const storage = new MemoryStorage();
      const store = await JobStore.load(storage, logger, clock);
      const events: JobStoreChange[] = [];
      store.onDidChange((e) => events.push(e));
      storage.failWrites = 1;
      await assert.rejects(store.create({ state: 'submitting', request: { model: 'm' }, targetFolder: '/o' }), (error: unknown) => {
        return OpenRouterError.is(error, 'io') && error.reason === 'storeNotSaved' && /ENOSPC/.test(error.message);
      });
      assert.equal(store.size, 0);
      assert.equal(events.length, 2);
      assert.equal(events[1]?.removed.length, 1);
      assert.ok(logger.at('error').some((m) => m.includes('ENOSPC')));
      // The next write works and stores everything.
      await store.create({ state: 'submitting', request: { model: 'm' }, targetFolder: '/o' });
      assert.equal(storage.jobs().length, 1);
      await store.dispose();
    });

    it('rejects an update whose write fails but keeps it in memory; the next write carries it', async () => {
      const storage = new MemoryStorage();
      const store = await JobStore.load(storage, logger, clock);
      const r = await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      storage.failWrites = 1;
      await assert.rejects(store.update(r.clientId, { state: 'stopped' }), isReason('storeNotSaved'));
      assert.equal(store.get(r.clientId)?.state, 'stopped');
      await store.update(r.clientId, { opened: true });
      assert.deepEqual(storage.jobs().map((j) => [j.state, j.opened]), [['stopped', true]]);
      await store.dispose();
    });

    it('flush() and dispose() wait for pending writes; a disposed store refuses changes', async () => {
      const storage = new MemoryStorage();
      const store = await JobStore.load(storage, logger, clock);
      const r = await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      let release!: () => void;
      storage.gate = new Promise<void>((resolve) => (release = resolve));
      void store.update(r.clientId, { state: 'stopped' });
      const disposed = store.dispose();
      let done = false;
      void disposed.then(() => (done = true));
      await flushMicrotasks();
      assert.equal(done, false);
      release();
      await disposed;
      assert.equal(storage.jobs()[0]?.state, 'stopped');
      await assert.rejects(store.update(r.clientId, { state: 'pending' }), isReason('storeClosed'));
      await assert.rejects(store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' }), isReason('storeClosed'));
      await assert.rejects(store.remove(r.clientId), isReason('storeClosed'));
    });
  });

  describe('pruning finished jobs', () => {
    const unfinished: JobState[] = ['submitUnknown', 'pending', 'in_progress', 'downloadFailed', 'stale', 'stopped'];

    it('on load, keeps every unfinished job and the newest N finished ones, and writes the result', async () => {
      // Oldest first: 6 unfinished jobs, then 8 finished ones of every prunable state.
      const finished: JobState[] = ['saved', 'failed', 'cancelled', 'expired', 'rejected', 'saved', 'saved', 'saved'];
      const records = [...unfinished.map((s, i) => numbered(i + 1, s)), ...finished.map((s, i) => numbered(i + 10, s))];
      const storage = new MemoryStorage(fileText(records));
      const store = await JobStore.load(storage, logger, clock, { keepFinishedJobs: 3 });
      const kept = store.all().map((r) => r.clientId);
      assert.deepEqual(kept, ['c-17', 'c-16', 'c-15', 'c-6', 'c-5', 'c-4', 'c-3', 'c-2', 'c-1']);
      assert.equal(store.loadReport.pruned, 5);
      assert.equal(store.loadReport.loaded, 9);
      assert.deepEqual(storage.jobs().map((j) => j.clientId).sort(), [...kept].sort(), 'written back');
      assert.ok(logger.at('info').some((m) => /Removed 5 finished job/.test(m)));
      await store.dispose();
    });

    it('when a job becomes finished, removes the oldest finished one beyond N (an event, then on disk)', async () => {
      const storage = new MemoryStorage(fileText([numbered(1, 'saved'), numbered(2, 'saved'), numbered(3, 'failed'), numbered(4, 'stale')]));
      const store = await JobStore.load(storage, logger, clock, { keepFinishedJobs: 3 });
      assert.equal(store.size, 4, 'nothing to prune yet');
      const events: JobStoreChange[] = [];
      store.onDidChange((e) => events.push(e));
      const r = await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      await store.update(r.clientId, { state: 'in_progress' });
      assert.equal(store.size, 5, 'unfinished changes prune nothing');
      await store.update(r.clientId, { state: 'saved' });
      assert.deepEqual(events.at(-1), { changed: [], removed: ['c-1'] });
      assert.deepEqual(events.at(-2)?.changed.map((x) => x.state), ['saved']);
      assert.deepEqual(store.all().map((x) => x.clientId), [r.clientId, 'c-4', 'c-3', 'c-2']);
      assert.deepEqual(storage.jobs().map((j) => j.clientId).sort(), ['c-2', 'c-3', 'c-4', r.clientId].sort());
      // A stale job is never pruned, however old.
      assert.equal(store.get('c-4')?.state, 'stale');
      await store.dispose();
    });

    it('keeps 500 finished jobs by default', async () => {
      const records = Array.from({ length: 502 }, (_, i) => numbered(i + 1, 'saved'));
      const store = await JobStore.load(new MemoryStorage(fileText(records)), logger, clock);
      assert.equal(store.size, 500);
      assert.equal(store.get('c-1'), undefined);
      assert.equal(store.get('c-2'), undefined);
      assert.ok(store.get('c-3'));
      await store.dispose();
    });

    it('keeps everything in one file: no archive is written or read', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jobstore-'));
      const file = path.join(dir, 'jobs.json');
      const store = await JobStore.load(new FileStorage(file), logger, clock, { keepFinishedJobs: 2, lazyWriteMs: 0 });
      for (let i = 0; i < 5; i++) {
        await store.create({ state: 'saved', request: { model: 'm' }, targetFolder: '/o' });
        await clock.advance(1);
      }
      await store.dispose();
      assert.deepEqual(await fs.readdir(dir), ['jobs.json']);
      const reloaded = await JobStore.load(new FileStorage(file), logger, clock, { keepFinishedJobs: 2 });
      assert.equal(reloaded.size, 2);
      await reloaded.dispose();
    });
  });

  describe('loading', () => {
    it('round-trips through the file format { version: 1, jobs }', async () => {
      const storage = new MemoryStorage();
      const store = await JobStore.load(storage, logger, clock);
      const r = await store.create({
        state: 'downloadFailed',
        jobId: 'J1',
        request: { model: 'm', prompt: 'p', frames: [{ frameType: 'first_frame', path: '/img/a.png' }] },
        error: { kind: 'notFound', reason: 'notFound', params: { status: 404, said: 'gone' } },
        targetFolder: '/o',
      });
      await store.dispose();
      const parsed = JSON.parse(storage.text!) as { version: number; jobs: unknown[] };
      assert.equal(parsed.version, 1);
      const again = await JobStore.load(storage, logger, clock);
      assert.deepEqual(again.get(r.clientId), store.get(r.clientId));
      await again.dispose();
    });

    it('turns records left in submitting into submitUnknown (never resubmitted) and downloading into a re-download', async () => {
      const storage = new MemoryStorage(
        fileText([
          sampleRecord({ clientId: 's', state: 'submitting', jobId: undefined, remoteStatus: undefined }),
          sampleRecord({ clientId: 'd', state: 'downloading', remoteStatus: 'completed' }),
          sampleRecord({ clientId: 'p', state: 'pending' }),
        ]),
      );
      const store = await JobStore.load(storage, logger, clock);
      const s = store.get('s')!;
      assert.equal(s.state, 'submitUnknown');
      assert.deepEqual(s.error, { kind: 'network', reason: 'submitInterrupted' });
      assert.deepEqual(s.history.at(-1), { status: 'submitUnknown', at: clock.now(), source: 'local' });
      const d = store.get('d')!;
      assert.equal(d.state, 'downloadFailed');
      assert.deepEqual(d.error, { kind: 'cancelled', reason: 'downloadInterrupted' });
      assert.equal(store.get('p')?.state, 'pending');
      assert.equal(store.loadReport.recovered, 2);
      assert.ok(logger.at('warn').some((m) => /2 job\(s\) were interrupted/.test(m)));
      // The recovery is written back at once.
      assert.deepEqual(storage.jobs().map((j) => j.state).sort(), ['downloadFailed', 'pending', 'submitUnknown']);
      await store.dispose();
    });

    it('drops only the records that do not fit, with a warning, and keeps one copy of the original', async () => {
      const good = sampleRecord({ clientId: 'good' });
      const text = fileText([good, { clientId: 'bad', state: 'pending' }, sampleRecord({ clientId: 'bad2', state: 'flying' as never }), 42, null]);
      const storage = new MemoryStorage(text);
      const store = await JobStore.load(storage, logger, clock);
      assert.deepEqual(store.all().map((r) => r.clientId), ['good']);
      assert.deepEqual(store.get('good'), good);
      assert.equal(store.loadReport.dropped, 4);
      assert.deepEqual(storage.setAsides, [{ text, reason: 'invalid-records' }]);
      assert.equal(store.loadReport.setAsidePath, 'memory://jobs.invalid-records.json');
      assert.equal(store.loadReport.setAsideReason, 'invalid-records');
      assert.ok(logger.at('warn').some((m) => /Dropped 4 job record/.test(m) && m.includes('job #1')));
      await store.dispose();
    });

    it('reads a file of the previous version, whose errors are sentences, keeping each sentence as it was', async () => {
      const storage = new MemoryStorage(
        fileText([
          { ...sampleRecord({ clientId: 'a', state: 'failed' }), error: 'The provider refused the prompt.' },
          { ...sampleRecord({ clientId: 'b', state: 'downloadFailed' }), error: 'The link expired.', errorKind: 'notFound' },
          { ...sampleRecord({ clientId: 'c', state: 'downloadFailed' }), error: 'Disk trouble.', errorKind: 'martian' },
          { ...sampleRecord({ clientId: 'd', state: 'stopped' }), errorKind: 'network' },
        ]),
      );
      const store = await JobStore.load(storage, logger, clock);
      assert.deepEqual(store.get('a')?.error, { kind: 'server', reason: 'recorded', params: { text: 'The provider refused the prompt.' } });
      assert.deepEqual(store.get('b')?.error, { kind: 'notFound', reason: 'recorded', params: { text: 'The link expired.' } });
      assert.deepEqual(store.get('c')?.error, { kind: 'server', reason: 'recorded', params: { text: 'Disk trouble.' } }, 'an unknown kind reads as server');
      assert.equal('error' in store.get('d')!, false);
      assert.equal('errorKind' in store.get('b')!, false, 'the old field is gone');
      assert.equal(store.loadReport.dropped, 0);
      assert.equal(storage.setAsides.length, 0);
      await store.dispose();
    });

    it('keeps a record whose error it cannot word: an unknown kind reads as server, an unknown reason loses the error only', async () => {
      const storage = new MemoryStorage(
        fileText([
          sampleRecord({ clientId: 'k', state: 'downloadFailed', error: { kind: 'martian' as never, reason: 'notFound' } }),
          sampleRecord({ clientId: 'r', state: 'downloadFailed', error: { kind: 'io', reason: 'fromTheFuture' as never } }),
        ]),
      );
      const store = await JobStore.load(storage, logger, clock);
      assert.deepEqual(store.get('k')?.error, { kind: 'server', reason: 'notFound' });
      assert.equal(store.get('r')?.state, 'downloadFailed');
      assert.equal('error' in store.get('r')!, false);
      assert.equal(store.loadReport.dropped, 0);
      await store.dispose();
    });

    it('keeps the newer copy of a record listed twice', async () => {
      const storage = new MemoryStorage(
        fileText([sampleRecord({ updatedAt: 5, state: 'stopped' }), sampleRecord({ updatedAt: 3, state: 'pending' })]),
      );
      const store = await JobStore.load(storage, logger, clock);
      assert.equal(store.size, 1);
      assert.equal(store.get('c-1')?.state, 'stopped');
      await store.dispose();
    });

    for (const [name, text, reason] of [
      ['not JSON', '{"version":1,"jobs":[{"clientId"', 'corrupt'],
      ['not an object', '[1,2,3]', 'corrupt'],
      ['no version', '{"jobs":[]}', 'corrupt'],
      ['no jobs list', '{"version":1,"jobs":{}}', 'corrupt'],
      ['a newer version', JSON.stringify({ version: 2, jobs: [sampleRecord()] }), 'newer-version'],
    ] as const) {
      it(`sets a file that is ${name} aside, warns, and starts empty without throwing`, async () => {
        const storage = new MemoryStorage(text);
        const store = await JobStore.load(storage, logger, clock);
        assert.equal(store.size, 0);
        assert.deepEqual(storage.setAsides, [{ text, reason }]);
        assert.equal(store.loadReport.setAsidePath, `memory://jobs.${reason}.json`);
        assert.equal(store.loadReport.setAsideReason, reason, 'the report says why, for the host to tell the user');
        assert.ok(logger.at('warn').some((m) => m.includes('Starting with an empty jobs list')));
        assert.equal(storage.writes.length, 0, 'the file is not replaced until something changes');
        await store.dispose();
      });
    }

    it('still starts (empty, with an error in the log) when the unusable file cannot be set aside', async () => {
      const storage = new MemoryStorage('not json');
      storage.setAside = async () => {
        throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
      };
      const store = await JobStore.load(storage, logger, clock);
      assert.equal(store.size, 0);
      assert.equal(store.loadReport.setAsidePath, undefined);
      assert.equal(store.loadReport.setAsideReason, 'corrupt', 'the host still tells the user, naming the live file');
      assert.ok(logger.at('error').some((m) => m.includes('EROFS')));
      assert.equal(storage.writes.length, 0, 'the file it could not copy is left as it is');
      await store.dispose();
    });

    it('starts empty on an empty or missing file, setting nothing aside', async () => {
      for (const text of [undefined, '', '  \n']) {
        const storage = new MemoryStorage(text);
        const store = await JobStore.load(storage, logger, clock);
        assert.equal(store.size, 0);
        assert.equal(storage.setAsides.length, 0);
        await store.dispose();
      }
    });

    it('throws storeUnreadable (and writes nothing) when the storage itself cannot be read', async () => {
      const storage = new MemoryStorage();
      storage.read = async () => {
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      };
      await assert.rejects(JobStore.load(storage, logger, clock), (error: unknown) => {
        return OpenRouterError.is(error, 'io') && error.reason === 'storeUnreadable' && /EACCES/.test(error.message);
      });
      assert.equal(storage.writes.length, 0);
    });

    it('on disk: a corrupt file is kept next to the store, which starts over in the same place', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jobstore-'));
      const file = path.join(dir, 'jobs.json');
      await fs.writeFile(file, 'not json at all');
      const store = await JobStore.load(new FileStorage(file), logger, clock);
      assert.equal(store.size, 0);
      const aside = store.loadReport.setAsidePath!;
      assert.match(path.basename(aside), /^jobs\.corrupt-.*\.json$/);
      assert.equal(await fs.readFile(aside, 'utf8'), 'not json at all');
      await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      await store.dispose();
      const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as { version: number; jobs: unknown[] };
      assert.equal(parsed.version, 1);
      assert.equal(parsed.jobs.length, 1);
    });

    it('on disk: a temporary file left by a write cut short does not disturb the store', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jobstore-'));
      const file = path.join(dir, 'jobs.json');
      const store = await JobStore.load(new FileStorage(file), logger, clock);
      const r = await store.create({ state: 'pending', jobId: 'J', request: { model: 'm' }, targetFolder: '/o' });
      await store.dispose();
      await fs.writeFile(`${file}.tmp-99999-1`, '{"version":1,"jobs":[{"clientId":"half');
      const reloaded = await JobStore.load(new FileStorage(file), logger, clock);
      assert.equal(reloaded.get(r.clientId)?.jobId, 'J');
      assert.equal(logger.at('warn').length, 0);
      await reloaded.dispose();
    });
  });
});
