import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import nodeFs from 'node:fs'; // the module object itself, whose writeSync the write counter replaces
import * as os from 'node:os';
import * as path from 'node:path';
import { OpenRouterError } from '../../src/core/api/errors';
import type { ContentRequest, ContentResponse, VideoApi } from '../../src/core/api/videoApi';
import { createVideoApi } from '../../src/core/api/openRouterClient';
import {
  downloadOutput,
  forgetSlowFolders,
  keepAsPartial,
  PartWriter,
  recheckSavedFile,
  SLOW_WRITE_BYTES_PER_MS,
  SLOW_WRITE_MS,
  type DownloadOptions,
  type DownloadResult,
} from '../../src/core/download/downloader';
import { partPathFor, reserveUniquePath } from '../../src/core/download/fileNames';
import { nullLogger } from '../../src/core/shared/logger';
import { FakeOpenRouter, fixtureModels, generatedBytes, sampleMp4 } from '../fake-openrouter/fakeOpenRouter';
import { patchFileSync } from './helpers/patchFileSync';

// ---------------------------------------------------------------------------------------------
// A hand-written VideoApi that serves a Buffer with scripted faults (edge cases the fake cannot script).
// ---------------------------------------------------------------------------------------------

interface CallPlan {
  /** Throw ECONNRESET after this many body bytes. */
  resetAfter?: number;
  /** Stop sending after this many bytes until destroyed. */
  stallAfter?: number;
  /** End cleanly after this many bytes (a short body). */
  endAfter?: number;
  /** Send this many bytes more than announced. */
  extraBytes?: number;
  /** openContent rejects with this. */
  openError?: Error;
  /** Serve these bytes instead (headers follow them). */
  body?: Buffer;
  /** null = no Content-Type header. */
  contentType?: string | null;
  /** Advertise ranges, but answer 200 to a Range request. */
  ignoreRange?: boolean;
  /** Answer a Range request with 206 starting here (reported as `rangeStart`). */
  wrongStart?: number;
  /** Omit Content-Length / total. */
  noLength?: boolean;
}

function mp4Like(size: number, seed = 1): Buffer {
  const out = crypto.createHash('sha256').update(String(seed)).digest();
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i += out.length) out.copy(data, i);
  for (let i = 0; i < size; i += 4096) data.writeUInt32BE(i >>> 0, i); // position stamps
  // An MP4 starts with a box size and 'ftyp'.
  data.writeUInt32BE(0x18, 0);
  data.write('ftypisom', 4, 'latin1');
  return data;
}

class StubApi implements VideoApi {
  readonly baseUrl = 'https://stub.invalid/api/v1';
  readonly calls: { url: string; offset: number | undefined }[] = [];
  readonly destroyed: (Error | undefined)[] = [];

  constructor(
    readonly data: Buffer,
    readonly plans: CallPlan[] = [],
    readonly options: {
      ranges?: boolean;
      contentType?: string;
      chunkSize?: number;
      /** Chunk sizes in turn (instead of `chunkSize`). */
      chunkSizes?: number[];
      /** Every chunk is the same buffer, overwritten when the next one is asked for (as the real reader does). */
      reuseBuffer?: boolean;
    } = {},
  ) {}

  listModels(): never {
    throw new Error('not used');
  }
  submit(): never {
    throw new Error('not used');
  }
  getJob(): never {
    throw new Error('not used');
  }
  getKeyInfo(): never {
    throw new Error('not used');
  }
  dispose(): void {}
  contentUrl(jobId: string, index: number): string {
    return `${this.baseUrl}/videos/${jobId}/content?index=${index}`;
  }

  async openContent(request: ContentRequest): Promise<ContentResponse> {
    this.calls.push({ url: request.url, offset: request.offset });
    if (request.signal?.aborted) throw new OpenRouterError('cancelled', 'aborted');
    const plan = this.plans[this.calls.length - 1] ?? {};
    if (plan.openError) throw plan.openError;
    const ranges = this.options.ranges ?? true;
    const offset = request.offset ?? 0;
    const honour = ranges && offset > 0 && !plan.ignoreRange;
    const payload = plan.body ?? this.data;
    const start = honour ? (plan.wrongStart ?? offset) : 0;
    const slice = payload.subarray(start);
    const type = plan.contentType === null ? undefined : (plan.contentType ?? this.options.contentType ?? 'video/mp4');
    const response: ContentResponse & { rangeStart?: number } = {
      statusCode: honour ? 206 : 200,
      contentType: type,
      contentLength: plan.noLength ? undefined : slice.length,
      totalLength: plan.noLength ? undefined : payload.length,
      acceptRanges: ranges,
      body: this.body(slice, plan, request.signal),
    };
    if (honour) response.rangeStart = start;
    return response;
  }

  private body(slice: Buffer, plan: CallPlan, signal: AbortSignal | undefined): ContentResponse['body'] {
    const sizes = this.options.chunkSizes ?? [this.options.chunkSize ?? 16 * 1024];
    const shared = this.options.reuseBuffer ? Buffer.alloc(Math.max(...sizes)) : undefined;
    let destroyed: Error | undefined;
    let wake: (() => void) | undefined;
    const stops = [plan.resetAfter, plan.stallAfter, plan.endAfter].filter((n): n is number => n !== undefined);
    const stopAt = Math.min(slice.length, ...stops);
    const index = this.destroyed.length;
    this.destroyed.push(undefined);
    const record = (e: Error | undefined) => (this.destroyed[index] = e ?? new Error('destroyed'));
    async function* generate(): AsyncGenerator<Uint8Array> {
      let sent = 0;
      for (let i = 0; sent < stopAt; i++) {
        if (destroyed) throw destroyed;
        if (signal?.aborted) throw new OpenRouterError('cancelled', 'aborted');
        const n = Math.min(sizes[i % sizes.length]!, stopAt - sent);
        if (shared) {
          slice.copy(shared, 0, sent, sent + n);
          yield shared.subarray(0, n);
          shared.fill(0xee); // the consumer asked for the next chunk: this one is gone
        } else {
          yield slice.subarray(sent, sent + n);
        }
        sent += n;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (plan.resetAfter !== undefined && sent >= plan.resetAfter) {
        throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
      }
      if (plan.stallAfter !== undefined && sent >= plan.stallAfter) {
        await new Promise<void>((resolve) => (wake = resolve));
        throw destroyed ?? new Error('woken');
      }
      if (plan.extraBytes) yield Buffer.alloc(plan.extraBytes, 7);
    }
    return Object.assign(generate(), {
      destroy(error?: Error) {
        destroyed = error ?? new Error('destroyed');
        record(error);
        wake?.();
      },
    });
  }
}

const noSleep = async (_ms: number, signal?: AbortSignal) => {
  if (signal?.aborted) throw signal.reason;
};

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await fs.promises.readdir(dir)).sort();
  } catch {
    return [];
  }
}

