/**
 * Where the job store keeps its text. `FileStorage` writes atomically (temporary file, fsync, rename,
 * folder fsync), so a crash mid-write leaves either the old file or the new one, never a torn one. It keeps
 * no queue: the store's one writer (storeWriter.ts) runs one write at a time. Another window may share the
 * file: `update` reads, merges and writes under a lock file (`jobs.json.lock`) that every window takes, and
 * `watch` says when the file changed.
 */
import nodeFs = require('node:fs');
import path = require('node:path');
import { toDisposable, type IDisposable } from '../shared/disposable';
import { FileLock } from '../shared/lockFile';
import { renameWithRetry } from '../shared/renameWithRetry';

const fs = nodeFs.promises;

export interface JobStorage {
  /** The stored text, or `undefined` when nothing has been stored yet. Throws when it cannot be read. */
  read(): Promise<string | undefined>;
  /** Replaces the stored text, durably. Callers run one write at a time (see StoreWriter). */
  write(text: string): Promise<void>;
  /**
   * Replaces the stored text with what `next` makes of the current one (`undefined`: write nothing). No other
   * writer of the same storage, in this process or another, writes between the read and the write.
   */
  update(next: (current: string | undefined) => Promise<string | undefined>): Promise<void>;
  /** Calls `listener` (soon after) when the stored text may have changed, also by another process. */
  watch?(listener: () => void): IDisposable;
  /**
   * Keeps a copy of text that could not be used (corrupt, from a newer version) next to the store,
   * so nothing is lost when the store starts over. Returns where it went, or `undefined`.
   */
  setAside(text: string, reason: string): Promise<string | undefined>;
}

/** Temporary files older than this, left behind by a crash, are removed on read. */
const STALE_TMP_MS = 60_000;
/** A store lock nobody touched for this long (a window that stopped mid-write) is taken over. */
const STORE_LOCK_STALE_MS = 30_000;
/** Changes seen by the watcher within this long are reported once. */
const WATCH_SETTLE_MS = 50;

export class FileStorage implements JobStorage {
  private tmpCounter = 0;

  constructor(readonly filePath: string) {}

  async read(): Promise<string | undefined> {
    // Side by side: the clean-up never touches the live file.
    const [text] = await Promise.all([this.readLive(), this.removeStaleTemporaries()]);
    return text;
  }

  async write(text: string): Promise<void> {
    const dir = path.dirname(this.filePath);
    await fs.mkdir(dir, { recursive: true });
    const tmp = `${this.filePath}.tmp-${process.pid}-${++this.tmpCounter}`;
    let handle: nodeFs.promises.FileHandle | undefined;
    try {
      handle = await fs.open(tmp, 'w');
      await handle.writeFile(text, 'utf8');
      await handle.sync();
      await handle.close();
      handle = undefined;
      await renameWithRetry(tmp, this.filePath);
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw error;
    }
    await syncFolder(dir);
  }

  async update(next: (current: string | undefined) => Promise<string | undefined>): Promise<void> {
    await fs.mkdir(path.dirname(this.filePath), { recursive: true });
    const lock = await FileLock.acquire(`${this.filePath}.lock`, { staleMs: STORE_LOCK_STALE_MS, retryMs: 10 });
    try {
      const text = await next(await this.readLive());
      if (text !== undefined) await this.write(text);
    } finally {
      await lock.release();
    }
  }

  watch(listener: () => void): IDisposable {
    const dir = path.dirname(this.filePath);
    const name = path.basename(this.filePath);
    let watcher: nodeFs.FSWatcher | undefined;
    let settle: NodeJS.Timeout | undefined;
    let closed = false;
    void fs
      .mkdir(dir, { recursive: true })
      .then(() => {
        if (closed) return;
        // The folder, not the file: a write replaces the file (rename), which ends a watch on the file itself.
        watcher = nodeFs.watch(dir, (_event, changed) => {
          if (changed !== null && changed !== name) return;
          clearTimeout(settle);
          settle = setTimeout(listener, WATCH_SETTLE_MS);
        });
        watcher.on('error', () => watcher?.close());
      })
      .catch(() => undefined); // No watch: changes of another window are still merged at each write.
    return toDisposable(() => {
      closed = true;
      clearTimeout(settle);
      watcher?.close();
    });
  }

  async setAside(text: string, reason: string): Promise<string | undefined> {
    const dir = path.dirname(this.filePath);
    const ext = path.extname(this.filePath);
    const stem = path.basename(this.filePath, ext);
    const slug = reason.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'set-aside';
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    await fs.mkdir(dir, { recursive: true });
    for (let n = 0; n < 100; n++) {
      const candidate = path.join(dir, `${stem}.${slug}-${stamp}${n === 0 ? '' : `-${n}`}${ext || '.json'}`);
      try {
        await fs.writeFile(candidate, text, { encoding: 'utf8', flag: 'wx' });
        return candidate;
      } catch (error) {
        if (!isCode(error, 'EEXIST')) {
          throw error;
        }
      }
    }
    return undefined;
  }

  private async readLive(): Promise<string | undefined> {
    try {
      return await fs.readFile(this.filePath, 'utf8');
    } catch (error) {
      if (isCode(error, 'ENOENT')) {
        return undefined;
      }
      throw error;
    }
  }

  /** Removes `<file>.tmp-*` left behind by a process that stopped mid-write (never the live file). */
  private async removeStaleTemporaries(): Promise<void> {
    const dir = path.dirname(this.filePath);
    const prefix = `${path.basename(this.filePath)}.tmp-`;
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      return;
    }
    const now = Date.now();
    for (const name of names.filter((n) => n.startsWith(prefix))) {
      const full = path.join(dir, name);
      try {
        const stat = await fs.stat(full);
        if (now - stat.mtimeMs > STALE_TMP_MS) {
          await fs.rm(full, { force: true });
        }
      } catch {
        // Another window may be renaming it right now; leave it.
      }
    }
  }
}

/** Makes the rename durable where the platform allows it (not on Windows, where opening a folder fails). */
async function syncFolder(dir: string): Promise<void> {
  let handle: nodeFs.promises.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
