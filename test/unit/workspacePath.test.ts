/**
 * The workspace-only rule for paths an agent names: inside on real paths, so a link that leads out is refused
 * like `..`, an absolute path elsewhere or a URL.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileInsideFolder, folderStaysInside } from '../../src/core/download/workspacePath';

describe('workspacePath', () => {
  let base: string;
  let root: string;
  let outside: string;

  beforeEach(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'orv-wspath-'));
    root = path.join(base, 'workspace');
    outside = path.join(base, 'elsewhere');
    await fs.mkdir(path.join(root, 'images'), { recursive: true });
    await fs.mkdir(outside);
    await fs.writeFile(path.join(root, 'images', 'hero.png'), 'png');
    await fs.writeFile(path.join(outside, 'secret.png'), 'png');
    await fs.symlink(outside, path.join(root, 'linked'), 'dir');
    await fs.symlink(path.join(outside, 'secret.png'), path.join(root, 'images', 'alias.png'), 'file');
  });
  afterEach(() => fs.rm(base, { recursive: true, force: true }));

  describe('fileInsideFolder', () => {
    it('accepts a relative or absolute path of a file inside', async () => {
      assert.deepEqual(await fileInsideFolder(root, 'images/hero.png'), { ok: true, path: path.join(root, 'images', 'hero.png') });
      assert.deepEqual(await fileInsideFolder(root, path.join(root, 'images', 'hero.png')), { ok: true, path: path.join(root, 'images', 'hero.png') });
    });

    it('refuses a path that leaves the folder by .., by an absolute path or through a link', async () => {
      assert.deepEqual(await fileInsideFolder(root, '../elsewhere/secret.png'), { ok: false, problem: 'outside' });
      assert.deepEqual(await fileInsideFolder(root, path.join(outside, 'secret.png')), { ok: false, problem: 'outside' });
      assert.deepEqual(await fileInsideFolder(root, 'linked/secret.png'), { ok: false, problem: 'outside' });
      assert.deepEqual(await fileInsideFolder(root, 'images/alias.png'), { ok: false, problem: 'outside' });
    });

    it('refuses URLs, missing files and folders', async () => {
      assert.deepEqual(await fileInsideFolder(root, 'https://example.com/a.png'), { ok: false, problem: 'notAPath' });
      assert.deepEqual(await fileInsideFolder(root, 'data:image/png;base64,AAAA'), { ok: false, problem: 'notAPath' });
      assert.deepEqual(await fileInsideFolder(root, 'images/none.png'), { ok: false, problem: 'missing' });
      assert.deepEqual(await fileInsideFolder(root, 'images'), { ok: false, problem: 'notAFile' });
    });
  });

  describe('folderStaysInside', () => {
    it('accepts folders inside, existing or not yet', async () => {
      assert.equal(await folderStaysInside(root, 'videos'), true);
      assert.equal(await folderStaysInside(root, 'images/new/deeper'), true);
      assert.equal(await folderStaysInside(root, '.'), true);
    });

    it('refuses a folder under a link that leads out, and one outside', async () => {
      assert.equal(await folderStaysInside(root, 'linked'), false);
      assert.equal(await folderStaysInside(root, 'linked/not-yet'), false);
      assert.equal(await folderStaysInside(root, '../elsewhere'), false);
    });
  });
});
