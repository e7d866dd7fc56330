/**
 * The downloader against a scripted VideoApi: what it keeps, what it refuses, how it resumes, what it leaves
 * behind. The same guarantees through the real client and the loopback fake: downloader.fake.test.ts.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OpenRouterError, type ErrorKind, type Reason } from '../../src/core/api/errors';
import { downloadOutput, MAX_RESUMES, type DownloadOptions, type DownloadResult } from '../../src/core/download/downloader';
import { partPathFor, reserveUniquePath } from '../../src/core/download/fileNames';
import { nullLogger } from '../../src/core/shared/logger';
import { ContentApi, mp4Like, type Answer } from './helpers/contentApi';
import { patchFileSync } from './helpers/patchFileSync';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

const listDir = async (dir: string): Promise<string[]> => (await fs.promises.readdir(dir).catch(() => [])).sort();

/** An assert.rejects check: an OpenRouterError of this kind and reason, and (optionally) these params. */
function failsWith(kind: ErrorKind, reason: Reason, params: Record<string, unknown> = {}) {
  return (error: unknown) => {
    assert.ok(OpenRouterError.is(error), `not an OpenRouterError: ${String(error)}`);
    assert.deepEqual([error.kind, error.reason], [kind, reason], error.message);
    for (const [key, value] of Object.entries(params)) assert.equal(error.params[key], value, `params.${key}`);
    return true;
  };
}

