/**
 * Saves one output of a completed job to disk through `VideoApi.openContent`, into `<target>.part` first
 * (`bodyTransfer.ts` streams each body, checking its bytes).
 *
 * The client retries until it has an answer's headers; an `openContent` that rejects is final. Here only a body
 * that breaks mid-way (a network error, a stall, fewer bytes than announced) is continued: with `Range` from the
 * bytes on disk when the server advertised `Accept-Ranges: bytes` and its 206 continues them (`rangeAccepted`),
 * otherwise from zero; at most `MAX_RESUMES` times, after a short back-off. With `resumeExisting`, a `.part` a
 * killed process left is continued the same way, its bytes kept only when the first answer vouches for them.
 * An answer that is not a video (status, content type, no bytes) is final.
 *
 * Every download is bounded: a video larger than `maxBytes` is refused by its announced length before a byte is
 * written, and stopped once its bytes pass it; the whole download (every request, resume and back-off) has a
 * deadline of `deadlineBaseMs` plus its size at `minBytesPerSecond` (the size is `maxBytes` until an answer says).
 *
 * Only a complete file is renamed to the target (or a free name next to it, when the target appeared meanwhile).
 * On failure or abort the `.part` is removed and nothing is left at the target. The fsync is the caller's to start
 * (`sync()`), once its own records are written: an fsync of a large file holds up every other fsync on the disk
 * (the job store's among them) until it ends. The job service marks outputs `unsynced` until it has, and checks
 * them on the next start.
 */
import path = require('node:path');
import { setTimeout as sleep } from 'node:timers/promises';
import { OpenRouterError, type ErrorParams, type Reason } from '../api/errors';
import type { ContentResponse, VideoApi } from '../api/videoApi';
import { nullLogger, type Logger } from '../shared/logger';
import { redact } from '../shared/redact';
import { readHead, transferBody } from './bodyTransfer';
import { describeBody, mediaType, rangeAccepted, refusedContentType } from './contentChecks';
import { diskError, partPathFor } from './fileNames';
import { emptyPart, preparePart, removePart, savePart, syncFile, type Durability } from './partFile';

export interface DownloadOptions {
  /** Absolute content URL (an `unsigned_urls` entry or `api.contentUrl(...)`). */
  url: string;
  /** Final path (normally from `reserveUniquePath`). Bytes go to `<targetPath>.part` until complete. */
  targetPath: string;
  signal?: AbortSignal;
  /** Called as bytes arrive; `received` drops to 0 on a restart from zero. */
  onProgress?: (received: number, total?: number) => void;
  logger?: Logger;
  /** Continue from the bytes a killed process left in `<targetPath>.part` instead of emptying it. */
  resumeExisting?: boolean;
  /** Time without a chunk before the body counts as stalled (a broken transfer). */
  stallTimeoutMs?: number;
  /** First back-off before a resume, doubled for each further one. */
  backoffMs?: number;
  /** The largest video accepted, in bytes. Default `DEFAULT_MAX_VIDEO_BYTES`. */
  maxBytes?: number;
  /** The deadline's fixed part. Default 60 s. */
  deadlineBaseMs?: number;
  /** The slowest average rate the deadline allows for. Default 256 KiB/s. */
  minBytesPerSecond?: number;
}

export interface DownloadResult {
  /** Where the file was saved: `targetPath`, or the next free `-2`… name if something appeared there meanwhile. */
  path: string;
  bytes: number;
  /** How many times a Range resume (206) was used. */
  resumed: number;
  /** How many times the download started again from zero. */
  restarts: number;
  /**
   * Writes the file out to the disk (fsync) and says how it went ('unsupported' where the file system has none).
   * Started by the first call; later calls share it. Never rejects.
   */
  sync(): Promise<Durability>;
}

