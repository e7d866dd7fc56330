/**
 * The gallery's poster cache: JPEG files named by `posterKey` in a folder beside the job store
 * (`gallery-posters`), never in the workspace. The webview captures a poster once; later renders load the
 * file; a poster no saved video of the store uses any more is removed. All I/O is asynchronous. Free of a
 * `vscode` import, so a unit test drives it on a temp folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path = require('node:path');
import { isPosterKey, posterFileName } from '../../core/gallery/posterKey';

/** A poster larger than this is refused (a 320-pixel-wide JPEG is some tens of kB). */
export const MAX_POSTER_BYTES = 1024 * 1024;
export const POSTER_FOLDER = 'gallery-posters';

const JPEG_START = Buffer.from([0xff, 0xd8, 0xff]);

/** The JPEG bytes of a `data:image/jpeg;base64,` URL, or undefined for anything else. */
export function jpegFromDataUrl(dataUrl: string): Buffer | undefined {
  const match = /^data:image\/jpeg;base64,([A-Za-z0-9+/]+={0,2})$/.exec(dataUrl);
  if (!match || match[1]!.length > (MAX_POSTER_BYTES * 4) / 3 + 4) return undefined;
  const bytes = Buffer.from(match[1]!, 'base64');
  return bytes.length > JPEG_START.length && bytes.subarray(0, JPEG_START.length).equals(JPEG_START) ? bytes : undefined;
}

export class PosterCache {
  /** Keys of the posters on disk, read once from the folder and kept up to date by `save`. */
  private known: Promise<Set<string>> | undefined;

  /** @param folder the cache folder: `gallery-posters` in the job store's storage folder. */
  constructor(readonly folder: string) {}

  /** The poster's path when it is cached, else undefined. */
  async find(key: string): Promise<string | undefined> {
    return isPosterKey(key) && (await this.keys()).has(key) ? this.pathOf(key) : undefined;
  }

  /**
   * Writes the poster (temporary file, then rename) and resolves with its path, or undefined when the data
   * URL is not a JPEG of acceptable size. Disk errors reject.
   */
  async save(key: string, dataUrl: string): Promise<string | undefined> {
    const bytes = isPosterKey(key) ? jpegFromDataUrl(dataUrl) : undefined;
    if (!bytes) return undefined;
    const target = this.pathOf(key);
    const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    await mkdir(this.folder, { recursive: true });
    try {
      await writeFile(tmp, bytes, { flag: 'wx' });
      await rename(tmp, target);
    } catch (error) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw error;
    }
    (await this.keys()).add(key);
    return target;
  }

  /**
   * Removes the cached posters whose keys are not in `keep` (their videos are gone from the store, or were
   * replaced), and resolves with how many. A file that cannot be removed stays for the next time.
   */
  async prune(keep: ReadonlySet<string>): Promise<number> {
    const known = await this.keys();
    const stale = [...known].filter((key) => !keep.has(key));
    const removed = await Promise.all(
      stale.map((key) =>
        rm(this.pathOf(key), { force: true }).then(
          () => known.delete(key),
          () => false,
        ),
      ),
    );
    return removed.filter(Boolean).length;
  }

  pathOf(key: string): string {
    return path.join(this.folder, posterFileName(key));
  }

  private keys(): Promise<Set<string>> {
    this.known ??= readdir(this.folder).then(
      (names) => new Set(names.filter((n) => n.endsWith('.jpg')).map((n) => n.slice(0, -'.jpg'.length)).filter(isPosterKey)),
      () => new Set<string>(),
    );
    return this.known;
  }
}
