/**
 * Saves one output of a completed job to disk, through `VideoApi.openContent` only.
 *
 * - Bytes go to `<target>.part` through one FileHandle, each write done before the next chunk is taken
 *   (backpressure): memory stays flat whatever the size. A chunk of `DIRECT_WRITE_BYTES` or more (a plain
 *   socket's read) is written as it is, with no copy; smaller ones (TLS records) are gathered into one batch of
 *   `WRITE_BATCH_BYTES` first, so the disk is never asked for thousands of tiny writes.
 * - Chunks are taken with the body's `each` (pushed from the client's read callback, no promise per chunk), and
 *   written from that same thread while the disk takes each write in under `SLOW_WRITE_MS` and keeps up
 *   `SLOW_WRITE_BYTES_PER_MS` on average (it is copying into the OS's cache, as curl's writes do); from the first
 *   slower write or slower average on (a network share, a disk the OS is holding writers back for), writes go
 *   through libuv's thread pool, for the rest of the download and for later downloads into the same folder. See
 *   `PartWriter` and BENCHMARKS.md, section 1.
 * - The body is checked before anything is kept: the content type must be video/* or a generic binary type
 *   (JSON, HTML, text → `badContent`), the first bytes must not be JSON/HTML, it must not be empty, and the
 *   byte count must match the advertised total.
 * - A broken transfer (network error, reset, stall, short body) is resumed with a Range request when the
 *   server advertised `Accept-Ranges: bytes` and answers 206 at the right offset, otherwise restarted from zero;
 *   at most `maxAttempts` requests in all, with a small backoff.
 * - With `resumeExisting`, a `.part` an earlier process left (it was killed mid-download) is continued: its
 *   bytes are kept only when the server answers the Range request with a 206 at exactly that offset and a
 *   known total; a 200, a misplaced 206, a 416 or an unknown total start again from zero.
 * - Only a complete file is renamed to the target. On failure or abort the `.part` is removed, nothing is left
 *   at the target, and an OpenRouterError says the job stays downloadable.
 * - The fsync runs after the rename, off the path to "saved": `DownloadResult.durable` settles when the bytes are
 *   on the disk. It used to come first and cost 15-20 % of a download's time on a local disk (bench/download). A
 *   process that exits meanwhile loses nothing (the bytes are in the OS's cache); a system crash in that window
 *   can leave the file shorter on disk, which is why JobService marks the output `unsynced` until `durable`
 *   settles and checks such outputs on the next start (and downloads them again when they are short). A write-back
 *   error reported by the fsync or the close ('failed') keeps the flag, so that check runs too.
 */
import fs = require('node:fs');
import path = require('node:path');
import { isRetryableRead, OpenRouterError, type ErrorKind } from '../api/errors';
import type { ContentResponse, VideoApi } from '../api/videoApi';
import { delay } from '../shared/clock';
import { renameWithRetry } from '../shared/renameWithRetry';
import { nullLogger, redact, type Logger } from '../shared/logger';
import { diskError, partPathFor } from './fileNames';

export interface DownloadOptions {
  /** Absolute content URL (an `unsigned_urls` entry or `api.contentUrl(...)`). */
  url: string;
  /** Final path (normally from `reserveUniquePath`). Bytes go to `<targetPath>.part` until complete. */
  targetPath: string;
  signal?: AbortSignal;
  /** Requests in all, first one included. Default 4. */
  maxAttempts?: number;
  /** Called after each write and at the end; `received` drops to 0 on a restart. */
  onProgress?: (received: number, total?: number) => void;
  logger?: Logger;
  /** Backoff sleep; rejects when `signal` aborts. Default: a real timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Time without a chunk before the body counts as stalled (a broken transfer). Default 60 s. */
  stallTimeoutMs?: number;
  /** First backoff, doubled per failed attempt, capped at 8 s. Default 500 ms. */
  backoffMs?: number;
  /**
   * Continue from the bytes already in `<targetPath>.part` (left by a process that was killed mid-download)
   * instead of truncating it. The first request asks for the rest with `Range`; the kept bytes count only
   * when the answer is a 206 starting at exactly their length with a known total, else the download starts
   * again from zero. Default false: the `.part` is taken over empty.
   */
  resumeExisting?: boolean;
}