export const DEFAULT_STALL_TIMEOUT_MS = 60_000;
/** The default cap on one video: 2 GiB (the host passes `openrouterVideo.maxVideoSizeMiB`). */
export const DEFAULT_MAX_VIDEO_BYTES = 2048 * 1024 * 1024;
const DEFAULT_DEADLINE_BASE_MS = 60_000;
const DEFAULT_MIN_BYTES_PER_SECOND = 256 * 1024;
/** Requests after the first one that continue a broken body. */
export const MAX_RESUMES = 3;
const DEFAULT_BACKOFF_MS = 500;

/** A body that broke mid-way: another request may finish it. */
class Broken {
  constructor(readonly error: OpenRouterError) {}
}

function refusal(reason: Reason, params: ErrorParams = {}): OpenRouterError {
  return new OpenRouterError('badContent', reason, params);
}

/**
 * Downloads `url` to `targetPath` (see the module comment). Rejects with an OpenRouterError: the API's own from
 * `openContent`, or `network`, `timeout`, `badContent`, `io`, `cancelled` with a download reason code.
 */
export async function downloadOutput(api: VideoApi, options: DownloadOptions): Promise<DownloadResult> {
  const targetPath = path.resolve(options.targetPath);
  const partPath = partPathFor(targetPath);
  const { signal } = options;
  const logger = options.logger ?? nullLogger;
  const onDisk = (error: unknown) => diskError(error, { folder: path.dirname(targetPath), file: targetPath, action: 'saveVideo' });
  if (signal?.aborted) throw new OpenRouterError('cancelled', 'downloadCancelled', {}, { cause: signal.reason });
  try {
    const kept = await preparePart(partPath, options.resumeExisting === true).catch((error: unknown) => Promise.reject(onDisk(error)));
    const download = new Download(api, options, partPath, kept, logger, onDisk);
    try {
      await download.run();
    } finally {
      download.dispose();
    }
    const saved = await savePart(partPath, targetPath).catch((error: unknown) => Promise.reject(onDisk(error)));
    if (saved !== targetPath) logger.warn(`download: "${targetPath}" appeared while downloading; saved as "${saved}" instead`);
    const { received, resumed, restarts } = download;
    logger.info(`download ${download.where}: saved ${received} bytes to ${saved} (resumed ${resumed}, restarts ${restarts})`);
    let syncing: Promise<Durability> | undefined;
    return { path: saved, bytes: received, resumed, restarts, sync: () => (syncing ??= syncFile(saved, logger)) };
  } catch (error) {
    await removePart(partPath);
    if (signal?.aborted) throw new OpenRouterError('cancelled', 'downloadCancelled', {}, { cause: signal.reason });
    throw OpenRouterError.is(error) ? error : brokenError(error);
  }
}

/** One download's requests and where it stands between them. */
class Download {
  readonly where: string;
  /** Bytes in the `.part`, in place. */
  received: number;
  /** The size of the whole file, once an answer said. */
  total: number | undefined;
  /** The last answer advertised `Accept-Ranges: bytes` (assumed for a `.part` an earlier process left). */
  canRange: boolean;
  /** A Range request was ignored or answered with the wrong part: later requests start from zero. */
  rangesRefused = false;
  /** The bytes in the `.part` came from an earlier process and no answer has vouched for them yet. */
  fromEarlierRun: boolean;
  resumed = 0;
  restarts = 0;
  /** The `.part` holds bytes a restart from zero dropped: it is emptied before the next body is written. */
  private stale = false;
  private readonly stallMs: number;
  private readonly maxBytes: number;
  /** The caller's signal and the deadline's: what every request, body and back-off of this download stops on. */
  private readonly signal: AbortSignal;
  private readonly deadline = new AbortController();
  private readonly startedAt = Date.now();
  private deadlineTimer: NodeJS.Timeout | undefined;
  private deadlineMs = 0;

  constructor(
    private readonly api: VideoApi,
    private readonly options: DownloadOptions,
    private readonly partPath: string,
    kept: number,
    private readonly logger: Logger,
    private readonly onDisk: (error: unknown) => OpenRouterError,
  ) {
    this.where = describeUrl(options.url);
    this.received = kept;
    this.canRange = kept > 0;
    this.fromEarlierRun = kept > 0;
    this.stallMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_VIDEO_BYTES;
    this.signal = options.signal ? AbortSignal.any([options.signal, this.deadline.signal]) : this.deadline.signal;
    this.armDeadline(this.maxBytes);
  }

