/**
 * The contract between the core and the HTTP client. Jobs, poller and downloader depend on this
 * interface only, so the client module (undici) can be loaded lazily on first use.
 */
import type { KeyInfo, VideoJob, VideoModel } from './schemas';
import type { WireVideoRequest } from './videoRequest';

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
  /** Each chunk is only valid until the next one is asked for (the client reads into reused memory): copy what you keep. */
  body: AsyncIterable<Uint8Array> & {
    destroy?(error?: Error): void;
    /**
     * Instead of iterating: hands every chunk to `onChunk`, in order, one call at a time; a chunk is valid during
     * the call or, when it returns a promise, until that settles. Resolves once all was handed over; rejects with
     * the transfer's error or with what `onChunk` threw. For a large body this is the cheapest way through (the
     * client's own reader calls it from its read callback).
     */
    each?(onChunk: (chunk: Uint8Array) => void | PromiseLike<void>): Promise<void>;
  };
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
  /** Opens the content stream. Sends the bearer only when `url` is on the API origin. */
  openContent(request: ContentRequest): Promise<ContentResponse>;
  getKeyInfo(options?: CallOptions): Promise<KeyInfo>;
  dispose(): Promise<void> | void;
}

/** Supplies the API key at call time; `undefined` means not signed in. */
export type KeyProvider = () => Promise<string | undefined> | string | undefined;

export interface VideoApiOptions {
  baseUrl?: string;
  keyProvider: KeyProvider;
  /** e.g. "openrouter-video-vscode/0.1.0 vscode/1.100.3" */
  userAgent: string;
  /** HTTP-Referer attribution. */
  referer?: string;
  title?: string;
  /** Per-attempt timeout for JSON calls, ms. */
  timeoutMs?: number;
  /** Time without progress on a content stream before it counts as stalled, ms. */
  bodyTimeoutMs?: number;
  /** Retries for reads. */
  maxRetries?: number;
  /** Models cache TTL, ms. */
  modelsTtlMs?: number;
  logger?: import('../shared/logger').Logger;
  /** undici Dispatcher override (tests: MockAgent). */
  dispatcher?: unknown;
  /**
   * HTTP(S) proxy for every call, video content included (e.g. "http://proxy:8080", credentials allowed in the
   * URL: they go to the proxy as Proxy-Authorization and are redacted from logs). https targets (and http ones)
   * are reached through a CONNECT tunnel, so the API key is never readable by the proxy over https.
   */
  proxyUrl?: string;
  /** NO_PROXY-style list (comma or space separated hosts, "host:port", ".suffix") that bypasses `proxyUrl`. */
  noProxy?: string;
}

export const DEFAULT_BASE_URL = 'https://openrouter.ai/api/v1';
