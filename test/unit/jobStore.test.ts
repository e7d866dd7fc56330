import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStorage } from '../../src/core/jobs/fileStorage';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import {
  DOWNLOAD_INTERRUPTED_MESSAGE,
  JobStore,
  type JobStoreChange,
  looksLikeRecord,
  SUBMIT_INTERRUPTED_MESSAGE,
} from '../../src/core/jobs/jobStore';
import { jobRecordSchema } from '../../src/core/jobs/recordSchema';
import { FakeClock } from './helpers/fakeClock';
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

function fileText(jobs: unknown[], version = 1): string {
  return JSON.stringify({ version, jobs });
}

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'jobstore-'));
}

describe('JobStore', () => {
  let clock: FakeClock;
  let logger: TestLogger;

  beforeEach(() => {
    clock = new FakeClock();
    logger = new TestLogger();
  });

  describe('records', () => {
    it('creates records with a UUID, times and a history, and persists before resolving', async () => {
      const storage = new MemoryStorage();
      const store = await JobStore.load(storage, logger, clock);
      const record = await store.create({ state: 'submitting', request: { model: 'm', prompt: 'p' }, targetFolder: '/out' });
      assert.match(record.clientId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(record.createdAt, clock.now());
      assert.equal(record.updatedAt, clock.now());
      assert.deepEqual(record.history, [{ status: 'submitting', at: clock.now(), source: 'local' }]);
      assert.deepEqual(record.outputs, []);
      assert.equal(record.downloadAttempts, 0);
      assert.deepEqual(storage.jobs().map((j) => [j.clientId, j.state]), [[record.clientId, 'submitting']]);
      await store.dispose();
    });

    it('lists newest first and finds by clientId and by OpenRouter job id', async () => {
      const store = await JobStore.load(new MemoryStorage(), logger, clock);
      const a = await store.create({ state: 'pending', jobId: 'jobA', request: { model: 'm' }, targetFolder: '/o' });
      await clock.advance(10);
      const b = await store.create({ state: 'pending', jobId: 'jobB', request: { model: 'm' }, targetFolder: '/o' });
      await clock.advance(10);
      const c = await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      assert.deepEqual(store.all().map((r) => r.clientId), [c.clientId, b.clientId, a.clientId]);
      assert.equal(store.get(b.clientId)?.jobId, 'jobB');
      assert.equal(store.findByJobId('jobA')?.clientId, a.clientId);
      assert.equal(store.findByJobId('nope'), undefined);
      await store.dispose();
    });

    it('appends history when state or remote status changes, sets updatedAt, clears fields given as undefined', async () => {
      const store = await JobStore.load(new MemoryStorage(), logger, clock);
      const r = await store.create({ state: 'submitting', request: { model: 'm' }, targetFolder: '/o', error: 'x' });
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
      await assert.rejects(store.update('missing', { state: 'saved' }), /No job/);
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

    it('applies updates in memory at once and coalesces writes while one is in flight', async () => {
      const storage = new MemoryStorage();
      const store = await JobStore.load(storage, logger, clock);
      const r = await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      let release!: () => void;
      storage.gate = new Promise<void>((resolve) => (release = resolve));
      const writesBefore = storage.writes.length;
      const pending = [1, 2, 3, 4, 5].map((n) => store.update(r.clientId, { pollCount: n }));
      assert.equal(store.get(r.clientId)?.pollCount, 5, 'visible before the write lands');
      release();
      storage.gate = undefined;
      await Promise.all(pending);
      assert.ok(storage.writes.length - writesBefore <= 2, `coalesced (${storage.writes.length - writesBefore} writes)`);
      assert.equal(storage.jobs()[0]?.pollCount, 5);
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
      await clock.advance(999);
      assert.equal(storage.writes.length, writes, 'not yet');
      assert.equal(clock.pendingTimerCount, 1);
      await clock.advance(1);
      assert.equal(storage.writes.length, writes + 1, 'one write for both');
      assert.equal(landed, true);
      assert.equal(storage.jobs()[0]?.pollCount, 2);
      assert.equal(clock.pendingTimerCount, 0);

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

    it('writes the same JSON as JSON.stringify of the whole list, reusing unchanged records', async () => {
      const storage = new MemoryStorage();
      const store = await JobStore.load(storage, logger, clock);
      const a = await store.create({ state: 'pending', request: { model: 'm', prompt: 'é "quoted" \\ \u2028' }, targetFolder: '/o' });
      await clock.advance(5);
      await store.create({ state: 'saved', request: { model: 'm' }, targetFolder: '/o', outputs: [{ index: 0, file: '/o/x.mp4' }] });
      await store.update(a.clientId, { state: 'stopped', error: undefined });
      assert.equal(storage.text, JSON.stringify({ version: 1, jobs: [...store.all()].reverse() }));
      assert.deepEqual(JSON.parse(storage.text!), { version: 1, jobs: [...store.all()].reverse() });
      await store.dispose();
    });

    it('keeps all() sorted and returns a new array on every change (old snapshots stay as they were)', async () => {
      const store = await JobStore.load(new MemoryStorage(), logger, clock);
      const a = await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      await clock.advance(5);
      const b = await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      const before = store.all();
      await store.update(a.clientId, { state: 'stopped' });
      const after = store.all();
      assert.notEqual(after, before);
      assert.equal(before[1]?.state, 'pending');
      assert.equal(after[1]?.state, 'stopped');
      await clock.advance(5);
      const c = await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
      await store.remove(b.clientId);
      assert.deepEqual(store.all().map((r) => r.clientId), [c.clientId, a.clientId]);
      await store.dispose();
    });

    it('takes a created record back out when it cannot be written, so nobody acts on it', async () => {
      const storage = new MemoryStorage();
      const store = await JobStore.load(storage, logger, clock);
      const events: JobStoreChange[] = [];
      store.onDidChange((e) => events.push(e));
      storage.failWrites = 1;
      await assert.rejects(store.create({ state: 'submitting', request: { model: 'm' }, targetFolder: '/o' }), /ENOSPC/);
      assert.equal(store.size, 0);
      assert.equal(events.length, 2);
      assert.equal(events[1]?.removed.length, 1);
      assert.ok(logger.at('error').some((m) => m.includes('ENOSPC')));
      // The next write works and stores everything.
      await store.create({ state: 'submitting', request: { model: 'm' }, targetFolder: '/o' });
      assert.equal(storage.jobs().length, 1);
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
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(done, false);
      release();
      await disposed;
      assert.equal(storage.jobs()[0]?.state, 'stopped');
      await assert.rejects(store.update(r.clientId, { state: 'pending' }), /closed/);
      await assert.rejects(store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' }), /closed/);
    });
  });

  describe('loading', () => {
    it('round-trips through the file format { version: 1, jobs }', async () => {
      const storage = new MemoryStorage();
      const store = await JobStore.load(storage, logger, clock);
      const r = await store.create({
        state: 'pending',
        jobId: 'J1',
        request: { model: 'm', prompt: 'p', frames: [{ frameType: 'first_frame', path: '/img/a.png' }] },
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
      assert.equal(s.error, SUBMIT_INTERRUPTED_MESSAGE);
      assert.match(s.error!, /may or may not have accepted it/);
      assert.match(s.error!, /billed/);
      assert.match(s.error!, /NOT resubmitted/);
      assert.match(s.error!, /Recover Job by ID/);
      assert.equal(s.history.at(-1)?.status, 'submitUnknown');
      const d = store.get('d')!;
      assert.equal(d.state, 'downloadFailed');
      assert.equal(d.errorKind, 'cancelled');
      assert.equal(d.error, DOWNLOAD_INTERRUPTED_MESSAGE);
      assert.equal(store.get('p')?.state, 'pending');
      assert.equal(store.loadReport.recovered, 2);
      // The recovery is written back at once.
      assert.deepEqual(storage.jobs().map((j) => j.state).sort(), ['downloadFailed', 'pending', 'submitUnknown']);
      await store.dispose();
    });

    it('drops only the records that do not fit, with a warning, and keeps a copy of the original', async () => {
      const good = sampleRecord({ clientId: 'good' });
      const storage = new MemoryStorage(
        fileText([good, { clientId: 'bad', state: 'pending' }, sampleRecord({ clientId: 'bad2', state: 'flying' as never }), 42, null]),
      );
      const store = await JobStore.load(storage, logger, clock);
      assert.deepEqual(store.all().map((r) => r.clientId), ['good']);
      assert.deepEqual(store.get('good'), good);
      assert.equal(store.loadReport.dropped, 4);
      assert.equal(storage.setAsides.length, 1);
      assert.equal(storage.setAsides[0]?.reason, 'invalid-records');
      assert.ok(logger.at('warn').some((m) => /Dropped 4 job record/.test(m)));
      await store.dispose();
    });

    it('keeps a record with an unknown error kind, minus that field', async () => {
      const storage = new MemoryStorage(fileText([sampleRecord({ state: 'downloadFailed', errorKind: 'martian' as never, error: 'x' })]));
      const store = await JobStore.load(storage, logger, clock);
      assert.equal(store.get('c-1')?.errorKind, undefined);
      assert.equal(store.get('c-1')?.error, 'x');
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
        assert.ok(logger.at('warn').some((m) => m.includes('Starting with an empty jobs list')));
        await store.dispose();
      });
    }

    it('throws (and writes nothing) when the storage itself cannot be read', async () => {
      const storage = new MemoryStorage();
      storage.read = async () => {
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      };
      await assert.rejects(JobStore.load(storage, logger, clock), /EACCES/);
      assert.equal(storage.writes.length, 0);
    });

    it('the fast structural check never accepts what the schema rejects', () => {
      const base = sampleRecord({
        request: {
          model: 'm',
          prompt: 'p',
          frames: [{ frameType: 'first_frame', path: '/a.png', mimeType: 'image/png', byteLength: 3 }],
          providerOptions: { google: { enhancePrompt: true } },
        },
        outputs: [{ index: 0, url: 'u', target: '/f.mp4', file: '/f.mp4', bytes: 10, savedAt: 5, sidecar: '/f.mp4.json' }],
        unsignedUrls: ['u'],
        error: 'e',
        errorKind: 'network',
        costUsd: 0.2,
        opened: true,
        pollCount: 3,
        watchedSince: 2,
      });
      assert.equal(looksLikeRecord(base), true);
      assert.equal(jobRecordSchema.safeParse(base).success, true);
      const badValues: unknown[] = [undefined, null, 0, -1, 1.5, NaN, '', 'x', true, [], {}, ['x'], [1], [{}], { a: 1 }];
      let variants = 0;
      const check = (variant: unknown, where: string) => {
        variants++;
        if (looksLikeRecord(variant)) {
          assert.equal(jobRecordSchema.safeParse(variant).success, true, `fast check accepted what the schema rejects at ${where}`);
        }
      };
      const visit = (node: unknown, setAt: (value: unknown) => unknown, where: string) => {
        for (const bad of badValues) check(setAt(bad), `${where} = ${JSON.stringify(bad)}`);
        if (node && typeof node === 'object') {
          for (const key of Object.keys(node)) {
            visit((node as Record<string, unknown>)[key], (value) => {
              const copy = (Array.isArray(node) ? [...node] : { ...node }) as Record<string, unknown>;
              copy[key] = value;
              return setAt(copy);
            }, `${where}.${key}`);
          }
        }
      };
      visit(base, (v) => v, 'record');
      assert.ok(variants > 500, `${variants} variants`);
    });
  });
});

describe('FileStorage', () => {
  it('writes atomically: creates the folder, leaves no temporary file, and reads back', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'nested', 'jobs.json');
    const storage = new FileStorage(file);
    assert.equal(await storage.read(), undefined);
    await storage.write('{"version":1,"jobs":[]}');
    assert.equal(await storage.read(), '{"version":1,"jobs":[]}');
    assert.deepEqual(await fs.readdir(path.dirname(file)), ['jobs.json']);
  });

  it('serialises concurrent writes without interleaving; the last one wins; every caller resolves', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'jobs.json');
    const storage = new FileStorage(file);
    const texts = Array.from({ length: 40 }, (_, i) => JSON.stringify({ n: i, pad: 'x'.repeat(20_000 + i) }));
    await Promise.all(texts.map((t) => storage.write(t)));
    assert.equal(await fs.readFile(file, 'utf8'), texts.at(-1));
    assert.deepEqual(await fs.readdir(dir), ['jobs.json']);
  });

  it('an interrupted write (temporary file left behind) does not corrupt the store', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'jobs.json');
    const clock = new FakeClock();
    const logger = new TestLogger();
    const store = await JobStore.load(new FileStorage(file), logger, clock);
    const r = await store.create({ state: 'pending', jobId: 'J', request: { model: 'm' }, targetFolder: '/o' });
    await store.dispose();
    // A crash mid-write leaves a half-written temporary file; the live file is untouched.
    const tmp = `${file}.tmp-99999-1`;
    await fs.writeFile(tmp, '{"version":1,"jobs":[{"clientId":"half');
    const reloaded = await JobStore.load(new FileStorage(file), logger, clock);
    assert.equal(reloaded.get(r.clientId)?.jobId, 'J');
    assert.equal(logger.at('warn').length, 0);
    await reloaded.dispose();
    // Temporary files older than a minute are cleaned up on read; fresh ones (another window mid-write) are not.
    const old = new Date(Date.now() - 5 * 60_000);
    await fs.utimes(tmp, old, old);
    const fresh = `${file}.tmp-99998-1`;
    await fs.writeFile(fresh, 'x');
    await new FileStorage(file).read();
    assert.deepEqual((await fs.readdir(dir)).sort(), ['jobs.json', 'jobs.json.tmp-99998-1']);
  });

  it('a failed write leaves the previous file intact and no temporary file', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'jobs.json');
    const storage = new FileStorage(file);
    await storage.write('first');
    // Make the target a directory-shaped obstacle: rename over a non-empty directory fails.
    const blocked = path.join(dir, 'blocked.json');
    await fs.mkdir(path.join(blocked, 'inside'), { recursive: true });
    await assert.rejects(new FileStorage(blocked).write('second'));
    assert.equal(await storage.read(), 'first');
    assert.deepEqual((await fs.readdir(dir)).sort(), ['blocked.json', 'jobs.json']);
  });

  it('sets corrupt text aside next to the store and the store starts over', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'jobs.json');
    await fs.writeFile(file, 'not json at all');
    const logger = new TestLogger();
    const store = await JobStore.load(new FileStorage(file), logger, new FakeClock());
    assert.equal(store.size, 0);
    const aside = store.loadReport.setAsidePath!;
    assert.match(path.basename(aside), /^jobs\.corrupt-.*\.json$/);
    assert.equal(await fs.readFile(aside, 'utf8'), 'not json at all');
    await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/o' });
    await store.dispose();
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as { version: number; jobs: unknown[] };
    assert.equal(parsed.version, 1);
    assert.equal(parsed.jobs.length, 1);
    // Setting aside twice in the same instant never overwrites the first copy.
    const second = await new FileStorage(file).setAside('again', 'corrupt');
    assert.notEqual(second, aside);
  });
});