  /** Requests until the whole file is in the `.part`; throws the final error (the deadline's, once it passed). */
  async run(): Promise<void> {
    try {
      for (let resumes = 0; ; resumes++) {
        const broken = await this.attempt();
        if (broken === undefined) return;
        if (resumes >= MAX_RESUMES) throw broken.error;
        this.logger.warn(`download ${this.where}: ${broken.error.message} at byte ${this.received}; resume ${resumes + 1} of ${MAX_RESUMES}`);
        await sleep((this.options.backoffMs ?? DEFAULT_BACKOFF_MS) * 2 ** resumes, undefined, { signal: this.signal });
      }
    } catch (error) {
      if (this.deadline.signal.aborted && !this.options.signal?.aborted) {
        throw new OpenRouterError('timeout', 'downloadTooSlow', { seconds: Math.round(this.deadlineMs / 1000), received: this.received, total: this.total });
      }
      throw error;
    }
  }

  dispose(): void {
    clearTimeout(this.deadlineTimer);
  }

  /** (Re)arms the deadline for a video of `size` bytes, counted from the start of the download. */
  private armDeadline(size: number): void {
    const base = this.options.deadlineBaseMs ?? DEFAULT_DEADLINE_BASE_MS;
    const rate = this.options.minBytesPerSecond ?? DEFAULT_MIN_BYTES_PER_SECOND;
    // Capped to what a Node timer takes; beyond it (days) the stall timer still ends a dead transfer.
    this.deadlineMs = Math.min(base + (size / rate) * 1000, 2 ** 31 - 1);
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(() => this.deadline.abort(), Math.max(0, this.startedAt + this.deadlineMs - Date.now()));
  }

  /** Takes the size of the whole file from an answer: refused above the cap; the deadline fits it once it is known. */
  private sizeKnown(total: number | undefined): void {
    if (total !== undefined && total > this.maxBytes) throw refusal('downloadTooLarge', { bytes: total, limitMiB: Math.floor(this.maxBytes / (1024 * 1024)) });
    if (total !== undefined && total !== this.total) this.armDeadline(total);
    this.total = total;
  }

  /** One request and its body: undefined once the file is complete, or why the body broke. */
  private async attempt(): Promise<Broken | undefined> {
    const offset = this.received > 0 && this.canRange && !this.rangesRefused ? this.received : 0;
    if (offset === 0 && this.received > 0) this.restart();
    let response: ContentResponse;
    try {
      response = await this.api.openContent({ url: this.options.url, signal: this.signal, ...(offset > 0 ? { offset } : {}) });
    } catch (error) {
      // 416: the server cannot serve from `offset`; a 206 the client refused: both start again without Range.
      if (offset > 0 && OpenRouterError.is(error) && (error.status === 416 || error.status === 206) && !this.signal.aborted) {
        this.rangesRefused = true;
        return new Broken(endedDownload(error));
      }
      throw endedDownload(error);
    }
    let start: number | Broken;
    try {
      start = await this.judge(response, offset);
    } catch (error) {
      await response.body.cancel().catch(() => undefined);
      throw error;
    }
    if (start instanceof Broken) {
      await response.body.cancel().catch(() => undefined);
      return start;
    }
    return this.transfer(response, start);
  }