export interface DownloadResult {
  /** Where the file was saved: `targetPath`, or the next free `-2`… name if something appeared there meanwhile. */
  path: string;
  bytes: number;
  /** How many times a Range resume (206) was used. */
  resumed: number;
  /** How many times the download started again from zero after a broken transfer. */
  restarts: number;
  /**
   * Settles once the file's bytes are on the disk (fsync after the rename): 'synced'; 'unsupported' where the file
   * system cannot fsync (the bytes are written all the same); 'failed' when writing them out reported an error.
   * Never rejects.
   */
  durable: Promise<'synced' | 'unsupported' | 'failed'>;
}

export const DEFAULT_MAX_ATTEMPTS = 4;
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;
const WRITE_BATCH_BYTES = 256 * 1024;
/**
 * Chunks at least this large skip the batch: copying each read into it first cost a quarter of the time of a
 * 1 GiB download (BENCHMARKS.md, section 1).
 */
const DIRECT_WRITE_BYTES = 64 * 1024;
/**
 * A write into the `.part` that takes longer than this, done from the extension host's thread, moves the rest of
 * the download to the thread pool. A write of up to 1 MiB into the OS's cache takes 0.1-0.5 ms here.
 */
export const SLOW_WRITE_MS = 4;
/**
 * So do writes from that thread that, over at least `SLOW_RATE_AFTER_BYTES`, went slower than this many bytes per
 * millisecond (512 MiB/s): a disk a little under `SLOW_WRITE_MS` per write, every write, would otherwise hold the
 * thread for a large part of a fast download. Copies into the OS's cache run at several GiB/s here.
 */
export const SLOW_WRITE_BYTES_PER_MS = (512 * 1024 * 1024) / 1000;
const SLOW_RATE_AFTER_BYTES = 16 * 1024 * 1024;
/** Folders where a write was slow: later downloads there write through the thread pool from the start. */
const slowFolders = new Set<string>();
const MAX_SLOW_FOLDERS = 64;
/** Bytes looked at before the first write to recognise a JSON/HTML body. */
const SNIFF_BYTES = 64;
const MAX_BACKOFF_MS = 8_000;
const MAX_RETRY_AFTER_MS = 30_000;
const DOWNLOAD_AGAIN = 'The job stays downloadable: run Download Again from the Jobs view.';

const BINARY_TYPES = new Set(['application/octet-stream', 'binary/octet-stream', 'application/mp4', 'application/x-mp4']);

/** Thrown inside an attempt; `retry` says whether another attempt may help. */
class AttemptFailure extends Error {
  constructor(
    readonly error: OpenRouterError,
    readonly retry: boolean,
  ) {
    super(error.message);
  }
}

/** A disk write failed: never retried, never confused with a network error. */
class DiskFailure extends Error {
  constructor(readonly original: unknown) {
    super('disk');
  }
}

function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const type = contentType.split(';')[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}

/** Why a content type is refused, or undefined when it may be a video. A missing type is allowed (the body is sniffed). */
function refusedContentType(type: string | undefined): string | undefined {
  if (type === undefined) return undefined;
  if (type.startsWith('video/') || BINARY_TYPES.has(type)) return undefined;
  if (type.includes('json')) return 'JSON';
  if (type.includes('html')) return 'an HTML page';
  if (type.includes('xml')) return 'XML';
  if (type.startsWith('text/')) return 'text';
  if (type.startsWith('image/')) return 'an image';
  if (type.startsWith('audio/')) return 'audio';
  return `"${type}"`;
}

/** Recognises a body that is clearly not a video from its first bytes. */
function sniffNonVideo(head: Buffer): string | undefined {
  let i = 0;
  // Skip a UTF-8 BOM and whitespace.
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  const first = head[i];
  if (first === 0x7b /* { */ || first === 0x5b /* [ */) return 'JSON';
  if (first === 0x3c /* < */) return 'an HTML page';
  return undefined;
}

function hasFtyp(head: Buffer): boolean {
  return head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp';
}

/** Pulls a readable message out of a small JSON/HTML error body, redacted and shortened. */
function describeBody(head: Buffer): string {
  const text = head.toString('utf8');
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const message =
      typeof parsed.error === 'string' ? parsed.error : typeof parsed.error?.message === 'string' ? parsed.error.message : parsed.message;
    if (typeof message === 'string' && message !== '') {
      return ` (it said: "${redact(message).slice(0, 200)}")`;
    }
  } catch {
    // Not (complete) JSON.
  }
  const title = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(text)?.[1]?.trim();
  if (title) return ` (page title: "${redact(title)}")`;
  return '';
}

/** Where a URL points, for logs: origin and path, no query (which may hold signatures). */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return redact(`${u.origin}${u.pathname}`);
  } catch {
    return '<invalid url>';
  }
}

