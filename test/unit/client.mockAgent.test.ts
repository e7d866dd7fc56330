/**
 * Edge cases a loopback server cannot easily give, through undici's fetch on a MockAgent: connection refused
 * or DNS failures (nothing sent) against resets, TLS failures, connect timeouts, an HTTP-date Retry-After, a
 * 204 from submit, Range facts, and key redaction in logs.
 */
import * as assert from 'node:assert/strict';
import { MockAgent, fetch as undiciFetch } from 'undici';
import { createVideoApi, type ClientOptions } from '../../src/core/api/client';
import { parseContentRange } from '../../src/core/api/contentResponse';
import type { FetchFn, VideoApi } from '../../src/core/api/videoApi';
import { DEFAULT_BASE_URL } from '../../src/core/api/videoApi';
import { LineLogger, readAll, rejectsWith } from './helpers/clientHarness';

const ORIGIN = 'https://openrouter.ai';
const STORAGE = 'https://storage.example.com';
const KEY = 'sk-or-v1-0123456789abcdef0123456789abcdef';
const BODY = { model: 'google/veo-3.1', prompt: 'x' };
const JOB = { id: 'Nxff2D1Z6w4Zk9iNuZam', polling_url: `${ORIGIN}/api/v1/videos/Nxff2D1Z6w4Zk9iNuZam`, status: 'pending' };
const JSON_HEADERS = { 'content-type': 'application/json' };

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('client (MockAgent edge cases)', () => {
  let agent: MockAgent;
  let api: VideoApi;
  let logger: LineLogger;

  function make(overrides: Partial<ClientOptions> = {}): VideoApi {
    const fetch = ((url: string | URL, init?: RequestInit) => undiciFetch(url, { ...init, dispatcher: agent } as Parameters<typeof undiciFetch>[1])) as unknown as FetchFn;
    return createVideoApi({
      keyProvider: () => KEY,
      userAgent: 'test-ua/1',
      fetch,
      retryBaseMs: 5,
      retryCapMs: 20,
      timeoutMs: 2000,
      logger,
      ...overrides,
    });
  }

  function calls(): number {
    return agent.getCallHistory()?.calls().length ?? 0;
  }

  beforeEach(() => {
    logger = new LineLogger();
    agent = new MockAgent({ enableCallHistory: true });
    agent.disableNetConnect();
    api = make();
  });

  afterEach(async () => {
    await api.dispose();
    await agent.close();
    for (const line of logger.lines) {
      assert.ok(!line.includes(KEY), `log line leaks the key: ${line}`);
    }
  });

  it('defaults to the public base URL', () => {
    assert.equal(api.baseUrl, DEFAULT_BASE_URL);
    assert.equal(make({ baseUrl: 'https://example.test/api/v1///' }).baseUrl, 'https://example.test/api/v1');
  });

  for (const [what, code] of [
    ['connection refused', 'ECONNREFUSED'],
    ['a DNS failure', 'ENOTFOUND'],
    ['no route to the host', 'EHOSTUNREACH'],
  ] as const) {
    it(`retries a submit after ${what} (nothing sent), then succeeds once`, async () => {
      const pool = agent.get(ORIGIN);
      pool.intercept({ path: '/api/v1/videos', method: 'POST' }).replyWithError(withCode(what, code));
      pool.intercept({ path: '/api/v1/videos', method: 'POST' }).reply(202, JOB, { headers: JSON_HEADERS });
      const job = await api.submit(BODY);
      assert.equal(job.id, JOB.id);
      assert.equal(calls(), 2);
      assert.equal(logger.retries(), 1);
    });
  }

  it('reads the code of an AggregateError (every address refused) as nothing sent', async () => {
    const pool = agent.get(ORIGIN);
    const refused = Object.assign(new AggregateError([withCode('a', 'ECONNREFUSED'), withCode('b', 'ECONNREFUSED')], ''), {});
    pool.intercept({ path: '/api/v1/videos', method: 'POST' }).replyWithError(refused);
    const error = await rejectsWith(make({ maxRetries: 0 }).submit(BODY), 'network', 'unreachable');
    assert.equal(error.notSent, true);
    assert.equal(error.params['code'], 'ECONNREFUSED');
  });

  it('a connect timeout is a timeout with nothing sent, and a submit is retried after it', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/api/v1/videos', method: 'POST' }).replyWithError(withCode('connect timeout', 'UND_ERR_CONNECT_TIMEOUT'));
    pool.intercept({ path: '/api/v1/videos', method: 'POST' }).replyWithError(withCode('connect timeout', 'UND_ERR_CONNECT_TIMEOUT'));
    const error = await rejectsWith(make({ maxRetries: 1 }).submit(BODY), 'timeout', 'connectTimeout');
    assert.equal(error.notSent, true);
    assert.equal(calls(), 2);
  });

  it('does not retry a submit after ECONNRESET (it may have reached the server)', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/api/v1/videos', method: 'POST' }).replyWithError(withCode('read ECONNRESET', 'ECONNRESET'));
    pool.intercept({ path: '/api/v1/videos', method: 'POST' }).reply(202, JOB, { headers: JSON_HEADERS });
    const error = await rejectsWith(api.submit(BODY), 'network', 'connectionFailed');
    assert.equal(error.notSent, false);
    assert.equal(error.params['code'], 'ECONNRESET');
    assert.equal(calls(), 1);
  });

  it('a TLS failure is network + notSent, and is retried neither on submit nor on a read', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/api/v1/videos', method: 'POST' }).replyWithError(withCode('certificate has expired', 'CERT_HAS_EXPIRED'));
    pool.intercept({ path: '/api/v1/key', method: 'GET' }).replyWithError(withCode('self-signed certificate', 'SELF_SIGNED_CERT_IN_CHAIN'));
    const error = await rejectsWith(api.submit(BODY), 'network', 'tlsFailed');
    assert.equal(error.notSent, true);
    assert.deepEqual({ host: error.params['host'], code: error.params['code'] }, { host: 'openrouter.ai', code: 'CERT_HAS_EXPIRED' });
    await rejectsWith(api.getKeyInfo(), 'network', 'tlsFailed');
    assert.equal(calls(), 2);
  });

  it('a 204 (no body) from submit is a responseShape error', async () => {
    agent.get(ORIGIN).intercept({ path: '/api/v1/videos', method: 'POST' }).reply(204, '');
    const error = await rejectsWith(api.submit(BODY), 'responseShape', 'responseNotJson');
    assert.equal(error.field, '(body)');
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    const pool = agent.get(ORIGIN);
    const when = new Date(Date.now() + 2000).toUTCString(); // second resolution: waits ~1-2 s
    pool.intercept({ path: '/api/v1/key', method: 'GET' }).reply(503, { error: { message: 'Service temporarily unavailable', code: 503 } }, {
      headers: { ...JSON_HEADERS, 'retry-after': when },
    });
    pool.intercept({ path: '/api/v1/key', method: 'GET' }).reply(200, { data: { label: 'k', limit: null } }, { headers: JSON_HEADERS });
    const started = Date.now();
    const info = await api.getKeyInfo();
    assert.equal(info.label, 'k');
    assert.ok(Date.now() - started >= 900, `waited ${Date.now() - started} ms`);
  });

  it('follows a content redirect to a storage origin without the bearer or attribution', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/api/v1/videos/abc/content?index=0', method: 'GET' })
      .reply(302, '', { headers: { location: `${STORAGE}/v/abc.mp4?sig=1` } });
    agent
      .get(STORAGE)
      .intercept({ path: '/v/abc.mp4?sig=1', method: 'GET' })
      .reply(200, Buffer.from('0000ftypisom'), { headers: { 'content-type': 'video/mp4', 'content-length': '12' } });
    const content = await api.openContent({ url: api.contentUrl('abc', 0) });
    assert.equal((await readAll(content.body)).toString(), '0000ftypisom');
    const history = agent.getCallHistory()!.calls();
    assert.equal(history.length, 2);
    const first = history[0]!.headers as Record<string, string>;
    const second = history[1]!.headers as Record<string, string>;
    assert.equal(first['Authorization'], `Bearer ${KEY}`);
    assert.equal(second['Authorization'], undefined);
    assert.equal(second['HTTP-Referer'], undefined);
    assert.equal(second['X-OpenRouter-Title'], undefined);
    assert.equal(second['User-Agent'], 'test-ua/1');
    assert.ok(!JSON.stringify(second).includes(KEY));
  });

  it('reports where a 206 really starts (rangeStart), for the downloader to judge', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/api/v1/videos/abc/content?index=0', method: 'GET' })
      .reply(206, Buffer.alloc(10), { headers: { 'content-type': 'video/mp4', 'content-range': 'bytes 0-9/100', 'content-length': '10' } });
    const content = await api.openContent({ url: api.contentUrl('abc', 0), offset: 50 });
    assert.equal(content.statusCode, 206);
    assert.equal(content.rangeStart, 0);
    assert.equal(content.totalLength, 100);
    await content.body.cancel();
  });

  it('reads totalLength from Content-Range, and an unknown total as undefined', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/api/v1/videos/abc/content?index=0', method: 'GET' })
      .reply(206, Buffer.alloc(10), { headers: { 'content-type': 'video/mp4', 'content-range': 'bytes 90-99/*', 'content-length': '10' } });
    const content = await api.openContent({ url: api.contentUrl('abc', 0), offset: 90 });
    assert.equal(content.statusCode, 206);
    assert.equal(content.totalLength, undefined);
    assert.equal(content.contentLength, 10);
    assert.equal(content.rangeStart, 90);
    assert.equal((await readAll(content.body)).length, 10);
    assert.deepEqual(parseContentRange('bytes 5-9/10'), { start: 5, end: 9, total: 10 });
    assert.equal(parseContentRange('items 1-2/3'), undefined);
  });

  it("words a JSON answer to a download with OpenRouter's message", async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/api/v1/videos/abc/content?index=0', method: 'GET' })
      .reply(200, { error: { message: 'Video not ready', code: 409 } }, { headers: JSON_HEADERS });
    const error = await rejectsWith(api.openContent({ url: api.contentUrl('abc', 0) }), 'badContent', 'notAVideo');
    assert.equal(error.params['said'], 'Video not ready');
    assert.equal(error.serverMessage, 'Video not ready');
  });

  it('refuses non-http content URLs and foreign polling URLs without sending anything', async () => {
    const file = await rejectsWith(api.openContent({ url: 'file:///etc/passwd' }), 'insecure', 'contentUrlScheme');
    assert.equal(file.params['scheme'], 'file:');
    await rejectsWith(api.getJob('x', { pollingUrl: 'https://openrouter.ai.evil.example/api/v1/videos/x' }), 'insecure', 'pollingUrlForeign');
    await rejectsWith(api.getJob('x', { pollingUrl: 'http://openrouter.ai/api/v1/videos/x' }), 'insecure', 'pollingUrlForeign');
    await rejectsWith(api.getJob(''), 'badRequest', 'noJobId');
    assert.equal(calls(), 0);
  });

  it('keeps the key out of log lines even when a server echoes it', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/api/v1/videos/x', method: 'GET' })
      .reply(400, { error: { message: `bad key ${KEY}`, code: 400 } }, { headers: JSON_HEADERS });
    const error = await rejectsWith(api.getJob('x'), 'badRequest');
    assert.ok(error.serverMessage?.includes('bad key'));
    assert.ok(logger.lines.length > 0);
  });

  it('over plain http off loopback: models go without the key, keyed calls are refused', async () => {
    const insecure = make({ baseUrl: 'http://openrouter.test/api/v1' });
    agent
      .get('http://openrouter.test')
      .intercept({ path: '/api/v1/videos/models', method: 'GET' })
      .reply(200, { data: [] }, { headers: JSON_HEADERS });
    assert.deepEqual(await insecure.listModels(), []);
    const call = agent.getCallHistory()!.lastCall()!;
    assert.equal((call.headers as Record<string, string>)['Authorization'], undefined);
    await rejectsWith(insecure.getKeyInfo(), 'insecure', 'keyOverHttp');
    assert.equal(calls(), 1);
    await insecure.dispose();
  });
});
