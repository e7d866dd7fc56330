import * as assert from 'node:assert/strict';
import { errorFromStatus, OpenRouterError } from '../../src/core/api/errors';
import { RateLimitGate } from '../../src/core/api/retry';
import type { VideoJob } from '../../src/core/api/schemas';
import { JobPoller } from '../../src/core/jobs/jobPoller';
import type { JobPollerSettings } from '../../src/core/jobs/pollerSettings';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import { JobStore } from '../../src/core/jobs/jobStore';
import { FakeClock } from './helpers/fakeClock';
import { MemoryStorage } from './helpers/memoryStorage';
import { deferred, ScriptedApi, seededRandom, videoJob } from './helpers/scriptedApi';
import { TestLogger } from './helpers/testLogger';

interface Harness {
  clock: FakeClock;
  logger: TestLogger;
  store: JobStore;
  api: ScriptedApi;
  gate: RateLimitGate;
  poller: JobPoller;
  terminal: { record: JobRecord; job: VideoJob }[];
  add(jobId: string, extra?: Partial<JobRecord>): Promise<JobRecord>;
}

const harnesses: Harness[] = [];

async function setup(options: JobPollerSettings & { random?: () => number } = {}, lazyWriteMs = 0): Promise<Harness> {
  const clock = new FakeClock();
  const logger = new TestLogger();
  // Lazy writes off by default here, so the fake clock's timers are the poller's alone.
  const store = await JobStore.load(new MemoryStorage(), logger, clock, { lazyWriteMs });
  // The client records every Retry-After in the shared gate; the scripted api does the same.
  const gate = new RateLimitGate(clock);
  const api = new ScriptedApi(clock, gate);
  const terminal: { record: JobRecord; job: VideoJob }[] = [];
  const poller = new JobPoller({
    api,
    store,
    gate,
    clock,
    logger,
    random: () => 0.5, // no jitter unless a test asks for it
    ...options,
  });
  poller.onDidReachTerminal((event) => terminal.push(event));
  const h: Harness = {
    clock,
    logger,
    store,
    api,
    gate,
    poller,
    terminal,
    add: (jobId, extra = {}) =>
      store.create({
        state: 'pending',
        jobId,
        remoteStatus: 'pending',
        submittedAt: clock.now(),
        request: { model: 'google/veo-3.1', prompt: 'p' },
        targetFolder: '/out',
        ...extra,
      }),
  };
  harnesses.push(h);
  return h;
}