function cancelledError(cause?: unknown): OpenRouterError {
  return new OpenRouterError('cancelled', 'The download was cancelled; nothing was saved. ' + DOWNLOAD_AGAIN, { cause });
}

/** Classifies an error thrown by openContent or by reading the body. */
function transferError(error: unknown, signal: AbortSignal | undefined): { error: OpenRouterError; retry: boolean } {
  if (signal?.aborted) {
    return { error: cancelledError(error), retry: false };
  }
  if (OpenRouterError.is(error)) {
    if (error.kind === 'cancelled') return { error, retry: false };
    return { error, retry: isRetryableRead(error) };
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const detail = error instanceof Error ? `${error.message}${code && !error.message.includes(code) ? ` (${code})` : ''}` : String(error);
  const isTimeout = typeof code === 'string' && /TIMEOUT/i.test(code);
  return {
    error: new OpenRouterError(isTimeout ? 'timeout' : 'network', `The download was interrupted: ${redact(detail)}.`, { cause: error }),
    retry: true,
  };
}

/** Re-issues an error with the "stays downloadable" advice, keeping kind, status and server message. */
function finalError(error: OpenRouterError): OpenRouterError {
  if (error.kind === 'cancelled' || error.message.includes('Download Again')) {
    return error;
  }
  const advice =
    error.kind === 'notFound'
      ? 'Nothing was saved. OpenRouter may no longer hold this video; you can still try Download Again from the Jobs view.'
      : `Nothing was saved. ${DOWNLOAD_AGAIN}`;
  return new OpenRouterError(error.kind, `${error.message.replace(/\s*$/, '')} ${advice}`, {
    status: error.status,
    serverMessage: error.serverMessage,
    retryAfterMs: error.retryAfterMs,
    notSent: error.notSent,
    field: error.field,
    cause: error,
  });
}

function badContent(message: string): AttemptFailure {
  return new AttemptFailure(new OpenRouterError('badContent', message), false);
}

function destroyBody(response: ContentResponse | undefined, reason?: Error): void {
  try {
    response?.body.destroy?.(reason);
  } catch {
    // Already gone.
  }
}

async function writeFully(handle: fs.promises.FileHandle, buffer: Buffer, position: number): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset, position + offset);
    if (bytesWritten <= 0) {
      throw Object.assign(new Error('The disk accepted no bytes.'), { code: 'EIO' });
    }
    offset += bytesWritten;
  }
}

/**
 * Writes into the `.part` at a position. While the disk answers quickly, each write is made right away from the
 * calling thread, as curl makes them: a hand-off to libuv's thread pool and back per write cost 10-15 % of a
 * 64 MiB download's time on 2 cores (BENCHMARKS.md, section 1). The first write that takes longer than
 * `SLOW_WRITE_MS` (a network share, a USB stick the OS is holding writers back for), or writes that keep going
 * slower than `SLOW_WRITE_BYTES_PER_MS`, move this download, and later ones into the same folder in this session, to
 * the thread pool. So a slow disk holds the extension host up for one write per folder and session (that write
 * itself cannot be interrupted: a share that hangs holds it until the share answers).
 */
export class PartWriter {
  private inline: boolean;
  /** Bytes written from the calling thread, and the milliseconds that took. */
  private inlineBytes = 0;
  private inlineMs = 0;

  constructor(
    private readonly file: fs.promises.FileHandle,
    private readonly folder: string,
    private readonly logger: Logger,
    /** Tests: the clock used to time each write. */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.inline = !slowFolders.has(folder);
  }

  /** Whether writes are still made from the calling thread. */
  get writesInline(): boolean {
    return this.inline;
  }

  /** Writes all of `buffer` at `position`: done when it returns undefined, else when the promise resolves. */
  write(buffer: Buffer, position: number): void | Promise<void> {
    if (!this.inline) return writeFully(this.file, buffer, position);
    const started = this.now();
    for (let offset = 0; offset < buffer.length; ) {
      const written = fs.writeSync(this.file.fd, buffer, offset, buffer.length - offset, position + offset);
      if (written <= 0) throw Object.assign(new Error('The disk accepted no bytes.'), { code: 'EIO' });
      offset += written;
    }
    const took = this.now() - started;
    this.inlineBytes += buffer.length;
    this.inlineMs += took;
    if (took > SLOW_WRITE_MS) {
      this.toThreadPool(`a write of ${buffer.length} bytes took ${took.toFixed(1)} ms`);
    } else if (this.inlineBytes >= SLOW_RATE_AFTER_BYTES && this.inlineBytes < this.inlineMs * SLOW_WRITE_BYTES_PER_MS) {
      const mibPerSecond = ((this.inlineBytes / this.inlineMs) * 1000) / (1024 * 1024);
      this.toThreadPool(`writes ran at ${mibPerSecond.toFixed(0)} MiB/s`);
    }
    return undefined;
  }

