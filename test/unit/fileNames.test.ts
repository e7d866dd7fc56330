import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OpenRouterError } from '../../src/core/api/errors';
import {
  baseNameFor,
  formatTimestamp,
  isWindowsReservedName,
  outputBaseName,
  partPathFor,
  reclaimReservedPath,
  releaseReservedPath,
  reserveUniquePath,
  resolveInside,
  slugifyPrompt,
  diskError,
  validateOutputDirectory,
  type ReserveFs,
} from '../../src/core/download/fileNames';

/** A name is safe when it is non-empty ASCII [a-z0-9-], has no dots or edge dashes, and is no device name. */
function assertSafeSlug(slug: string, maxLength = 48): void {
  assert.match(slug, /^[a-z0-9]+(-[a-z0-9]+)*$/, `unsafe slug: ${JSON.stringify(slug)}`);
  assert.ok(slug.length > 0 && slug.length <= maxLength, `length ${slug.length}`);
  assert.ok(!slug.includes('..'));
  assert.ok(!isWindowsReservedName(slug), `reserved: ${slug}`);
}

describe('fileNames', () => {
  describe('slugifyPrompt', () => {
    it('joins lower-case ASCII words with dashes', () => {
      assert.equal(slugifyPrompt('A Cat, on a SKATEBOARD!'), 'a-cat-on-a-skateboard');
    });

    it('folds diacritics and compatibility forms', () => {
      assert.equal(slugifyPrompt('Crème brûlée à São Paulo'), 'creme-brulee-a-sao-paulo');
      assert.equal(slugifyPrompt('Straße Øresund ＡＢＣ'), 'strasse-oresund-abc');
    });

    it('never returns an empty name', () => {
      for (const prompt of ['', '   ', '🎬🐈🛹', '\u0000\u0001\u001f\u007f', '日本語のプロンプト', '---', '...', '\u200b\u200d']) {
        assert.equal(slugifyPrompt(prompt), 'video', JSON.stringify(prompt));
      }
    });

    it('turns path tricks into plain words', () => {
      assert.equal(slugifyPrompt('../../etc/passwd'), 'etc-passwd');
      assert.equal(slugifyPrompt('/absolute/path/to/file'), 'absolute-path-to-file');
      assert.equal(slugifyPrompt('C:\\Windows\\System32'), 'c-windows-system32');
      assert.equal(slugifyPrompt('..'), 'video');
      assert.equal(slugifyPrompt('a\nb\tc\rd\u0000e'), 'a-b-c-d-e');
    });

    it('makes Windows device names safe, in any case and with extensions', () => {
      for (const prompt of ['CON', 'con', 'Prn', 'aux', 'NUL', 'com1', 'COM9', 'lpt1', 'LPT9', 'com¹']) {
        const slug = slugifyPrompt(prompt);
        assertSafeSlug(slug);
        assert.ok(!isWindowsReservedName(slug), slug);
      }
      assert.equal(slugifyPrompt('CON'), 'con-video');
      // With an extension the dot becomes a dash, which Windows accepts.
      assert.equal(slugifyPrompt('nul.mp4'), 'nul-mp4');
      assert.ok(isWindowsReservedName('nul.mp4'));
      assert.ok(isWindowsReservedName('COM1.tar.gz'));
      assert.ok(isWindowsReservedName('lpt3 '));
      assert.ok(!isWindowsReservedName('console'));
      assert.ok(!isWindowsReservedName('com10'));
    });

    it('bounds the length, cutting at a word boundary', () => {
      const slug = slugifyPrompt('the quick brown fox jumps over the lazy dog and keeps running far away');
      assertSafeSlug(slug);
      assert.equal(slug, 'the-quick-brown-fox-jumps-over-the-lazy-dog-and');
      assert.equal(slugifyPrompt('abcdefghij klmnop', 12), 'abcdefghij');
      assert.equal(slugifyPrompt('a'.repeat(100), 20), 'a'.repeat(20));
      assert.equal(slugifyPrompt('hello world', 1), 'hello'); // never below 5 characters
    });

    it('handles a 10,000-character prompt quickly', () => {
      const prompt = 'Ünïcödé wörds 🎥 and ../ dots.. '.repeat(400).slice(0, 10_000);
      const started = process.hrtime.bigint();
      const slug = slugifyPrompt(prompt);
      assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 200);
      assertSafeSlug(slug);
    });

    it('gives a safe name for random inputs', () => {
      let seed = 42;
      const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let i = 0; i < 500; i++) {
        const length = Math.floor(rnd() * 120);
        let text = '';
        for (let j = 0; j < length; j++) text += String.fromCodePoint(Math.floor(rnd() * 0x2000));
        assertSafeSlug(slugifyPrompt(text));
        assertSafeSlug(slugifyPrompt(text, 10), 10);
      }
    });
  });

  describe('baseNameFor / outputBaseName', () => {
    it('appends a local-time timestamp', () => {
      const date = new Date(2026, 9, 8, 4, 5, 6); // local time
      assert.equal(formatTimestamp(date), '20261008-040506');
      assert.equal(baseNameFor('A cat', date), 'a-cat-20261008-040506');
      assert.equal(baseNameFor('', date), 'video-20261008-040506');
    });

    it('names extra outputs -out2, -out3 and leaves output 0 alone', () => {
      assert.equal(outputBaseName('clip', 0), 'clip');
      assert.equal(outputBaseName('clip', 1), 'clip-out2');
      assert.equal(outputBaseName('clip', 2), 'clip-out3');
    });
  });

  describe('resolveInside', () => {
    const folder = path.resolve(os.tmpdir(), 'orv-inside');

    it('resolves plain names inside the folder', () => {
      assert.equal(resolveInside(folder, 'a.mp4'), path.join(folder, 'a.mp4'));
      assert.equal(resolveInside(folder, 'sub/../b.mp4'), path.join(folder, 'b.mp4'));
    });

    it('refuses anything that leaves the folder', () => {
      for (const name of ['../x.mp4', '../../etc/passwd', '/etc/passwd', '..', '.', '', 'a/../../x', 'a\u0000b']) {
        assert.throws(
          () => resolveInside(folder, name),
          (error: unknown) => OpenRouterError.is(error, 'io') && error.reason === 'outsideFolder' && error.params['folder'] === path.resolve(folder),
          JSON.stringify(name),
        );
      }
    });
  });

  describe('reserveUniquePath', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'orv-names-'));
    });
    afterEach(async () => {
      await fs.promises.rm(dir, { recursive: true, force: true });
    });

    it('returns name.mp4, then name-2.mp4, name-3.mp4, never overwriting', async () => {
      await fs.promises.writeFile(path.join(dir, 'clip.mp4'), 'existing');
      const first = await reserveUniquePath(dir, 'clip');
      assert.equal(first, path.join(dir, 'clip-2.mp4'));
      const second = await reserveUniquePath(dir, 'clip');
      assert.equal(second, path.join(dir, 'clip-3.mp4'));
      assert.equal(await fs.promises.readFile(path.join(dir, 'clip.mp4'), 'utf8'), 'existing');
    });

    it('reserves with an empty .part so a concurrent caller gets another name', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => reserveUniquePath(dir, 'same')));
      assert.equal(new Set(results).size, 8);
      for (const p of results) {
        assert.equal((await fs.promises.stat(partPathFor(p))).size, 0);
        assert.equal(fs.existsSync(p), false);
      }
    });

    it('skips names whose .part is in progress, and creates a missing folder', async () => {
      const nested = path.join(dir, 'a', 'b');
      await fs.promises.mkdir(nested, { recursive: true });
      await fs.promises.writeFile(path.join(nested, 'x.mp4.part'), 'half');
      assert.equal(await reserveUniquePath(nested, 'x'), path.join(nested, 'x-2.mp4'));
      assert.equal(await reserveUniquePath(path.join(dir, 'new', 'folder'), 'y'), path.join(dir, 'new', 'folder', 'y.mp4'));
    });

    it('releaseReservedPath removes only an empty placeholder', async () => {
      const reserved = await reserveUniquePath(dir, 'r');
      await releaseReservedPath(reserved);
      assert.equal(fs.existsSync(partPathFor(reserved)), false);
      await fs.promises.writeFile(partPathFor(reserved), 'data');
      await releaseReservedPath(reserved);
      assert.equal(fs.existsSync(partPathFor(reserved)), true);
    });

    it('reclaimReservedPath takes a recorded name back: its .part as it is, or an empty one when it is gone', async () => {
      const reserved = await reserveUniquePath(dir, 'k');
      await fs.promises.writeFile(partPathFor(reserved), 'half a video');
      assert.equal(await reclaimReservedPath(dir, reserved), reserved);
      assert.equal(await fs.promises.readFile(partPathFor(reserved), 'utf8'), 'half a video', 'the .part is left for the downloader');
      await fs.promises.rm(partPathFor(reserved));
      assert.equal(await reclaimReservedPath(dir, reserved), reserved);
      assert.equal((await fs.promises.stat(partPathFor(reserved))).size, 0, 'reserved again');
      assert.equal(await reserveUniquePath(dir, 'k'), path.join(dir, 'k-2.mp4'), 'so nobody else takes it');
    });

    it('reclaimReservedPath gives the name up (removing its .part) when a file now exists there, and refuses paths outside the folder', async () => {
      const reserved = await reserveUniquePath(dir, 'm');
      await fs.promises.writeFile(partPathFor(reserved), 'half');
      await fs.promises.writeFile(reserved, 'someone else');
      assert.equal(await reclaimReservedPath(dir, reserved), undefined);
      assert.equal(fs.existsSync(partPathFor(reserved)), false, 'no .part left behind');
      assert.equal(await fs.promises.readFile(reserved, 'utf8'), 'someone else');
      const elsewhere = path.join(dir, 'sub', 'x.mp4');
      assert.equal(await reclaimReservedPath(dir, elsewhere), undefined);
      assert.equal(await reclaimReservedPath(path.join(dir, 'sub'), path.join(dir, 'sub', '..', '..', 'x.mp4')), undefined);
      assert.equal(fs.existsSync(path.join(dir, 'sub')), false, 'nothing created for a refused path');
    });

    it('refuses base names with folders in them', async () => {
      for (const bad of ['../x', 'a/b', 'a\\b', '', '..']) {
        await assert.rejects(reserveUniquePath(dir, bad), (e: unknown) => OpenRouterError.is(e, 'io') && e.reason === 'badFileName', bad);
      }
      await assert.rejects(reserveUniquePath(dir, 'ok', '/../x'), (e: unknown) => OpenRouterError.is(e, 'io') && e.reason === 'badFileExtension');
    });

    it('works against an injected file system and maps its errors to io reason codes', async () => {
      const taken = new Set(['/v/a.mp4', '/v/a-2.mp4.part']);
      const created: string[] = [];
      const fake: ReserveFs = {
        exists: async (p) => taken.has(p),
        mkdirp: async () => undefined,
        createExclusive: async (p) => {
          if (p === '/v/a-3.mp4.part') throw Object.assign(new Error('raced'), { code: 'EEXIST' });
          created.push(p);
        },
        remove: async () => undefined,
      };
      if (path.sep === '/') {
        assert.equal(await reserveUniquePath('/v', 'a', '.mp4', fake), '/v/a-4.mp4');
        assert.deepEqual(created, ['/v/a-4.mp4.part']);
      }
      const readOnly: ReserveFs = {
        ...fake,
        mkdirp: async () => {
          throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
        },
      };
      await assert.rejects(
        reserveUniquePath('/v', 'a', '.mp4', readOnly),
        (e: unknown) =>
          OpenRouterError.is(e, 'io') &&
          e.reason === 'diskReadOnly' &&
          e.params['folder'] === path.resolve('/v') &&
          e.params['action'] === 'createFolder' &&
          e.params['code'] === 'EROFS',
      );
    });
  });

  describe('validateOutputDirectory', () => {
    const ws = path.resolve(os.tmpdir(), 'orv-ws');

    it('defaults an empty setting to videos', () => {
      assert.deepEqual(validateOutputDirectory(ws, ''), { ok: true, path: path.join(ws, 'videos') });
      assert.deepEqual(validateOutputDirectory(ws, '   '), { ok: true, path: path.join(ws, 'videos') });
    });

    it('resolves relative folders against the workspace folder', () => {
      assert.deepEqual(validateOutputDirectory(ws, 'media/out'), { ok: true, path: path.join(ws, 'media', 'out') });
      assert.deepEqual(validateOutputDirectory(ws, './clips/'), { ok: true, path: path.join(ws, 'clips') });
      assert.deepEqual(validateOutputDirectory(ws, 'media\\out'), { ok: true, path: path.join(ws, 'media', 'out') });
      assert.deepEqual(validateOutputDirectory(ws, '.'), { ok: true, path: ws });
    });

    it('refuses absolute paths, home, drives and .. escapes, with a reason code and the value as read', () => {
      const rows: [string, string][] = [
        ['/tmp/videos', 'outputFolderAbsolute'],
        ['\\\\server\\share', 'outputFolderAbsolute'],
        ['C:\\videos', 'outputFolderAbsolute'],
        ['c:videos', 'outputFolderAbsolute'],
        ['~/videos', 'outputFolderHome'],
        ['..', 'outputFolderClimbs'],
        ['../videos', 'outputFolderClimbs'],
        ['a/../../b', 'outputFolderClimbs'],
        ['a/..', 'outputFolderClimbs'],
      ];
      for (const [bad, reason] of rows) {
        assert.deepEqual(validateOutputDirectory(ws, ` ${bad} `), { ok: false, reason, params: { value: bad } }, bad);
      }
    });

    it('refuses names that not every system can hold, naming the one at fault', () => {
      const rows: [string, string][] = [
        ['con', 'con'],
        ['out/NUL.txt', 'NUL.txt'],
        ['clips/vid:eos', 'vid:eos'],
        ['what?', 'what?'],
        ['x\u0001', 'x\u0001'],
        ['trailing.', 'trailing.'],
      ];
      for (const [bad, segment] of rows) {
        assert.deepEqual(validateOutputDirectory(ws, bad), { ok: false, reason: 'outputFolderBadName', params: { value: bad, segment } }, bad);
      }
    });

    it('needs a workspace folder', () => {
      assert.deepEqual(validateOutputDirectory('', 'videos'), { ok: false, reason: 'noWorkspaceFolder', params: { value: 'videos' } });
    });
  });

  describe('diskError', () => {
    it('gives each family of file-system error its reason code, with the folder, the action and the code', () => {
      const rows: [string | undefined, string][] = [
        ['ENOSPC', 'diskFull'],
        ['EDQUOT', 'diskFull'],
        ['EACCES', 'diskNoPermission'],
        ['EPERM', 'diskNoPermission'],
        ['EROFS', 'diskReadOnly'],
        ['ENOTDIR', 'diskNotAFolder'],
        ['ENOENT', 'diskNotAFolder'],
        ['EMFILE', 'diskTooManyFiles'],
        ['EIO', 'diskFailed'],
        [undefined, 'diskFailed'],
      ];
      for (const [code, reason] of rows) {
        const error = diskError(Object.assign(new Error(`${code}: failed`), { code }), { folder: '/w/videos', file: '/w/videos/a.mp4', action: 'saveVideo' });
        assert.equal(error.kind, 'io');
        assert.equal(error.reason, reason, String(code));
        assert.deepEqual(
          { ...error.params },
          { folder: '/w/videos', file: '/w/videos/a.mp4', action: 'saveVideo', code, ...(reason === 'diskFailed' ? { detail: `${code}: failed` } : {}) },
        );
      }
    });

    it('passes an OpenRouterError through as it is', () => {
      const original = new OpenRouterError('io', 'noFreeFileName', { name: 'a.mp4', folder: '/w' });
      assert.equal(diskError(original, { folder: '/w', action: 'saveVideo' }), original);
    });
  });
});
