/**
 * A 429's Retry-After applies to the whole account: after one call is told to wait, no other call of the same
 * client reaches the API origin before the time is up (found by bench/polling: 49 polls of other jobs went out
 * during a 2 s Retry-After).
 */
import * as assert from 'node:assert/strict';
import { createVideoApi } from '../../src/core/api/openRouterClient';
import { OpenRouterError } from '../../src/core/api/errors';
import { startFakeOpenRouter, type FakeOpenRouter } from '../fake-openrouter/fakeOpenRouter';

describe('OpenRouter client: Retry-After is per account', () => {
  let fake: FakeOpenRouter;
  before(async () => {
    fake = await startFakeOpenRouter({ recordBodies: false });
  });
  afterEach(() => fake.reset());
  after(() => fake.close());

  const client = (maxRetryAfterMs?: number) =>
    createVideoApi({ baseUrl: fake.baseUrl, keyProvider: () => fake.apiKey, userAgent: 'test', retryBaseMs: 1, ...(maxRetryAfterMs !== undefined ? { maxRetryAfterMs } : {}) });

  it('holds every other call to the API origin until the Retry-After has passed', async () => {
    const api = client();
    const jobs = [fake.createJob('google/veo-3.1'), fake.createJob('google/veo-3.1'), fake.createJob('google/veo-3.1')];
    fake.inject({ route: 'poll', status: 429, retryAfter: 1 });
    const first = api.getJob(jobs[0]!.id);
    // Let the 429 arrive, then ask for the other jobs while the account is told to wait.
    while (!fake.requestsTo('poll').length) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    const limitedAt = Date.now();
    await Promise.all([first, api.getJob(jobs[1]!.id), api.getJob(jobs[2]!.id), api.getKeyInfo()]);
    const later = fake.requests.slice(1);
    assert.equal(later.length, 4, 'the retried poll, two polls and the key check');
    for (const r of later) {
      assert.ok(r.at >= limitedAt + 900, `a request reached the API ${r.at - limitedAt} ms into a 1 s Retry-After`);
    }
    await api.dispose();
  });

  it('fails at once, sending nothing, when the wait left is longer than it would wait out', async () => {
    const api = client(2_000);
    const job = fake.createJob('google/veo-3.1');
    fake.inject({ route: 'poll', status: 429, retryAfter: 60 });
    await assert.rejects(api.getJob(job.id), (e: unknown) => OpenRouterError.is(e, 'rateLimited') && e.retryAfterMs === 60_000);
    const started = Date.now();
    await assert.rejects(api.getJob(job.id), (e: unknown) => OpenRouterError.is(e, 'rateLimited') && (e.retryAfterMs ?? 0) > 58_000);
    assert.ok(Date.now() - started < 500);
    assert.equal(fake.requestsTo('poll').length, 1);
    await api.dispose();
  });

  it('does not hold downloads from another origin', async () => {
    const job = fake.createJob('google/veo-3.1', { contentOrigin: 'storage' });
    fake.setJobStatus(job.id, 'completed');
    const api = createVideoApi({ baseUrl: fake.baseUrl, keyProvider: () => fake.apiKey, userAgent: 'test', maxRetries: 0 });
    fake.inject({ route: 'poll', status: 429, retryAfter: 2 });
    await assert.rejects(api.getJob(job.id), (e: unknown) => OpenRouterError.is(e, 'rateLimited'));
    const started = Date.now();
    const res = await api.openContent({ url: `${fake.storageOrigin}/files/${job.id}/0.mp4` });
    for await (const _chunk of res.body) {
      // drain
    }
    assert.ok(Date.now() - started < 1000, 'the storage origin is not held by the API origin\'s Retry-After');
    await api.dispose();
  });
});
