/**
 * The `<target>.part` file a download writes into, and its end: renamed to a free final name and synced in the
 * background, or removed. Every call is asynchronous (libuv's thread pool), never on the caller's thread.
 */
import fs = require('node:fs');
import path = require('node:path');
import { OpenRouterError } from '../api/errors';
import type { Logger } from '../shared/logger';
import { renameWithRetry } from '../shared/renameWithRetry';
import { sniffNonVideo, SNIFF_BYTES } from './contentChecks';
import { partPathFor } from './fileNames';

/** Upper bound of `-2`, `-3`… names tried next to a target that appeared meanwhile. */
const MAX_FREE_NAME_TRIES = 10_000;

/**
 * Opening a `.part` never follows a link in its last name (it fails with ELOOP instead): a link put there would
 * send the video wherever it points. Not every platform has the flag (Windows); there it is 0.
 */
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const { O_RDONLY, O_RDWR, O_WRONLY, O_CREAT, O_TRUNC } = fs.constants;

export type Durability = 'synced' | 'unsupported' | 'failed';

/** fsync errors that only say the file system cannot fsync (some network shares): the bytes are written all the same. */
const FSYNC_UNSUPPORTED = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EPERM', 'EBADF']);

/**
 * Makes `partPath` ready for a download (its folder too, when missing) and says how many of its bytes to keep.
 * Without `resumeExisting` it is emptied (it may be the placeholder `reserveUniquePath` made). With it, the bytes
 * a killed process left are kept when they start like a video; otherwise the file is emptied as well.
 */
export async function preparePart(partPath: string, resumeExisting: boolean): Promise<number> {
  await fs.promises.mkdir(path.dirname(partPath), { recursive: true });
  const kept = resumeExisting ? await videoBytesIn(partPath) : 0;
  if (kept === 0) await emptyPart(partPath);
  return kept;
}

/** The size of a plain file at `partPath` that starts like a video; 0 when it is missing, empty or not a video. */
async function videoBytesIn(partPath: string): Promise<number> {
  const stat = await fs.promises.lstat(partPath).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!stat?.isFile() || stat.size === 0) return 0;
  const handle = await fs.promises.open(partPath, O_RDONLY | NOFOLLOW);
  try {
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, stat.size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && sniffNonVideo(head) === undefined ? stat.size : 0;
  } finally {
    await handle.close();
  }
}

/**
 * A write stream into `partPath` from byte `offset` (the file exists: `preparePart` made it). It is
 * opened without truncating: on ext4, closing a file that was truncated to zero starts writing all of it out to
 * the disk, which holds up that close, and every fsync after it (the job store's), until the disk has the video.
 * Its small buffer pushes back early, so that the bytes received are on disk, not waiting in memory, when a body
 * breaks.
 */
export function partWriter(partPath: string, offset: number): fs.WriteStream {
  // `flags` is passed to fs.open as it is, which takes the numeric form too (the typings say string only).
  return fs.createWriteStream(partPath, { flags: (O_RDWR | NOFOLLOW) as unknown as string, start: offset });
}

/** Empties `partPath` (creating it when missing), for a download that starts from zero. */
export async function emptyPart(partPath: string): Promise<void> {
  await (await fs.promises.open(partPath, O_WRONLY | O_CREAT | O_TRUNC | NOFOLLOW)).close();
}

/** Resolves once `stream` has closed its file: no write of it is in flight any more. */
export function whenClosed(stream: fs.WriteStream): Promise<void> {
  return stream.closed ? Promise.resolve() : new Promise((resolve) => stream.once('close', () => resolve()));
}

/** Gives a complete `.part` its final name: `targetPath`, or a free `-2`, `-3`… name next to it. Never overwrites. */
export async function savePart(partPath: string, targetPath: string): Promise<string> {
  const finalPath = await freeFinalPath(targetPath);
  await renameWithRetry(partPath, finalPath);
  return finalPath;
}

/** Removes the `.part`, whatever is left of it. */
export async function removePart(partPath: string): Promise<void> {
  await fs.promises.rm(partPath, { force: true }).catch(() => undefined);
}

/** The target, or `<name>-2<ext>`, `-3`… when something is there (or that name's `.part`). */
export async function freeFinalPath(targetPath: string): Promise<string> {
  if (!(await exists(targetPath))) return targetPath;
  const ext = path.extname(targetPath);
  const stem = targetPath.slice(0, targetPath.length - ext.length);
  for (let n = 2; n < MAX_FREE_NAME_TRIES; n++) {
    const candidate = `${stem}-${n}${ext}`;
    if (!(await exists(candidate)) && !(await exists(partPathFor(candidate)))) return candidate;
  }
  throw new OpenRouterError('io', 'noFreeFileName', { name: path.basename(targetPath), folder: path.dirname(targetPath) });
}

/** Whether anything (file, folder, link) is at `p`. */
export async function exists(p: string): Promise<boolean> {
  try {
    await fs.promises.lstat(p);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Opens a saved file and fsyncs it (see `syncAndClose`). Never rejects. */
export async function syncFile(file: string, logger: Logger): Promise<Durability> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, O_RDWR | NOFOLLOW);
  } catch (error) {
    logger.error(`${file}: could not open it to write it out: ${String(error)}`);
    return 'failed';
  }
  return syncAndClose(handle, logger, file);
}

/**
 * fsync, then close. Resolves 'synced'; 'unsupported' where the file system cannot fsync; 'failed' when the
 * fsync or the close reported an error writing the bytes out (EIO, ENOSPC, EDQUOT…: on network file systems
 * that is where a write-back failure shows). Never rejects; failures are logged.
 */
export async function syncAndClose(file: fs.promises.FileHandle, logger: Logger, what: string): Promise<Durability> {
  let outcome: Durability = 'synced';
  try {
    await file.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    outcome = FSYNC_UNSUPPORTED.has(code) ? 'unsupported' : 'failed';
    if (outcome === 'failed') logger.error(`${what}: writing the file out failed: ${String(error)}`);
    else logger.debug(`${what}: this file system cannot fsync: ${String(error)}`);
  }
  try {
    await file.close();
  } catch (error) {
    outcome = 'failed';
    logger.error(`${what}: closing the file failed: ${String(error)}`);
  }
  return outcome;
}