function deltas(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

describe('JobPoller', () => {
  afterEach(async () => {
    for (const h of harnesses.splice(0)) {
      h.poller.dispose();
      await h.store.dispose();
    }
  });

  it('has no timer and makes no request while no job is watched', async () => {
    const h = await setup();
    h.poller.start();
    assert.equal(h.clock.pendingTimerCount, 0);
    await h.add('done', { state: 'saved', remoteStatus: 'completed' });
    await h.add('stale', { state: 'stale' });
    await h.add('never', { state: 'submitUnknown', jobId: undefined });
    assert.equal(h.clock.pendingTimerCount, 0);
    await h.clock.advance(60 * 60_000);
    assert.equal(h.api.calls.length, 0);
  });

  it('polls a newly active job first after firstDelayMs, and arms a single timer for all jobs', async () => {
    const h = await setup({ firstDelayMs: 3000 });
    h.poller.start();
    const start = h.clock.now();
    await h.add('A');
    await h.add('B');
    await h.add('C');
    assert.equal(h.clock.pendingTimerCount, 1);
    await h.clock.advance(2999);
    assert.equal(h.api.calls.length, 0);
    await h.clock.advance(1);
    assert.deepEqual(h.api.calls.map((c) => [c.jobId, c.at - start]), [
      ['A', 3000],
      ['B', 3000],
      ['C', 3000],
    ]);
    assert.equal(h.clock.pendingTimerCount, 1);
  });

  it('picks up jobs already active in the store on start()', async () => {
    const h = await setup();
    await h.add('A');
    assert.equal(h.clock.pendingTimerCount, 0, 'nothing before start()');
    h.poller.start();
    assert.equal(h.clock.pendingTimerCount, 1);
    await h.clock.advance(5000);
    assert.equal(h.api.calls.length, 1);
  });

  it('grows the interval by the backoff factor up to the maximum', async () => {
    const h = await setup({ firstDelayMs: 5000, intervalMs: 5000, maxIntervalMs: 30_000, backoffFactor: 1.5 });
    h.poller.start();
    const start = h.clock.now();
    await h.add('A');
    await h.clock.advance(5 * 60_000);
    const times = [start, ...h.api.calls.map((c) => c.at)];
    assert.deepEqual(deltas(times).slice(0, 9), [5000, 5000, 7500, 11250, 16875, 25313, 30000, 30000, 30000]);
  });

  it('keeps jitter within ±10% of each nominal delay, and never beyond the longest interval', async () => {
    const h = await setup({ random: seededRandom(7), firstDelayMs: 5000, intervalMs: 5000, maxIntervalMs: 30_000 });
    h.poller.start();
    const start = h.clock.now();
    await h.add('A');
    await h.clock.advance(30 * 60_000 - 1);
    const got = deltas([start, ...h.api.calls.map((c) => c.at)]);
    const nominal = [5000, 5000];
    while (nominal.length < got.length) nominal.push(Math.min(nominal.at(-1)! * 1.5, 30_000));
    assert.ok(got.length > 20);
    got.forEach((d, i) => {
      const n = nominal[i]!;
      assert.ok(d >= Math.floor(n * 0.9) && d <= Math.ceil(n * 1.1), `delay ${i}: ${d} outside ±10% of ${n}`);
      assert.ok(d <= 30_000, `delay ${i}: ${d} beyond the longest interval`);
    });
    assert.ok(new Set(got.slice(8)).size > 5, 'delays at the maximum are spread, not identical');
  });

  it('never has two requests in flight for one job; a slow poll does not start a second', async () => {
    const h = await setup();
    const slow = deferred<VideoJob>();
    h.api.handler = (jobId) =>
      jobId === 'A' && h.api.callsFor('A').length === 1 ? slow.promise : videoJob(jobId, jobId === 'A' ? 'in_progress' : 'pending');
    h.poller.start();
    await h.add('A');
    await h.add('B');
    await h.clock.advance(5 * 60_000);
    assert.equal(h.api.callsFor('A').length, 1, 'A stays at one request while it hangs');
    assert.ok(h.api.callsFor('B').length > 5, 'B keeps being polled meanwhile');
    assert.equal(h.poller.inFlightCount, 1);
    const before = h.clock.now();
    slow.resolve(videoJob('A', 'in_progress'));
    await h.clock.advance(5000);
    const second = h.api.callsFor('A')[1];
    assert.ok(second, 'A is polled again after its slow answer');
    assert.equal(second.at - before, 5000, 'the next interval counts from the answer');
    assert.equal(h.store.findByJobId('A')?.state, 'in_progress');
  });

  it('with only a hanging poll, no timer is armed', async () => {
    const h = await setup();
    const hang = deferred<VideoJob>();
    h.api.handler = () => hang.promise;
    h.poller.start();
    await h.add('A');
    await h.clock.advance(5000);
    assert.equal(h.api.calls.length, 1);
    assert.equal(h.clock.pendingTimerCount, 0);
  });

  it('caps polls in flight over all jobs (maxConcurrent)', async () => {
    const h = await setup({ maxConcurrent: 2 });
    const gates = new Map<string, ReturnType<typeof deferred<VideoJob>>>();
    h.api.handler = (jobId) => {
      const d = deferred<VideoJob>();
      gates.set(jobId, d);
      return d.promise;
    };
    h.poller.start();
    for (const id of ['A', 'B', 'C', 'D']) await h.add(id);
    await h.clock.advance(10_000);
    assert.equal(h.api.calls.length, 2);
    assert.equal(h.clock.pendingTimerCount, 0);
    gates.get('A')!.resolve(videoJob('A', 'pending'));
    await h.clock.advance(0);
    assert.equal(h.api.calls.length, 3);
  });

  it('records poll results in the store', async () => {
    const h = await setup();
    h.api.handler = (jobId) =>
      videoJob(jobId, 'in_progress', { generationId: 'gen-1', pollingUrl: 'https://openrouter.test/api/v1/videos/A' });
    h.poller.start();
    const r = await h.add('A');
    await h.clock.advance(5000);
    const after = h.store.get(r.clientId)!;
    assert.equal(after.state, 'in_progress');
    assert.equal(after.remoteStatus, 'in_progress');
    assert.equal(after.generationId, 'gen-1');
    assert.equal(after.pollingUrl, 'https://openrouter.test/api/v1/videos/A');
    assert.equal(after.pollCount, 1);
  });

  it('stops polling a completed job, records its outputs and cost, and fires onDidReachTerminal once', async () => {
    const h = await setup();
    let n = 0;
    h.api.handler = (jobId) =>
      ++n < 3
        ? videoJob(jobId, 'pending')
        : videoJob(jobId, 'completed', { unsignedUrls: ['https://openrouter.test/api/v1/videos/A/content?index=0'], costUsd: 0.25, generationId: 'g' });
    h.poller.start();
    const r = await h.add('A');
    await h.clock.advance(60 * 60_000);
    assert.equal(h.api.calls.length, 3);
    assert.equal(h.clock.pendingTimerCount, 0);
    assert.equal(h.terminal.length, 1);
    assert.equal(h.terminal[0]?.job.status, 'completed');
    const after = h.store.get(r.clientId)!;
    assert.equal(after.remoteStatus, 'completed');
    assert.equal(after.state, 'pending', 'the service (not the poller) moves it on to downloading');
    assert.deepEqual(after.unsignedUrls, ['https://openrouter.test/api/v1/videos/A/content?index=0']);
    assert.equal(after.costUsd, 0.25);
    assert.equal(after.completedAt, h.clock.now() - (60 * 60_000 - 5000 - 5000 - 7500));
    assert.deepEqual(h.poller.watchedIds, []);
  });

  for (const [raw, state, error] of [
    ['failed', 'failed', 'Content policy violation'],
    ['dead', 'failed', 'Job died unexpectedly and will not complete'],
    ['cancelled', 'cancelled', 'Job was cancelled'],
    ['expired', 'expired', 'Job exceeded maximum time to live'],
  ] as const) {
    it(`ends a job OpenRouter reports as ${raw} in state ${state} with its error verbatim`, async () => {
      const h = await setup();
      h.api.handler = (jobId) => videoJob(jobId, raw, { error });
      h.poller.start();
      const r = await h.add('A');
      await h.clock.advance(10 * 60_000);
      const after = h.store.get(r.clientId)!;
      assert.equal(after.state, state);
      assert.deepEqual(after.error, { kind: 'server', reason: 'remoteFailed', params: { status: raw, said: error } }, 'OpenRouter\'s text kept verbatim');
      assert.equal(after.remoteStatus, raw);
      assert.equal(h.api.calls.length, 1);
      assert.equal(h.clock.pendingTimerCount, 0);
      assert.equal(h.terminal.length, 1);
    });
  }

  it('with the store writing poll bookkeeping lazily, still leaves no timer once nothing is active', async () => {
    const h = await setup({}, 2000);
    let n = 0;
    h.api.handler = (jobId) => videoJob(jobId, ++n < 4 ? 'pending' : 'completed');
    h.poller.start();
    const r = await h.add('A');
    await h.clock.advance(60_000);
    assert.equal(h.store.get(r.clientId)?.remoteStatus, 'completed');
    assert.equal(h.api.calls.length, 4);
    assert.equal(h.clock.pendingTimerCount, 0);
  });

  it('records a job OpenRouter fails without a reason as failed, with no text of its own', async () => {
    const h = await setup();
    h.api.handler = (jobId) => videoJob(jobId, 'failed');
    h.poller.start();
    const r = await h.add('A');
    await h.clock.advance(5000);
    const after = h.store.get(r.clientId)!;
    assert.equal(after.state, 'failed');
    assert.equal(after.error?.reason, 'remoteFailed');
    assert.equal(after.error?.params?.['status'], 'failed');
    assert.equal(after.error?.params?.['said'], undefined);
  });

  it('keeps polling an unknown status, records it, and logs it once', async () => {
    const h = await setup();
    h.api.handler = (jobId) => videoJob(jobId, 'warming_up');
    h.poller.start();
    const r = await h.add('A');
    await h.clock.advance(2 * 60_000);
    assert.ok(h.api.calls.length >= 5);
    const after = h.store.get(r.clientId)!;
    assert.equal(after.state, 'pending');
    assert.equal(after.remoteStatus, 'warming_up');
    assert.equal(h.logger.at('warn').filter((m) => m.includes('warming_up')).length, 1);
    assert.equal(h.clock.pendingTimerCount, 1);
  });

  it('honours Retry-After from a rate limit, for every job, and keeps the jobs active', async () => {
    const h = await setup();
    let limited = true;
    h.api.handler = (jobId) => {
      if (jobId === 'A' && limited) {
        limited = false;
        throw errorFromStatus(429, 'Rate limit exceeded.', 90_000);
      }
      return videoJob(jobId, 'pending');
    };
    h.poller.start();
    await h.add('A');
    await h.clock.advance(4000);
    await h.add('B'); // due 1 s after A's 429
    await h.clock.advance(1000);
    const limitedAt = h.api.calls[0]!.at;
    await h.clock.advance(3 * 60_000);
    const next = h.api.calls.slice(1);
    assert.ok(next.length > 0);
    for (const call of next) {
      assert.ok(call.at >= limitedAt + 90_000, `${call.jobId} polled ${call.at - limitedAt} ms after the 429`);
    }
    assert.equal(h.api.callsFor('A')[1]!.at - limitedAt, 90_000);
    assert.equal(h.store.findByJobId('A')?.state, 'pending');
  });

  it('a far-future Retry-After holds no job past its watch limit: the job becomes stale at its limit, unpolled', async () => {
    const h = await setup({ watchLimitMs: 30 * 60_000 });
    h.poller.start();
    await h.add('A');
    const addedAt = h.clock.now();
    h.gate.hold(1e12); // about 30 years
    await h.clock.advance(5_000); // when the first poll was due: the gate holds it
    assert.equal(h.clock.nextTimerAt(), addedAt + 30 * 60_000, 'woken next at the watch limit, not when the gate opens');
    await h.clock.advance(30 * 60_000 - 5_000);
    assert.equal(h.api.calls.length, 0, 'nothing asked while the gate is closed');
    assert.equal(h.store.findByJobId('A')?.state, 'stale');
    assert.equal(h.store.findByJobId('A')?.error?.reason, 'watchLimit');
    assert.equal(h.clock.pendingTimerCount, 0, 'no timer left for a job no longer watched');
  });

  it('arms no poll before the shared gate opens, whichever call recorded the Retry-After', async () => {
    const h = await setup();
    h.poller.start();
    await h.add('A');
    await h.add('B');
    await h.clock.advance(1000);
    // A download or a submit got a 429 with Retry-After: the client recorded it in the gate.
    const heldAt = h.clock.now();
    h.gate.hold(60_000);
    await h.clock.advance(59_999);
    assert.equal(h.api.calls.length, 0, 'no poll while the gate is closed');
    await h.clock.advance(1);
    assert.deepEqual(
      h.api.calls.map((c) => [c.jobId, c.at - heldAt]),
      [
        ['A', 60_000],
        ['B', 60_000],
      ],
    );
    assert.equal(h.clock.pendingTimerCount, 1);
  });

  it('backs off on retryable errors and on a response that does not fit, without giving up', async () => {
    const h = await setup();
    let n = 0;
    h.api.handler = () => {
      n++;
      if (n % 2 === 0) throw new OpenRouterError('responseShape', 'unexpectedShape', { what: 'job', field: 'status' });
      throw new OpenRouterError('network', 'connectionFailed', { what: 'job', code: 'ECONNRESET' });
    };
    h.poller.start();
    const start = h.clock.now();
    const r = await h.add('A');
    await h.clock.advance(60_000);
    assert.deepEqual(deltas([start, ...h.api.calls.map((c) => c.at)]).slice(0, 4), [5000, 5000, 7500, 11250]);
    assert.equal(h.store.get(r.clientId)?.state, 'pending');
    assert.ok(h.logger.at('warn').some((m) => m.includes('responseShape/unexpectedShape')));
  });

  it('a 404 on a status check ends nothing: the job is checked again with backoff and completes', async () => {
    const h = await setup();
    let n = 0;
    h.api.handler = (jobId) => {
      n++;
      if (n <= 2) throw errorFromStatus(404, 'Resource not found');
      return videoJob(jobId, n < 4 ? 'pending' : 'completed');
    };
    h.poller.start();
    const start = h.clock.now();
    const r = await h.add('A');
    await h.clock.advance(60_000);
    assert.deepEqual(deltas([start, ...h.api.calls.map((c) => c.at)]), [5000, 5000, 7500, 11250], 'the usual backoff, through the 404s');
    assert.equal(h.store.get(r.clientId)?.remoteStatus, 'completed');
    assert.equal(h.store.get(r.clientId)?.error, undefined, 'no error recorded for a passing 404');
    assert.equal(h.terminal.length, 1, 'completed: handed over to the download');
    assert.equal(h.clock.pendingTimerCount, 0);
  });

  it('404s for the whole not-found limit make the job unknown (not failed), unpolled and watchable again', async () => {
    const h = await setup({ notFoundLimitMs: 3 * 60_000 });
    let known = false;
    h.api.handler = (jobId) => {
      if (!known) throw errorFromStatus(404, 'Resource not found');
      return videoJob(jobId, 'completed');
    };
    h.poller.start();
    const r = await h.add('A');
    await h.clock.advance(2 * 60_000);
    assert.equal(h.store.get(r.clientId)?.state, 'pending', 'still watched before the limit');
    await h.clock.advance(10 * 60_000);
    const after = h.store.get(r.clientId)!;
    assert.equal(after.state, 'unknown');
    assert.deepEqual(after.error, { kind: 'notFound', reason: 'jobNotFound', params: { minutes: 3 } });
    assert.equal(after.completedAt, undefined);
    const calls = h.api.calls.map((c) => c.at - r.submittedAt!);
    assert.ok(calls.length >= 5, `checked again and again (${calls.length} checks)`);
    assert.ok(calls.at(-1)! - calls[0]! >= 3 * 60_000, 'the last check came at or after the limit');
    assert.equal(h.clock.pendingTimerCount, 0, 'no timer once unknown');
    await h.clock.advance(60 * 60_000);
    assert.equal(h.api.calls.length, calls.length, 'no polling once unknown');

    known = true;
    const watched = await h.poller.watch(r.clientId);
    assert.equal(watched.state, 'pending');
    assert.equal(watched.error, undefined);
    await h.clock.advance(0);
    assert.equal(h.store.get(r.clientId)?.remoteStatus, 'completed');
    assert.equal(h.terminal.length, 1, 'a late success is handed over to the download');
  });

  it('polls by job id once a polling URL is refused as off-origin', async () => {
    const h = await setup();
    h.api.handler = (jobId, call) => {
      if (call.pollingUrl) throw new OpenRouterError('insecure', 'pollingUrlForeign', { origin: 'https://evil.test' });
      return videoJob(jobId, 'pending');
    };
    h.poller.start();
    await h.add('A', { pollingUrl: 'https://evil.test/api/v1/videos/A' });
    await h.clock.advance(30_000);
    assert.equal(h.api.calls[0]?.pollingUrl, 'https://evil.test/api/v1/videos/A');
    assert.ok(h.api.calls.length >= 3);
    assert.ok(h.api.calls.slice(1).every((c) => c.pollingUrl === undefined));
  });

  it('pauses all polling on an auth error, fires onAuthRequired once, and resumes on resume()', async () => {
    const h = await setup();
    let keyOk = false;
    h.api.handler = (jobId) => {
      if (!keyOk) throw errorFromStatus(401, 'User not found.');
      return videoJob(jobId, 'pending');
    };
    const authEvents: OpenRouterError[] = [];
    h.poller.onAuthRequired((e) => authEvents.push(e));
    h.poller.start();
    await h.add('A');
    await h.clock.advance(1000);
    await h.add('B');
    await h.clock.advance(4000);
    assert.equal(authEvents.length, 1);
    assert.equal(h.poller.isPaused, true);
    const callsWhilePaused = h.api.calls.length;
    assert.equal(h.clock.pendingTimerCount, 0, 'no timer while paused');
    await h.clock.advance(10 * 60_000);
    assert.equal(h.api.calls.length, callsWhilePaused, 'no requests while paused');
    assert.equal(h.store.findByJobId('A')?.state, 'pending', 'jobs are kept, not failed');
    keyOk = true;
    h.poller.resume();
    await h.clock.advance(0);
    assert.ok(h.api.callsFor('A').length >= 2 && h.api.callsFor('B').length >= 1, 'both polled right after resume');
    assert.equal(h.poller.isPaused, false);
    assert.equal(h.clock.pendingTimerCount, 1);
  });

  it('marks a job stale after the watch limit (not failed); watch() re-activates it with a fresh window', async () => {
    const h = await setup({ watchLimitMs: 60_000 });
    h.poller.start();
    const r = await h.add('A');
    await h.clock.advance(5 * 60_000);
    let after = h.store.get(r.clientId)!;
    assert.equal(after.state, 'stale');
    assert.deepEqual(after.error, { kind: 'timeout', reason: 'watchLimit', params: { minutes: 1 } });
    assert.equal(h.clock.pendingTimerCount, 0);
    const polls = h.api.calls.length;
    assert.ok(polls > 0 && h.api.calls.at(-1)!.at - r.submittedAt! >= 60_000, 'a last poll happened at or after the limit');

    after = await h.poller.watch(r.clientId);
    assert.equal(after.state, 'pending');
    assert.equal(after.watchedSince, h.clock.now());
    assert.equal(after.error, undefined);
    await h.clock.advance(0);
    assert.equal(h.api.calls.length, polls + 1, 'polled right away');
    await h.clock.advance(5 * 60_000);
    assert.equal(h.store.get(r.clientId)?.state, 'stale', 'stale again after another window');
  });

  it('polls an old job once after a restart before calling it stale', async () => {
    const h = await setup({ watchLimitMs: 60_000 });
    let done = false;
    h.api.handler = (jobId) => videoJob(jobId, done ? 'completed' : 'pending');
    const old = await h.add('OLD', { submittedAt: h.clock.now() - 3 * 60 * 60_000 });
    done = true;
    h.poller.start();
    await h.clock.advance(5000);
    assert.equal(h.api.calls.length, 1);
    assert.equal(h.store.get(old.clientId)?.remoteStatus, 'completed');
    assert.equal(h.terminal.length, 1);
  });

  it('stopWatching() stops a job (state stopped) and leaves no timer; refuses jobs that cannot be watched', async () => {
    const h = await setup();
    h.poller.start();
    const r = await h.add('A');
    assert.equal(h.clock.pendingTimerCount, 1);
    const stopped = await h.poller.stopWatching(r.clientId);
    assert.equal(stopped.state, 'stopped');
    assert.equal(h.clock.pendingTimerCount, 0);
    await h.clock.advance(60_000);
    assert.equal(h.api.calls.length, 0);
    const unknown = await h.add('x', { state: 'submitUnknown', jobId: undefined });
    await assert.rejects(h.poller.watch(unknown.clientId), { reason: 'nothingToWatch' });
    const saved = await h.add('S', { state: 'saved' });
    await assert.rejects(h.poller.watch(saved.clientId), { reason: 'alreadyFinished', params: { state: 'saved' } });
    const reported = await h.add('R', { state: 'stale', remoteStatus: 'completed' });
    await assert.rejects(h.poller.watch(reported.clientId), { reason: 'alreadyReported' });
    // Finished on OpenRouter, download about to start: stopping it would strand it, so it is left alone.
    const done = await h.add('D', { remoteStatus: 'completed' });
    assert.equal((await h.poller.stopWatching(done.clientId)).state, 'pending');
  });

  it('drops a job removed from the store, aborting its request', async () => {
    const h = await setup();
    const hang = deferred<VideoJob>();
    h.api.handler = () => hang.promise;
    h.poller.start();
    const r = await h.add('A');
    await h.clock.advance(5000);
    const signal = h.api.calls[0]!.signal!;
    await h.store.remove(r.clientId);
    assert.equal(signal.aborted, true);
    hang.resolve(videoJob('A', 'completed'));
    await h.clock.advance(60_000);
    assert.equal(h.terminal.length, 0);
    assert.equal(h.clock.pendingTimerCount, 0);
  });

  it('applies a new maximum interval (configure)', async () => {
    const h = await setup({ maxIntervalMs: 30_000 });
    h.poller.start();
    const start = h.clock.now();
    await h.add('A');
    h.poller.configure({ maxIntervalMs: 8000 });
    await h.clock.advance(60_000);
    assert.deepEqual(deltas([start, ...h.api.calls.map((c) => c.at)]).slice(0, 5), [5000, 5000, 7500, 8000, 8000]);
  });

  it('stop() and dispose() leave no timers and abort requests in flight; nothing is scheduled afterwards', async () => {
    const h = await setup();
    const hang = deferred<VideoJob>();
    h.api.handler = (jobId) => (jobId === 'A' ? hang.promise : videoJob(jobId, 'pending'));
    h.poller.start();
    await h.add('A');
    await h.clock.advance(2000);
    await h.add('B');
    await h.clock.advance(3000);
    const signal = h.api.callsFor('A')[0]!.signal!;
    assert.equal(h.clock.pendingTimerCount, 1);
    h.poller.stop();
    assert.equal(h.clock.pendingTimerCount, 0);
    assert.equal(signal.aborted, true);
    h.poller.start();
    assert.equal(h.clock.pendingTimerCount, 1, 'start() again picks the active jobs up');
    h.poller.dispose();
    assert.equal(h.clock.pendingTimerCount, 0);
    await h.add('C');
    hang.resolve(videoJob('A', 'pending'));
    await h.clock.advance(10 * 60_000);
    assert.equal(h.clock.pendingTimerCount, 0);
    h.poller.start();
    assert.equal(h.clock.pendingTimerCount, 0, 'a disposed poller does not start');
  });
});
