/**
 * The job store's archive: finished jobs beyond the newest `keepLive` leave the main file, which is all that
 * is read at activation; the archive is read on demand. bench/history measures why (5,000 records).
 */
import * as assert from 'node:assert/strict';
import type { JobRecord, JobState } from '../../src/core/jobs/jobRecord';
import { JobStore, type JobStoreChange } from '../../src/core/jobs/jobStore';
import { FakeClock } from './helpers/fakeClock';
import { MemoryStorage } from './helpers/memoryStorage';
import { TestLogger } from './helpers/testLogger';

function record(n: number, state: JobState = 'saved'): JobRecord {
  return {
    clientId: `c-${n}`,
    jobId: `job${String(n).padStart(16, '0')}`,
    request: { model: 'google/veo-3.1', prompt: `prompt ${n}` },
    state,
    history: [{ status: 'submitting', at: n, source: 'local' }],
    createdAt: n,
    updatedAt: n,
    targetFolder: '/tmp/videos',
    outputs: [],
    downloadAttempts: 0,
  };
}

function text(records: JobRecord[]): string {
  return JSON.stringify({ version: 1, jobs: records });
}

const ids = (storage: MemoryStorage) => storage.jobs().map((j) => j.clientId).sort();
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('JobStore archive', () => {
  let clock: FakeClock;
  let logger: TestLogger;
  beforeEach(() => {
    clock = new FakeClock(1_000);
    logger = new TestLogger();
  });

  const load = (main: MemoryStorage, archive: MemoryStorage, keepLive = 3) => JobStore.load(main, logger, clock, { archive, keepLive, lazyWriteMs: 0 });

  it('moves finished jobs beyond the newest keepLive to the archive once there are twice as many, never active ones', async () => {
    const main = new MemoryStorage(text([...range(1, 7).map((n) => record(n)), record(8, 'in_progress'), record(9, 'downloadFailed')]));
    const archive = new MemoryStorage();
    const store = await load(main, archive);
    await store.flush();
    assert.deepEqual(ids(archive), ['c-1', 'c-2', 'c-3', 'c-4']);
    assert.deepEqual(ids(main), ['c-5', 'c-6', 'c-7', 'c-8', 'c-9']);
    assert.equal(store.size, 9, 'still all in memory');
    await store.dispose();
  });

  it('does not compact below the threshold (the archive is rewritten once per keepLive finished jobs)', async () => {
    const main = new MemoryStorage(text(range(1, 6).map((n) => record(n))));
    const archive = new MemoryStorage();
    const store = await load(main, archive);
    await store.flush();
    assert.equal(archive.writes.length, 0);
    await store.dispose();
  });

  it('reads only the main file on load; loadArchive() adds the rest as `loaded`, not as changes', async () => {
    const main = new MemoryStorage(text([record(5), record(6, 'pending')]));
    const archive = new MemoryStorage(text([record(1), record(2)]));
    const store = await load(main, archive);
    assert.equal(store.archiveLoaded, false);
    assert.deepEqual(store.all().map((r) => r.clientId), ['c-6', 'c-5']);
    assert.equal(store.findByJobId(record(1).jobId!), undefined);
    const events: JobStoreChange[] = [];
    store.onDidChange((e) => events.push(e));
    await Promise.all([store.loadArchive(), store.loadArchive()]);
    assert.equal(store.archiveLoaded, true);
    assert.deepEqual(store.all().map((r) => r.clientId), ['c-6', 'c-5', 'c-2', 'c-1']);
    assert.equal(store.findByJobId(record(1).jobId!)?.clientId, 'c-1');
    assert.equal(events.length, 1);
    assert.deepEqual(events[0]!.changed, []);
    assert.deepEqual(events[0]!.loaded!.map((r) => r.clientId).sort(), ['c-1', 'c-2']);
    await store.dispose();
    assert.equal(main.writes.length, 0, 'nothing to write');
    assert.equal(archive.writes.length, 0);
  });

  it('a changed archived job goes back to the main file; after a reload it is there once, in its new version', async () => {
    const main = new MemoryStorage(text([record(5)]));
    const archive = new MemoryStorage(text([record(1), record(2)]));
    const store = await load(main, archive);
    await store.loadArchive();
    await clock.advance(10);
    await store.update('c-1', { opened: true });
    await store.flush();
    assert.deepEqual(ids(main), ['c-1', 'c-5']);
    await store.dispose();

    const again = await load(main, archive);
    await again.loadArchive();
    const copies = again.all().filter((r) => r.clientId === 'c-1');
    assert.equal(copies.length, 1);
    assert.equal(copies[0]!.opened, true);
    await again.flush();
    assert.deepEqual(ids(archive), ['c-2'], 'the stale archived copy is tidied away');
    await again.dispose();
  });

  it('removing an archived job removes it from the archive', async () => {
    const main = new MemoryStorage(text([record(5)]));
    const archive = new MemoryStorage(text([record(1), record(2)]));
    const store = await load(main, archive);
    await store.loadArchive();
    assert.equal(await store.remove('c-2'), true);
    assert.deepEqual(ids(archive), ['c-1']);
    await store.dispose();
  });

  it('a crash between the archive write and the main write leaves a job in both: it is loaded once', async () => {
    const main = new MemoryStorage(text([record(1), record(5)]));
    const archive = new MemoryStorage(text([record(1), record(2)]));
    const store = await load(main, archive);
    await store.loadArchive();
    assert.equal(store.all().filter((r) => r.clientId === 'c-1').length, 1);
    assert.equal(store.size, 3);
    await store.dispose();
  });

  it('an unreadable archive is logged and never written (nothing in it is lost); jobs stay in the main file', async () => {
    const main = new MemoryStorage(text(range(1, 8).map((n) => record(n))));
    const archive = new MemoryStorage();
    archive.read = () => Promise.reject(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }));
    const store = await load(main, archive);
    await store.loadArchive();
    await store.flush();
    assert.equal(archive.writes.length, 0);
    assert.equal(store.size, 8);
    assert.ok(logger.at('error').some((m) => m.includes('archive')));
    await store.dispose();
  });

  it('a corrupt archive is set aside, and the main file is left as it is', async () => {
    const main = new MemoryStorage(text([record(5)]));
    const archive = new MemoryStorage('{"version":1,"jobs":[');
    const store = await load(main, archive);
    await store.loadArchive();
    assert.equal(archive.setAsides.length, 1);
    assert.ok(logger.at('warn').some((m) => m.startsWith('Old jobs are not shown')));
    assert.equal(store.size, 1);
    await store.dispose();
  });

  it('without an archive everything stays in the main file', async () => {
    const main = new MemoryStorage(text(range(1, 20).map((n) => record(n))));
    const store = await JobStore.load(main, logger, clock, { keepLive: 3, lazyWriteMs: 0 });
    await store.loadArchive();
    assert.equal(store.archiveLoaded, true);
    await store.update('c-20', { opened: true });
    await store.flush();
    assert.equal(main.jobs().length, 20);
    await store.dispose();
  });

  it('compacts again as jobs finish', async () => {
    const main = new MemoryStorage();
    const archive = new MemoryStorage();
    const store = await load(main, archive, 2);
    for (let n = 1; n <= 6; n++) {
      await clock.advance(1);
      const r = await store.create({ state: 'pending', request: { model: 'm' }, targetFolder: '/tmp' });
      await store.update(r.clientId, { state: 'saved' });
    }
    await store.flush();
    // The 5th finished job crossed 2 × keepLive: 3 went to the archive; the 6th stays (3 ≤ 4).
    assert.equal(archive.jobs().length, 3);
    assert.equal(main.jobs().length, 3);
    assert.equal(store.size, 6);
    await store.dispose();
  });
});
