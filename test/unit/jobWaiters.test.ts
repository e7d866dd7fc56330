/**
 * JobWaiters: `waitForJob` resolves once nothing more happens to a job on its own (the state table's `settled`),
 * an interrupted download is not an outcome until the start has picked it up, and `onDidFinish` fires once per
 * move into a state worth telling the user about.
 */
import * as assert from 'node:assert/strict';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import { JobStore } from '../../src/core/jobs/jobStore';
import { JobWaiters } from '../../src/core/jobs/jobWaiters';
import { MemoryStorage } from './helpers/memoryStorage';

const BASE = { request: { model: 'google/veo-3.1', prompt: 'p' }, targetFolder: '/out' };

describe('JobWaiters', () => {
  let store: JobStore;
  let busy: Set<string>;
  let waiters: JobWaiters;
  let finished: JobRecord[];

  beforeEach(async () => {
    store = await JobStore.load(new MemoryStorage(), undefined, undefined, { lazyWriteMs: 0 });
    busy = new Set();
    waiters = new JobWaiters(store, (clientId) => busy.has(clientId));
    finished = [];
    waiters.onDidFinish((r) => finished.push(r));
  });
  afterEach(async () => {
    waiters.dispose();
    await store.dispose();
  });

  it('resolves once the job settles, by client id or OpenRouter job id; at once when it already has', async () => {
    const job = await store.create({ ...BASE, state: 'pending', jobId: 'J1' });
    const byClient = waiters.wait(job.clientId);
    const byJob = waiters.wait('J1');
    await store.update(job.clientId, { state: 'in_progress' });
    await store.update(job.clientId, { state: 'downloading' });
    await store.update(job.clientId, { state: 'saved' });
    assert.equal((await byClient).state, 'saved');
    assert.equal((await byJob).state, 'saved');
    assert.equal((await waiters.wait(job.clientId)).state, 'saved');
  });

  it('does not resolve while the service still works on a settled-looking job (a download running)', async () => {
    const job = await store.create({ ...BASE, state: 'downloadFailed', jobId: 'J2' });
    busy.add(job.clientId);
    const got: { record?: JobRecord } = {};
    void waiters.wait(job.clientId).then((r) => (got.record = r));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(got.record, undefined);
    busy.delete(job.clientId);
    waiters.check(job.clientId);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((got.record as JobRecord | undefined)?.state, 'downloadFailed');
  });

  it('waits on an interrupted download until the start has picked it up, then gives the real outcome', async () => {
    const job = await store.create({ ...BASE, state: 'downloadFailed', jobId: 'J3', error: { kind: 'cancelled', reason: 'downloadInterrupted' } });
    const got: { record?: JobRecord } = {};
    const waiting = waiters.wait(job.clientId).then((r) => (got.record = r));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(got.record, undefined, 'not an outcome before the start picks it up');
    busy.add(job.clientId); // the start downloads it again
    waiters.markResumed();
    await store.update(job.clientId, { state: 'downloading', error: undefined });
    busy.delete(job.clientId);
    await store.update(job.clientId, { state: 'saved' });
    assert.equal((await waiting).state, 'saved');
  });

  it('fires onDidFinish once per move into a notify state (saved, failed, stale…), not for stopped or submitUnknown', async () => {
    const a = await store.create({ ...BASE, state: 'pending', jobId: 'A' });
    const b = await store.create({ ...BASE, state: 'pending', jobId: 'B' });
    await store.update(a.clientId, { state: 'stopped' });
    await store.update(a.clientId, { state: 'pending' });
    await store.update(a.clientId, { state: 'stale' });
    await store.update(a.clientId, { watchedSince: 1 }); // no move: no news
    await store.update(b.clientId, { state: 'failed', error: { kind: 'server', reason: 'remoteFailed', params: { status: 'failed' } } });
    const c = await store.create({ ...BASE, state: 'submitting' });
    await store.update(c.clientId, { state: 'submitUnknown' });
    assert.deepEqual(
      finished.map((r) => [r.jobId, r.state]),
      [
        ['A', 'stale'],
        ['B', 'failed'],
      ],
    );
  });

  it('rejects: an unknown id (noSuchJob), a removed job (jobRemoved), an aborted wait (cancelled), a stopped service (serviceStopped)', async () => {
    await assert.rejects(waiters.wait('nope'), { reason: 'noSuchJob', params: { id: 'nope' } });
    const job = await store.create({ ...BASE, state: 'pending', jobId: 'J4' });
    const removed = waiters.wait(job.clientId);
    const controller = new AbortController();
    const aborted = waiters.wait(job.clientId, controller.signal);
    controller.abort();
    await assert.rejects(aborted, { kind: 'cancelled', reason: 'cancelled' });
    await store.remove(job.clientId);
    await assert.rejects(removed, { reason: 'jobRemoved' });

    const other = await store.create({ ...BASE, state: 'pending', jobId: 'J5' });
    const stopping = waiters.wait(other.clientId);
    waiters.dispose();
    await assert.rejects(stopping, { reason: 'serviceStopped' });
    await assert.rejects(waiters.wait(other.clientId), { reason: 'serviceStopped' });
  });
});
