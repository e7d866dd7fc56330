/**
 * The contract between the core and the HTTP client. Jobs, poller and downloader depend on this interface
 * only; tests may script it.
 */
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { RateLimitGate } from './retry';
import type { KeyInfo, VideoJob, VideoModel } from './schemas';
import type { WireVideoRequest } from './videoRequest';

/**
 * A fetch-shaped function. The extension passes the host's `globalThis.fetch`, which carries VS Code's network
 * stack (proxies, PAC, certificates, Kerberos); plain-Node tests pass Node's or undici's fetch.
 */
export type FetchFn = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface CallOptions {
  signal?: AbortSignal;
}

export interface ContentRequest extends CallOptions {
  /** Absolute URL of the content (an `unsigned_urls` entry, or the content endpoint). */
  url: string;
  /** Byte offset to resume from (sends `Range: bytes=<offset>-`). */
  offset?: number;
}

export interface ContentResponse {
  /** 200, or 206 when the Range was honoured. */
  statusCode: number;
  contentType: string | undefined;
  /** Content-Length of this response body, if sent. */
  contentLength: number | undefined;
  /** Total size of the resource (from Content-Range on 206, else Content-Length). */
  totalLength: number | undefined;
  acceptRanges: boolean;
  /** On a 206: the first byte this body starts at (from Content-Range). */
  rangeStart?: number;
  /**
   * The body's bytes. Read it to the end or cancel it (`body.cancel()`); errors while reading are the transport's
   * own (the downloader classifies them). No stall timer here: the downloader owns the one stall timer.
   */
  body: ReadableStream<Uint8Array>;
}

export interface VideoApi {
  readonly baseUrl: string;
  listModels(options?: CallOptions & { refresh?: boolean }): Promise<VideoModel[]>;
  /** Never retried once the request may have reached the server. */
  submit(body: WireVideoRequest, options?: CallOptions): Promise<VideoJob>;
  /** Polls a job by id, or by its `polling_url` (resolved against the base URL, refused off-origin). */
  getJob(jobId: string, options?: CallOptions & { pollingUrl?: string }): Promise<VideoJob>;
  /** URL of output `index` for a job: its `unsigned_urls[index]` if given, else the content endpoint. */
  contentUrl(jobId: string, index: number, unsignedUrls?: readonly string[]): string;
  /**
   * Opens the content stream (retrying until the response headers arrive; a body that breaks later is the
   * downloader's to resume). Sends the bearer only when `url` is on the API origin.
   */
  openContent(request: ContentRequest): Promise<ContentResponse>;
  getKeyInfo(options?: CallOptions): Promise<KeyInfo>;
  dispose(): Promise<void> | void;
}

/** Supplies the API key at call time; `undefined` means not signed in. */
export type KeyProvider = () => Promise<string | undefined> | string | undefined;

export interface VideoApiOptions {
  baseUrl?: string;
  keyProvider: KeyProvider;
  /** The transport: the host's `globalThis.fetch` in the extension. */
  fetch: FetchFn;
  /** e.g. "openrouter-video-vscode/0.1.0 vscode/1.100.3" */
  userAgent: string;
  /** HTTP-Referer attribution. */
  referer?: string;
  title?: string;
  /** Per-attempt deadline for an answer (JSON calls: the whole body; content: the headers), ms. */
  timeoutMs?: number;
  /** Retries after the first attempt. */
  maxRetries?: number;
  /** Models cache TTL, ms. */
  modelsTtlMs?: number;
  logger?: Logger;
  /** Time for the rate-limit gate (when the client makes its own) and the models cache. */
  clock?: Clock;
  /** The account-wide Retry-After gate, shared with the poller. Default: one of the client's own. */
  gate?: RateLimitGate;
}

export const DEFAULT_BASE_URL = 'https://openrouter.ai/api/v1';