  private toThreadPool(why: string): void {
    this.inline = false;
    if (slowFolders.size >= MAX_SLOW_FOLDERS) slowFolders.clear();
    slowFolders.add(this.folder);
    this.logger.debug(`download: ${why}; writing through the thread pool from now on`);
  }
}

/** Tests: forgets which folders had slow writes. */
export function forgetSlowFolders(): void {
  slowFolders.clear();
}

/** fsync errors that only say the file system cannot fsync (some network shares): the bytes are written all the same. */
const FSYNC_UNSUPPORTED = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EPERM', 'EBADF']);

/**
 * fsync, then close. Resolves 'synced'; 'unsupported' where the file system cannot fsync; 'failed' when the
 * fsync or the close reported an error writing the bytes out (EIO, ENOSPC, EDQUOT…: on network file systems
 * that is where a write-back failure shows). Never rejects; failures are logged.
 */
export async function syncAndClose(file: fs.promises.FileHandle, logger: Logger, what: string): Promise<'synced' | 'unsupported' | 'failed'> {
  let outcome: 'synced' | 'unsupported' | 'failed' = 'synced';
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

/**
 * Checks a file saved before its fsync had finished (a system crash can leave it shorter on disk):
 * - 'complete': it has at least `bytes` bytes (any, when `bytes` is unknown); it is fsynced now where the file
 *   system and its permissions allow (best effort: a read-only file, or one another program holds, still counts);
 * - 'short': fewer (or none), or only its `.part` is there (the rename itself did not reach the disk);
 * - 'missing': neither is there (moved or deleted since).
 * Throws when the file cannot even be looked at. Nothing is moved: see `keepAsPartial`.
 */
export async function recheckSavedFile(file: string, bytes: number | undefined, logger: Logger = nullLogger): Promise<'complete' | 'short' | 'missing'> {
  let size: number;
  try {
    size = (await fs.promises.stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return (await exists(partPathFor(file))) ? 'short' : 'missing';
  }
  if (size === 0 || (bytes !== undefined && size < bytes)) return 'short';
  try {
    await syncAndClose(await fs.promises.open(file, 'r'), logger, `check ${file}`);
  } catch (error) {
    logger.debug(`check ${file}: could not open it to fsync: ${String(error)}`);
  }
  return 'complete';
}

/** Moves a file a crash cut short back to `<file>.part`, so that a resumed download continues after its bytes. */
export async function keepAsPartial(file: string): Promise<void> {
  try {
    await renameWithRetry(file, partPathFor(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.promises.lstat(p);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** The target, or `<name>-2<ext>`, `-3`… if the target appeared while downloading. Never overwrites. */
async function freeFinalPath(targetPath: string): Promise<string> {
  if (!(await exists(targetPath))) return targetPath;
  const ext = path.extname(targetPath);
  const stem = targetPath.slice(0, targetPath.length - ext.length);
  for (let n = 2; n < 10_000; n++) {
    const candidate = `${stem}-${n}${ext}`;
    if (!(await exists(candidate)) && !(await exists(partPathFor(candidate)))) return candidate;
  }
  throw Object.assign(new Error(`No free file name next to ${targetPath}.`), { code: 'EEXIST' });
}

/**
 * Downloads `url` to `targetPath` (see the module comment). Resolves with where it was saved and how; rejects
 * with an OpenRouterError (`network`, `timeout`, `badContent`, `io`, `cancelled`, or the API's own kind).
 */
export async function downloadOutput(api: VideoApi, options: DownloadOptions): Promise<DownloadResult> {
  const { url, signal } = options;
  const logger = options.logger ?? nullLogger;
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS));
  const sleep = options.sleep ?? ((ms: number, s?: AbortSignal) => delay(ms, s));
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const backoffMs = options.backoffMs ?? 500;
  const targetPath = path.resolve(options.targetPath);
  const folder = path.dirname(targetPath);
  const partPath = partPathFor(targetPath);
  const where = describeUrl(url);
  const ioContext = { folder, file: targetPath, action: 'save the video', suffix: DOWNLOAD_AGAIN };

  if (signal?.aborted) {
    throw cancelledError(signal.reason);
  }

  // The .part's open is started first (one trip through libuv's thread pool: the folder is made only when missing),
  // and the first request is prepared and sent while it runs; the answer waits in the socket meanwhile (a share slow
  // to open the file only delays the reading; a connection that breaks meanwhile is a failed attempt, retried).
  // Before, the folder's mkdir and the open came first and the request's own first-time code after them:
  // bench/download saw the first byte written about 0.7-0.8 ms later after an idle second (BENCHMARKS.md, section 1).
  // Not when continuing a .part, whose length decides where the request starts. When the disk fails instead, the
  // request is called off.
  const opening = options.resumeExisting ? undefined : createPart(partPath, folder);
  opening?.catch(() => undefined); // awaited below, after the request is on its way
  const early = opening ? sendEarly(api, url, signal) : undefined;

  let handle: fs.promises.FileHandle | undefined;
  let existing = 0; // bytes an earlier process left in the .part (resumeExisting)
  let sniffed = false;
  try {
    if (opening) {
      handle = await opening;
    } else {
      // resumeExisting
      await fs.promises.mkdir(folder, { recursive: true });
      const stat = await fs.promises.lstat(partPath).catch(() => undefined);
      if (stat?.isFile() && stat.size > 0) {
        handle = await fs.promises.open(partPath, 'r+');
        existing = (await handle.stat()).size;
        const head = Buffer.alloc(Math.min(SNIFF_BYTES, existing));
        const { bytesRead } = await handle.read(head, 0, head.length, 0);
        if (bytesRead < head.length || sniffNonVideo(head) !== undefined) {
          logger.info(`download ${where}: the partial file does not start like a video; starting from zero`);
          await handle.truncate(0);
          existing = 0;
        } else {
          sniffed = true;
        }
      }
      handle ??= await fs.promises.open(partPath, 'w');
    }
  } catch (error) {
    early?.callOff();
    await handle?.close().catch(() => undefined);
    await fs.promises.rm(partPath, { force: true }).catch(() => undefined);
    throw diskError(error, ioContext);
  }
  const file = handle;

  let received = existing; // bytes in the .part: verified as part of this resource (an earlier run's, by the first 206)
  let expectedTotal: number | undefined;
  // The last response advertised Accept-Ranges: bytes. Assumed for the first request when continuing a .part.
  let canRange = existing > 0;
  let rangeRefused = false; // a Range request was ignored or answered at the wrong offset
  /** The bytes in the .part came from an earlier process: nothing of this download vouches for them yet. */
  let unverified = existing > 0;
  let resumed = 0;
  let restarts = 0;
  let lastFailure: OpenRouterError | undefined;
  /** Write batch, reused for the whole download: memory stays flat whatever the size. */
  const batch = Buffer.allocUnsafe(WRITE_BATCH_BYTES);
  const writer = new PartWriter(file, folder, logger);

  const progress = () => {
    try {
      options.onProgress?.(received, expectedTotal);
    } catch (error) {
      logger.warn(`download progress listener failed: ${String(error)}`);
    }
  };

  const restartFromZero = async () => {
    try {
      await file.truncate(0);
    } catch (error) {
      throw new DiskFailure(error);
    }
    received = 0;
    sniffed = false;
    unverified = false;
    restarts++;
    progress();
  };

  /** One request and its body. Resolves when the whole resource is in the .part. */
  const attempt = async (attemptNo: number): Promise<void> => {
    const offset = received > 0 && canRange && !rangeRefused ? received : 0;
    if (received > 0 && offset === 0) {
      logger.info(`download ${where}: restarting from zero (attempt ${attemptNo}; no usable Range support)`);
      await restartFromZero();
    } else if (offset > 0) {
      logger.info(`download ${where}: resuming at byte ${offset}${unverified ? ' (a partial file from an earlier run)' : ''} (attempt ${attemptNo})`);
    }

    let response: ContentResponse;
    try {
      response = await (attemptNo === 1 && early ? early.response : api.openContent({ url, signal, ...(offset > 0 ? { offset } : {}) }));
    } catch (error) {
      if (offset > 0 && !signal?.aborted && OpenRouterError.is(error, 'badContent') && error.status === 206) {
        // The client refused a 206 that started at the wrong byte: start again without Range.
        rangeRefused = true;
        logger.warn(`download ${where}: the resume answered the wrong range; restarting from zero`);
        throw new AttemptFailure(error, true);
      }
      if (offset > 0 && !signal?.aborted && OpenRouterError.is(error) && error.status === 416) {
        // Range Not Satisfiable: the .part is as long as the file or longer (or another file): start again.
        rangeRefused = true;
        logger.warn(`download ${where}: the server cannot serve from byte ${offset} (HTTP 416); restarting from zero`);
        throw new AttemptFailure(error, true);
      }
      const failure = transferError(error, signal);
      throw new AttemptFailure(failure.error, failure.retry);
    }

    try {
      await readBody(response, offset, attemptNo);
    } catch (error) {
      destroyBody(response, error instanceof Error ? error : undefined);
      throw error;
    }
  };

  const readBody = async (response: ContentResponse, offset: number, attemptNo: number): Promise<void> => {
    const type = mediaType(response.contentType);
    const refused = refusedContentType(type);
    if (response.statusCode !== 200 && response.statusCode !== 206) {
      throw badContent(`The download answered HTTP ${response.statusCode} instead of the video.`);
    }
    if (refused !== undefined) {
      const head = await readHead(response, 2048).catch(() => Buffer.alloc(0));
      throw badContent(`The download returned ${refused} (${type}) instead of a video${describeBody(head)}.`);
    }
    canRange = response.acceptRanges;

    if (offset > 0) {
      const rangeStart = rangeStartOf(response);
      if (response.statusCode === 206) {
        const total = response.totalLength;
        // Bytes from an earlier run are kept only on a 206 that says exactly where it starts and how long
        // the whole file is, so that the .part plus this body can be checked against that total.
        const vouched = !unverified || (rangeStart !== undefined && total !== undefined);
        const matches =
          vouched &&
          (rangeStart === undefined || rangeStart === offset) &&
          (expectedTotal === undefined || total === undefined || total === expectedTotal) &&
          (response.contentLength === undefined || total === undefined || offset + response.contentLength === total);
        if (!matches) {
          // The server answered a different range or the resource changed: start again without Range.
          rangeRefused = true;
          destroyBody(response);
          logger.warn(`download ${where}: 206 did not match the requested range (offset ${offset}); restarting`);
          throw new AttemptFailure(
            new OpenRouterError('network', 'The server answered the resume request with the wrong part of the file.'),
            true,
          );
        }
        expectedTotal ??= total;
        unverified = false;
        resumed++;
      } else {
        // 200: the Range was ignored; this body is the whole file.
        rangeRefused = true;
        logger.info(`download ${where}: the server ignored the Range request; restarting from zero`);
        await restartFromZero();
        expectedTotal = response.totalLength ?? response.contentLength;
      }
    } else {
      if (response.statusCode === 206 && (rangeStartOf(response) ?? 0) !== 0) {
        throw badContent('The download answered a part of the file that was not asked for.');
      }
      const total = response.totalLength ?? response.contentLength;
      if (expectedTotal !== undefined && total !== undefined && total !== expectedTotal) {
        logger.info(`download ${where}: size changed from ${expectedTotal} to ${total} bytes`);
      }
      expectedTotal = total;
    }
    if (expectedTotal === 0 || (received === 0 && response.contentLength === 0)) {
      throw badContent('The download was empty: OpenRouter sent no video bytes.');
    }

    logger.debug(
      `download ${where}: attempt ${attemptNo} HTTP ${response.statusCode} ${type ?? '(no content type)'} ` +
        `${response.contentLength ?? '?'} of ${expectedTotal ?? '?'} bytes from ${offset}`,
    );

    let fill = 0; // bytes waiting in `batch`
    /** Checks and writes `data` at the end of the .part; done when it returns undefined, else when the promise resolves. */
    const commit = (data: Buffer): void | Promise<void> => {
      if (!sniffed) {
        sniffed = true;
        const nonVideo = sniffNonVideo(data.subarray(0, SNIFF_BYTES));
        if (nonVideo !== undefined) {
          throw badContent(
            `The download was labelled ${type ?? 'with no content type'} but contains ${nonVideo}, not a video${describeBody(data.subarray(0, 2048))}.`,
          );
        }
        if (!hasFtyp(data) && (type === undefined || type === 'video/mp4')) {
          logger.debug(`download ${where}: no MP4 'ftyp' box at the start; saving it anyway`);
        }
      }
      if (expectedTotal !== undefined && received + data.length > expectedTotal) {
        throw badContent(
          `The download sent more bytes than announced (${received + data.length} of ${expectedTotal}); the file would be corrupt.`,
        );
      }
      let writing: void | Promise<void>;
      try {
        writing = writer.write(data, received);
      } catch (error) {
        throw new DiskFailure(error);
      }
      if (writing === undefined) {
        received += data.length;
        progress();
        return undefined;
      }
      return writing.then(
        () => {
          received += data.length;
          progress();
        },
        (error: unknown) => {
          throw new DiskFailure(error);
        },
      );
    };
    const flush = (): void | Promise<void> => {
      if (fill === 0) return undefined;
      const data = batch.subarray(0, fill);
      fill = 0;
      return commit(data);
    };
    /** Takes one chunk: valid until this returns, or until the promise it returns settles. */
    const take = (chunk: Uint8Array): void | Promise<void> => {
      if (chunk.length >= DIRECT_WRITE_BYTES) {
        // Written as it is, no copy.
        const data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
        const flushing = flush();
        return flushing === undefined ? commit(data) : flushing.then(() => commit(data));
      }
      // Copied into the one batch buffer: no allocation per chunk, and a producer may reuse its chunk.
      for (let at = 0; at < chunk.length; ) {
        const n = Math.min(chunk.length - at, batch.length - fill);
        batch.set(chunk.subarray(at, at + n), fill);
        fill += n;
        at += n;
        if (fill === batch.length) {
          const flushing = flush();
          if (flushing !== undefined && at < chunk.length) return flushing.then(() => take(chunk.subarray(at)));
          if (flushing !== undefined) return flushing;
        }
      }
      return undefined;
    };

    try {
      await consumeBody(response, stallTimeoutMs, signal, take);
    } catch (error) {
      if (isOwnFailure(error)) throw error;
      // A broken transfer: keep what did arrive, so a resume starts after it.
      const failure = transferError(error, signal);
      if (failure.retry) await flush();
      throw new AttemptFailure(failure.error, failure.retry);
    }
    await flush();

    if (received === 0) {
      throw badContent('The download was empty: OpenRouter sent no video bytes.');
    }
    if (expectedTotal !== undefined && received < expectedTotal) {
      throw new AttemptFailure(
        new OpenRouterError('network', `The download ended early (${received} of ${expectedTotal} bytes).`),
        true,
      );
    }
  };

  try {
    for (let attemptNo = 1; ; attemptNo++) {
      try {
        await attempt(attemptNo);
        break;
      } catch (error) {
        if (error instanceof DiskFailure) throw error;
        const failure = error instanceof AttemptFailure ? error : new AttemptFailure(transferError(error, signal).error, true);
        if (signal?.aborted) throw new AttemptFailure(cancelledError(signal.reason), false);
        lastFailure = failure.error;
        logger.warn(`download ${where}: attempt ${attemptNo} of ${maxAttempts} failed: ${failure.error.kind}: ${failure.error.message}`);
        if (!failure.retry || attemptNo >= maxAttempts) throw failure;
        const wait =
          failure.error.retryAfterMs !== undefined
            ? Math.min(failure.error.retryAfterMs, MAX_RETRY_AFTER_MS)
            : Math.min(backoffMs * 2 ** (attemptNo - 1), MAX_BACKOFF_MS);
        try {
          await sleep(wait, signal);
        } catch (sleepError) {
          throw new AttemptFailure(cancelledError(sleepError), false);
        }
        if (signal?.aborted) throw new AttemptFailure(cancelledError(signal.reason), false);
      }
    }

    // Complete: give it its name (the handle stays open: libuv opens files shareable for rename on Windows too),
    // then make it durable through the same handle, in the background.
    let finalPath: string;
    try {
      finalPath = await freeFinalPath(targetPath);
      await renameWithRetry(partPath, finalPath);
    } catch (error) {
      throw new DiskFailure(error);
    }
    handle = undefined;
    if (finalPath !== targetPath) {
      logger.warn(`download: "${targetPath}" appeared while downloading; saved as "${finalPath}" instead`);
    }
    logger.info(`download ${where}: saved ${received} bytes to ${finalPath} (resumed ${resumed}, restarts ${restarts})`);
    return { path: finalPath, bytes: received, resumed, restarts, durable: syncAndClose(file, logger, `download ${where}`) };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.promises.rm(partPath, { force: true }).catch(() => undefined);
    if (error instanceof DiskFailure) {
      const io = diskError(error.original, ioContext);
      logger.error(`download ${where}: ${io.message}`);
      throw io;
    }
    const failure = error instanceof AttemptFailure ? error.error : (lastFailure ?? transferError(error, signal).error);
    throw finalError(signal?.aborted && failure.kind !== 'cancelled' ? cancelledError(signal.reason) : failure);
  }
}

/**
 * Opens `partPath` empty for writing. Its folder is made only when the open finds it missing: the job service has
 * reserved the name in it already, so the usual download makes one trip through the thread pool here, not two.
 */
async function createPart(partPath: string, folder: string): Promise<fs.promises.FileHandle> {
  try {
    return await fs.promises.open(partPath, 'w');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.promises.mkdir(folder, { recursive: true });
  return fs.promises.open(partPath, 'w');
}

/**
 * Sends the first request of a download (from byte 0) ahead of time. `response` settles as `openContent`'s would, and
 * is never left unhandled; `callOff` aborts it, or lets its body go if it has already arrived.
 */
function sendEarly(api: VideoApi, url: string, signal: AbortSignal | undefined): { response: Promise<ContentResponse>; callOff(): void } {
  const own = new AbortController();
  let response: Promise<ContentResponse>;
  try {
    response = api.openContent({ url, signal: signal ? AbortSignal.any([signal, own.signal]) : own.signal });
  } catch (error) {
    // A VideoApi that throws instead of rejecting: a failed first attempt, as when the call was made in `attempt`.
    response = Promise.reject(error);
  }
  response.catch(() => undefined);
  return {
    response,
    callOff() {
      own.abort(cancelledError());
      void response.then((r) => destroyBody(r), () => undefined);
    },
  };
}

function rangeStartOf(response: ContentResponse): number | undefined {
  return (response as ContentResponse & { rangeStart?: number }).rangeStart;
}

/** Reads up to `limit` bytes of a body (for an error message), then lets it go. */
async function readHead(response: ContentResponse, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  const reading = (async () => {
    for await (const chunk of response.body) {
      parts.push(Buffer.from(chunk));
      size += chunk.length;
      if (size >= limit) break;
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([reading, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2_000)))]).finally(() => clearTimeout(timer));
  destroyBody(response);
  return Buffer.concat(parts).subarray(0, limit);
}

/**
 * Hands every chunk of the body to `take` (through the body's `each` when it has one, else its iterator), one at a
 * time. Rejects with a `timeout` error when no chunk arrives for `stallMs`, and with the abort reason when
 * `signal` aborts, even if the body never settles; but never while a write that `take` started is still running
 * (the next attempt writes from the byte count that write leaves).
 */
function consumeBody(
  response: ContentResponse,
  stallMs: number,
  signal: AbortSignal | undefined,
  take: (chunk: Uint8Array) => void | Promise<void>,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let interruption: Error | undefined;
    let writing: Promise<void> | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (error: unknown) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const interrupt = (error: Error) => {
      if (interruption) return;
      interruption = error;
      destroyBody(response, error);
      // A disk error or a refused body met by the write in flight wins over the stall or abort: it is not retried.
      void Promise.resolve(writing).then(
        () => settle(error),
        (writeError: unknown) => settle(isOwnFailure(writeError) ? writeError : error),
      );
    };
    const onAbort = () => interrupt(cancelledError(signal?.reason));
    const guarded = (chunk: Uint8Array): void | Promise<void> => {
      if (interruption) throw interruption;
      timer?.refresh();
      const written = take(chunk);
      if (written !== undefined) writing = written;
      return written;
    };
    if (stallMs > 0 && Number.isFinite(stallMs)) {
      timer = setTimeout(() => interrupt(new OpenRouterError('timeout', `The download stalled: no data for ${Math.round(stallMs / 1000)} s.`)), stallMs);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) {
      onAbort();
      return;
    }
    const body = response.body;
    const done = body.each ? body.each(guarded) : eachOf(body, guarded);
    done.then(
      () => settle(interruption),
      (error: unknown) => settle(isOwnFailure(error) ? error : (interruption ?? error)),
    );
  });
}

/** An error the downloader raised itself (the disk, or a body it refused): never mistaken for a broken transfer. */
function isOwnFailure(error: unknown): boolean {
  return error instanceof DiskFailure || error instanceof AttemptFailure;
}

/** `each` for a body that only iterates. */
async function eachOf(body: AsyncIterable<Uint8Array>, take: (chunk: Uint8Array) => void | Promise<void>): Promise<void> {
  for await (const chunk of body) {
    const written = take(chunk);
    if (written !== undefined) await written;
  }
}

/** The kinds `downloadOutput` may reject with besides the API's own. */
export const DOWNLOAD_ERROR_KINDS: readonly ErrorKind[] = ['network', 'timeout', 'badContent', 'io', 'cancelled'];
