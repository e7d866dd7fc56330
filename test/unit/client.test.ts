/**
 * The client over Node's fetch against the loopback fake OpenRouter: the happy path byte for byte, headers,
 * every error kind from its HTTP cause, retry policy (reads vs submit), polling_url and content origin rules
 * (redirects included), Range answers, the models cache, status normalisation and disposal.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { DEFAULT_REFERER, DEFAULT_TITLE } from '../../src/core/api/apiAccess';
import { OpenRouterError } from '../../src/core/api/errors';
import { toTransportError } from '../../src/core/api/transportErrors';
import { sampleMp4, startFakeOpenRouter, type FakeJob, type FakeOpenRouter, type JobScript, type RecordedRequest } from '../fake-openrouter/fakeOpenRouter';
import { FakeClock } from './helpers/fakeClock';
import { LineLogger, TEST_UA as UA, clientHarness, fakeClientOptions, readAll, rejectsWith } from './helpers/clientHarness';

const MODEL = 'google/veo-3.1';
const BODY = { model: MODEL, prompt: 'A lighthouse at dusk', duration: 4, resolution: '720p', aspect_ratio: '16:9' };

function header(r: RecordedRequest, name: string): string | undefined {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A port on 127.0.0.1 with nothing listening. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A second loopback origin standing for an API that redirects its content: every request is recorded and
 * answered by `answer` (a Location to redirect to, or a status).
 */
