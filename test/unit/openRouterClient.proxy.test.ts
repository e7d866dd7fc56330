/**
 * The undici client through an HTTP proxy (`proxyUrl`): a tiny proxy written here (CONNECT tunnels, and
 * absolute-form GET/POST forwarding) in front of the fake OpenRouter. Every call, video content included,
 * must pass through it; the bearer must reach the fake but never be sent to the proxy itself; proxy
 * credentials go as Proxy-Authorization and never into a log line; `noProxy` and no proxyUrl bypass it.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { OpenRouterError } from '../../src/core/api/errors';
import type { VideoApi } from '../../src/core/api/videoApi';
import { FakeOpenRouter, sampleMp4 } from '../fake-openrouter/fakeOpenRouter';
import { LineLogger, clientHarness, fakeClientOptions, readAll } from './helpers/clientHarness';

const BODY = { model: 'google/veo-3.1', prompt: 'A lighthouse at dusk', duration: 4, resolution: '720p', aspect_ratio: '16:9' };
const REQUEST_LINE = /(?:^|\r\n)(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH) (\S+) HTTP\/1\.[01]\r\n/g;

interface Seen {
  /** 'tunnel' (inside a CONNECT) or 'forward' (absolute-form). */
  via: 'tunnel' | 'forward';
  /** host:port the request went to. */
  target: string;
  method: string;
  /** Path + query as sent to the target. */
  url: string;
}

/** A minimal HTTP proxy on 127.0.0.1 that records what passes through it. */
class TestProxy {
  /** CONNECT requests: target and the headers the proxy itself received. */
  readonly connects: { target: string; headers: http.IncomingHttpHeaders }[] = [];
  /** Every HTTP request that went through (request lines sniffed from tunnels, and forwarded ones). */
  readonly seen: Seen[] = [];
  /** Requests refused with 407. */
  refused = 0;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: http.Server,
    /** When set, the Proxy-Authorization every request must carry. */
    private readonly requiredAuth: string | undefined,
  ) {
    server.on('connection', (socket: net.Socket) => this.track(socket));
    server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => this.onConnect(req, client, head));
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => this.onRequest(req, res));
  }

  static async start(requiredAuth?: string): Promise<TestProxy> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new TestProxy(server, requiredAuth);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** Everything that reached the proxy, in any form. */
  get total(): number {
    return this.connects.length + this.seen.filter((s) => s.via === 'forward').length + this.refused;
  }

  reset(): void {
    this.connects.length = 0;
    this.seen.length = 0;
    this.refused = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private authorised(headers: http.IncomingHttpHeaders): boolean {
    return this.requiredAuth === undefined || headers['proxy-authorization'] === this.requiredAuth;
  }

  private onConnect(req: http.IncomingMessage, client: net.Socket, head: Buffer): void {
    client.on('error', () => undefined);
    const target = req.url ?? '';
    if (!this.authorised(req.headers)) {
      this.refused++;
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.connects.push({ target, headers: { ...req.headers } });
    const [host, port] = splitHostPort(target);
    const upstream = net.connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) this.sniff(target, head);
      upstream.write(head);
      client.on('data', (chunk: Buffer) => this.sniff(target, chunk));
      client.pipe(upstream);
      upstream.pipe(client);
    });
    this.track(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  }

  /** Request lines in the client's bytes (bodies sent upstream are small JSON, so this is reliable here). */
  private sniff(target: string, chunk: Buffer): void {
    for (const match of chunk.toString('latin1').matchAll(REQUEST_LINE)) {
      this.seen.push({ via: 'tunnel', target, method: match[1]!, url: match[2]! });
    }
  }

  /** Absolute-form requests ("GET http://host:port/path HTTP/1.1"), forwarded with http.request. */
  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!this.authorised(req.headers)) {
      this.refused++;
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test"', 'Content-Length': '0' }).end();
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    this.seen.push({ via: 'forward', target: target.host, method: req.method ?? 'GET', url: target.pathname + target.search });
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: target.pathname + target.search, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }
}

function splitHostPort(authority: string): [string, number] {
  const at = authority.lastIndexOf(':');
  return [authority.slice(0, at).replace(/^\[|\]$/g, ''), Number(authority.slice(at + 1))];
}

