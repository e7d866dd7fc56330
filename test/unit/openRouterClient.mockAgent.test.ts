/**
 * Edge cases of the undici client that a real loopback server cannot easily produce, driven with
 * undici's MockAgent: connection refused then success on submit, TLS failures, redirects between
 * origins, bad Content-Range, HTTP-date Retry-After, and key redaction in logs.
 */
import * as assert from 'node:assert/strict';
import { MockAgent } from 'undici';
import { createVideoApi, DEFAULT_BASE_URL, parseContentRange, type OpenRouterClientOptions } from '../../src/core/api/openRouterClient';
import { OpenRouterError } from '../../src/core/api/errors';
import type { VideoApi } from '../../src/core/api/videoApi';
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

describe('openRouterClient (MockAgent edge cases)', () => {
  let agent: MockAgent;
  let api: VideoApi;
  let lines: string[];

  function make(overrides: Partial<OpenRouterClientOptions> = {}): VideoApi {
    return createVideoApi({
      keyProvider: () => KEY,
      userAgent: 'test-ua/1',
      dispatcher: agent,
      retryBaseMs: 5,
      retryCapMs: 20,
      timeoutMs: 2000,
      logger: new LineLogger(lines),
      ...overrides,
    } as OpenRouterClientOptions);
  }

  beforeEach(() => {
    lines = [];
    agent = new MockAgent({ enableCallHistory: true });
    agent.disableNetConnect();
    api = make();
  });

  afterEach(async () => {
    await api.dispose();
    await agent.close();
    for (const line of lines) {
      assert.ok(!line.includes(KEY), `log line leaks the key: ${line}`);
    }
  });

  it('defaults to the public base URL', () => {
    assert.equal(api.baseUrl, DEFAULT_BASE_URL);
    assert.equal(make({ baseUrl: 'https://example.test/api/v1///' }).baseUrl, 'https://example.test/api/v1');
  });

  it('retries a submit whose connection was refused, then succeeds once', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/api/v1/videos', method: 'POST' }).replyWithError(withCode('connect ECONNREFUSED 1.2.3.4:443', 'ECONNREFUSED'));
    pool.intercept({ path: '/api/v1/videos', method: 'POST' }).reply(202, JOB, { headers: JSON_HEADERS });
    const job = await api.submit(BODY);
    assert.equal(job.id, JOB.id);
    assert.equal(agent.getCallHistory()?.calls().length, 2);
    assert.ok(lines.some((l) => l.includes('Retrying')));
  });

  it('retries a submit on DNS failure (nothing sent)', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/api/v1/videos', method: 'POST' }).replyWithError(withCode('getaddrinfo ENOTFOUND openrouter.ai', 'ENOTFOUND'));
    pool.intercept({ path: '/api/v1/videos', method: 'POST' }).reply(202, JOB, { headers: JSON_HEADERS });
    assert.equal((await api.submit(BODY)).id, JOB.id);
  });

  it('does not retry a submit after ECONNRESET (it may have reached the server)', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/api/v1/videos', method: 'POST' }).replyWithError(withCode('read ECONNRESET', 'ECONNRESET'));
    pool.intercept({ path: '/api/v1/videos', method: 'POST' }).reply(202, JOB, { headers: JSON_HEADERS });
    const error = await rejectsWith(api.submit(BODY), 'network');
    assert.equal(error.notSent, false);
    assert.equal(agent.getCallHistory()?.calls().length, 1);
  });

  it('a TLS failure is network + notSent, and is not retried', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/api/v1/videos', method: 'POST' }).replyWithError(withCode('certificate has expired', 'CERT_HAS_EXPIRED'));
    const error = await rejectsWith(api.submit(BODY), 'network');
    assert.equal(error.notSent, true);
    assert.match(error.message, /secure connection/);
    assert.equal(agent.getCallHistory()?.calls().length, 1);
  });

  it('a 204 (no body) from submit is a responseShape error', async () => {
    agent.get(ORIGIN).intercept({ path: '/api/v1/videos', method: 'POST' }).reply(204, '');
    const error = await rejectsWith(api.submit(BODY), 'responseShape');
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

  it('follows a content redirect to a storage origin without the bearer', async () => {
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
    const calls = agent.getCallHistory()!.calls();
    assert.equal(calls.length, 2);
    const first = calls[0]!.headers as Record<string, string>;
    const second = calls[1]!.headers as Record<string, string>;
    assert.equal(first['Authorization'], `Bearer ${KEY}`);
    assert.equal(second['Authorization'], undefined);
    assert.equal(second['HTTP-Referer'], undefined);
    assert.equal(second['User-Agent'], 'test-ua/1');
  });

  it('body.each() over undici (proxy, injected dispatcher): every chunk in order, sync or through a promise; what the callback throws passes through as it is', async () => {
    const video = Buffer.concat([Buffer.from('0000ftypisom'), Buffer.alloc(300_000, 5)]);
    for (let round = 0; round < 3; round++) {
      agent
        .get(ORIGIN)
        .intercept({ path: '/api/v1/videos/abc/content?index=0', method: 'GET' })
        .reply(200, video, { headers: { 'content-type': 'video/mp4', 'content-length': String(video.length) } });
    }
    const parts: Buffer[] = [];
    const content = await api.openContent({ url: api.contentUrl('abc', 0) });
    await content.body.each!((chunk) => {
      parts.push(Buffer.from(chunk));
      return parts.length % 2 === 0 ? new Promise<void>((resolve) => setTimeout(resolve, 1)) : undefined;
    });
    assert.ok(Buffer.concat(parts).equals(video));

    const disk = Object.assign(new Error('no space'), { code: 'ENOSPC' });
    const failing = await api.openContent({ url: api.contentUrl('abc', 0) });
    await assert.rejects(
      failing.body.each!(() => {
        throw disk;
      }),
      (e: unknown) => e === disk,
    );
    const rejecting = await api.openContent({ url: api.contentUrl('abc', 0) });
    await assert.rejects(
      rejecting.body.each!(() => Promise.reject(disk)),
      (e: unknown) => e === disk,
    );
  });

  it('reports where a 206 really starts (rangeStart), for the downloader to judge', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/api/v1/videos/abc/content?index=0', method: 'GET' })
      .reply(206, Buffer.alloc(10), { headers: { 'content-type': 'video/mp4', 'content-range': 'bytes 0-9/100', 'content-length': '10' } });
    const content = await api.openContent({ url: api.contentUrl('abc', 0), offset: 50 });
    assert.equal(content.statusCode, 206);
    assert.equal((content as typeof content & { rangeStart?: number }).rangeStart, 0);
    assert.equal(content.totalLength, 100);
    content.body.destroy?.();
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
    assert.equal((await readAll(content.body)).length, 10);
    assert.deepEqual(parseContentRange('bytes 5-9/10'), { start: 5, end: 9, total: 10 });
    assert.equal(parseContentRange('items 1-2/3'), undefined);
  });

  it('refuses non-http content URLs and foreign polling URLs without sending anything', async () => {
    await rejectsWith(api.openContent({ url: 'file:///etc/passwd' }), 'insecure');
    await rejectsWith(api.getJob('x', { pollingUrl: 'https://openrouter.ai.evil.example/api/v1/videos/x' }), 'insecure');
    await rejectsWith(api.getJob('x', { pollingUrl: 'http://openrouter.ai/api/v1/videos/x' }), 'insecure');
    assert.equal(agent.getCallHistory()?.calls().length ?? 0, 0);
  });

  it('keeps the key out of log lines even when a server echoes it', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/api/v1/videos/x', method: 'GET' })
      .reply(400, { error: { message: `bad key ${KEY}`, code: 400 } }, { headers: JSON_HEADERS });
    const error = await rejectsWith(api.getJob('x'), 'badRequest');
    assert.ok(error.serverMessage?.includes('bad key'));
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
    await rejectsWith(insecure.getKeyInfo(), 'insecure');
    assert.equal(agent.getCallHistory()!.calls().length, 1);
    await insecure.dispose();
  });

  it('rejects an invalid base URL at construction', () => {
    assert.throws(() => make({ baseUrl: 'not a url' }), (e: unknown) => OpenRouterError.is(e, 'badRequest'));
    assert.throws(() => make({ baseUrl: 'ftp://example.com/api' }), (e: unknown) => OpenRouterError.is(e, 'insecure'));
  });
});