function isKind(kind: OpenRouterError['kind'], pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(OpenRouterError.is(error), `not an OpenRouterError: ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** The result without its `durable` promise, once that has settled with a successful fsync. */
async function whenDurable(result: DownloadResult): Promise<Omit<DownloadResult, 'durable'>> {
  const { durable, ...rest } = result;
  assert.equal(await durable, 'synced', 'the fsync succeeded');
  return rest;
}


describe('downloader', () => {
  let dir: string;
  let target: string;

  beforeEach(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'orv-dl-'));
    target = path.join(dir, 'clip.mp4');
  });
  afterEach(async () => {
    forgetSlowFolders();
    if (dir) {
      await fs.promises.chmod(dir, 0o755).catch(() => undefined);
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });

  const run = (api: VideoApi, extra: Partial<DownloadOptions> = {}) =>
    downloadOutput(api, { url: api.contentUrl('job1', 0), targetPath: target, sleep: noSleep, ...extra });

  describe('with a scripted stub', () => {
    it('saves the bytes exactly, renames only when complete, and reports progress', async () => {
      const data = mp4Like(1_000_003);
      const api = new StubApi(data);
      const progress: [number, number | undefined][] = [];
      let sawPartOnly = false;
      const result = await run(api, {
        onProgress: (received, total) => {
          progress.push([received, total]);
          if (received < data.length && fs.existsSync(partPathFor(target)) && !fs.existsSync(target)) sawPartOnly = true;
        },
      });
      assert.deepEqual(await whenDurable(result), { path: target, bytes: data.length, resumed: 0, restarts: 0 });
      assert.ok((await fs.promises.readFile(target)).equals(data));
      assert.deepEqual(await listDir(dir), ['clip.mp4']);
      assert.ok(sawPartOnly, 'bytes went to .part first');
      assert.deepEqual(progress.at(-1), [data.length, data.length]);
      for (let i = 1; i < progress.length; i++) assert.ok(progress[i]![0] >= progress[i - 1]![0]);
      assert.equal(api.calls.length, 1);
      assert.equal(api.calls[0]!.offset, undefined);
    });

    it('writes large chunks as they are and gathers small ones, from a reader that reuses its buffer: byte-exact', async () => {
      const data = mp4Like(3_000_001);
      const sizes = [300 * 1024, 1024, 70 * 1024, 16 * 1024, 64 * 1024, 63 * 1024, 200 * 1024, 5];
      const result = await run(new StubApi(data, [], { chunkSizes: sizes, reuseBuffer: true }));
      assert.equal(result.bytes, data.length);
      assert.ok((await fs.promises.readFile(target)).equals(data));
    });

    it('names the file once its last byte is written and fsyncs it afterwards: `durable` settles when that is done', async () => {
      const data = mp4Like(600_000);
      let releaseSync: () => void = () => undefined;
      const syncHeld = new Promise<void>((resolve) => (releaseSync = resolve));
      const seenAtSync: { named: boolean; size: number }[] = [];
      const restore = await patchFileSync(dir, async (original, handle) => {
        seenAtSync.push({ named: fs.existsSync(target), size: (await handle.stat()).size });
        await syncHeld;
        return original();
      });
      try {
        // Resolves while the fsync is still held: it is not on the path to a saved file.
        const result = await run(new StubApi(data));
        assert.equal(result.path, target);
        assert.ok((await fs.promises.readFile(target)).equals(data), 'complete under its name before the fsync');
        assert.deepEqual(await listDir(dir), ['clip.mp4']);
        let settled = false;
        void result.durable.then(() => (settled = true));
        await new Promise((resolve) => setTimeout(resolve, 30));
        assert.equal(settled, false, '`durable` waits for the fsync');
        releaseSync();
        assert.equal(await result.durable, 'synced');
        assert.deepEqual(seenAtSync, [{ named: true, size: data.length }], 'one fsync, of the named, complete file');
      } finally {
        restore();
        releaseSync();
      }
    });

    for (const [code, outcome] of [['EINVAL', 'unsupported'], ['EIO', 'failed']] as const) {
      it(`an fsync that fails with ${code}: the file is saved all the same and \`durable\` says ${outcome}`, async () => {
        const data = mp4Like(50_000);
        const restore = await patchFileSync(dir, async () => {
          throw Object.assign(new Error(`${code}: fsync`), { code });
        });
        try {
          const result = await run(new StubApi(data));
          assert.equal(await result.durable, outcome);
          assert.ok((await fs.promises.readFile(target)).equals(data));
          assert.deepEqual(await listDir(dir), ['clip.mp4']);
        } finally {
          restore();
        }
      });
    }

    for (const type of ['video/mp4', 'video/webm', 'application/octet-stream', 'video/mp4; codecs="avc1.42E01E"', 'VIDEO/MP4']) {
      it(`accepts content type ${type}`, async () => {
        const data = mp4Like(5000);
        await run(new StubApi(data, [], { contentType: type }));
        assert.ok((await fs.promises.readFile(target)).equals(data));
      });
    }

    it('accepts a body without Content-Type or Content-Length when it does not look like text', async () => {
      const data = mp4Like(70_000);
      const result = await run(new StubApi(data, [{ contentType: null, noLength: true }]));
      assert.equal(result.bytes, data.length);
      assert.ok((await fs.promises.readFile(target)).equals(data));
    });

    it('resumes with Range after a reset mid-body, from the exact byte', async () => {
      const data = mp4Like(1_000_000);
      const api = new StubApi(data, [{ resetAfter: 300_000 }]);
      const result = await run(api);
      assert.equal(result.resumed, 1);
      assert.equal(result.restarts, 0);
      assert.deepEqual(
        api.calls.map((c) => c.offset),
        [undefined, 300_000],
      );
      assert.ok((await fs.promises.readFile(target)).equals(data));
      assert.deepEqual(await listDir(dir), ['clip.mp4']);
    });

    it('resumes several times within maxAttempts', async () => {
      const data = mp4Like(600_000);
      const api = new StubApi(data, [{ resetAfter: 100_000 }, { resetAfter: 100_000 }, { resetAfter: 100_000 }]);
      const result = await run(api, { maxAttempts: 4 });
      assert.equal(result.resumed, 3);
      assert.deepEqual(
        api.calls.map((c) => c.offset),
        [undefined, 100_000, 200_000, 300_000],
      );
      assert.ok((await fs.promises.readFile(target)).equals(data));
    });

    it('restarts from zero after a reset when the server does not do ranges', async () => {
      const data = mp4Like(500_000);
      const api = new StubApi(data, [{ resetAfter: 200_000 }], { ranges: false });
      const result = await run(api);
      assert.equal(result.resumed, 0);
      assert.equal(result.restarts, 1);
      assert.deepEqual(
        api.calls.map((c) => c.offset),
        [undefined, undefined],
      );
      assert.ok((await fs.promises.readFile(target)).equals(data));
    });

    it('restarts from zero (truncating the .part) when the server ignores the Range and answers 200', async () => {
      const data = mp4Like(500_000);
      const api = new StubApi(data, [{ resetAfter: 200_000 }, { ignoreRange: true }]);
      const progress: number[] = [];
      const result = await run(api, { onProgress: (r) => progress.push(r) });
      assert.equal(result.resumed, 0);
      assert.equal(result.restarts, 1);
      assert.equal(api.calls[1]!.offset, 200_000);
      assert.ok(progress.includes(0), 'progress went back to 0');
      assert.ok((await fs.promises.readFile(target)).equals(data));
    });

    it('restarts without Range when a 206 starts at the wrong byte', async () => {
      const data = mp4Like(500_000);
      const api = new StubApi(data, [{ resetAfter: 200_000 }, { wrongStart: 100_000 }]);
      const result = await run(api);
      assert.equal(result.restarts, 1);
      assert.deepEqual(
        api.calls.map((c) => c.offset),
        [undefined, 200_000, undefined],
      );
      assert.ok((await fs.promises.readFile(target)).equals(data));
    });

    it('restarts without Range when the client refuses a misplaced 206 (badContent, status 206)', async () => {
      const data = mp4Like(300_000);
      const misplaced = new OpenRouterError('badContent', 'The server resumed the download at byte 5 instead of 100000.', { status: 206 });
      const api = new StubApi(data, [{ resetAfter: 100_000 }, { openError: misplaced }]);
      const result = await run(api);
      assert.equal(result.restarts, 1);
      assert.deepEqual(
        api.calls.map((c) => c.offset),
        [undefined, 100_000, undefined],
      );
      assert.ok((await fs.promises.readFile(target)).equals(data));
    });

    it('treats a short body (clean end before Content-Length) as broken and resumes', async () => {
      const data = mp4Like(400_000);
      const api = new StubApi(data, [{ endAfter: 123_457 }]);
      const result = await run(api);
      assert.equal(result.resumed, 1);
      assert.equal(api.calls[1]!.offset, 123_457);
      assert.ok((await fs.promises.readFile(target)).equals(data));
    });

    it('treats a stall as broken (timeout), destroys the body and resumes', async () => {
      const data = mp4Like(400_000);
      const api = new StubApi(data, [{ stallAfter: 50_000 }]);
      const result = await run(api, { stallTimeoutMs: 150 });
      assert.equal(result.resumed, 1);
      assert.ok(api.destroyed[0], 'stalled body destroyed');
      assert.ok((await fs.promises.readFile(target)).equals(data));
    });

    it('retries when opening fails with a network error, then succeeds', async () => {
      const data = mp4Like(10_000);
      const sleeps: number[] = [];
      const api = new StubApi(data, [{ openError: new OpenRouterError('network', 'refused') }, { openError: new OpenRouterError('server', 'bad gateway', { status: 502 }) }]);
      const result = await run(api, { sleep: async (ms) => void sleeps.push(ms), backoffMs: 100 });
      assert.equal(result.bytes, data.length);
      assert.equal(api.calls.length, 3);
      assert.deepEqual(sleeps, [100, 200]);
    });

    it('sends the first request before the .part is open; when continuing a .part, only after reading it', async () => {
      const data = mp4Like(5000);
      const api = new StubApi(data);
      const downloading = run(api);
      assert.equal(api.calls.length, 1, 'the request went out before downloadOutput first waited');
      await downloading;
      await fs.promises.rm(target);

      await fs.promises.writeFile(partPathFor(target), data.subarray(0, 1000));
      const resumer = new StubApi(data);
      const resuming = run(resumer, { resumeExisting: true });
      assert.equal(resumer.calls.length, 0, 'no request before the .part was read');
      const result = await resuming;
      assert.deepEqual(resumer.calls.map((c) => c.offset), [1000]);
      assert.ok((await fs.promises.readFile(result.path)).equals(data));
    });

    it('a .part that cannot be opened aborts the request sent ahead while it still waits for its answer', async () => {
      const file = path.join(dir, 'not-a-folder');
      await fs.promises.writeFile(file, 'x');
      target = path.join(file, 'clip.mp4');
      const api = new StubApi(mp4Like(3000));
      let signal: AbortSignal | undefined;
      api.openContent = (request) => {
        signal = request.signal;
        return new Promise((_resolve, reject) =>
          request.signal?.addEventListener('abort', () => reject(new OpenRouterError('cancelled', 'aborted')), { once: true }),
        );
      };
      await assert.rejects(run(api), isKind('io', /ENOTDIR/));
      assert.ok(signal?.aborted, 'the request was aborted');
    });

    it('an abort while the .part opens cancels the download: nothing left', async () => {
      const api = new StubApi(mp4Like(300_000));
      const controller = new AbortController();
      const downloading = run(api, { signal: controller.signal });
      controller.abort();
      await assert.rejects(downloading, isKind('cancelled'));
      assert.deepEqual(await listDir(dir), []);
    });

    it('an openContent that throws instead of rejecting counts as a failed first attempt (the first request is sent while the .part opens)', async () => {
      const data = mp4Like(10_000);
      const api = new StubApi(data);
      const openContent = api.openContent.bind(api);
      let thrown = 0;
      api.openContent = (request) => {
        if (thrown++ === 0) throw new Error('synchronous failure');
        return openContent(request);
      };
      const result = await run(api);
      assert.equal(thrown, 2);
      assert.equal(api.calls.length, 1, 'the second call reached the stub');
      assert.ok((await fs.promises.readFile(result.path)).equals(data));

      thrown = 0;
      await fs.promises.rm(result.path);
      await assert.rejects(run(api, { maxAttempts: 1 }), isKind('network', /synchronous failure.*Download Again/));
      assert.deepEqual(await listDir(dir), [], 'no .part left');
    });

    it('gives up after maxAttempts with a network error, leaving no .part and no file', async () => {
      const data = mp4Like(300_000);
      const plans = Array.from({ length: 10 }, () => ({ resetAfter: 1000 }));
      const api = new StubApi(data, plans, { ranges: false });
      await assert.rejects(run(api, { maxAttempts: 3 }), isKind('network', /Download Again from the Jobs view/));
      assert.equal(api.calls.length, 3);
      assert.deepEqual(await listDir(dir), []);
    });

    it('does not retry an API error and keeps its kind and status', async () => {
      const api = new StubApi(mp4Like(1000), [
        { openError: new OpenRouterError('auth', 'OpenRouter said: "User not found.". Check your API key.', { status: 401, serverMessage: 'User not found.' }) },
      ]);
      await assert.rejects(run(api), (error: unknown) => {
        assert.ok(OpenRouterError.is(error, 'auth'));
        assert.equal(error.status, 401);
        assert.equal(error.serverMessage, 'User not found.');
        assert.match(error.message, /User not found.*Download Again/);
        return true;
      });
      assert.equal(api.calls.length, 1);
      assert.deepEqual(await listDir(dir), []);
    });

    it('says a 404 may mean the video is gone', async () => {
      const api = new StubApi(mp4Like(1000), [{ openError: new OpenRouterError('notFound', 'OpenRouter said: "Not Found".', { status: 404 }) }]);
      await assert.rejects(run(api), isKind('notFound', /may no longer hold this video/));
    });

    const refusals: [string, CallPlan, RegExp][] = [
      ['a JSON body', { contentType: 'application/json', body: Buffer.from('{"error":{"message":"Video not ready","code":409}}') }, /JSON.*Video not ready/],
      ['an HTML page', { contentType: 'text/html; charset=utf-8', body: Buffer.from('<html><head><title>Bad Gateway</title></head></html>') }, /HTML.*Bad Gateway/],
      ['plain text', { contentType: 'text/plain', body: Buffer.from('nope') }, /text/],
      ['an image', { contentType: 'image/png', body: mp4Like(100) }, /image/],
      ['JSON labelled video/mp4', { body: Buffer.from('  {"error":{"message":"Provider returned error","code":502}}') }, /labelled video\/mp4 but contains JSON.*Provider returned error/],
      ['HTML labelled octet-stream', { contentType: 'application/octet-stream', body: Buffer.from('<!DOCTYPE html><title>Login</title>') }, /HTML/],
      ['an empty body', { body: Buffer.alloc(0) }, /empty/],
      ['more bytes than announced', { extraBytes: 10 }, /more bytes than announced/],
    ];
    for (const [name, plan, pattern] of refusals) {
      it(`refuses ${name} as badContent without retrying, saving nothing`, async () => {
        const api = new StubApi(mp4Like(20_000), [plan, {}, {}]);
        await assert.rejects(run(api), isKind('badContent', pattern));
        assert.equal(api.calls.length, 1);
        assert.deepEqual(await listDir(dir), [], 'no .mp4 and no .part');
      });
    }

    it('a cancelled signal before the start makes no request', async () => {
      const api = new StubApi(mp4Like(1000));
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(run(api, { signal: controller.signal }), isKind('cancelled', /Download Again/));
      assert.equal(api.calls.length, 0);
      assert.deepEqual(await listDir(dir), []);
    });

    it('an abort mid-body stops at once with cancelled and removes the .part', async () => {
      const api = new StubApi(mp4Like(2_000_000), [{ stallAfter: 600_000 }]);
      const controller = new AbortController();
      const pending = run(api, {
        signal: controller.signal,
        onProgress: (received) => {
          if (received >= 512 * 1024) setTimeout(() => controller.abort(), 20);
        },
      });
      await assert.rejects(pending, isKind('cancelled'));
      assert.equal(api.calls.length, 1);
      assert.deepEqual(await listDir(dir), []);
    });

    it('an abort during the backoff wait is cancelled, not a network error', async () => {
      const api = new StubApi(mp4Like(10_000), [{ openError: new OpenRouterError('network', 'reset') }]);
      const controller = new AbortController();
      const sleep = (_ms: number, signal?: AbortSignal) =>
        new Promise<void>((_, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason));
          controller.abort();
        });
      await assert.rejects(run(api, { signal: controller.signal, sleep }), isKind('cancelled'));
      assert.equal(api.calls.length, 1);
      assert.deepEqual(await listDir(dir), []);
    });

    it('creates missing folders (mkdir -p)', async () => {
      target = path.join(dir, 'a', 'b', 'c', 'clip.mp4');
      const data = mp4Like(3000);
      await run(new StubApi(data));
      assert.ok((await fs.promises.readFile(target)).equals(data));
    });

    it('takes over the .part placeholder left by reserveUniquePath', async () => {
      target = await reserveUniquePath(dir, 'clip');
      assert.ok(fs.existsSync(partPathFor(target)));
      const data = mp4Like(3000);
      const result = await run(new StubApi(data));
      assert.equal(result.path, target);
      assert.deepEqual(await listDir(dir), ['clip.mp4']);
    });

    describe('resumeExisting: a .part left by a killed process', () => {
      const leave = (bytes: Buffer) => fs.promises.writeFile(partPathFor(target), bytes);

      it('continues it with Range from its exact size and keeps its bytes', async () => {
        const data = mp4Like(700_000);
        await leave(data.subarray(0, 262_144));
        const api = new StubApi(data);
        const result = await run(api, { resumeExisting: true });
        assert.deepEqual(await whenDurable(result), { path: target, bytes: data.length, resumed: 1, restarts: 0 });
        assert.deepEqual(api.calls.map((c) => c.offset), [262_144]);
        assert.ok((await fs.promises.readFile(target)).equals(data));
        assert.deepEqual(await listDir(dir), ['clip.mp4']);
      });

      it('without the option the .part is truncated and the download starts from zero', async () => {
        const data = mp4Like(300_000);
        await leave(Buffer.alloc(100_000, 9));
        const api = new StubApi(data);
        await run(api);
        assert.deepEqual(api.calls.map((c) => c.offset), [undefined]);
        assert.ok((await fs.promises.readFile(target)).equals(data));
      });

      it('starts from zero (truncating it) when the server ignores the Range and answers 200', async () => {
        const data = mp4Like(500_000);
        await leave(Buffer.concat([data.subarray(0, 64), Buffer.alloc(200_000 - 64, 9)])); // not this file's bytes
        const api = new StubApi(data, [{ ignoreRange: true }]);
        const result = await run(api, { resumeExisting: true });
        assert.equal(result.resumed, 0);
        assert.equal(result.restarts, 1);
        assert.deepEqual(api.calls.map((c) => c.offset), [200_000]);
        assert.ok((await fs.promises.readFile(target)).equals(data));
      });

      it('starts again without Range when the 206 starts at another byte', async () => {
        const data = mp4Like(500_000);
        await leave(data.subarray(0, 200_000));
        const api = new StubApi(data, [{ wrongStart: 100_000 }]);
        const result = await run(api, { resumeExisting: true });
        assert.equal(result.restarts, 1);
        assert.deepEqual(api.calls.map((c) => c.offset), [200_000, undefined]);
        assert.ok((await fs.promises.readFile(target)).equals(data));
      });

      it('does not keep its bytes on a 206 that gives no total length (nothing to check them against)', async () => {
        const data = mp4Like(400_000);
        await leave(data.subarray(0, 150_000));
        const api = new StubApi(data, [{ noLength: true }]);
        const result = await run(api, { resumeExisting: true });
        assert.equal(result.resumed, 0);
        assert.equal(result.restarts, 1);
        assert.deepEqual(api.calls.map((c) => c.offset), [150_000, undefined]);
        assert.ok((await fs.promises.readFile(target)).equals(data));
      });

      it('starts from zero without asking for a Range when the .part does not start like a video', async () => {
        const data = mp4Like(300_000);
        await leave(Buffer.from('{"error":{"message":"nope"}}'));
        const api = new StubApi(data);
        const result = await run(api, { resumeExisting: true });
        assert.deepEqual(api.calls.map((c) => c.offset), [undefined]);
        assert.equal(result.resumed, 0);
        assert.ok((await fs.promises.readFile(target)).equals(data));
      });

      it('an empty or missing .part is an ordinary download', async () => {
        const data = mp4Like(50_000);
        await leave(Buffer.alloc(0));
        const api = new StubApi(data);
        await run(api, { resumeExisting: true });
        await fs.promises.rm(target);
        await run(api, { resumeExisting: true });
        assert.deepEqual(api.calls.map((c) => c.offset), [undefined, undefined]);
        assert.ok((await fs.promises.readFile(target)).equals(data));
      });

      it('when the download then fails for good, the .part (with the earlier bytes) is removed', async () => {
        const data = mp4Like(300_000);
        await leave(data.subarray(0, 100_000));
        const gone = new OpenRouterError('notFound', 'OpenRouter said: "Resource not found".', { status: 404 });
        const api = new StubApi(data, [{ openError: gone }]);
        await assert.rejects(run(api, { resumeExisting: true }), isKind('notFound', /Download Again/));
        assert.deepEqual(await listDir(dir), []);
      });
    });

    it('never overwrites a file that appeared at the target meanwhile', async () => {
      const data = mp4Like(3000);
      const api = new StubApi(data);
      const result = await run(api, {
        onProgress: () => {
          if (!fs.existsSync(target)) fs.writeFileSync(target, 'someone else');
        },
      });
      assert.equal(result.path, path.join(dir, 'clip-2.mp4'));
      assert.equal(fs.readFileSync(target, 'utf8'), 'someone else');
      assert.ok(fs.readFileSync(result.path).equals(data));
    });

    it(
      isRoot
        ? 'an unwritable folder is an io error naming it, nothing left (running as root, where chmod does not stop writes: a path under a regular file is used, giving ENOTDIR)'
        : 'an unwritable folder is an io error naming it, nothing left (chmod 555 → EACCES)',
      async () => {
        let folder: string;
        if (isRoot) {
          const file = path.join(dir, 'not-a-folder');
          await fs.promises.writeFile(file, 'x');
          folder = path.join(file, 'videos');
        } else {
          folder = path.join(dir, 'locked');
          await fs.promises.mkdir(folder);
          await fs.promises.chmod(folder, 0o555);
        }
        target = path.join(folder, 'clip.mp4');
        const api = new StubApi(mp4Like(3000));
        await assert.rejects(run(api), (error: unknown) => {
          assert.ok(OpenRouterError.is(error, 'io'), String(error));
          assert.ok(error.message.includes(folder), error.message);
          assert.match(error.message, isRoot ? /ENOTDIR.*openrouterVideo\.outputDirectory/ : /read-only or you lack permission.*openrouterVideo\.outputDirectory/);
          assert.match(error.message, /Download Again/);
          return true;
        });
        // The first request goes out while the .part is opened; when that fails, the request is called off.
        assert.equal(api.calls.length, 1, 'the request sent ahead');
        assert.ok(api.destroyed[0], 'its body let go');
        await fs.promises.chmod(folder, 0o755).catch(() => undefined);
        assert.deepEqual(await listDir(folder), []);
      },
    );

    (fs.existsSync('/dev/full') ? it : it.skip)('a full disk (writes to /dev/full via a symlinked .part) is an io error, not retried, .part removed', async () => {
      await fs.promises.symlink('/dev/full', partPathFor(target));
      const api = new StubApi(mp4Like(300_000));
      await assert.rejects(run(api), isKind('io', /disk .* is full \(ENOSPC\).*Download Again/));
      assert.equal(api.calls.length, 1);
      assert.deepEqual(await listDir(dir), []);
    });
  });

  // -------------------------------------------------------------------------------------------
  // Through the real client against the loopback fake.
  // -------------------------------------------------------------------------------------------

  describe('through the real client against the fake OpenRouter', () => {
    let fake: FakeOpenRouter;
    let api: VideoApi;
    const model = (fixtureModels()[0] as { id: string }).id;

    before(async () => {
      fake = await FakeOpenRouter.start();
    });
    beforeEach(() => {
      fake.reset();
      api = createVideoApi({
        baseUrl: fake.baseUrl,
        keyProvider: () => fake.apiKey,
        userAgent: 'test',
        bodyTimeoutMs: 500,
        timeoutMs: 5000,
        maxRetries: 0,
      });
    });
    afterEach(async () => {
      await api.dispose();
    });
    after(async () => {
      await fake.close();
    });

    const completedJob = (script: Parameters<FakeOpenRouter['createJob']>[1] = {}) => {
      const job = fake.createJob(model, { statuses: ['completed'], ...script });
      fake.setJobStatus(job.id, 'completed');
      return job;
    };
    const contentRequests = () => fake.requests.filter((r) => /\/content$/.test(r.path) || r.server === 'storage');

    it('saves the fixture MP4 byte for byte', async () => {
      const job = completedJob();
      const url = `${fake.baseUrl}/videos/${job.id}/content?index=0`;
      const result = await downloadOutput(api, { url, targetPath: target });
      assert.deepEqual(await whenDurable(result), { path: target, bytes: sampleMp4().length, resumed: 0, restarts: 0 });
      assert.ok((await fs.promises.readFile(target)).equals(sampleMp4()));
      assert.deepEqual(await listDir(dir), ['clip.mp4']);
      assert.equal(contentRequests()[0]!.headers.authorization, `Bearer ${fake.apiKey}`);
    });

    it('resumes with Range after a reset mid-download (ranges on)', async () => {
      const job = completedJob();
      fake.setContent({ ranges: true, resetAfterBytes: 3000 });
      const result = await downloadOutput(api, { url: api.contentUrl(job.id, 0), targetPath: target, sleep: noSleep });
      assert.ok(result.resumed >= 1, JSON.stringify(result));
      assert.equal(result.restarts, 0);
      assert.ok((await fs.promises.readFile(target)).equals(sampleMp4()));
      const ranges = contentRequests().map((r) => r.headers.range);
      assert.equal(ranges[0], undefined);
      assert.match(String(ranges[1]), /^bytes=\d+-$/);
      assert.deepEqual(await listDir(dir), ['clip.mp4']);
    });

    it('restarts from zero after a reset when the fake has no ranges (ranges off)', async () => {
      const job = completedJob();
      fake.setContent({ ranges: false, resetAfterBytes: 3000 });
      const result = await downloadOutput(api, { url: api.contentUrl(job.id, 0), targetPath: target, sleep: noSleep });
      assert.equal(result.resumed, 0);
      assert.ok(result.restarts >= 1, JSON.stringify(result));
      assert.ok((await fs.promises.readFile(target)).equals(sampleMp4()));
      assert.ok(contentRequests().every((r) => r.headers.range === undefined));
    });

    it('resumes a 16 MiB generated body reset twice, every byte in place', async function () {
      this.timeout(60_000);
      const size = 16 * 1024 * 1024;
      const job = completedJob({ body: { size } });
      fake.setContent({ ranges: true, resetAfterBytes: 5 * 1024 * 1024 + 17, resetTimes: 2 });
      const result = await downloadOutput(api, { url: api.contentUrl(job.id, 0), targetPath: target, sleep: noSleep });
      assert.equal(result.bytes, size);
      assert.equal(result.resumed, 2);
      const saved = await fs.promises.readFile(target);
      assert.equal(saved.length, size);
      assert.ok(saved.equals(generatedBytes(size, 0, size)));
    });

    /** Counts writes made from the calling thread (fs.writeSync) and through the thread pool (FileHandle.write). */
    async function countWrites<T>(body: () => Promise<T>): Promise<{ value: T; inline: number; pooled: number }> {
      const probe = await fs.promises.open(path.join(dir, '.probe'), 'w');
      const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
      await probe.close();
      await fs.promises.rm(path.join(dir, '.probe'));
      const originalSync = nodeFs.writeSync;
      const originalWrite = proto.write;
      let inline = 0;
      let pooled = 0;
      nodeFs.writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
        inline++;
        return originalSync(...args);
      }) as typeof fs.writeSync;
      proto.write = function (this: unknown, ...args: unknown[]) {
        pooled++;
        return originalWrite.apply(this, args);
      };
      try {
        return { value: await body(), inline, pooled };
      } finally {
        nodeFs.writeSync = originalSync;
        proto.write = originalWrite;
      }
    }

    it('writes each read from the read callback itself while the disk is quick; into a folder where a write was slow, through the thread pool; byte for byte both ways', async function () {
      this.timeout(60_000);
      const size = 8 * 1024 * 1024 + 3;
      const job = completedJob({ body: { size } });
      const debug: string[] = [];
      const logger = { ...nullLogger, debug: (m: string) => debug.push(m) };
      const quick = await countWrites(() => downloadOutput(api, { url: api.contentUrl(job.id, 0), targetPath: target, logger }));
      assert.equal(quick.value.bytes, size);
      assert.ok(quick.inline > 0, JSON.stringify({ inline: quick.inline, pooled: quick.pooled }));
      // On a busy machine a write can take longer than SLOW_WRITE_MS (the thread was preempted): then, and only
      // then, the rest goes through the pool.
      const switched = debug.some((m) => /writing through the thread pool/.test(m));
      assert.equal(quick.pooled > 0, switched, JSON.stringify({ pooled: quick.pooled, debug: debug.filter((m) => /took/.test(m)) }));
      assert.ok((await fs.promises.readFile(target)).equals(generatedBytes(size, 0, size)));
      await quick.value.durable;

      // A write in this folder took longer than SLOW_WRITE_MS (as on a network share): later downloads into it
      // go through the thread pool (each() then waits on a promise per write).
      const other = path.join(dir, 'slow.mp4');
      const handle = await fs.promises.open(path.join(dir, 'marker'), 'w');
      let clock = 0;
      new PartWriter(handle, dir, nullLogger, () => (clock += SLOW_WRITE_MS + 1)).write(Buffer.from('x'), 0);
      await handle.close();
      const slow = await countWrites(() => downloadOutput(api, { url: api.contentUrl(job.id, 0), targetPath: other }));
      assert.equal(slow.value.bytes, size);
      assert.ok(slow.inline === 0 && slow.pooled > 0, JSON.stringify({ inline: slow.inline, pooled: slow.pooled }));
      assert.ok((await fs.promises.readFile(other)).equals(generatedBytes(size, 0, size)));
      await slow.value.durable;
    });

    (fs.existsSync('/dev/full') ? it : it.skip)('a full disk while writing from the read callback is an io error, not retried, .part removed', async () => {
      const job = completedJob({ body: { size: 2 * 1024 * 1024 } });
      await fs.promises.symlink('/dev/full', partPathFor(target));
      await assert.rejects(
        downloadOutput(api, { url: api.contentUrl(job.id, 0), targetPath: target, sleep: noSleep }),
        isKind('io', /disk .* is full \(ENOSPC\).*Download Again/),
      );
      assert.equal(contentRequests().length, 1);
      assert.deepEqual(await listDir(dir), []);
    });

    it('saves a 16 MiB sized body with the right length', async function () {
      this.timeout(60_000);
      const size = 16 * 1024 * 1024;
      const job = completedJob({ body: { size } });
      const result = await downloadOutput(api, { url: api.contentUrl(job.id, 0), targetPath: target });
      assert.equal(result.bytes, size);
      assert.equal((await fs.promises.stat(target)).size, size);
      const saved = await fs.promises.readFile(target);
      assert.equal(saved.toString('latin1', 4, 8), 'ftyp');
      assert.ok(saved.equals(generatedBytes(size, 0, size)));
    });

    it('resumes after a stall (the client body timeout) mid-download', async () => {
      const job = completedJob();
      fake.setContent({ stallAfterBytes: 4000 });
      const result = await downloadOutput(api, { url: api.contentUrl(job.id, 0), targetPath: target, sleep: noSleep });
      assert.ok(result.resumed >= 1, JSON.stringify(result));
      assert.ok((await fs.promises.readFile(target)).equals(sampleMp4()));
    });

    for (const wrong of ['json', 'html'] as const) {
      it(`refuses a ${wrong.toUpperCase()} body as badContent: no .mp4 and no .part`, async () => {
        const job = completedJob();
        fake.setContent({ wrongContentType: wrong });
        await assert.rejects(
          downloadOutput(api, { url: api.contentUrl(job.id, 0), targetPath: target, sleep: noSleep }),
          isKind('badContent', /Download Again/),
        );
        assert.deepEqual(await listDir(dir), []);
        assert.equal(contentRequests().length, 1, 'not retried');
      });
    }

    it('a download that keeps failing leaves no .part and no file', async () => {
      const job = completedJob();
      fake.setContent({ ranges: true, resetAfterBytes: 2000, resetTimes: 100 });
      await assert.rejects(
        downloadOutput(api, { url: api.contentUrl(job.id, 0), targetPath: target, sleep: noSleep, maxAttempts: 3 }),
        isKind('network', /Download Again/),
      );
      assert.equal(contentRequests().length, 3);
      assert.deepEqual(await listDir(dir), []);
    });

    it('continues a .part left by a killed process with Range (resumeExisting), byte-identical', async () => {
      const size = 1024 * 1024;
      const job = completedJob({ body: { size } });
      await fs.promises.writeFile(partPathFor(target), generatedBytes(size, 0, 300_000));
      const result = await downloadOutput(api, { url: api.contentUrl(job.id, 0), targetPath: target, sleep: noSleep, resumeExisting: true });
      assert.deepEqual(await whenDurable(result), { path: target, bytes: size, resumed: 1, restarts: 0 });
      assert.equal(contentRequests()[0]!.headers.range, 'bytes=300000-');
      assert.ok((await fs.promises.readFile(target)).equals(generatedBytes(size, 0, size)));
      assert.deepEqual(await listDir(dir), ['clip.mp4']);
    });

    it('a .part as long as the file is not taken as complete: the 416 answer restarts it from zero', async () => {
      const size = 200_000;
      const job = completedJob({ body: { size } });
      await fs.promises.writeFile(partPathFor(target), generatedBytes(size, 0, size));
      const result = await downloadOutput(api, { url: api.contentUrl(job.id, 0), targetPath: target, sleep: noSleep, resumeExisting: true });
      assert.equal(result.restarts, 1);
      assert.deepEqual(contentRequests().map((r) => r.headers.range), [`bytes=${size}-`, undefined]);
      assert.ok((await fs.promises.readFile(target)).equals(generatedBytes(size, 0, size)));
      assert.deepEqual(await listDir(dir), ['clip.mp4']);
    });

    it('a job that is not there is notFound, nothing saved', async () => {
      await assert.rejects(
        downloadOutput(api, { url: api.contentUrl('NoSuchJob000000000000', 0), targetPath: target, sleep: noSleep }),
        isKind('notFound'),
      );
      assert.deepEqual(await listDir(dir), []);
    });

    it('downloads from a storage origin (unsigned URL) without sending the key', async () => {
      const job = completedJob({ contentOrigin: 'storage' });
      const polled = await api.getJob(job.id);
      const url = api.contentUrl(job.id, 0, polled.unsignedUrls);
      assert.ok(url.startsWith(fake.storageOrigin), url);
      await downloadOutput(api, { url, targetPath: target });
      assert.ok((await fs.promises.readFile(target)).equals(sampleMp4()));
      const storage = fake.requests.filter((r) => r.server === 'storage');
      assert.equal(storage.length, 1);
      assert.equal(storage[0]!.headers.authorization, undefined);
    });

    it('an abort during a stalled download is cancelled and leaves nothing', async () => {
      const job = completedJob();
      fake.setContent({ stallAfterBytes: 3000 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 150);
      await assert.rejects(
        downloadOutput(api, { url: api.contentUrl(job.id, 0), targetPath: target, signal: controller.signal, stallTimeoutMs: 10_000 }),
        isKind('cancelled'),
      );
      assert.deepEqual(await listDir(dir), []);
    });
  });
  describe('PartWriter (writes from the calling thread while the disk is quick)', () => {
    it('writes at the given positions from the calling thread; after one write slower than SLOW_WRITE_MS, the rest and later writers for that folder use the thread pool', async () => {
      const file = await fs.promises.open(target, 'w');
      try {
        const times = [0, 1, 1, 1 + SLOW_WRITE_MS + 0.5];
        let call = 0;
        const log: string[] = [];
        const logger = { ...nullLogger, debug: (m: string) => log.push(m) };
        const writer = new PartWriter(file, dir, logger, () => times[call++] ?? 0);
        assert.equal(writer.write(Buffer.from('abc'), 0), undefined, 'quick: done on return');
        assert.equal(writer.writesInline, true);
        assert.equal(writer.write(Buffer.from('def'), 3), undefined, 'the slow write itself is done on return');
        assert.equal(writer.writesInline, false);
        assert.match(log.join('\n'), /took .* ms; writing through the thread pool/);
        const pooled = writer.write(Buffer.from('ghi'), 6);
        assert.ok(pooled instanceof Promise, 'after a slow write: a promise');
        await pooled;
        assert.equal(await fs.promises.readFile(target, 'utf8'), 'abcdefghi');
        assert.equal(new PartWriter(file, dir, logger).writesInline, false, 'the folder is remembered');
        assert.equal(new PartWriter(file, path.join(dir, 'elsewhere'), logger).writesInline, true, 'other folders are not');
        forgetSlowFolders();
        assert.equal(new PartWriter(file, dir, logger).writesInline, true);
      } finally {
        await file.close();
      }
    });

    it('writes each a little under SLOW_WRITE_MS, but slower than SLOW_WRITE_BYTES_PER_MS over 16 MiB, move to the thread pool too', async () => {
      const file = await fs.promises.open(target, 'w');
      try {
        const mib = Buffer.alloc(1024 * 1024, 3);
        const msPerWrite = SLOW_WRITE_MS - 1;
        assert.ok(mib.length / msPerWrite < SLOW_WRITE_BYTES_PER_MS, 'the pace under test is below the threshold');
        let clock = 0;
        let call = 0;
        // Each write: started at clock, done msPerWrite later.
        const writer = new PartWriter(file, dir, nullLogger, () => (call++ % 2 === 0 ? clock : (clock += msPerWrite)));
        for (let i = 0; i < 15; i++) assert.equal(writer.write(mib, i * mib.length), undefined);
        assert.equal(writer.writesInline, true, 'under 16 MiB: still from the calling thread');
        assert.equal(writer.write(mib, 15 * mib.length), undefined);
        assert.equal(writer.writesInline, false, 'at 16 MiB, at about 333 MiB/s: through the thread pool');
        assert.ok(writer.write(mib, 16 * mib.length) instanceof Promise);
        await (writer.write(mib, 16 * mib.length) as Promise<void>);
        assert.equal((await fs.promises.stat(target)).size, 17 * mib.length);
      } finally {
        await file.close();
      }
    });
  });

  it('a write through the thread pool that hangs past the stall timeout and then fails: the disk error is reported, not a stall, and nothing is retried', async () => {
    // This folder's writes go through the thread pool (as after a slow write on a network share).
    const marker = await fs.promises.open(path.join(dir, 'marker'), 'w');
    let clock = 0;
    new PartWriter(marker, dir, nullLogger, () => (clock += SLOW_WRITE_MS + 1)).write(Buffer.from('x'), 0);
    await marker.close();
    await fs.promises.rm(path.join(dir, 'marker'));
    const probe = await fs.promises.open(path.join(dir, '.probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
    await probe.close();
    await fs.promises.rm(path.join(dir, '.probe'));
    const original = proto.write;
    let writes = 0;
    proto.write = function (this: unknown, ...args: unknown[]) {
      if (++writes === 2) {
        return new Promise((_resolve, reject) => setTimeout(() => reject(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' })), 250));
      }
      return original.apply(this, args);
    };
    const api = new StubApi(mp4Like(600_000), [], { chunkSize: 128 * 1024 });
    try {
      await assert.rejects(run(api, { stallTimeoutMs: 60 }), isKind('io', /EIO|could not be written|disk/i));
    } finally {
      proto.write = original;
    }
    assert.equal(api.calls.length, 1, 'a disk error is not retried');
    assert.deepEqual(await listDir(dir), []);
  });

  describe('recheckSavedFile (an output saved before its fsync finished, checked on the next start)', () => {
    it('a file with all its bytes is complete (and fsynced)', async () => {
      await fs.promises.writeFile(target, mp4Like(5000));
      let synced = 0;
      const restore = await patchFileSync(dir, async (original) => {
        synced++;
        return original();
      });
      try {
        assert.equal(await recheckSavedFile(target, 5000), 'complete');
      } finally {
        restore();
      }
      assert.equal(synced, 1);
      assert.deepEqual(await listDir(dir), ['clip.mp4']);
    });

    it('a shorter file (what a system crash can leave) is short; keepAsPartial moves it back to <file>.part, bytes kept', async () => {
      const data = mp4Like(5000);
      await fs.promises.writeFile(target, data.subarray(0, 1200));
      assert.equal(await recheckSavedFile(target, 5000), 'short');
      assert.deepEqual(await listDir(dir), ['clip.mp4'], 'the check moves nothing');
      await keepAsPartial(target);
      assert.deepEqual(await listDir(dir), ['clip.mp4.part']);
      assert.ok((await fs.promises.readFile(partPathFor(target))).equals(data.subarray(0, 1200)));
    });

    it('an empty file is short even when the size on record is unknown; a read-only whole file is complete', async () => {
      await fs.promises.writeFile(target, Buffer.alloc(0));
      assert.equal(await recheckSavedFile(target, undefined), 'short');
      await fs.promises.writeFile(target, mp4Like(3000));
      await fs.promises.chmod(target, 0o444);
      assert.equal(await recheckSavedFile(target, 3000), 'complete');
      assert.equal(await recheckSavedFile(target, undefined), 'complete');
    });

    it('only the .part there (the rename did not reach the disk) counts as short; nothing at all is missing', async () => {
      await fs.promises.writeFile(partPathFor(target), mp4Like(800));
      assert.equal(await recheckSavedFile(target, 5000), 'short');
      await fs.promises.rm(partPathFor(target));
      assert.equal(await recheckSavedFile(target, 5000), 'missing');
      assert.deepEqual(await listDir(dir), []);
    });
  });
});