  /** Checks an answer's head: where its bytes go in the `.part`, or why it does not continue them. */
  private async judge(response: ContentResponse, offset: number): Promise<number | Broken> {
    const { statusCode } = response;
    if (statusCode !== 200 && statusCode !== 206) throw refusal('downloadBadStatus', { status: statusCode });
    const type = mediaType(response.contentType);
    const refused = refusedContentType(type);
    if (refused !== undefined) throw refusal('downloadRefusedType', { what: refused, type, said: describeBody(await readHead(response.body)) });
    this.canRange = response.acceptRanges;
    if (offset === 0) {
      if (statusCode === 206 && (response.rangeStart ?? 0) !== 0) throw refusal('downloadUnrequestedRange');
      const total = response.totalLength ?? response.contentLength;
      if (total === 0 || response.contentLength === 0) throw refusal('downloadEmpty');
      this.sizeKnown(total);
      return 0;
    }
    if (statusCode === 200) {
      this.logger.info(`download ${this.where}: the server ignored the Range request; starting again from zero`);
      this.rangesRefused = true;
      this.restart();
      this.sizeKnown(response.totalLength ?? response.contentLength);
      return 0;
    }
    if (!rangeAccepted(response, offset, this.total, this.fromEarlierRun)) {
      this.rangesRefused = true;
      return new Broken(new OpenRouterError('network', 'downloadWrongRange', { offset, start: response.rangeStart, total: response.totalLength }));
    }
    if (this.total === undefined) this.sizeKnown(response.totalLength);
    this.fromEarlierRun = false;
    this.resumed++;
    return offset;
  }

  /** Streams a body into the `.part` from byte `start`: undefined once the file is complete, or why it broke. */
  private async transfer(response: ContentResponse, start: number): Promise<Broken | undefined> {
    if (this.stale) {
      try {
        await emptyPart(this.partPath);
      } catch (error) {
        await response.body.cancel().catch(() => undefined);
        throw this.onDisk(error);
      }
      this.stale = false;
    }
    const { end, failure } = await transferBody({
      body: response.body,
      partPath: this.partPath,
      start,
      total: this.total,
      maxBytes: this.maxBytes,
      type: mediaType(response.contentType),
      stallMs: this.stallMs,
      signal: this.signal,
      onBytes: (received) => this.progress(received),
      logger: this.logger,
    });
    this.received = end;
    this.progress();
    if (failure?.from === 'disk') throw this.onDisk(failure.error);
    if (failure?.from === 'stalled') return new Broken(new OpenRouterError('timeout', 'downloadStalled', { seconds: Math.round(this.stallMs / 1000) }));
    if (failure?.from === 'body') {
      const { error } = failure;
      if (OpenRouterError.is(error) && error.kind !== 'network' && error.kind !== 'timeout') throw endedDownload(error);
      return new Broken(brokenError(error));
    }
    if (failure !== undefined) throw failure.error; // aborted (worded by downloadOutput), or refused
    if (this.received === 0) throw refusal('downloadEmpty');
    if (this.total !== undefined && this.received < this.total) {
      return new Broken(new OpenRouterError('network', 'downloadEndedEarly', { received: this.received, total: this.total }));
    }
    return undefined;
  }

  /** Back to an empty `.part` (emptied before the next body is written). */
  private restart(): void {
    this.received = 0;
    this.stale = true;
    this.fromEarlierRun = false;
    this.restarts++;
    this.progress();
  }

  private progress(received = this.received): void {
    try {
      this.options.onProgress?.(received, this.total);
    } catch (error) {
      this.logger.warn(`download progress listener failed: ${String(error)}`);
    }
  }
}

/** Another area's error that ends the download, marked so that the host adds the download's advice. */
function endedDownload(error: OpenRouterError): OpenRouterError;
function endedDownload(error: unknown): unknown;
function endedDownload(error: unknown): unknown {
  if (!OpenRouterError.is(error) || error.kind === 'cancelled') return error;
  const { status, serverMessage, retryAfterMs, notSent, field } = error;
  return new OpenRouterError(error.kind, error.reason, { ...error.params, downloadFailed: true }, { status, serverMessage, retryAfterMs, notSent, field, cause: error });
}

/** A transport failure while reading a body, as a broken download (with the error code when there is one). */
function brokenError(error: unknown): OpenRouterError {
  const { code, cause, params } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown }; params?: ErrorParams };
  const detail = [params?.['code'], cause?.code, code].find((c) => typeof c === 'string' && c !== '');
  return new OpenRouterError('network', 'downloadBroken', { detail: typeof detail === 'string' ? detail : undefined }, { cause: error });
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
