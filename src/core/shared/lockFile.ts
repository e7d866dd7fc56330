/**
 * An advisory lock between processes (two windows, two extension hosts): a file created exclusively (`wx`)
 * that holds who took it (pid, host name, a random id, the time). Its owner touches it while it works; a
 * lock nobody touched for `staleMs`, or whose process is gone on this machine, is stale and taken over.
 * Only the owner's `release()` removes it.
 */
import { randomUUID } from 'node:crypto';
import nodeFs = require('node:fs');
import os = require('node:os');
import { setTimeout as sleep } from 'node:timers/promises';

const fs = nodeFs.promises;

export interface LockOptions {
  /** A lock not touched for this long is stale. Its owner touches it every third of it. */
  staleMs: number;
  /** How often a waiting caller looks again. Default 200 ms. */
  retryMs?: number;
  /** Stops waiting (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** What a lock file holds. */
export interface LockOwner {
  pid: number;
  host: string;
  id: string;
  at: number;
}

export class FileLock {
  private touching: NodeJS.Timeout | undefined;
  private released = false;

  private constructor(
    readonly path: string,
    readonly owner: LockOwner,
    staleMs: number,
  ) {
    const every = Math.max(50, Math.floor(staleMs / 3));
    this.touching = setInterval(() => void this.touch(), every);
    this.touching.unref();
  }

  /** Takes the lock at `lockPath`, waiting while another live owner holds it. */
  static async acquire(lockPath: string, options: LockOptions): Promise<FileLock> {
    for (;;) {
      options.signal?.throwIfAborted();
      const lock = await FileLock.tryAcquire(lockPath, options);
      if (lock) return lock;
      await sleep(options.retryMs ?? 200, undefined, { signal: options.signal });
    }
  }

  /** Takes the lock if it is free or stale; `undefined` when a live owner holds it. */
  static async tryAcquire(lockPath: string, options: Pick<LockOptions, 'staleMs'>): Promise<FileLock | undefined> {
    const owner: LockOwner = { pid: process.pid, host: os.hostname(), id: randomUUID(), at: Date.now() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        // `wx`: created here or not at all, and never through a link.
        await fs.writeFile(lockPath, JSON.stringify(owner), { encoding: 'utf8', flag: 'wx' });
        return new FileLock(lockPath, owner, options.staleMs);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (!(await isStale(lockPath, options.staleMs))) return undefined;
      await fs.rm(lockPath, { force: true });
    }
    return undefined;
  }

  /** Removes the lock file if it is still this owner's. Never rejects. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.touching);
    this.touching = undefined;
    try {
      const held = await readOwner(this.path);
      if (held?.id === this.owner.id) await fs.rm(this.path, { force: true });
    } catch {
      // Gone already.
    }
  }

  private async touch(): Promise<void> {
    if (this.released) return;
    const now = new Date();
    await fs.utimes(this.path, now, now).catch(() => undefined);
  }
}

/** Whether the lock at `lockPath` may be taken over: not touched for `staleMs`, or its process is gone here. */
export async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  let mtimeMs: number;
  try {
    mtimeMs = (await fs.lstat(lockPath)).mtimeMs;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
  if (Date.now() - mtimeMs > staleMs) return true;
  const owner = await readOwner(lockPath).catch(() => undefined);
  return owner !== undefined && owner.host === os.hostname() && owner.pid !== process.pid && !processAlive(owner.pid);
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  const text = await fs.readFile(lockPath, 'utf8');
  try {
    const data = JSON.parse(text) as Partial<LockOwner>;
    return typeof data.pid === 'number' && typeof data.host === 'string' && typeof data.id === 'string' ? (data as LockOwner) : undefined;
  } catch {
    return undefined; // Being written right now.
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
