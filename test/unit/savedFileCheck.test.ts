/** The start-up check of a video saved before its fsync finished (RELIABILITY.md: a system stopped right after a save). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { partPathFor } from '../../src/core/download/fileNames';
import { keepAsPartial, recheckSavedFile } from '../../src/core/download/savedFileCheck';
import { mp4Like } from './helpers/contentApi';
import { patchFileSync } from './helpers/patchFileSync';

describe('savedFileCheck', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'orv-check-'));
    file = path.join(dir, 'clip.mp4');
  });
  afterEach(() => fs.promises.rm(dir, { recursive: true, force: true }));

  it('a file with all its bytes is complete, and fsynced', async () => {
    await fs.promises.writeFile(file, mp4Like(5000));
    let synced = 0;
    const restore = await patchFileSync(dir, (original) => {
      synced++;
      return original();
    });
    try {
      assert.equal(await recheckSavedFile(file, 5000), 'complete');
    } finally {
      restore();
    }
    assert.equal(synced, 1);
    assert.deepEqual(await fs.promises.readdir(dir), ['clip.mp4']);
  });

  it('a shorter file is short; keepAsPartial moves it back to <file>.part with its bytes', async () => {
    const data = mp4Like(5000);
    await fs.promises.writeFile(file, data.subarray(0, 1200));
    assert.equal(await recheckSavedFile(file, 5000), 'short');
    assert.deepEqual(await fs.promises.readdir(dir), ['clip.mp4'], 'the check moves nothing');
    await keepAsPartial(file);
    assert.deepEqual(await fs.promises.readdir(dir), ['clip.mp4.part']);
    assert.ok((await fs.promises.readFile(partPathFor(file))).equals(data.subarray(0, 1200)));
  });

  it('an empty file is short even when its size is not on record; a read-only whole file is complete', async () => {
    await fs.promises.writeFile(file, Buffer.alloc(0));
    assert.equal(await recheckSavedFile(file, undefined), 'short');
    await fs.promises.writeFile(file, mp4Like(3000));
    await fs.promises.chmod(file, 0o444);
    assert.equal(await recheckSavedFile(file, 3000), 'complete');
    assert.equal(await recheckSavedFile(file, undefined), 'complete');
  });

  it('only the .part there (the rename did not reach the disk) is short; nothing at all is missing', async () => {
    await fs.promises.writeFile(partPathFor(file), mp4Like(800));
    assert.equal(await recheckSavedFile(file, 5000), 'short');
    await fs.promises.rm(partPathFor(file));
    assert.equal(await recheckSavedFile(file, 5000), 'missing');
    await keepAsPartial(file);
    assert.deepEqual(await fs.promises.readdir(dir), [], 'keepAsPartial of a missing file does nothing');
  });
});