describe('downloader (scripted answers)', () => {
  let dir: string;
  let target: string;

  beforeEach(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'orv-dl-'));
    target = path.join(dir, 'clip.mp4');
  });
  afterEach(async () => {
    await fs.promises.chmod(dir, 0o755).catch(() => undefined);
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  const run = (api: ContentApi, extra: Partial<DownloadOptions> = {}): Promise<DownloadResult> =>
    downloadOutput(api, { url: api.contentUrl('job1', 0), targetPath: target, backoffMs: 1, ...extra });
  const offsets = (api: ContentApi) => api.calls.map((c) => c.offset);
  const saved = async (data: Buffer, file = target) => assert.ok((await fs.promises.readFile(file)).equals(data), 'the bytes, exactly');

  describe('a plain download', () => {
    it('writes the bytes into the .part, renames it when complete; `sync()` then fsyncs it', async () => {
      const data = mp4Like(1_000_003);
      const api = new ContentApi(data);
      const progress: [number, number | undefined][] = [];
      let onlyPartMeanwhile = true;
      const result = await run(api, {
        onProgress: (received, total) => {
          progress.push([received, total]);
          if (received < data.length && (fs.existsSync(target) || !fs.existsSync(partPathFor(target)))) onlyPartMeanwhile = false;
        },
      });
      const { sync, ...rest } = result;
      assert.deepEqual(rest, { path: target, bytes: data.length, resumed: 0, restarts: 0 });
      assert.equal(await sync(), 'synced');
      await saved(data);
      assert.deepEqual(await listDir(dir), ['clip.mp4']);
      assert.ok(onlyPartMeanwhile, 'only the .part exists until the end');
      assert.deepEqual(progress.at(-1), [data.length, data.length]);
      assert.deepEqual(offsets(api), [undefined]);
    });

    it('names the file without an fsync; `sync()` starts the one fsync, and waits for it', async () => {
      const data = mp4Like(600_000);
      let release = () => undefined as void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const atSync: { named: boolean; size: number }[] = [];
      const restore = await patchFileSync(dir, async (original, handle) => {
        atSync.push({ named: fs.existsSync(target), size: (await handle.stat()).size });
        await held;
        return original();
      });
      try {
        const result = await run(new ContentApi(data));
        await saved(data);
        await new Promise((resolve) => setTimeout(resolve, 30));
        assert.deepEqual(atSync, [], 'no fsync until the caller asks');
        let settled = false;
        const syncing = result.sync();
        void syncing.then(() => (settled = true));
        await new Promise((resolve) => setTimeout(resolve, 30));
        assert.equal(settled, false, '`sync()` waits for the fsync');
        assert.equal(result.sync(), syncing, 'a second call shares the first fsync');
        release();
        assert.equal(await syncing, 'synced');
        assert.deepEqual(atSync, [{ named: true, size: data.length }], 'one fsync, of the named, complete file');
      } finally {
        restore();
        release();
      }
    });

    for (const [code, outcome] of [['EINVAL', 'unsupported'], ['EIO', 'failed']] as const) {
      it(`an fsync failing with ${code}: the file is saved all the same and \`sync()\` says ${outcome}`, async () => {
        const data = mp4Like(50_000);
        const restore = await patchFileSync(dir, () => Promise.reject(Object.assign(new Error(code), { code })));
        try {
          const result = await run(new ContentApi(data));
          assert.equal(await result.sync(), outcome);
          await saved(data);
        } finally {
          restore();
        }
      });
    }

    it('accepts video types, generic binary types and no type at all, with or without a length', async () => {
      const data = mp4Like(70_000);
      const types = ['video/mp4', 'video/webm', 'application/octet-stream', 'video/mp4; codecs="avc1.42E01E"', 'VIDEO/MP4', null];
      for (const contentType of types) {
        await run(new ContentApi(data, [{ contentType, noLength: contentType === null }]));
        await saved(data);
        await fs.promises.rm(target);
      }
    });

    it('creates missing folders, and takes over the placeholder reserveUniquePath left', async () => {
      const data = mp4Like(3000);
      target = path.join(dir, 'a', 'b', 'clip.mp4');
      await run(new ContentApi(data));
      await saved(data);
      target = await reserveUniquePath(dir, 'clip');
      assert.ok(fs.existsSync(partPathFor(target)));
      assert.equal((await run(new ContentApi(data))).path, target);
      assert.deepEqual(await listDir(dir), ['a', 'clip.mp4']);
    });

    it('never overwrites a file that appeared at the target meanwhile: saves next to it as -2', async () => {
      const data = mp4Like(3000);
      const result = await run(new ContentApi(data), {
        onProgress: () => {
          if (!fs.existsSync(target)) fs.writeFileSync(target, 'someone else');
        },
      });
      assert.equal(result.path, path.join(dir, 'clip-2.mp4'));
      assert.equal(await fs.promises.readFile(target, 'utf8'), 'someone else');
      await saved(data, result.path);
    });
  });

  describe('a body that breaks mid-way', () => {
    it('is resumed with Range from the bytes on disk, when the server takes ranges', async () => {
      const data = mp4Like(1_000_000);
      const api = new ContentApi(data, [{ cutAfter: 300_000 }]);
      const result = await run(api);
      assert.deepEqual([result.resumed, result.restarts], [1, 0]);
      const [first, second] = offsets(api);
      assert.equal(first, undefined);
      assert.ok(second !== undefined && second > 0 && second <= 300_000, `resumed at ${second}`);
      await saved(data);
      assert.deepEqual(await listDir(dir), ['clip.mp4']);
    });

    it('is started again from zero when the server takes no ranges', async () => {
      const data = mp4Like(500_000);
      const api = new ContentApi(data, [{ cutAfter: 200_000 }], { ranges: false });
      const result = await run(api);
      assert.deepEqual([result.resumed, result.restarts], [0, 1]);
      assert.deepEqual(offsets(api), [undefined, undefined]);
      await saved(data);
    });

    it('is started again from zero when the server ignores the Range (200): the .part is emptied', async () => {
      const data = mp4Like(500_000);
      const api = new ContentApi(data, [{ cutAfter: 200_000 }, { ignoreRange: true }]);
      const progress: number[] = [];
      const result = await run(api, { onProgress: (received) => progress.push(received) });
      assert.deepEqual([result.resumed, result.restarts], [0, 1]);
      assert.ok((offsets(api)[1] ?? 0) > 0, 'a Range was asked for');
      assert.ok(progress.includes(0), 'progress went back to 0');
      await saved(data);
    });

    it('is started again without Range when the 206 starts at another byte, or the resume gets a 416', async () => {
      const data = mp4Like(500_000);
      const misplaced = new ContentApi(data, [{ cutAfter: 200_000 }, { rangeStart: 100_000 }]);
      assert.equal((await run(misplaced)).restarts, 1);
      assert.equal(offsets(misplaced).length, 3);
      assert.equal(offsets(misplaced)[2], undefined);
      assert.ok(misplaced.calls[1]!.cancelled, 'the misplaced body was let go');
      await saved(data);

      await fs.promises.rm(target);
      const notSatisfiable = new OpenRouterError('badRequest', 'unexpectedStatus', { status: 416 }, { status: 416 });
      const refused = new ContentApi(data, [{ cutAfter: 200_000 }, { reject: notSatisfiable }]);
      assert.equal((await run(refused)).restarts, 1);
      assert.equal(offsets(refused)[2], undefined);
      await saved(data);
    });

    it('counts a clean end before the announced length as broken, and resumes', async () => {
      const data = mp4Like(400_000);
      const api = new ContentApi(data, [{ endAfter: 123_457 }]);
      assert.equal((await run(api)).resumed, 1);
      assert.equal(offsets(api)[1], 123_457);
      await saved(data);
    });

    it('counts a stall as broken: the stalled body is let go and the rest resumed', async () => {
      const data = mp4Like(400_000);
      const api = new ContentApi(data, [{ stallAfter: 50_000 }]);
      const result = await run(api, { stallTimeoutMs: 100 });
      assert.equal(result.resumed, 1);
      assert.ok(api.calls[0]!.cancelled, 'the stalled body was cancelled');
      await saved(data);
    });

    it(`gives up after ${MAX_RESUMES} resumes: the last break is the error, nothing is left`, async () => {
      const breaks: Answer[] = Array.from({ length: MAX_RESUMES + 1 }, () => ({ cutAfter: 20_000 }));
      const api = new ContentApi(mp4Like(300_000), breaks, { ranges: false });
      await assert.rejects(run(api), failsWith('network', 'downloadBroken', { detail: 'ECONNRESET' }));
      assert.equal(api.calls.length, MAX_RESUMES + 1);
      assert.deepEqual(await listDir(dir), []);

      const stalls = new ContentApi(mp4Like(300_000), Array.from({ length: MAX_RESUMES + 1 }, () => ({ stallAfter: 20_000 })));
      await assert.rejects(run(stalls, { stallTimeoutMs: 50 }), failsWith('timeout', 'downloadStalled'));
      assert.deepEqual(await listDir(dir), []);
    });
  });

  describe('answers that are final', () => {
    it('an openContent that rejects is not retried: its error keeps its kind, reason and status, marked downloadFailed; nothing is left', async () => {
      const denied = new OpenRouterError('auth', 'keyRejected', { status: 401, said: 'User not found.' }, { status: 401, serverMessage: 'User not found.' });
      const api = new ContentApi(mp4Like(1000), [{ reject: denied }]);
      await assert.rejects(run(api), (error: unknown) => {
        failsWith('auth', 'keyRejected', { status: 401, said: 'User not found.', downloadFailed: true })(error);
        assert.ok(OpenRouterError.is(error) && error.status === 401 && error.serverMessage === 'User not found.');
        return true;
      });
      assert.equal(api.calls.length, 1);
      assert.deepEqual(await listDir(dir), []);
    });

    const json = Buffer.from('{"error":{"message":"Video not ready","code":409}}');
    const html = Buffer.from('<html><head><title>Bad Gateway</title></head></html>');
    const refusals: [string, Answer, Reason, Record<string, unknown>][] = [
      ['a JSON body', { contentType: 'application/json', file: json }, 'downloadRefusedType', { what: 'json', said: 'Video not ready' }],
      ['an HTML page', { contentType: 'text/html; charset=utf-8', file: html }, 'downloadRefusedType', { what: 'html', type: 'text/html', said: 'Bad Gateway' }],
      ['plain text', { contentType: 'text/plain', file: Buffer.from('nope') }, 'downloadRefusedType', { what: 'text' }],
      ['an image', { contentType: 'image/png' }, 'downloadRefusedType', { what: 'image' }],
      ['JSON labelled video/mp4', { file: Buffer.concat([Buffer.from('  '), json]) }, 'downloadNotVideo', { what: 'json', type: 'video/mp4', said: 'Video not ready' }],
      ['HTML labelled octet-stream', { contentType: 'application/octet-stream', file: html }, 'downloadNotVideo', { what: 'html', said: 'Bad Gateway' }],
      ['an empty body', { file: Buffer.alloc(0) }, 'downloadEmpty', {}],
      ['an empty body of unknown length', { file: Buffer.alloc(0), noLength: true }, 'downloadEmpty', {}],
      ['more bytes than announced', { extra: 10 }, 'downloadTooManyBytes', { received: 20_010, total: 20_000 }],
      ['a status other than 200 or 206', { status: 204 }, 'downloadBadStatus', { status: 204 }],
      ['a part of the file that was not asked for', { rangeStart: 100 }, 'downloadUnrequestedRange', {}],
    ];
    for (const [name, answer, reason, params] of refusals) {
      it(`refuses ${name} (${reason}) without another request, saving nothing`, async () => {
        const api = new ContentApi(mp4Like(20_000), [answer]);
        await assert.rejects(run(api), failsWith('badContent', reason, params));
        assert.equal(api.calls.length, 1);
        assert.deepEqual(await listDir(dir), [], 'no .mp4 and no .part');
      });
    }
  });

  describe('cancelling', () => {
    it('an aborted signal before the start makes no request', async () => {
      const api = new ContentApi(mp4Like(1000));
      await assert.rejects(run(api, { signal: AbortSignal.abort() }), failsWith('cancelled', 'downloadCancelled'));
      assert.equal(api.calls.length, 0);
      assert.deepEqual(await listDir(dir), []);
    });

    it('an abort mid-body stops at once, lets the body go and leaves nothing', async () => {
      const api = new ContentApi(mp4Like(2_000_000), [{ stallAfter: 600_000 }]);
      const controller = new AbortController();
      const pending = run(api, {
        signal: controller.signal,
        onProgress: (received) => {
          if (received >= 512 * 1024) controller.abort();
        },
      });
      await assert.rejects(pending, failsWith('cancelled', 'downloadCancelled'));
      assert.equal(api.calls.length, 1);
      assert.ok(api.calls[0]!.cancelled);
      assert.deepEqual(await listDir(dir), []);
    });

    it('an abort during the back-off before a resume is cancelled, not a broken download', async () => {
      const api = new ContentApi(mp4Like(100_000), [{ cutAfter: 20_000 }]);
      const controller = new AbortController();
      // The break is logged right before the back-off starts.
      const logger = { ...nullLogger, warn: () => controller.abort() };
      await assert.rejects(run(api, { signal: controller.signal, backoffMs: 60_000, logger }), failsWith('cancelled', 'downloadCancelled'));
      assert.equal(api.calls.length, 1);
      assert.deepEqual(await listDir(dir), []);
    });
  });

  describe('resumeExisting: a .part a killed process left', () => {
    const leave = (bytes: Buffer) => fs.promises.writeFile(partPathFor(target), bytes);

    it('is continued with Range from its exact size, its bytes kept', async () => {
      const data = mp4Like(700_000);
      await leave(data.subarray(0, 262_144));
      const api = new ContentApi(data);
      const { sync, ...result } = await run(api, { resumeExisting: true });
      assert.deepEqual(result, { path: target, bytes: data.length, resumed: 1, restarts: 0 });
      assert.equal(await sync(), 'synced');
      assert.deepEqual(offsets(api), [262_144]);
      await saved(data);
      assert.deepEqual(await listDir(dir), ['clip.mp4']);
    });

    it('is emptied without the option', async () => {
      const data = mp4Like(300_000);
      await leave(data.subarray(0, 100_000));
      const api = new ContentApi(data);
      await run(api);
      assert.deepEqual(offsets(api), [undefined]);
      await saved(data);
    });

    const startsAgain: [string, Answer][] = [
      ['the server ignores the Range (200)', { ignoreRange: true }],
      ['the 206 starts at another byte', { rangeStart: 100_000 }],
      ['the 206 gives no total to check the kept bytes against', { noLength: true }],
    ];
    for (const [name, answer] of startsAgain) {
      it(`starts from zero when ${name}`, async () => {
        const data = mp4Like(500_000);
        await leave(Buffer.concat([data.subarray(0, 64), Buffer.alloc(200_000 - 64, 9)])); // not all of it this file's bytes
        const api = new ContentApi(data, [answer]);
        const result = await run(api, { resumeExisting: true });
        assert.deepEqual([result.resumed, result.restarts], [0, 1]);
        assert.equal(offsets(api)[0], 200_000);
        await saved(data);
      });
    }

    it('empties a .part longer than the file when it starts from zero, so none of its bytes is left at the end', async () => {
      const data = mp4Like(500_000);
      await leave(Buffer.concat([data.subarray(0, 64), Buffer.alloc(900_000 - 64, 9)]));
      const api = new ContentApi(data, [{ ignoreRange: true }]);
      const result = await run(api, { resumeExisting: true });
      assert.deepEqual([result.bytes, result.restarts], [data.length, 1]);
      await saved(data);
    });

    it('starts from zero, asking no Range, when the .part does not start like a video', async () => {
      const data = mp4Like(300_000);
      await leave(Buffer.from('{"error":{"message":"nope"}}'));
      const api = new ContentApi(data);
      assert.equal((await run(api, { resumeExisting: true })).resumed, 0);
      assert.deepEqual(offsets(api), [undefined]);
      await saved(data);
    });

    it('an empty or missing .part is an ordinary download', async () => {
      const data = mp4Like(50_000);
      const api = new ContentApi(data);
      await leave(Buffer.alloc(0));
      await run(api, { resumeExisting: true });
      await fs.promises.rm(target);
      await run(api, { resumeExisting: true });
      assert.deepEqual(offsets(api), [undefined, undefined]);
      await saved(data);
    });

    it('when the download then fails for good, the .part with the earlier bytes is removed', async () => {
      const data = mp4Like(300_000);
      await leave(data.subarray(0, 100_000));
      const gone = new OpenRouterError('notFound', 'notFound', { status: 404 }, { status: 404 });
      await assert.rejects(run(new ContentApi(data, [{ reject: gone }]), { resumeExisting: true }), failsWith('notFound', 'notFound', { downloadFailed: true }));
      assert.deepEqual(await listDir(dir), []);
    });
  });

  describe('the disk', () => {
    it(
      isRoot ? 'a folder that cannot be made (a file in the way: running as root, chmod stops nothing) is io/diskNotAFolder' : 'a read-only folder is io/diskNoPermission',
      async () => {
        let folder: string;
        if (isRoot) {
          await fs.promises.writeFile(path.join(dir, 'a-file'), 'x');
          folder = path.join(dir, 'a-file', 'videos');
        } else {
          folder = path.join(dir, 'locked');
          await fs.promises.mkdir(folder);
          await fs.promises.chmod(folder, 0o555);
        }
        target = path.join(folder, 'clip.mp4');
        const api = new ContentApi(mp4Like(3000));
        await assert.rejects(
          run(api),
          failsWith('io', isRoot ? 'diskNotAFolder' : 'diskNoPermission', { folder, action: 'saveVideo', code: isRoot ? 'ENOTDIR' : 'EACCES' }),
        );
        assert.equal(api.calls.length, 0, 'no request when the .part cannot be made');
        await fs.promises.chmod(folder, 0o755).catch(() => undefined);
        assert.deepEqual(await listDir(folder), []);
      },
    );

    // A `.part` is never opened through a link, so the full device is made in its place (root only: mknod).
    (fs.existsSync('/dev/full') && process.getuid?.() === 0 ? it : it.skip)('a full disk (a .part that is the /dev/full device) is io/diskFull, not retried, .part removed', async () => {
      execFileSync('mknod', [partPathFor(target), 'c', '1', '7']);
      const api = new ContentApi(mp4Like(300_000));
      await assert.rejects(run(api), failsWith('io', 'diskFull', { code: 'ENOSPC', action: 'saveVideo' }));
      assert.equal(api.calls.length, 1);
      assert.deepEqual(await listDir(dir), []);
    });
  });
});