describe('openRouterClient through an HTTP proxy', function () {
  let fake: FakeOpenRouter;
  let proxy: TestProxy;
  let logger: LineLogger;
  const extraProxies: TestProxy[] = [];
  const { client, disposeAll } = clientHarness(() => ({ ...fakeClientOptions(fake), retryBaseMs: 10, retryCapMs: 20, maxRetries: 0, logger }));

  /** models → submit → poll to completion → download, asserting the video byte for byte. */
  async function fullRun(api: VideoApi): Promise<void> {
    const models = await api.listModels();
    assert.ok(models.length > 0);
    fake.queueScript({ statuses: ['pending', 'completed'] });
    const job = await api.submit(BODY);
    assert.equal(job.status, 'pending');
    assert.equal((await api.getJob(job.id, { pollingUrl: job.pollingUrl })).status, 'pending');
    const done = await api.getJob(job.id, { pollingUrl: job.pollingUrl });
    assert.equal(done.status, 'completed');
    const content = await api.openContent({ url: api.contentUrl(done.id, 0, done.unsignedUrls) });
    assert.equal(content.statusCode, 200);
    const bytes = await readAll(content.body);
    assert.ok(bytes.equals(sampleMp4()), 'the video that came through the proxy differs from the fixture');
  }

  before(async () => {
    fake = await FakeOpenRouter.start();
    proxy = await TestProxy.start();
  });

  beforeEach(() => {
    logger = new LineLogger();
  });

  afterEach(async () => {
    await disposeAll();
    await Promise.all(extraProxies.splice(0).map((p) => p.close()));
    for (const line of logger.lines) {
      assert.ok(!line.includes(fake.apiKey), `a log line contains the API key: ${line}`);
      assert.ok(!line.includes('s3cret'), `a log line contains the proxy password: ${line}`);
    }
    fake.reset();
    proxy.reset();
  });

  after(async () => {
    await proxy.close();
    await fake.close();
  });

  it('sends models, submit, polls and the content download through the proxy, none around it', async () => {
    const api = client({ proxyUrl: proxy.url });
    await fullRun(api);

    const reached = fake.requests.map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(
      reached.map((r) => r.split('?')[0]),
      ['GET /api/v1/videos/models', 'POST /api/v1/videos', `GET ${fake.requests[2]!.path}`, `GET ${fake.requests[3]!.path}`, `GET ${fake.requests[4]!.path}`],
    );
    assert.match(fake.requests[4]!.path, /\/content$/);
    // Every request the fake answered went through the proxy, one for one.
    assert.deepEqual(
      proxy.seen.map((s) => `${s.method} ${s.url}`),
      reached,
      'the requests the proxy carried are not the ones the fake received',
    );
    const fakeHost = new URL(fake.origin).host;
    assert.ok(proxy.seen.every((s) => s.target === fakeHost));
    assert.ok(proxy.connects.length >= 1);
    // The bearer reached OpenRouter (inside the tunnel) and was never sent to the proxy itself.
    for (const r of fake.requests) {
      assert.equal(r.headers['authorization'], `Bearer ${fake.apiKey}`, r.url);
    }
    for (const c of proxy.connects) {
      assert.equal(c.target, fakeHost);
      assert.equal(c.headers['authorization'], undefined);
      assert.ok(!JSON.stringify(c.headers).includes(fake.apiKey), 'the proxy received the API key');
    }
  });

  it('resumes a content download with Range through the proxy', async () => {
    const api = client({ proxyUrl: proxy.url });
    const job = fake.createJob('google/veo-3.1', { completeAfterMs: 0 });
    const sample = sampleMp4();
    const content = await api.openContent({ url: api.contentUrl(job.id, 0), offset: 100 });
    assert.equal(content.statusCode, 206);
    assert.ok((await readAll(content.body)).equals(sample.subarray(100)));
    assert.deepEqual(
      proxy.seen.map((s) => s.url),
      fake.requests.map((r) => r.url),
    );
    assert.equal(fake.requests[0]!.headers['range'], 'bytes=100-');
  });

  it('sends credentials in the proxy URL as Proxy-Authorization, and keeps them out of the log', async () => {
    const guarded = await TestProxy.start(`Basic ${Buffer.from('user:s3cret').toString('base64')}`);
    extraProxies.push(guarded);
    const withCredentials = guarded.url.replace('http://', 'http://user:s3cret@');
    await fullRun(client({ proxyUrl: withCredentials }));
    assert.equal(guarded.refused, 0);
    assert.equal(guarded.seen.length, fake.requests.length);
    assert.ok(
      logger.lines.some((l) => l.includes('Using the proxy http://[redacted]@127.0.0.1:')),
      `no redacted proxy line in:\n${logger.lines.join('\n')}`,
    );
  });

  it('reports a proxy that asks for credentials (407) as a proxy problem, with nothing sent to OpenRouter', async () => {
    const guarded = await TestProxy.start('Basic bm9ib2R5Om5vdGhpbmc=');
    extraProxies.push(guarded);
    const api = client({ proxyUrl: guarded.url });
    let caught: unknown;
    try {
      await api.getJob('abc');
    } catch (error) {
      caught = error;
    }
    assert.ok(OpenRouterError.is(caught), `expected an OpenRouterError, got ${String(caught)}`);
    assert.equal(caught.kind, 'network');
    assert.equal(caught.notSent, true);
    assert.match(caught.message, /proxy refused .*HTTP 407/);
    assert.equal(guarded.refused, 1);
    assert.equal(fake.requests.length, 0);
  });

  it('refuses a proxy URL that is not http(s), without showing its credentials', () => {
    assert.throws(
      () => client({ proxyUrl: 'socks5://user:s3cret@127.0.0.1:1080' }),
      (error: unknown) => OpenRouterError.is(error, 'badRequest') && !error.message.includes('s3cret') && /http:\/\/ or https:\/\//.test(error.message),
    );
    assert.throws(
      () => client({ proxyUrl: 'user:s3cret@[bad' }),
      (error: unknown) => OpenRouterError.is(error, 'badRequest') && !error.message.includes('s3cret'),
    );
  });

  it('takes a proxy without a scheme as http (as curl does with HTTPS_PROXY)', async () => {
    await client({ proxyUrl: proxy.url.replace('http://', '') }).listModels();
    assert.equal(proxy.seen.length, 1);
  });

  it('sends nothing to the proxy without proxyUrl', async () => {
    await fullRun(client());
    assert.equal(fake.requests.length, 5);
    assert.equal(proxy.total, 0);
    assert.equal(proxy.seen.length, 0);
  });

  it('bypasses the proxy for hosts in noProxy, and uses it for the others', async () => {
    await fullRun(client({ proxyUrl: proxy.url, noProxy: 'example.invalid, 127.0.0.1' }));
    assert.equal(fake.requests.length, 5);
    assert.equal(proxy.total, 0);

    await client({ proxyUrl: proxy.url, noProxy: 'example.invalid' }).listModels();
    assert.deepEqual(
      proxy.seen.map((s) => `${s.method} ${s.url}`),
      ['GET /api/v1/videos/models'],
    );
  });
});