async function startRedirector(answer: (path: string) => { location: string } | { status: number }) {
  const seen: { path: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    const reply = answer(req.url ?? '');
    if ('location' in reply) {
      res.writeHead(302, { location: reply.location, 'content-length': '0' }).end();
    } else {
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end('{"error":{"message":"nope"}}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    origin,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('client (against the fake OpenRouter)', function () {
  let fake: FakeOpenRouter;
  let logger: LineLogger;
  const allLogLines: string[] = [];
  const { client, disposeAll } = clientHarness(() => ({ ...fakeClientOptions(fake), retryBaseMs: 20, retryCapMs: 100, logger }));

  /** A job that is complete from the start (content can be fetched without polling first). */
  function readyJob(script: JobScript = {}): FakeJob {
    return fake.createJob(MODEL, { completeAfterMs: 0, ...script });
  }

  before(async () => {
    fake = await startFakeOpenRouter();
  });

  beforeEach(() => {
    logger = new LineLogger();
  });

  afterEach(async () => {
    allLogLines.push(...logger.lines);
    await disposeAll();
    fake.reset();
  });

  after(async () => {
    await fake.close();
    assert.ok(allLogLines.length > 0);
    for (const line of allLogLines) {
      assert.ok(!line.includes(fake.apiKey), `a log line contains the API key: ${line}`);
    }
  });

  describe('happy path', () => {
    it('lists models, submits, polls to completion and downloads the fixture MP4 byte for byte', async () => {
      const api = client();
      const models = await api.listModels();
      assert.equal(models.length, 30);
      assert.ok(models.some((m) => m.id === MODEL));

      const submitted = await api.submit(BODY);
      assert.equal(submitted.status, 'pending');
      assert.match(submitted.id, /^[A-Za-z0-9]{20}$/);
      assert.equal(submitted.pollingUrl, `${fake.origin}/api/v1/videos/${submitted.id}`);
      assert.equal(fake.submitCount(), 1);
      assert.deepEqual(JSON.parse(fake.requestsTo('submit')[0]!.body), BODY);

      const first = await api.getJob(submitted.id, { pollingUrl: submitted.pollingUrl });
      assert.equal(first.status, 'pending');
      const done = await api.getJob(submitted.id, { pollingUrl: submitted.pollingUrl });
      assert.equal(done.status, 'completed');
      assert.equal(done.rawStatus, 'completed');
      assert.equal(done.costUsd, 0.4);
      assert.equal(done.isByok, false);
      assert.match(done.generationId ?? '', /^gen-/);
      assert.equal(done.unsignedUrls.length, 1);

      const url = api.contentUrl(done.id, 0, done.unsignedUrls);
      assert.equal(url, `${fake.origin}/api/v1/videos/${done.id}/content?index=0`);
      const content = await api.openContent({ url });
      const sample = sampleMp4();
      assert.equal(content.statusCode, 200);
      assert.equal(content.contentType, 'video/mp4');
      assert.equal(content.contentLength, sample.length);
      assert.equal(content.totalLength, sample.length);
      assert.equal(content.acceptRanges, true);
      assert.equal(content.rangeStart, undefined);
      const bytes = await readAll(content.body);
      assert.ok(bytes.equals(sample), 'downloaded bytes differ from the fixture');
    });

    it('polls by id when there is no polling_url, and builds content URLs for any index', async () => {
      const api = client();
      const job = readyJob({ outputs: 2 });
      const polled = await api.getJob(job.id);
      assert.equal(polled.status, 'completed');
      assert.equal(fake.requestsTo('poll')[0]!.path, `/api/v1/videos/${job.id}`);
      assert.equal(api.contentUrl(job.id, 1), `${fake.baseUrl}/videos/${job.id}/content?index=1`);
      assert.equal(api.contentUrl('a/b c', 0, []), `${fake.baseUrl}/videos/a%2Fb%20c/content?index=0`);
      assert.equal(api.contentUrl(job.id, 1, polled.unsignedUrls), polled.unsignedUrls[1]);
      const second = await readAll((await api.openContent({ url: api.contentUrl(job.id, 1) })).body);
      assert.ok(second.equals(sampleMp4()));
      assert.equal(fake.requestsTo('content')[0]!.url, `/api/v1/videos/${job.id}/content?index=1`);
    });

    it('reads the key info', async () => {
      const info = await client().getKeyInfo();
      assert.equal(info.limit, null);
      assert.equal(info.is_free_tier, false);
      assert.equal(typeof info.label, 'string');
      assert.equal(fake.requestsTo('key')[0]!.path, '/api/v1/key');
    });

    it('accepts a 200 (not only 202) from submit', async () => {
      const body = JSON.stringify({ id: 'job200', polling_url: '/api/v1/videos/job200', status: 'pending' });
      fake.inject({ route: 'submit', status: 200, body });
      const job = await client().submit(BODY);
      assert.equal(job.id, 'job200');
    });
  });

  describe('headers', () => {
    it('sends bearer, attribution, user agent and accept headers to the API origin', async () => {
      const api = client();
      await api.listModels();
      const job = await api.submit(BODY);
      await api.getJob(job.id);
      const done = await api.getJob(job.id);
      await readAll((await api.openContent({ url: api.contentUrl(done.id, 0, done.unsignedUrls) })).body);
      await api.getKeyInfo();

      assert.equal(fake.requests.length, 6);
      for (const r of fake.requests) {
        assert.equal(r.server, 'api');
        assert.equal(header(r, 'authorization'), `Bearer ${fake.apiKey}`, r.path);
        assert.equal(header(r, 'http-referer'), DEFAULT_REFERER, r.path);
        assert.equal(header(r, 'x-openrouter-title'), DEFAULT_TITLE, r.path);
        assert.equal(header(r, 'x-openrouter-categories'), 'ide-extension,video-gen', r.path);
        assert.equal(header(r, 'user-agent'), UA, r.path);
      }
      const [models, submit, poll] = fake.requests;
      assert.equal(header(models!, 'accept'), 'application/json');
      assert.equal(header(poll!, 'accept'), 'application/json');
      assert.equal(header(submit!, 'accept'), 'application/json');
      assert.equal(header(submit!, 'content-type'), 'application/json');
      assert.equal(header(poll!, 'content-type'), undefined);
      const content = fake.requestsTo('content')[0]!;
      assert.equal(header(content, 'accept'), 'video/mp4, video/*;q=0.9, */*;q=0.1');
      assert.equal(header(content, 'accept-encoding'), 'identity');
      assert.equal(header(content, 'range'), undefined);
    });

    it('uses the referer and title options when given', async () => {
      await client({ referer: 'https://example.test/app', title: 'Custom Title' }).listModels();
      const r = fake.requests[0]!;
      assert.equal(header(r, 'http-referer'), 'https://example.test/app');
      assert.equal(header(r, 'x-openrouter-title'), 'Custom Title');
    });

    it('lists models without a key (and without an Authorization header)', async () => {
      const models = await client({ keyProvider: () => undefined }).listModels();
      assert.equal(models.length, 30);
      assert.equal(header(fake.requests[0]!, 'authorization'), undefined);
      assert.equal(header(fake.requests[0]!, 'user-agent'), UA);
    });

    it('refuses calls that need a key when none is set, before sending anything', async () => {
      const api = client({ keyProvider: async () => undefined });
      const job = readyJob();
      for (const call of [api.submit(BODY), api.getJob(job.id), api.getKeyInfo(), api.openContent({ url: api.contentUrl(job.id, 0) })]) {
        await rejectsWith(call, 'auth', 'noKey');
      }
      await rejectsWith(client({ keyProvider: () => '   ' }).submit(BODY), 'auth', 'noKey');
      const broken = client({
        keyProvider: () => {
          throw new Error('secret storage unavailable');
        },
      });
      await rejectsWith(broken.getJob(job.id), 'auth', 'keyUnreadable');
      assert.equal(fake.requests.length, 0);
    });
  });

  describe('error kinds from their HTTP causes', () => {
    it('401 unknown key → auth, with the message verbatim', async () => {
      fake.revokeKey(fake.apiKey);
      const error = await rejectsWith(client().submit(BODY), 'auth', 'keyRejected');
      assert.equal(error.status, 401);
      assert.equal(error.serverMessage, 'User not found.');
      assert.equal(error.params['said'], 'User not found.');
      await rejectsWith(client().getJob('whatever'), 'auth');
    });

    it('401 missing authentication → auth, with the message verbatim, not retried', async () => {
      fake.inject({ route: 'poll', status: 401, body: '{"error":{"message":"Missing Authentication header","code":401}}' });
      const error = await rejectsWith(client().getJob('x'), 'auth', 'keyRejected');
      assert.equal(error.serverMessage, 'Missing Authentication header');
      assert.equal(fake.requestsTo('poll').length, 1, 'auth errors are not retried');
    });

    it('402 → payment', async () => {
      fake.inject({ route: 'submit', status: 402 });
      const error = await rejectsWith(client().submit(BODY), 'payment', 'noCredits');
      assert.equal(error.status, 402);
      assert.equal(error.serverMessage, 'Insufficient credits. Add more using https://openrouter.ai/credits');
    });

    it('429 with Retry-After → rateLimited with retryAfterMs', async () => {
      fake.inject({ route: 'poll', status: 429, retryAfter: 7 });
      const error = await rejectsWith(client({ maxRetries: 0 }).getJob('x'), 'rateLimited', 'rateLimited');
      assert.equal(error.status, 429);
      assert.equal(error.retryAfterMs, 7000);
      assert.equal(error.params['seconds'], 7);
      assert.equal(error.serverMessage, 'Rate limit exceeded');
    });

    it("400 → badRequest with OpenRouter's message verbatim", async () => {
      const error = await rejectsWith(client().submit({ ...BODY, duration: 5 }), 'badRequest', 'requestRefused');
      assert.equal(error.status, 400);
      assert.equal(error.serverMessage, 'duration 5 is not supported by google/veo-3.1; supported: 4, 6, 8');
      assert.equal(error.params['said'], 'duration 5 is not supported by google/veo-3.1; supported: 4, 6, 8');
      assert.equal(fake.submitCount(), 0);
    });

    it('404 → notFound, not retried', async () => {
      const error = await rejectsWith(client().getJob('NoSuchJob0000000000'), 'notFound', 'notFound');
      assert.equal(error.status, 404);
      assert.equal(error.serverMessage, 'Resource not found');
      assert.equal(fake.requestsTo('poll').length, 1, '404 is not retried');
    });

    for (const status of [500, 502, 503]) {
      it(`${status} → server`, async () => {
        fake.inject({ route: 'poll', status });
        const error = await rejectsWith(client({ maxRetries: 0 }).getJob('x'), 'server', 'serverError');
        assert.equal(error.status, status);
        assert.ok(error.serverMessage);
      });
    }

    it('connection reset → network (not marked notSent)', async () => {
      fake.inject({ route: 'poll', reset: true });
      const error = await rejectsWith(client({ maxRetries: 0 }).getJob('x'), 'network', 'connectionFailed');
      assert.equal(error.notSent, false);
      assert.equal(error.params['what'], 'job');
    });

    it('no answer within the deadline → timeout', async () => {
      fake.inject({ route: 'key', stallMs: 3000 });
      const started = Date.now();
      const error = await rejectsWith(client({ maxRetries: 0, timeoutMs: 300 }).getKeyInfo(), 'timeout', 'noAnswer');
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 290 && elapsed < 2000, `timed out after ${elapsed} ms`);
      assert.equal(error.params['seconds'], 0.3);
      assert.equal(error.params['what'], 'keyInfo');
      assert.equal(error.notSent, false);
    });

    it('connection refused → network with notSent', async () => {
      const port = await closedPort();
      const error = await rejectsWith(client({ baseUrl: `http://127.0.0.1:${port}/api/v1`, maxRetries: 0 }).getJob('x'), 'network', 'unreachable');
      assert.equal(error.notSent, true);
      assert.equal(error.params['code'], 'ECONNREFUSED');
      assert.equal(error.params['host'], `127.0.0.1:${port}`);
    });

    it('malformed JSON → responseShape', async () => {
      fake.inject({ route: 'poll', body: '{"id": "abc", "status": ' });
      const error = await rejectsWith(client().getJob('x'), 'responseShape', 'responseNotJson');
      assert.equal(error.field, '(body)');
    });

    it('an HTML 200 → responseShape naming the content type', async () => {
      fake.inject({ route: 'models', body: '<!DOCTYPE html><html><body>Cloudflare</body></html>', contentType: 'text/html' });
      const error = await rejectsWith(client().listModels(), 'responseShape', 'responseNotJson');
      assert.equal(error.field, '(body)');
      assert.match(String(error.params['contentType']), /^text\/html/);
      assert.equal(error.params['what'], 'models');
    });

    it('a wrong shape → responseShape naming the call and the field', async () => {
      fake.inject({ route: 'poll', body: JSON.stringify({ id: 42, status: 'pending' }) });
      const job = await rejectsWith(client().getJob('x'), 'responseShape', 'unexpectedShape');
      assert.equal(job.field, 'id');
      assert.deepEqual({ what: job.params['what'], field: job.params['field'] }, { what: 'job', field: 'id' });
      assert.ok(job.params['issue']);

      fake.inject({ route: 'submit', body: JSON.stringify({ id: 'abc', polling_url: '/x' }), status: 202 });
      const submit = await rejectsWith(client().submit(BODY), 'responseShape', 'unexpectedShape');
      assert.equal(submit.field, 'status');
      assert.equal(submit.params['what'], 'newJob');

      fake.inject({ route: 'models', body: JSON.stringify({ data: [{ id: 'x/y' }] }) });
      const models = await rejectsWith(client().listModels(), 'responseShape');
      assert.equal(models.field, 'data.0.name');

      fake.inject({ route: 'key', body: JSON.stringify({ data: { limit: 'lots' } }) });
      const key = await rejectsWith(client().getKeyInfo(), 'responseShape');
      assert.equal(key.field, 'data.limit');
      assert.equal(key.params['what'], 'keyInfo');
    });

    it('an error status without an envelope still maps by status', async () => {
      fake.inject({ route: 'poll', status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' });
      const error = await rejectsWith(client({ maxRetries: 0 }).getJob('x'), 'server');
      assert.equal(error.status, 502);
      assert.equal(error.serverMessage, undefined);
    });

    it('abort → cancelled (in flight, and before the call)', async () => {
      fake.inject({ route: 'poll', stallMs: 5000 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      await rejectsWith(client().getJob('x', { signal: controller.signal }), 'cancelled', 'cancelled');
      assert.ok(Date.now() - started < 2000);

      const before = fake.requests.length;
      await rejectsWith(client().submit(BODY, { signal: AbortSignal.abort() }), 'cancelled');
      assert.equal(fake.requests.length, before, 'a pre-aborted call sends nothing');
    });

    it('abort during a retry back-off → cancelled without waiting the back-off out', async () => {
      fake.inject({ route: 'poll', status: 503, retryAfter: 10 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const started = Date.now();
      await rejectsWith(client().getJob('x', { signal: controller.signal }), 'cancelled');
      assert.ok(Date.now() - started < 2000);
      assert.equal(fake.requestsTo('poll').length, 1);
    });
  });

  describe('retries of reads', () => {
    it('retries a poll on 503 and waits at least the Retry-After', async () => {
      fake.inject({ route: 'poll', status: 503, retryAfter: 1 });
      const job = fake.createJob(MODEL, { statuses: ['in_progress'] });
      const started = Date.now();
      const polled = await client().getJob(job.id);
      const elapsed = Date.now() - started;
      assert.equal(polled.status, 'in_progress');
      const polls = fake.requestsTo('poll');
      assert.equal(polls.length, 2);
      assert.ok(polls[1]!.at - polls[0]!.at >= 1000, `waited only ${polls[1]!.at - polls[0]!.at} ms`);
      assert.ok(elapsed >= 1000);
      assert.equal(logger.retries(), 1);
    });

    it('retries a read on 429 with Retry-After', async () => {
      fake.inject({ route: 'key', status: 429, retryAfter: 1 });
      const info = await client().getKeyInfo();
      assert.equal(info.is_free_tier, false);
      const keys = fake.requestsTo('key');
      assert.equal(keys.length, 2);
      assert.ok(keys[1]!.at - keys[0]!.at >= 1000);
    });

    it('retries models on 500 and 502, then succeeds', async () => {
      fake.inject({ route: 'models', status: 500 });
      fake.inject({ route: 'models', status: 502 });
      const models = await client().listModels();
      assert.equal(models.length, 30);
      assert.equal(fake.requestsTo('models').length, 3);
    });

    it('retries a poll after a connection reset', async () => {
      fake.inject({ route: 'poll', reset: true });
      const job = fake.createJob(MODEL);
      const polled = await client().getJob(job.id);
      assert.equal(polled.status, 'pending');
      assert.equal(fake.requestsTo('poll').length, 2);
    });

    it('retries a poll after a timeout', async () => {
      fake.inject({ route: 'poll', stallMs: 2000 });
      const job = fake.createJob(MODEL);
      const polled = await client({ timeoutMs: 250 }).getJob(job.id);
      assert.equal(polled.status, 'pending');
      assert.equal(fake.requestsTo('poll').length, 2);
    });

    it('retries content on 502 before the body starts', async () => {
      fake.inject({ route: 'content', status: 502 });
      const job = readyJob();
      const api = client();
      const bytes = await readAll((await api.openContent({ url: api.contentUrl(job.id, 0) })).body);
      assert.ok(bytes.equals(sampleMp4()));
      assert.equal(fake.requestsTo('content').length, 2);
    });

    it('gives up after maxRetries and surfaces the last error', async () => {
      fake.inject({ route: 'poll', status: 500, times: Infinity });
      const error = await rejectsWith(client({ maxRetries: 2 }).getJob('x'), 'server');
      assert.equal(error.status, 500);
      assert.equal(fake.requestsTo('poll').length, 3);
      assert.equal(logger.retries(), 2);
    });

    it('uses 4 attempts by default', async () => {
      fake.inject({ route: 'poll', status: 503, times: Infinity });
      await rejectsWith(client().getJob('x'), 'server');
      assert.equal(fake.requestsTo('poll').length, 4);
    });

    it('does not wait out an absurd Retry-After: the error carries it to the caller', async () => {
      fake.inject({ route: 'poll', status: 429, retryAfter: 3600 });
      const started = Date.now();
      const error = await rejectsWith(client().getJob('x'), 'rateLimited');
      assert.equal(error.retryAfterMs, 3_600_000);
      assert.ok(Date.now() - started < 1000);
      assert.equal(fake.requestsTo('poll').length, 1);
    });

    it('does not retry 400, 401, 402 or 404 reads', async () => {
      for (const status of [400, 401, 402, 404]) {
        fake.inject({ route: 'key', status });
      }
      const api = client();
      await rejectsWith(api.getKeyInfo(), 'badRequest');
      await rejectsWith(api.getKeyInfo(), 'auth');
      await rejectsWith(api.getKeyInfo(), 'payment');
      await rejectsWith(api.getKeyInfo(), 'notFound');
      assert.equal(fake.requestsTo('key').length, 4);
      assert.equal(logger.retries(), 0);
    });
  });

  describe('submit is never retried once it may have reached the server', () => {
    for (const status of [500, 502, 503]) {
      it(`${status} → server, exactly one POST`, async () => {
        fake.inject({ route: 'submit', status, times: Infinity });
        const error = await rejectsWith(client().submit(BODY), 'server');
        assert.equal(error.status, status);
        assert.equal(fake.requestsTo('submit').length, 1);
        assert.equal(fake.requests.filter((r) => r.method === 'POST').length, 1);
        assert.equal(fake.submitCount(), 0);
        assert.equal(logger.retries(), 0);
      });
    }

    it('503 with Retry-After is still not retried (the job may exist)', async () => {
      fake.inject({ route: 'submit', status: 503, retryAfter: 0 });
      await rejectsWith(client().submit(BODY), 'server');
      assert.equal(fake.requestsTo('submit').length, 1);
    });

    it('a reset → network, exactly one POST', async () => {
      fake.inject({ route: 'submit', reset: true, times: Infinity });
      const error = await rejectsWith(client().submit(BODY), 'network', 'connectionFailed');
      assert.equal(error.notSent, false);
      assert.equal(fake.requestsTo('submit').length, 1);
      assert.equal(fake.submitCount(), 0);
    });

    it('a timeout → timeout, exactly one POST, and no duplicate job', async () => {
      fake.inject({ route: 'submit', stallMs: 600 });
      const error = await rejectsWith(client({ timeoutMs: 200 }).submit(BODY), 'timeout', 'noAnswer');
      assert.equal(error.notSent, false);
      await new Promise((resolve) => setTimeout(resolve, 700));
      assert.equal(fake.requestsTo('submit').length, 1);
      assert.ok(fake.submitCount() <= 1);
    });

    it('429 without Retry-After is not retried', async () => {
      fake.inject({ route: 'submit', status: 429 });
      const error = await rejectsWith(client().submit(BODY), 'rateLimited');
      assert.equal(error.retryAfterMs, undefined);
      assert.equal(fake.requestsTo('submit').length, 1);
    });

    it('429 with Retry-After is retried after waiting it, and creates one job', async () => {
      fake.inject({ route: 'submit', status: 429, retryAfter: 1 });
      const started = Date.now();
      const job = await client().submit(BODY);
      assert.equal(job.status, 'pending');
      assert.ok(Date.now() - started >= 1000);
      const posts = fake.requestsTo('submit');
      assert.equal(posts.length, 2);
      assert.ok(posts[1]!.at - posts[0]!.at >= 1000, `waited only ${posts[1]!.at - posts[0]!.at} ms`);
      assert.equal(fake.submitCount(), 1);
      assert.deepEqual(JSON.parse(posts[1]!.body), BODY);
    });

    it('429 with Retry-After is retried at most maxRetries times', async () => {
      fake.inject({ route: 'submit', status: 429, retryAfter: 0, times: Infinity });
      const error = await rejectsWith(client({ maxRetries: 2 }).submit(BODY), 'rateLimited');
      assert.equal(error.retryAfterMs, 0);
      assert.equal(fake.requestsTo('submit').length, 3);
      assert.equal(fake.submitCount(), 0);
    });

    it('connection refused is retried (nothing was sent), then surfaces notSent', async () => {
      const port = await closedPort();
      const error = await rejectsWith(client({ baseUrl: `http://127.0.0.1:${port}/api/v1`, maxRetries: 2 }).submit(BODY), 'network', 'unreachable');
      assert.equal(error.notSent, true);
      assert.equal(logger.retries(), 2);
    });
  });

  describe('polling_url and content origins', () => {
    it('resolves a relative polling_url against the base URL', async () => {
      fake.queueScript({ pollingUrl: 'relative' });
      const api = client();
      const job = await api.submit(BODY);
      assert.equal(job.pollingUrl, `/api/v1/videos/${job.id}`);
      const polled = await api.getJob(job.id, { pollingUrl: job.pollingUrl });
      assert.equal(polled.id, job.id);
      const poll = fake.requestsTo('poll')[0]!;
      assert.equal(poll.server, 'api');
      assert.equal(poll.path, `/api/v1/videos/${job.id}`);
    });

    it('refuses a foreign polling_url without making any request', async () => {
      fake.queueScript({ pollingUrl: 'foreign' });
      const api = client();
      const job = await api.submit(BODY);
      assert.ok(job.pollingUrl?.startsWith(fake.storageOrigin));
      const before = fake.requests.length;
      const error = await rejectsWith(api.getJob(job.id, { pollingUrl: job.pollingUrl }), 'insecure', 'pollingUrlForeign');
      assert.deepEqual({ origin: error.params['origin'], apiOrigin: error.params['apiOrigin'] }, { origin: fake.storageOrigin, apiOrigin: fake.origin });
      assert.equal(fake.requests.length, before);
      assert.equal(fake.requests.filter((r) => r.server === 'storage').length, 0);
      await rejectsWith(api.getJob(job.id, { pollingUrl: 'https://evil.example/api/v1/videos/x' }), 'insecure');
      await rejectsWith(api.getJob(job.id, { pollingUrl: `${fake.origin.replace('http:', 'https:')}/api/v1/videos/x` }), 'insecure');
      assert.equal(fake.requests.length, before);
    });

    it('never sends the bearer (or attribution) to a storage origin', async () => {
      fake.queueScript({ contentOrigin: 'storage', statuses: ['completed'] });
      const api = client();
      const job = await api.submit(BODY);
      const done = await api.getJob(job.id, { pollingUrl: job.pollingUrl });
      const url = api.contentUrl(done.id, 0, done.unsignedUrls);
      assert.ok(url.startsWith(fake.storageOrigin));
      const content = await api.openContent({ url });
      assert.ok((await readAll(content.body)).equals(sampleMp4()));

      const storage = fake.requests.filter((r) => r.server === 'storage');
      assert.equal(storage.length, 1);
      const r = storage[0]!;
      assert.equal(header(r, 'authorization'), undefined);
      assert.equal(header(r, 'http-referer'), undefined);
      assert.equal(header(r, 'x-openrouter-title'), undefined);
      assert.equal(header(r, 'x-openrouter-categories'), undefined);
      assert.equal(header(r, 'user-agent'), UA);
      assert.ok(!JSON.stringify(r.headers).includes(fake.apiKey));
    });

    it('downloads from a storage origin without any key at all', async () => {
      const job = readyJob({ contentOrigin: 'storage' });
      const api = client({ keyProvider: () => undefined });
      const content = await api.openContent({ url: `${fake.storageOrigin}/files/${job.id}/0.mp4` });
      assert.ok((await readAll(content.body)).equals(sampleMp4()));
    });

    it('a storage link refused with 401/403 is an expired link (notFound), not a key problem', async () => {
      const job = readyJob({ contentOrigin: 'storage' });
      const api = client();
      for (const status of [401, 403]) {
        fake.inject({ route: 'storage', status });
        const error = await rejectsWith(api.openContent({ url: `${fake.storageOrigin}/files/${job.id}/0.mp4` }), 'notFound', 'linkExpired');
        assert.equal(error.status, status);
        assert.equal(error.params['host'], new URL(fake.storageOrigin).host);
      }
      assert.equal(fake.requestsTo('storage').length, 2, 'not retried');
    });
  });

  describe('redirects of the content', () => {
    it('follows a redirect from the API origin to storage: the key goes to the API origin only', async () => {
      const job = readyJob({ contentOrigin: 'storage' });
      const api = await startRedirector((path) =>
        path.startsWith('/api/v1/videos/hop/') ? { location: `/api/v1/videos/${job.id}/content?index=0` } : { location: `${fake.storageOrigin}/files/${job.id}/0.mp4` },
      );
      try {
        const c = client({ baseUrl: `${api.origin}/api/v1` });
        const content = await c.openContent({ url: c.contentUrl('hop', 0), offset: 10 });
        assert.equal(content.statusCode, 206);
        assert.ok((await readAll(content.body)).equals(sampleMp4().subarray(10)));
        assert.equal(api.seen.length, 2, 'a hop on the API origin, then the storage');
        for (const hop of api.seen) {
          assert.equal(hop.headers['authorization'], `Bearer ${fake.apiKey}`);
          assert.equal(hop.headers['x-openrouter-categories'], 'ide-extension,video-gen');
        }
        const storage = fake.requestsTo('storage');
        assert.equal(storage.length, 1);
        assert.equal(header(storage[0]!, 'authorization'), undefined);
        assert.equal(header(storage[0]!, 'http-referer'), undefined);
        assert.equal(header(storage[0]!, 'range'), 'bytes=10-');
        assert.ok(!JSON.stringify(storage[0]!.headers).includes(fake.apiKey));
        assert.ok(logger.lines.some((l) => l.includes('(no key sent)')));
      } finally {
        await api.close();
      }
    });

    it('gives up after 5 redirects, and refuses a redirect that is not http(s)', async () => {
      let hops = 0;
      const api = await startRedirector((path) => (path.startsWith('/api/v1/videos/file') ? { location: 'file:///etc/passwd' } : { location: `/api/v1/videos/loop/${++hops}` }));
      try {
        const c = client({ baseUrl: `${api.origin}/api/v1` });
        const loop = await rejectsWith(c.openContent({ url: c.contentUrl('loop', 0) }), 'server', 'tooManyRedirects');
        assert.equal(loop.params['max'], 5);
        assert.equal(api.seen.length, 6, 'the first request and five redirects; not retried');
        await rejectsWith(client({ baseUrl: `${api.origin}/api/v1`, maxRetries: 0 }).openContent({ url: c.contentUrl('file', 0) }), 'insecure', 'redirectScheme');
      } finally {
        await api.close();
      }
    });

    it('JSON calls do not follow redirects (the key stays pinned to the URL asked)', async () => {
      const api = await startRedirector(() => ({ location: `${fake.origin}/api/v1/key` }));
      try {
        const error = await rejectsWith(client({ baseUrl: `${api.origin}/api/v1` }).getKeyInfo(), 'badRequest', 'unexpectedStatus');
        assert.equal(error.status, 302);
        assert.equal(fake.requests.length, 0);
      } finally {
        await api.close();
      }
    });
  });

  describe('content answers', () => {
    it('resumes with Range from an offset (206)', async () => {
      const job = readyJob();
      const api = client();
      const sample = sampleMp4();
      const offset = 1000;
      const content = await api.openContent({ url: api.contentUrl(job.id, 0), offset });
      assert.equal(content.statusCode, 206);
      assert.equal(content.contentLength, sample.length - offset);
      assert.equal(content.totalLength, sample.length);
      assert.equal(content.acceptRanges, true);
      assert.equal(content.rangeStart, offset);
      assert.ok((await readAll(content.body)).equals(sample.subarray(offset)));
      assert.equal(header(fake.requestsTo('content')[0]!, 'range'), `bytes=${offset}-`);
    });

    it('reports a 200 when the server ignores the Range', async () => {
      fake.setContent({ ranges: false });
      const job = readyJob();
      const api = client();
      const content = await api.openContent({ url: api.contentUrl(job.id, 0), offset: 1000 });
      assert.equal(content.statusCode, 200);
      assert.equal(content.acceptRanges, false);
      assert.equal(content.totalLength, sampleMp4().length);
      assert.equal(content.rangeStart, undefined);
      assert.ok((await readAll(content.body)).equals(sampleMp4()));
    });

    it('streams a large body; a reset mid-body is a transport error, and a resume gives the exact bytes', async () => {
      const size = 3 * 1024 * 1024 + 17;
      fake.setContent({ resetAfterBytes: 1024 * 1024 });
      const job = readyJob({ body: { size } });
      const api = client();
      const url = api.contentUrl(job.id, 0);
      const first = await api.openContent({ url });
      assert.equal(first.totalLength, size);
      const parts: Buffer[] = [];
      let received = 0;
      let broke: unknown;
      try {
        for await (const chunk of first.body) {
          parts.push(Buffer.from(chunk));
          received += chunk.length;
        }
      } catch (error) {
        broke = error;
      }
      assert.ok(received > 0 && received < size, `received ${received}`);
      const mapped = toTransportError(broke, { host: new URL(url).host, what: 'video', body: true });
      assert.equal(mapped.kind, 'network');
      assert.equal(mapped.reason, 'connectionBroke');
      const rest = await api.openContent({ url, offset: received });
      assert.equal(rest.statusCode, 206);
      assert.equal(rest.totalLength, size);
      parts.push(await readAll(rest.body));
      const whole = Buffer.concat(parts);
      assert.equal(whole.length, size);
      // The fake stamps every 64-byte line with its offset, so a misplaced resume cannot pass this.
      for (let line = 0; line + 64 <= size; line += 64 * 997) {
        if (line >= 64) assert.equal(whole.readUInt32BE(line + 4), line);
      }
    });

    it('the deadline covers the headers only: a body read slower than it still arrives whole', async () => {
      const size = 2 * 1024 * 1024;
      const job = readyJob({ body: { size } });
      const api = client({ timeoutMs: 200 });
      const content = await api.openContent({ url: api.contentUrl(job.id, 0) });
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal((await readAll(content.body)).length, size);
    });

    it("the caller's abort mid-body stops the body (the downloader words it as cancelled)", async () => {
      fake.setContent({ stallAfterBytes: 1000 });
      const job = readyJob();
      const api = client();
      const controller = new AbortController();
      const content = await api.openContent({ url: api.contentUrl(job.id, 0), signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      const error = await readAll(content.body).then(
        () => assert.fail('the body ended although the caller aborted'),
        (e: unknown) => e,
      );
      assert.equal(toTransportError(error, { host: 'x', what: 'video', caller: controller.signal, body: true }).kind, 'cancelled');
    });

    it('no headers within the deadline → timeout', async () => {
      fake.setContent({ latencyMs: 2000 });
      const job = readyJob();
      const api = client({ timeoutMs: 250, maxRetries: 0 });
      const error = await rejectsWith(api.openContent({ url: api.contentUrl(job.id, 0) }), 'timeout', 'noAnswer');
      assert.equal(error.params['what'], 'video');
    });

    it('a JSON or HTML 200 instead of a video → badContent', async () => {
      const job = readyJob();
      const api = client();
      fake.setContent({ wrongContentType: 'json' });
      const json = await rejectsWith(api.openContent({ url: api.contentUrl(job.id, 0) }), 'badContent', 'notAVideo');
      assert.match(String(json.params['contentType']), /json/);
      fake.setContent({ wrongContentType: 'html' });
      const html = await rejectsWith(api.openContent({ url: api.contentUrl(job.id, 0) }), 'badContent', 'notAVideo');
      assert.match(String(html.params['contentType']), /^text\/html/);
    });

    it('error statuses on content → typed errors from the envelope', async () => {
      const job = fake.createJob(MODEL, { statuses: ['pending'] });
      const api = client();
      const notReady = await rejectsWith(api.openContent({ url: api.contentUrl(job.id, 0) }), 'badRequest');
      assert.match(notReady.serverMessage ?? '', /is not completed/);
      await rejectsWith(api.openContent({ url: api.contentUrl('NoSuchJob', 0) }), 'notFound', 'notFound');
      fake.inject({ route: 'content', status: 502, times: Infinity });
      const failed = await rejectsWith(client({ maxRetries: 1 }).openContent({ url: api.contentUrl(job.id, 0) }), 'server');
      assert.equal(failed.serverMessage, 'Provider returned error');
    });

    it('the body can be let go early', async () => {
      const size = 2 * 1024 * 1024;
      const job = readyJob({ body: { size } });
      const api = client();
      const content = await api.openContent({ url: api.contentUrl(job.id, 0) });
      const reader = content.body.getReader();
      const first = await reader.read();
      assert.ok(first.value && first.value.length > 0);
      await reader.cancel();
      const again = await api.openContent({ url: api.contentUrl(job.id, 0) });
      await again.body.cancel(new Error('not needed'));
      assert.equal((await readAll((await api.openContent({ url: api.contentUrl(job.id, 0) })).body)).length, size);
    });
  });

  describe('models cache', () => {
    it('serves from memory within the TTL, refetches after it, and on refresh', async () => {
      const clock = new FakeClock();
      const api = client({ modelsTtlMs: 300, clock });
      await api.listModels();
      await api.listModels();
      assert.equal(fake.requestsTo('models').length, 1);
      await api.listModels({ refresh: true });
      assert.equal(fake.requestsTo('models').length, 2);
      await clock.advance(301);
      await api.listModels();
      assert.equal(fake.requestsTo('models').length, 3);
      await api.listModels();
      assert.equal(fake.requestsTo('models').length, 3);
    });

    it('shares one in-flight request between concurrent callers', async () => {
      fake.inject({ route: 'models', stallMs: 200 });
      const api = client();
      const results = await Promise.all([api.listModels(), api.listModels(), api.listModels({ refresh: true })]);
      assert.equal(fake.requestsTo('models').length, 1);
      assert.equal(results[0], results[1]);
      assert.equal(results[0], results[2]);
    });

    it('one caller giving up does not fail the others', async () => {
      fake.inject({ route: 'models', stallMs: 300 });
      const api = client();
      const controller = new AbortController();
      const quitter = api.listModels({ signal: controller.signal });
      const stayer = api.listModels();
      setTimeout(() => controller.abort(), 50);
      await rejectsWith(quitter, 'cancelled');
      assert.equal((await stayer).length, 30);
      assert.equal(fake.requestsTo('models').length, 1);
    });

    it('does not cache failures', async () => {
      fake.inject({ route: 'models', status: 400 });
      const api = client();
      await rejectsWith(api.listModels(), 'badRequest');
      assert.equal((await api.listModels()).length, 30);
      assert.equal(fake.requestsTo('models').length, 2);
    });
  });

  describe('job statuses', () => {
    it('maps an unknown status to unknown and keeps the raw one', async () => {
      const job = fake.createJob(MODEL, { statuses: ['warming_up'] });
      const polled = await client().getJob(job.id);
      assert.equal(polled.status, 'unknown');
      assert.equal(polled.rawStatus, 'warming_up');
    });

    it('maps dead to failed with its error', async () => {
      const job = fake.createJob(MODEL, { statuses: ['dead'] });
      const polled = await client().getJob(job.id);
      assert.equal(polled.status, 'failed');
      assert.equal(polled.rawStatus, 'dead');
      assert.equal(polled.error, 'Job died unexpectedly and will not complete');
    });

    it('reports failed, cancelled and expired with their error text', async () => {
      const api = client();
      for (const status of ['failed', 'cancelled', 'expired'] as const) {
        const job = fake.createJob(MODEL, { statuses: [status] });
        const polled = await api.getJob(job.id);
        assert.equal(polled.status, status);
        assert.ok(polled.error);
      }
    });

    it('accepts null error and generation_id', async () => {
      const job = fake.createJob(MODEL, { statuses: ['completed'], generationId: null });
      const polled = await client().getJob(job.id);
      assert.equal(polled.status, 'completed');
      assert.equal(polled.generationId, undefined);

      fake.inject({
        route: 'poll',
        body: JSON.stringify({ id: 'abc', polling_url: null, status: 'failed', error: null, generation_id: null, unsigned_urls: null, usage: null }),
      });
      const odd = await client().getJob('abc');
      assert.equal(odd.status, 'failed');
      assert.equal(odd.error, undefined);
      assert.equal(odd.generationId, undefined);
      assert.deepEqual(odd.unsignedUrls, []);
      assert.equal(odd.costUsd, undefined);
    });
  });

  describe('lifecycle', () => {
    it('dispose() cancels in-flight calls and bodies, and refuses new calls', async () => {
      fake.inject({ route: 'poll', stallMs: 5000 });
      fake.setContent({ stallAfterBytes: 1000 });
      const job = readyJob();
      const api = client();
      const pending = rejectsWith(api.getJob('x'), 'cancelled', 'clientClosed');
      const content = await api.openContent({ url: api.contentUrl(job.id, 0) });
      const body = readAll(content.body).then(
        () => assert.fail('the body ended although the client was disposed'),
        () => 'stopped',
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      await api.dispose();
      await pending;
      assert.equal(await body, 'stopped');
      await rejectsWith(api.listModels(), 'cancelled', 'clientClosed');
      await api.dispose();
    });

    it('refuses to send the key over plain http to a non-loopback host', async () => {
      const api = client({ baseUrl: 'http://openrouter.invalid/api/v1' });
      const error = await rejectsWith(api.submit(BODY), 'insecure', 'keyOverHttp');
      assert.equal(error.params['host'], 'openrouter.invalid');
    });

    it('rejects a base URL that is not a URL, or not http(s), at construction', () => {
      assert.throws(() => client({ baseUrl: 'not a url' }), (e: unknown) => OpenRouterError.is(e, 'badRequest') && e.reason === 'baseUrlInvalid');
      assert.throws(() => client({ baseUrl: 'ftp://example.com/api' }), (e: unknown) => OpenRouterError.is(e, 'insecure') && e.reason === 'baseUrlScheme');
    });
  });
});

