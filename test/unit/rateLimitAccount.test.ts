/**
 * A 429's Retry-After applies to the whole account: after one call is told to wait, no other call to the API
 * origin goes out before the time is up, whichever call (or client sharing the gate) makes it. The gate runs on
 * the injected clock, so these tests move time by hand; the HTTP is real, against the loopback fake.
 */
import * as assert from 'node:assert/strict';
import { createVideoApi, type ClientOptions } from '../../src/core/api/client';
import { OpenRouterError } from '../../src/core/api/errors';
import { RateLimitGate } from '../../src/core/api/retry';
import type { VideoApi } from '../../src/core/api/videoApi';
import { startFakeOpenRouter, type FakeOpenRouter } from '../fake-openrouter/fakeOpenRouter';
import { FakeClock, flushMicrotasks } from './helpers/fakeClock';
import { fakeClientOptions, readAll } from './helpers/clientHarness';

const MODEL = 'google/veo-3.1';

describe('client: Retry-After is per account (the gate, on a fake clock)', () => {
  let fake: FakeOpenRouter;
  let clock: FakeClock;
  const clients: VideoApi[] = [];

  /** A client on the fake clock whose back-off adds no jitter: every wait is the gate's. */
  function client(overrides: Partial<ClientOptions> = {}): VideoApi {
    const api = createVideoApi({ ...fakeClientOptions(fake), clock, random: () => 0, ...overrides });
    clients.push(api);
    return api;
  }

  /** Lets real I/O (the fake's answers) happen while the fake clock stands still. */
  async function settle(ms = 150): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await flushMicrotasks();
  }

  before(async () => {
    fake = await startFakeOpenRouter({ recordBodies: false });
  });
  beforeEach(() => {
    clock = new FakeClock();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    fake.reset();
  });
  after(() => fake.close());

  it('holds every other call to the API origin until the Retry-After has passed on the clock', async () => {
    const api = client();
    const jobs = [fake.createJob(MODEL), fake.createJob(MODEL), fake.createJob(MODEL)];
    fake.inject({ route: 'poll', status: 429, retryAfter: 1 });
    const first = api.getJob(jobs[0]!.id);
    await settle();
    assert.equal(fake.requests.length, 1, 'the 429');
    const rest = [api.getJob(jobs[1]!.id), api.getJob(jobs[2]!.id), api.getKeyInfo()];
    await settle();
    assert.equal(fake.requests.length, 1, 'nothing goes out while the account is told to wait');
    await clock.advance(999);
    await settle();
    assert.equal(fake.requests.length, 1, 'not even 1 ms early');
    await clock.advance(1);
    const polled = await Promise.all([first, ...rest]);
    assert.equal(polled.length, 4);
    assert.equal(fake.requests.length, 5, 'the retried poll, two polls and the key check');
  });

  it('fails at once, sending nothing, when the wait left is longer than a call waits out; then waits out what is left', async () => {
    const api = client({ maxRetryAfterMs: 2_000 });
    const job = fake.createJob(MODEL);
    fake.inject({ route: 'poll', status: 429, retryAfter: 60 });
    await assert.rejects(api.getJob(job.id), (e: unknown) => OpenRouterError.is(e, 'rateLimited') && e.retryAfterMs === 60_000);
    await assert.rejects(api.getJob(job.id), (e: unknown) => OpenRouterError.is(e, 'rateLimited') && e.retryAfterMs === 60_000);
    assert.equal(fake.requestsTo('poll').length, 1);

    await clock.advance(59_000);
    const late = api.getJob(job.id);
    await settle();
    assert.equal(fake.requestsTo('poll').length, 1, 'the last second is waited out, not sent');
    await clock.advance(1_000);
    assert.equal((await late).id, job.id);
    assert.equal(fake.requestsTo('poll').length, 2);
  });

  it('records the Retry-After in a gate shared with other clients (the poller, a client made after a reset)', async () => {
    const gate = new RateLimitGate(clock);
    const a = client({ gate, maxRetries: 0 });
    const b = client({ gate });
    const job = fake.createJob(MODEL);
    fake.inject({ route: 'poll', status: 429, retryAfter: 5 });
    await assert.rejects(a.getJob(job.id), (e: unknown) => OpenRouterError.is(e, 'rateLimited'));
    assert.equal(gate.readyAt, clock.now() + 5_000);
    const held = b.getKeyInfo();
    await settle();
    assert.equal(fake.requestsTo('key').length, 0);
    await clock.advance(5_000);
    await held;
    assert.equal(fake.requestsTo('key').length, 1);
  });

  it('does not hold downloads from another origin', async () => {
    const job = fake.createJob(MODEL, { contentOrigin: 'storage' });
    fake.setJobStatus(job.id, 'completed');
    const api = client({ maxRetries: 0 });
    fake.inject({ route: 'poll', status: 429, retryAfter: 2 });
    await assert.rejects(api.getJob(job.id), (e: unknown) => OpenRouterError.is(e, 'rateLimited'));
    const res = await api.openContent({ url: `${fake.storageOrigin}/files/${job.id}/0.mp4` });
    assert.ok((await readAll(res.body)).length > 0, 'the storage origin is not held by the API origin\'s Retry-After');
  });
});
