/**
 * getStream: the HTTP/1.1 reader the client uses for video bodies (reads into reused buffers). Framing
 * (Content-Length, chunked with extensions and trailers, until close, none), 1xx, errors (early close,
 * malformed heads, conflicting lengths, stalls, aborts), byte-exactness under a slow consumer (the buffers
 * are reused, so a wrong pause would show as wrong bytes), and TLS with certificate checks.
 */
import * as assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { getStream, type StreamRequestOptions } from '../../src/core/api/contentStream';
import { generatedBytes } from '../fake-openrouter/fakeOpenRouter';

const opts = (extra: Partial<StreamRequestOptions> = {}): StreamRequestOptions => ({ headers: { 'User-Agent': 'test' }, bodyTimeoutMs: 5_000, ...extra });

async function readAll(body: AsyncIterable<Uint8Array>, pauseEvery = 0): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    parts.push(Buffer.from(chunk)); // chunks are only valid until the next one is asked for
    if (pauseEvery > 0 && ++n % pauseEvery === 0) await new Promise((r) => setTimeout(r, 1 + (n % 7)));
  }
  return Buffer.concat(parts);
}

/** A raw TCP server: `script` gets the socket once the request has arrived. */
async function rawServer(script: (socket: net.Socket, request: string) => void): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    let text = '';
    socket.on('data', (d) => {
      const before = text.includes('\r\n\r\n');
      text += d.toString('latin1');
      if (!before && text.includes('\r\n\r\n')) script(socket, text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/video.mp4?x=1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function rejectsWithCode(promise: Promise<unknown>, code: string | RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    const actual = (e as { code?: string }).code ?? '';
    assert.ok(typeof code === 'string' ? actual === code : code.test(actual), `code ${actual}: ${String(e)}`);
    return true;
  });
}

describe('contentStream.getStream', () => {
  let server: http.Server;
  let base: string;
  let lastRequest: http.IncomingMessage | undefined;
  before(async () => {
    server = http.createServer((req, res) => {
      lastRequest = req;
      const url = new URL(req.url ?? '/', 'http://x');
      const size = Number(url.searchParams.get('size') ?? 0);
      if (url.pathname === '/len') {
        res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': size });
        res.end(generatedBytes(size, 0, size));
      } else if (url.pathname === '/chunked') {
        res.writeHead(200, { 'Content-Type': 'video/mp4' }); // no length: Node sends it chunked
        const body = generatedBytes(size, 0, size);
        let at = 0;
        const step = () => {
          while (at < size) {
            const n = Math.min(size - at, 1 + ((at * 7919) % 40_000));
            const ok = res.write(body.subarray(at, at + n));
            at += n;
            if (!ok) return void res.once('drain', step);
          }
          res.end();
        };
        step();
      } else if (url.pathname === '/204') {
        res.writeHead(204).end();
      } else {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":{"message":"Not Found","code":404}}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('GETs with the given headers, Host and Connection: close, and reads a Content-Length body byte for byte', async () => {
    const size = 3 * 1024 * 1024 + 17;
    const res = await getStream(new URL(`${base}/len?size=${size}`), opts({ headers: { 'User-Agent': 'test', Range: 'bytes=0-', Authorization: 'Bearer k' } }));
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'video/mp4');
    assert.equal(res.headers['content-length'], String(size));
    assert.ok((await readAll(res.body)).equals(generatedBytes(size, 0, size)));
    assert.equal(lastRequest?.headers.connection, 'close');
    assert.equal(lastRequest?.headers.host, new URL(base).host);
    assert.equal(lastRequest?.headers.authorization, 'Bearer k');
    assert.equal(lastRequest?.headers.range, 'bytes=0-');
    assert.equal(lastRequest?.url, `/len?size=${size}`);
  });

  it('stays byte-exact with a slow consumer and small buffers (reading pauses while every buffer is held)', async () => {
    const size = 8 * 1024 * 1024 + 5;
    const res = await getStream(new URL(`${base}/len?size=${size}`), opts({ bufferBytes: 16 * 1024, buffers: 3 }));
    assert.ok((await readAll(res.body, 3)).equals(generatedBytes(size, 0, size)));
  });

  it('decodes a chunked body of odd chunk sizes, byte for byte, with a slow consumer', async () => {
    const size = 2 * 1024 * 1024 + 3;
    const res = await getStream(new URL(`${base}/chunked?size=${size}`), opts({ bufferBytes: 16 * 1024, buffers: 3 }));
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.ok((await readAll(res.body, 5)).equals(generatedBytes(size, 0, size)));
  });

  it('handles chunk extensions, trailers, a body split at every byte, and ignores what follows', async () => {
    const raw = await rawServer((socket) => {
      const text =
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n' +
        '5;name=value\r\nhello\r\n' +
        'B\r\n, chunked!\r\r\n' +
        '0\r\nX-Trailer: yes\r\n\r\n' +
        'HTTP/1.1 200 OK\r\n\r\ngarbage';
      let i = 0;
      const tick = () => {
        if (i >= text.length) return;
        socket.write(text[i++]!, 'latin1', () => setImmediate(tick));
      };
      tick();
    });
    try {
      const res = await getStream(new URL(raw.url), opts());
      assert.equal((await readAll(res.body)).toString('latin1'), 'hello, chunked!\r');
    } finally {
      await raw.close();
    }
  });

  it('reads until close when there is no length, and skips 1xx answers', async () => {
    const raw = await rawServer((socket) => {
      socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n');
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nsome');
      setTimeout(() => socket.end(' bytes'), 20);
    });
    try {
      const res = await getStream(new URL(raw.url), opts());
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.headers['set-cookie'], ['a=1', 'b=2']);
      assert.equal((await readAll(res.body)).toString(), 'some bytes');
    } finally {
      await raw.close();
    }
  });

  it('an answer without a body (204) ends at once; an error status comes with its body', async () => {
    const none = await getStream(new URL(`${base}/204`), opts());
    assert.equal(none.statusCode, 204);
    assert.equal((await readAll(none.body)).length, 0);
    const missing = await getStream(new URL(`${base}/missing`), opts());
    assert.equal(missing.statusCode, 404);
    assert.match((await readAll(missing.body)).toString(), /Not Found/);
  });

  it('a connection that closes before the whole Content-Length arrived fails the body (ECONNRESET), after what did arrive', async () => {
    const raw = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n' + 'x'.repeat(40));
      setTimeout(() => socket.end(), 20);
    });
    try {
      const res = await getStream(new URL(raw.url), opts());
      const got: Buffer[] = [];
      await rejectsWithCode(
        (async () => {
          for await (const c of res.body) got.push(Buffer.from(c));
        })(),
        'ECONNRESET',
      );
      assert.equal(Buffer.concat(got).length, 40);
    } finally {
      await raw.close();
    }
  });

  it('refuses malformed and ambiguous answers', async () => {
    const cases: [string, string | RegExp][] = [
      ['HTTP/2 200 OK\r\n\r\n', 'HPE_INVALID_CONSTANT'],
      ['HTTP/1.1 200 OK\r\nBad Header\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN'],
      ['HTTP/1.1 200 OK\r\n folded: x\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN'],
      ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'],
      ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'],
      ['HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n', 'UND_ERR_NOT_SUPPORTED'],
      [`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`, 'UND_ERR_HEADERS_OVERFLOW'],
    ];
    for (const [answer, code] of cases) {
      const raw = await rawServer((socket) => socket.write(answer));
      try {
        await rejectsWithCode(getStream(new URL(raw.url), opts()), code);
      } finally {
        await raw.close();
      }
    }
    const bad = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'));
    try {
      const res = await getStream(new URL(bad.url), opts());
      await rejectsWithCode(readAll(res.body), 'HPE_INVALID_CHUNK_SIZE');
    } finally {
      await bad.close();
    }
  });

  it('refuses header values that would split the request', async () => {
    await assert.rejects(getStream(new URL(`${base}/len?size=1`), opts({ headers: { 'X-Evil': 'a\r\nHost: elsewhere' } })));
  });

  it('a body that stops sending fails after bodyTimeoutMs (UND_ERR_BODY_TIMEOUT); a slow consumer does not count as a stall', async () => {
    const raw = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabc'));
    try {
      const res = await getStream(new URL(raw.url), opts({ bodyTimeoutMs: 150 }));
      const started = Date.now();
      await rejectsWithCode(readAll(res.body), 'UND_ERR_BODY_TIMEOUT');
      assert.ok(Date.now() - started >= 100);
    } finally {
      await raw.close();
    }
    const size = 512 * 1024;
    const slow = await getStream(new URL(`${base}/len?size=${size}`), opts({ bodyTimeoutMs: 100, bufferBytes: 16 * 1024, buffers: 3 }));
    const parts: Buffer[] = [];
    for await (const chunk of slow.body) {
      parts.push(Buffer.from(chunk));
      if (parts.length === 2) await new Promise((r) => setTimeout(r, 300)); // longer than the stall timeout
    }
    assert.equal(Buffer.concat(parts).length, size);
  });

  it('an abort signal stops the wait for the answer and the body', async () => {
    const raw = await rawServer(() => undefined); // never answers
    try {
      const controller = new AbortController();
      const pending = getStream(new URL(raw.url), opts({ signal: controller.signal }));
      setTimeout(() => controller.abort(new Error('stop')), 30);
      await assert.rejects(pending, /stop/);
    } finally {
      await raw.close();
    }
    const controller = new AbortController();
    const res = await getStream(new URL(`${base}/len?size=${64 * 1024 * 1024}`), opts({ signal: controller.signal, bufferBytes: 16 * 1024, buffers: 3 }));
    await assert.rejects(
      (async () => {
        let n = 0;
        for await (const _c of res.body) {
          if (++n === 3) controller.abort(new Error('stopped mid-body'));
        }
      })(),
      /stopped mid-body/,
    );
  });

  it('destroy(error) rejects a pending read; return() (break) lets go quietly', async () => {
    const raw = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab'));
    try {
      const res = await getStream(new URL(raw.url), opts());
      const first = await res.body.next();
      assert.equal(Buffer.from(first.value as Uint8Array).toString(), 'ab');
      const pending = res.body.next();
      res.body.destroy(new Error('cut'));
      await assert.rejects(pending, /cut/);
    } finally {
      await raw.close();
    }
    const res = await getStream(new URL(`${base}/len?size=${4 * 1024 * 1024}`), opts({ bufferBytes: 16 * 1024, buffers: 3 }));
    for await (const _c of res.body) break;
    assert.deepEqual(await res.body.next(), { value: undefined, done: true });
  });

  describe('each(): chunks pushed from the read callback', () => {
    /** Collects with each(); `delayEvery` > 0 returns a promise (a thread-pool write) every that many chunks. */
    async function collect(body: Awaited<ReturnType<typeof getStream>>['body'], delayEvery = 0): Promise<{ bytes: Buffer; calls: number; overlapped: boolean }> {
      const parts: Buffer[] = [];
      let calls = 0;
      let busy = false;
      let overlapped = false;
      await body.each((chunk) => {
        if (busy) overlapped = true;
        calls++;
        if (delayEvery > 0 && calls % delayEvery === 0) {
          busy = true;
          return new Promise<void>((resolve) =>
            setTimeout(() => {
              // Copied only now: the buffer must still hold this chunk's bytes until the promise settles.
              parts.push(Buffer.from(chunk));
              busy = false;
              resolve();
            }, 1 + (calls % 5)),
          );
        }
        parts.push(Buffer.from(chunk));
        return undefined;
      });
      return { bytes: Buffer.concat(parts), calls, overlapped };
    }

    it('hands every byte over in order, taken at once or through a promise, one call at a time (small buffers, so they are reused)', async () => {
      const size = 8 * 1024 * 1024 + 5;
      for (const delayEvery of [0, 1, 3]) {
        const res = await getStream(new URL(`${base}/len?size=${size}`), opts({ bufferBytes: 16 * 1024, buffers: 3 }));
        const got = await collect(res.body, delayEvery);
        assert.ok(got.bytes.equals(generatedBytes(size, 0, size)), `byte-exact with a promise every ${delayEvery} chunks`);
        assert.equal(got.overlapped, false, 'a call never starts before the previous one settled');
        assert.ok(got.calls > 1);
      }
      const chunked = await getStream(new URL(`${base}/chunked?size=${size}`), opts({ bufferBytes: 16 * 1024, buffers: 3 }));
      assert.ok((await collect(chunked.body, 2)).bytes.equals(generatedBytes(size, 0, size)), 'chunked, byte-exact');
    });

    it('a callback done with each chunk before the next read gets the chunks in one buffer, read into again and again; one that holds chunks gets others', async () => {
      const size = 4 * 1024 * 1024;
      /** The buffers of the chunks from the second on (the first may wait in its own buffer until each() starts). */
      const buffersAfterFirst = async (hold: boolean) => {
        const res = await getStream(new URL(`${base}/len?size=${size}`), opts({ bufferBytes: 16 * 1024, buffers: 3 }));
        const seen: ArrayBufferLike[] = [];
        const parts: Buffer[] = [];
        await res.body.each((chunk) => {
          seen.push(chunk.buffer);
          if (!hold) {
            parts.push(Buffer.from(chunk));
            return undefined;
          }
          return new Promise<void>((resolve) => setImmediate(() => (parts.push(Buffer.from(chunk)), resolve())));
        });
        assert.ok(Buffer.concat(parts).equals(generatedBytes(size, 0, size)), `byte-exact (${hold ? 'held' : 'taken at once'})`);
        assert.ok(seen.length > 10, `enough reads to tell (${seen.length})`);
        return new Set(seen.slice(1)).size;
      };
      assert.equal(await buffersAfterFirst(false), 1, 'taken at once: one buffer');
      assert.ok((await buffersAfterFirst(true)) >= 2, 'held across a read: the next read goes into another buffer');
    });

    it('what the callback throws, or its promise rejects with, rejects each() as it is and closes the connection', async () => {
      for (const how of ['throw', 'reject'] as const) {
        const raw = await rawServer((socket) => {
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n');
          const block = Buffer.alloc(64 * 1024, 1);
          const pump = () => {
            while (!socket.destroyed && socket.write(block));
            if (!socket.destroyed) socket.once('drain', pump);
          };
          pump();
        });
        try {
          const res = await getStream(new URL(raw.url), opts());
          const disk = Object.assign(new Error('no space'), { code: 'ENOSPC' });
          let calls = 0;
          await assert.rejects(
            res.body.each(
              () => {
                if (++calls < 3) return undefined;
                if (how === 'throw') throw disk;
                return Promise.reject(disk);
              },
              () => new Error('mapError is for transfer errors only'),
            ),
            (e: unknown) => e === disk,
          );
          const after = calls;
          await new Promise((r) => setTimeout(r, 50));
          assert.equal(calls, after, 'no call after the error');
        } finally {
          await raw.close();
        }
      }
    });

    it('a connection that closes early, with the callback slower than the network: every byte that arrived is handed over, then each() rejects (ECONNRESET)', async () => {
      const raw = await rawServer((socket) => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n');
        socket.write(Buffer.alloc(300_000, 7));
        setTimeout(() => socket.end(), 30);
      });
      try {
        const res = await getStream(new URL(raw.url), opts({ bufferBytes: 16 * 1024, buffers: 3 }));
        let received = 0;
        await rejectsWithCode(
          res.body.each((chunk) => {
            // Slow: the close arrives while chunks wait in the reader's buffers.
            return new Promise<void>((resolve) => setTimeout(() => ((received += chunk.length), resolve()), 2));
          }),
          'ECONNRESET',
        );
        assert.equal(received, 300_000);
      } finally {
        await raw.close();
      }
    });

    it('mapError turns a transfer error (here a stall) into the caller\'s own', async () => {
      const raw = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabc'));
      try {
        const res = await getStream(new URL(raw.url), opts({ bodyTimeoutMs: 100 }));
        let got = '';
        await assert.rejects(
          res.body.each(
            (chunk) => void (got += chunk.toString()),
            (error) => Object.assign(new Error('mapped'), { cause: error }),
          ),
          (e: unknown) => e instanceof Error && e.message === 'mapped' && (e.cause as { code?: string }).code === 'UND_ERR_BODY_TIMEOUT',
        );
        assert.equal(got, 'abc');
      } finally {
        await raw.close();
      }
    });

    it('destroy(error) or an abort during a pending write: each() rejects once that write has settled, and nothing more is handed over', async () => {
      const controller = new AbortController();
      const res = await getStream(new URL(`${base}/len?size=${16 * 1024 * 1024}`), opts({ signal: controller.signal, bufferBytes: 16 * 1024, buffers: 3 }));
      let calls = 0;
      let pendingSettled = false;
      let settledBeforeReject = false;
      const done = res.body.each(() => {
        if (++calls === 3) {
          controller.abort(new Error('stopped mid-body'));
          return new Promise<void>((resolve) => setTimeout(() => ((pendingSettled = true), resolve()), 40));
        }
        return undefined;
      });
      await assert.rejects(
        done.finally(() => (settledBeforeReject = pendingSettled)),
        /stopped mid-body/,
      );
      assert.equal(settledBeforeReject, true, 'each() waited for the write in flight');
      assert.equal(calls, 3);

      const raw = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab'));
      try {
        const res2 = await getStream(new URL(raw.url), opts());
        const pending = res2.body.each(() => undefined);
        setTimeout(() => res2.body.destroy(new Error('cut')), 20);
        await assert.rejects(pending, /cut/);
      } finally {
        await raw.close();
      }
    });

    it('a callback that aborts the signal and then throws the abort reason itself: each() still settles, with that reason', async () => {
      const controller = new AbortController();
      const reason = new Error('stopped by the callback');
      const res = await getStream(new URL(`${base}/len?size=${4 * 1024 * 1024}`), opts({ signal: controller.signal, bufferBytes: 16 * 1024, buffers: 3 }));
      let calls = 0;
      const settled = res.body.each(() => {
        if (++calls === 2) {
          controller.abort(reason);
          throw reason;
        }
        return undefined;
      });
      const timeout = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 2_000).unref());
      const outcome = await Promise.race([settled.then(() => 'resolved', (e: unknown) => e), timeout]);
      assert.equal(outcome, reason);
    });

    it('each() after next() continues where next() stopped; next() during each() is refused', async () => {
      const size = 1024 * 1024;
      const res = await getStream(new URL(`${base}/len?size=${size}`), opts({ bufferBytes: 16 * 1024, buffers: 3 }));
      const first = await res.body.next();
      const head = Buffer.from(first.value as Uint8Array);
      const running = collect(res.body);
      await assert.rejects(res.body.next(), /each\(\) is running/);
      const rest = await running;
      assert.ok(Buffer.concat([head, rest.bytes]).equals(generatedBytes(size, 0, size)));
    });
  });

  it('connection errors keep their code (nothing was sent)', async () => {
    const free = net.createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const { port } = free.address() as net.AddressInfo;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    await rejectsWithCode(getStream(new URL(`http://127.0.0.1:${port}/x`), opts()), 'ECONNREFUSED');
  });

  describe('over TLS', function () {
    let tlsServer: https.Server | undefined;
    let dir: string;
    let cert: string;
    before(async function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-stream-tls-'));
      const made = cp.spawnSync('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
        '-addext', 'subjectAltName=DNS:localhost', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
      ]);
      if (made.status !== 0) {
        console.log('      skipped: openssl could not make a test certificate here, so the TLS path of contentStream is not exercised by this test');
        this.skip();
      }
      cert = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
      tlsServer = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert }, (req, res) => {
        const size = Number(new URL(req.url ?? '/', 'https://x').searchParams.get('size') ?? 0);
        res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': size }).end(generatedBytes(size, 0, size));
      });
      await new Promise<void>((resolve) => tlsServer!.listen(0, '127.0.0.1', resolve));
    });
    after(async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      if (tlsServer) await new Promise<void>((resolve) => tlsServer!.close(() => resolve()));
    });

    it('reads a body byte for byte, with the certificate checked against the host name', async () => {
      const port = (tlsServer!.address() as net.AddressInfo).port;
      const size = 2 * 1024 * 1024 + 1;
      const res = await getStream(new URL(`https://localhost:${port}/v?size=${size}`), opts({ tlsOptions: { ca: cert }, bufferBytes: 16 * 1024, buffers: 3 }));
      assert.ok((await readAll(res.body, 4)).equals(generatedBytes(size, 0, size)));
    });

    it('refuses a certificate it cannot verify', async () => {
      const port = (tlsServer!.address() as net.AddressInfo).port;
      await rejectsWithCode(getStream(new URL(`https://localhost:${port}/v?size=1`), opts()), /SELF_SIGNED|UNABLE_TO_VERIFY/);
      // And one issued for another name.
      await rejectsWithCode(getStream(new URL(`https://127.0.0.1:${port}/v?size=1`), opts({ tlsOptions: { ca: cert } })), 'ERR_TLS_CERT_ALTNAME_INVALID');
    });
  });
});
