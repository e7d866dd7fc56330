/**
 * The undici implementation of {@link VideoApi}. This is the only module that imports undici; it is
 * bundled on its own (dist/client.js) and loaded lazily on the first network call.
 *
 * Retry design (why a small loop here rather than undici's `RetryAgent` / `interceptors.retry`):
 * - undici's default retry caps a Retry-After at `maxTimeout` (so a server asking for 60 s with a 30 s
 *   cap gets called again after 30 s) and backs off without jitter; we want "at least Retry-After" and
 *   full jitter.
 * - With `throwOnError` (its default) the final failed response is replaced by a `RequestRetryError`
 *   without the body, so OpenRouter's message (which we must surface verbatim) is lost.
 * - Its back-off timer is a plain `setTimeout` that the caller's AbortSignal cannot cut short, and an
 *   abort that lands between attempts is only seen once the next attempt is under way.
 * - On a stream it resumes transparently with Range after a mid-body failure; the downloader owns
 *   resumption (it writes a partial file and reopens with `offset`), and content may only be retried
 *   before its body starts, so that behaviour would have to be disabled anyway.
 * - Submit needs a policy of its own (retry only when the server provably did not take the job).
 * So every call is one undici `request()` per attempt with its own deadline, and `retrying()` below
 * decides, per call type, whether and how long to wait, logging each retry.
 *
 * Proxies: with `proxyUrl`, every call (video content included) goes through undici's `ProxyAgent` (or, with
 * `noProxy`, an `EnvHttpProxyAgent` given explicit values, never the environment: the host decides). Targets are
 * reached through a CONNECT tunnel (undici's default, also for http targets), so the bearer travels inside the
 * tunnel, never in a request to the proxy; the proxy gets only Proxy-Authorization, from credentials in the URL.
 */
import { setMaxListeners } from 'node:events';
import { Agent, EnvHttpProxyAgent, ProxyAgent, request, type Dispatcher } from 'undici';
import { getStream, type StreamResponse } from './contentStream';
import { errorFromStatus, isRetryableRead, OpenRouterError, parseRetryAfter } from './errors';
import {
  errorEnvelopeSchema,
  keyInfoSchema,
  parseWire,
  toVideoJob,
  videoJobSchema,
  videoModelsResponseSchema,
  type KeyInfo,
  type VideoJob,
  type VideoModel,
} from './schemas';
import { DEFAULT_BASE_URL, type CallOptions, type ContentRequest, type ContentResponse, type VideoApi, type VideoApiOptions } from './videoApi';
import type { WireVideoRequest } from './videoRequest';
import { nullLogger, redact, type Logger } from '../shared/logger';

export { DEFAULT_BASE_URL };
export const DEFAULT_REFERER = 'https://github.com/openrouter-video/openrouter-video-vscode';
export const DEFAULT_TITLE = 'OpenRouter Video for VS Code';
export const ATTRIBUTION_CATEGORIES = 'ide-extension,video-gen';
export const JSON_ACCEPT = 'application/json';
export const VIDEO_ACCEPT = 'video/mp4, video/*;q=0.9, */*;q=0.1';

export const CLIENT_DEFAULTS = {
  timeoutMs: 30_000,
  bodyTimeoutMs: 60_000,
  /** Retries after the first attempt: 3 retries = at most 4 attempts. */
  maxRetries: 3,
  modelsTtlMs: 5 * 60_000,
  retryBaseMs: 500,
  retryCapMs: 30_000,
  /** A Retry-After longer than this is not waited out inside a call: the error (with retryAfterMs) goes to the caller. */
  maxRetryAfterMs: 120_000,
} as const;

const MAX_JSON_BYTES = 16 * 1024 * 1024;
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_REDIRECTS = 5;
const SET_API_KEY_HINT = 'Run "OpenRouter Video: Set API Key" to set your OpenRouter API key.';

/** Error codes that mean the request never reached the server (nothing was sent, nothing can have been billed). */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EAI_FAIL',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL_)/;

/** Extra knobs beyond the shared contract (tests and benchmarks). */
export interface OpenRouterClientOptions extends VideoApiOptions {
  /** Base of the exponential back-off, ms (default 500). */
  retryBaseMs?: number;
  /** Cap of the exponential back-off, ms (default 30 000). */
  retryCapMs?: number;
  /** Longest Retry-After waited out inside a call, ms (default 120 000). */
  maxRetryAfterMs?: number;
  /** Source of randomness for jitter, in [0, 1). */
  random?: () => number;
}

type Headers = Record<string, string>;
type IncomingHeaders = Record<string, string | string[] | undefined>;
/** A response body: undici's, or contentStream's (whose chunks are only valid until the next one is read). */
type ResponseBody = Dispatcher.ResponseData['body'] | StreamResponse['body'];

interface Operation {
  /** For parseWire: "OpenRouter sent <noun> in an unexpected shape". */
  noun: string;
  /** For transport errors: "… while <doing>". */
  doing: string;
}

const OP = {
  models: { noun: 'the models list', doing: 'listing video models' },
  submit: { noun: 'the new job', doing: 'submitting the job' },
  poll: { noun: 'the job status', doing: 'checking the job' },
  content: { noun: 'the video', doing: 'downloading the video' },
  key: { noun: 'the key info', doing: 'reading the key info' },
} as const satisfies Record<string, Operation>;

type RetryPolicy = (error: OpenRouterError, retry: number) => number | undefined;

export function createVideoApi(options: VideoApiOptions | OpenRouterClientOptions): VideoApi {
  return new OpenRouterClient(options);
}

export class OpenRouterClient implements VideoApi {
  readonly baseUrl: string;
  private readonly apiOrigin: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownAgent: Dispatcher | undefined;
  /** Our own direct Agent (no proxy, nothing injected): content bodies may use contentStream.ts. */
  private readonly direct: boolean;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly bodyTimeoutMs: number;
  private readonly maxRetries: number;
  private readonly modelsTtlMs: number;
  private readonly retryBaseMs: number;
  private readonly retryCapMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly random: () => number;
  private readonly lifetime = new AbortController();
  private models: { at: number; value: VideoModel[] } | undefined;
  private modelsInFlight: Promise<VideoModel[]> | undefined;
  private disposed = false;
  /**
   * Rate limits are per account (the key), not per call: after a 429 with Retry-After, no request goes to the
   * API origin before this time (Date.now() ms), whichever call makes it. Without this, the call that got the
   * 429 waits while every other call (the poller's other jobs) keeps asking.
   */
  private rateLimitedUntil = 0;
  /** Keys seen, so log lines can be redacted even if a key were to slip into a message. */
  private readonly secrets = new Set<string>();

  constructor(private readonly options: OpenRouterClientOptions) {
    const base = (options.baseUrl ?? DEFAULT_BASE_URL).trim().replace(/\/+$/, '');
    let parsed: URL;
    try {
      parsed = new URL(base);
    } catch (cause) {
      throw new OpenRouterError('badRequest', `The OpenRouter base URL "${base}" is not a valid URL; fix the setting.`, { cause });
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new OpenRouterError('insecure', `The OpenRouter base URL "${base}" must use https.`);
    }
    this.baseUrl = base;
    this.apiOrigin = parsed.origin;
    this.logger = options.logger ?? nullLogger;
    this.timeoutMs = positive(options.timeoutMs, CLIENT_DEFAULTS.timeoutMs);
    this.bodyTimeoutMs = positive(options.bodyTimeoutMs, CLIENT_DEFAULTS.bodyTimeoutMs);
    this.maxRetries = Math.max(0, Math.floor(options.maxRetries ?? CLIENT_DEFAULTS.maxRetries));
    this.modelsTtlMs = Math.max(0, options.modelsTtlMs ?? CLIENT_DEFAULTS.modelsTtlMs);
    this.retryBaseMs = Math.max(0, options.retryBaseMs ?? CLIENT_DEFAULTS.retryBaseMs);
    this.retryCapMs = Math.max(this.retryBaseMs, options.retryCapMs ?? CLIENT_DEFAULTS.retryCapMs);
    this.maxRetryAfterMs = Math.max(0, options.maxRetryAfterMs ?? CLIENT_DEFAULTS.maxRetryAfterMs);
    this.random = options.random ?? Math.random;
    const proxyUrl = options.proxyUrl?.trim();
    if (options.dispatcher) {
      this.dispatcher = options.dispatcher as Dispatcher;
      this.ownAgent = undefined;
      this.direct = false;
    } else {
      const agentOptions = {
        connect: { timeout: Math.min(this.timeoutMs, 30_000) },
        keepAliveTimeout: 10_000,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.bodyTimeoutMs,
      };
      if (proxyUrl) {
        const proxy = parseProxyUrl(proxyUrl);
        const noProxy = options.noProxy?.trim();
        this.ownAgent = noProxy
          ? new EnvHttpProxyAgent({ ...agentOptions, httpProxy: proxy.href, httpsProxy: proxy.href, noProxy })
          : new ProxyAgent({ ...agentOptions, uri: proxy.href });
        this.logger.debug(redact(`Using the proxy ${proxy.href}${noProxy ? ` (not for: ${noProxy})` : ''}`));
      } else {
        this.ownAgent = new Agent(agentOptions);
      }
      this.dispatcher = this.ownAgent;
      this.direct = !proxyUrl;
    }
    // Every in-flight request listens on this signal; many concurrent polls/downloads are normal.
    setMaxListeners(1000, this.lifetime.signal);
  }

  // ---------------------------------------------------------------------------------------------
  // VideoApi

  async listModels(options: CallOptions & { refresh?: boolean } = {}): Promise<VideoModel[]> {
    this.throwIfDisposed();
    throwIfAborted(options.signal);
    const cached = this.models;
    if (!options.refresh && cached && Date.now() - cached.at < this.modelsTtlMs) {
      return cached.value;
    }
    // Concurrent callers share one request. It runs under the client's lifetime, not under any one
    // caller's signal, so one caller giving up does not fail the others; each caller can still stop waiting.
    let shared = this.modelsInFlight;
    if (!shared) {
      shared = this.fetchModels().finally(() => {
        this.modelsInFlight = undefined;
      });
      this.modelsInFlight = shared;
    }
    return raceAbort(shared, options.signal);
  }

  async submit(body: WireVideoRequest, options: CallOptions = {}): Promise<VideoJob> {
    this.throwIfDisposed();
    throwIfAborted(options.signal);
    const key = await this.requireKey();
    const url = this.apiUrl('/videos');
    const headers = this.apiHeaders(url, key, JSON_ACCEPT);
    headers['Content-Type'] = 'application/json';
    const payload = JSON.stringify(body);
    // Never retried once the request may have reached the server: a duplicate submit is a second bill.
    const json = await this.retrying(OP.submit, options.signal, this.submitPolicy, () =>
      this.jsonAttempt('POST', url, headers, payload, options.signal, OP.submit),
    );
    return toVideoJob(parseWire(videoJobSchema, json.body, OP.submit.noun));
  }

  async getJob(jobId: string, options: CallOptions & { pollingUrl?: string } = {}): Promise<VideoJob> {
    this.throwIfDisposed();
    throwIfAborted(options.signal);
    let url: URL;
    if (options.pollingUrl) {
      try {
        url = new URL(options.pollingUrl, this.baseUrl);
      } catch (cause) {
        throw new OpenRouterError('responseShape', `OpenRouter sent a polling URL that is not a valid URL ("${options.pollingUrl}").`, {
          field: 'polling_url',
          cause,
        });
      }
      if (url.origin !== this.apiOrigin) {
        throw new OpenRouterError(
          'insecure',
          `Refusing to poll ${url.origin}: the job's polling URL is not on the OpenRouter API origin (${this.apiOrigin}), and following it would send your API key there.`,
        );
      }
    } else {
      if (!jobId) {
        throw new OpenRouterError('badRequest', 'No job id given; cannot check the job.');
      }
      url = this.apiUrl(`/videos/${encodeURIComponent(jobId)}`);
    }
    const key = await this.requireKey();
    const headers = this.apiHeaders(url, key, JSON_ACCEPT);
    const json = await this.retrying(OP.poll, options.signal, this.readPolicy, () =>
      this.jsonAttempt('GET', url, headers, undefined, options.signal, OP.poll),
    );
    return toVideoJob(parseWire(videoJobSchema, json.body, OP.poll.noun));
  }

  contentUrl(jobId: string, index: number, unsignedUrls?: readonly string[]): string {
    const given = unsignedUrls?.[index];
    if (given) {
      try {
        return new URL(given, this.baseUrl).toString();
      } catch {
        this.logger.warn(this.redact(`Ignoring an invalid unsigned URL for job ${jobId} (index ${index}); using the content endpoint.`));
      }
    }
    const url = this.apiUrl(`/videos/${encodeURIComponent(jobId)}/content`);
    url.searchParams.set('index', String(index));
    return url.toString();
  }

  async openContent(req: ContentRequest): Promise<ContentResponse> {
    this.throwIfDisposed();
    throwIfAborted(req.signal);
    let url: URL;
    try {
      url = new URL(req.url, this.baseUrl);
    } catch (cause) {
      throw new OpenRouterError('badRequest', `The video URL "${req.url}" is not a valid URL.`, { cause });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new OpenRouterError('insecure', `Refusing to download from a ${url.protocol} URL; only http(s) is supported.`);
    }
    const offset = Math.max(0, Math.floor(req.offset ?? 0));
    // Retries only cover getting the response headers; once the body is handed out, the downloader
    // resumes (with `offset`) if the stream breaks.
    return this.retrying(OP.content, req.signal, this.readPolicy, () => this.contentAttempt(url, offset, req.signal), url.origin === this.apiOrigin);
  }

  async getKeyInfo(options: CallOptions = {}): Promise<KeyInfo> {
    this.throwIfDisposed();
    throwIfAborted(options.signal);
    const key = await this.requireKey();
    const url = this.apiUrl('/key');
    const headers = this.apiHeaders(url, key, JSON_ACCEPT);
    const json = await this.retrying(OP.key, options.signal, this.readPolicy, () =>
      this.jsonAttempt('GET', url, headers, undefined, options.signal, OP.key),
    );
    return parseWire(keyInfoSchema, json.body, OP.key.noun).data;
  }

  async dispose(): Promise<void> {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.lifetime.abort(new OpenRouterError('cancelled', 'The OpenRouter client was shut down.'));
    this.models = undefined;
    if (this.ownAgent) {
      try {
        await this.ownAgent.destroy();
      } catch (error) {
        this.logger.debug(this.redact(`Closing the HTTP agent failed: ${describe(error)}`));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Calls

  private async fetchModels(): Promise<VideoModel[]> {
    const key = await this.optionalKey();
    const url = this.apiUrl('/videos/models');
    // The models route needs no auth; send the bearer when we have one (harmless, and the spec asks for
    // it), unless that would put it on plain http off loopback.
    const safe = url.protocol === 'https:' || isLoopback(url.hostname);
    const headers = this.apiHeaders(url, safe ? key : undefined, JSON_ACCEPT);
    const json = await this.retrying(OP.models, undefined, this.readPolicy, () =>
      this.jsonAttempt('GET', url, headers, undefined, undefined, OP.models),
    );
    const models = parseWire(videoModelsResponseSchema, json.body, OP.models.noun).data;
    this.models = { at: Date.now(), value: models };
    return models;
  }

  /** One JSON exchange: request, status check, body read and JSON parse, all under one deadline. */
  private async jsonAttempt(
    method: 'GET' | 'POST',
    url: URL,
    headers: Headers,
    body: string | undefined,
    signal: AbortSignal | undefined,
    op: Operation,
  ): Promise<{ status: number; body: unknown }> {
    const scope = new AttemptScope(signal, this.lifetime.signal, this.timeoutMs);
    const started = Date.now();
    try {
      const res = await request(url, {
        dispatcher: this.dispatcher,
        method,
        headers,
        body,
        signal: scope.signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      this.logger.debug(this.redact(`${method} ${url.toString()} -> ${res.statusCode} (${Date.now() - started} ms)`));
      if (res.statusCode < 200 || res.statusCode >= 300) {
        throw await this.statusError(res.statusCode, res.headers, res.body);
      }
      const text = await readText(res.body, MAX_JSON_BYTES);
      if (text === undefined) {
        throw new OpenRouterError('responseShape', `OpenRouter sent ${op.noun} larger than ${MAX_JSON_BYTES} bytes; try again.`, {
          field: '(body)',
          status: res.statusCode,
        });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (cause) {
        const type = header(res.headers, 'content-type') ?? 'no content type';
        throw new OpenRouterError(
          'responseShape',
          `OpenRouter sent ${op.noun} that is not JSON (HTTP ${res.statusCode}, ${type}). Try again; if it keeps happening, check the base URL setting.`,
          { field: '(body)', status: res.statusCode, cause },
        );
      }
      return { status: res.statusCode, body: parsed };
    } catch (error) {
      const mapped = scope.toError(error, op, url);
      this.logger.debug(this.redact(`${method} ${url.toString()} failed after ${Date.now() - started} ms: ${mapped.kind}: ${mapped.message}`));
      throw mapped;
    } finally {
      scope.dispose();
    }
  }

  /** Gets the headers of a content response (following redirects); the body is streamed, not buffered. */
  private async contentAttempt(start: URL, offset: number, signal: AbortSignal | undefined): Promise<ContentResponse> {
    let url = start;
    for (let redirects = 0; ; redirects++) {
      const onApi = url.origin === this.apiOrigin;
      let headers: Headers;
      if (onApi) {
        headers = this.apiHeaders(url, await this.requireKey(), VIDEO_ACCEPT);
      } else {
        // Storage/CDN origin: no bearer, no attribution.
        headers = { 'User-Agent': this.options.userAgent, Accept: VIDEO_ACCEPT };
      }
      if (offset > 0) {
        headers['Range'] = `bytes=${offset}-`;
      }
      // The deadline covers the wait for headers; after that the body is watched by bodyTimeout (stalls).
      const scope = new AttemptScope(signal, this.lifetime.signal, this.timeoutMs, this.bodyTimeoutMs);
      const started = Date.now();
      let handedOff = false;
      try {
        // The body is read into reused buffers (contentStream.ts: flat memory and curl-like throughput for
        // large videos). That is for direct connections only: contentStream.ts speaks to the origin itself and
        // knows no proxy, so through a proxy (and with an injected dispatcher, e.g. MockAgent) undici serves the
        // body, and contentStream's memory note does not apply.
        const res = this.direct
          ? await getStream(url, { headers, signal: scope.signal, bodyTimeoutMs: this.bodyTimeoutMs })
          : await request(url, {
              dispatcher: this.dispatcher,
              method: 'GET',
              headers,
              signal: scope.signal,
              headersTimeout: this.timeoutMs,
              bodyTimeout: this.bodyTimeoutMs,
            });
        this.logger.debug(
          this.redact(`GET ${url.toString()}${offset > 0 ? ` (from byte ${offset})` : ''} -> ${res.statusCode} (${Date.now() - started} ms)`),
        );
        const location = header(res.headers, 'location');
        if (res.statusCode >= 300 && res.statusCode < 400 && location && res.statusCode !== 304) {
          res.body.destroy();
          if (redirects >= MAX_REDIRECTS) {
            throw new OpenRouterError('server', `The video download was redirected more than ${MAX_REDIRECTS} times; try again later.`, {
              status: res.statusCode,
            });
          }
          const next = new URL(location, url);
          if (next.protocol !== 'https:' && next.protocol !== 'http:') {
            throw new OpenRouterError('insecure', `Refusing to follow a redirect to a ${next.protocol} URL.`);
          }
          this.logger.debug(this.redact(`Following a redirect to ${next.origin}${next.origin === this.apiOrigin ? '' : ' (no key sent)'}`));
          url = next;
          continue;
        }
        if (res.statusCode < 200 || res.statusCode >= 300) {
          const error = await this.statusError(res.statusCode, res.headers, res.body);
          if (!onApi && (res.statusCode === 401 || res.statusCode === 403)) {
            // Not about the API key, which never goes off the API origin: a storage/CDN link (an unsigned_urls
            // entry, or where the content endpoint redirected) was refused, most likely because it expired.
            throw new OpenRouterError(
              'notFound',
              `The download link was refused by ${url.host} (HTTP ${res.statusCode}); it may have expired. Nothing was saved. ` +
                'Run Download Again from the Jobs view: it asks OpenRouter for the video again.',
              { status: res.statusCode, serverMessage: error.serverMessage },
            );
          }
          throw error;
        }
        const contentType = header(res.headers, 'content-type');
        if (contentType && /(^|\/|\+)(json)\b|^text\/html\b/i.test(contentType)) {
          const text = await readText(res.body, 4096, true);
          const message = envelopeMessage(text);
          throw new OpenRouterError(
            'badContent',
            `OpenRouter answered the download with ${contentType} instead of a video${message ? ` ("${message}")` : ''}. Try again later.`,
            { status: res.statusCode, serverMessage: message },
          );
        }
        const contentLength = toInt(header(res.headers, 'content-length'));
        let totalLength = res.statusCode === 200 ? contentLength : undefined;
        let rangeStart: number | undefined;
        if (res.statusCode === 206) {
          // Reported, not judged: the downloader restarts without Range when the start is not `offset`.
          const range = parseContentRange(header(res.headers, 'content-range'));
          rangeStart = range?.start;
          totalLength = range?.total;
        }
        const acceptRanges = res.statusCode === 206 || /\bbytes\b/i.test(header(res.headers, 'accept-ranges') ?? '');
        scope.clearDeadline();
        handedOff = true;
        const response: ContentResponse & { rangeStart?: number } = {
          statusCode: res.statusCode,
          contentType,
          contentLength,
          totalLength,
          acceptRanges,
          body: wrapBody(res.body, scope, (error) => scope.toError(error, OP.content, url, true)),
        };
        if (rangeStart !== undefined) {
          // Not (yet) in the ContentResponse contract; the downloader reads it when present.
          response.rangeStart = rangeStart;
        }
        return response;
      } catch (error) {
        const mapped = scope.toError(error, OP.content, url);
        this.logger.debug(this.redact(`GET ${url.toString()} failed after ${Date.now() - started} ms: ${mapped.kind}: ${mapped.message}`));
        throw mapped;
      } finally {
        if (!handedOff) {
          scope.dispose();
        }
      }
    }
  }

  /** Reads the (small) error envelope of a failed response and maps the status to a typed error. */
  private async statusError(status: number, headers: IncomingHeaders, body: ResponseBody): Promise<OpenRouterError> {
    let text: string | undefined;
    try {
      text = await readText(body, MAX_ERROR_BODY_BYTES, true);
    } catch {
      text = undefined;
    }
    const message = envelopeMessage(text);
    const retryAfterMs = parseRetryAfter(headers['retry-after']);
    return errorFromStatus(status, message, retryAfterMs);
  }

  // ---------------------------------------------------------------------------------------------
  // Retries

  private readonly readPolicy: RetryPolicy = (error, retry) => {
    if (!isRetryableRead(error)) {
      return undefined;
    }
    return this.backoff(retry, error.retryAfterMs);
  };

  /** Submit is retried only when the server provably did not take the job. */
  private readonly submitPolicy: RetryPolicy = (error, retry) => {
    if (error.kind === 'rateLimited' && error.retryAfterMs !== undefined) {
      return this.backoff(retry, error.retryAfterMs);
    }
    if (error.notSent && (error.kind === 'network' || error.kind === 'timeout') && !isTlsError(error.cause)) {
      return this.backoff(retry, undefined);
    }
    return undefined;
  };

  /** Full-jitter exponential back-off; never shorter than Retry-After; undefined = do not wait (too long). */
  private backoff(retry: number, retryAfterMs: number | undefined): number | undefined {
    const ceiling = Math.min(this.retryCapMs, this.retryBaseMs * 2 ** retry);
    const jittered = Math.floor(this.random() * ceiling);
    if (retryAfterMs === undefined) {
      return jittered;
    }
    if (retryAfterMs > this.maxRetryAfterMs) {
      return undefined;
    }
    return Math.max(retryAfterMs, jittered);
  }

  /** `gated`: the call goes to the API origin, so it waits out (and records) the account's Retry-After. */
  private async retrying<T>(
    op: Operation,
    signal: AbortSignal | undefined,
    policy: RetryPolicy,
    attempt: () => Promise<T>,
    gated = true,
  ): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        if (gated) {
          await this.waitOutRateLimit(op, signal);
        }
        return await attempt();
      } catch (error) {
        const failure = OpenRouterError.is(error) ? error : new OpenRouterError('network', `Failed while ${op.doing}: ${describe(error)}`, { cause: error });
        if (gated && failure.kind === 'rateLimited' && failure.retryAfterMs !== undefined && failure.retryAfterMs > 0) {
          this.rateLimitedUntil = Math.max(this.rateLimitedUntil, Date.now() + failure.retryAfterMs);
        }
        if (failure.kind === 'cancelled' || retry >= this.maxRetries) {
          throw failure;
        }
        const wait = policy(failure, retry);
        if (wait === undefined) {
          throw failure;
        }
        this.logger.info(
          this.redact(`Retrying (${retry + 1}/${this.maxRetries}) ${op.doing} in ${wait} ms after ${failure.kind}${failure.status ? ` ${failure.status}` : ''}.`),
        );
        try {
          await sleep(wait, [signal, this.lifetime.signal]);
        } catch {
          throw cancelledError(signal, this.lifetime.signal);
        }
      }
    }
  }

  /**
   * Waits until a Retry-After seen by any call has passed. A wait longer than `maxRetryAfterMs` is not made
   * here: the call fails at once (nothing sent) with the time left, like the 429 itself would.
   */
  private async waitOutRateLimit(op: Operation, signal: AbortSignal | undefined): Promise<void> {
    const wait = this.rateLimitedUntil - Date.now();
    if (wait <= 0) {
      return;
    }
    if (wait > this.maxRetryAfterMs) {
      throw errorFromStatus(429, undefined, wait);
    }
    this.logger.debug(this.redact(`Waiting ${wait} ms before ${op.doing}: OpenRouter asked this account to wait (Retry-After).`));
    try {
      await sleep(wait, [signal, this.lifetime.signal]);
    } catch {
      throw cancelledError(signal, this.lifetime.signal);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Keys, URLs and headers

  private async readKey(): Promise<string | undefined> {
    const raw = await this.options.keyProvider();
    const key = raw?.trim();
    if (key) {
      this.secrets.add(key);
      return key;
    }
    return undefined;
  }

  private async requireKey(): Promise<string> {
    let key: string | undefined;
    try {
      key = await this.readKey();
    } catch (cause) {
      throw new OpenRouterError('auth', `Could not read the OpenRouter API key. ${SET_API_KEY_HINT}`, { cause });
    }
    if (!key) {
      throw new OpenRouterError('auth', `No OpenRouter API key is set. ${SET_API_KEY_HINT}`);
    }
    return key;
  }

  private async optionalKey(): Promise<string | undefined> {
    try {
      return await this.readKey();
    } catch (error) {
      this.logger.debug(this.redact(`Could not read the API key; continuing without it: ${describe(error)}`));
      return undefined;
    }
  }

  private apiUrl(path: string): URL {
    return new URL(this.baseUrl + path);
  }

  /** Headers for a call to the API origin. The bearer is attached only here. */
  private apiHeaders(url: URL, key: string | undefined, accept: string): Headers {
    if (url.origin !== this.apiOrigin) {
      throw new OpenRouterError('insecure', `Refusing to send the API key to ${url.origin}; it is not the OpenRouter API origin.`);
    }
    const headers: Headers = {
      'User-Agent': this.options.userAgent,
      Accept: accept,
      'HTTP-Referer': this.options.referer ?? DEFAULT_REFERER,
      'X-OpenRouter-Title': this.options.title ?? DEFAULT_TITLE,
      'X-OpenRouter-Categories': ATTRIBUTION_CATEGORIES,
    };
    if (key !== undefined) {
      if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
        throw new OpenRouterError(
          'insecure',
          `Refusing to send the API key over plain http to ${url.host}; use an https base URL.`,
        );
      }
      headers['Authorization'] = `Bearer ${key}`;
    }
    return headers;
  }

  private redact(text: string): string {
    return redact(text, [...this.secrets]);
  }

  private throwIfDisposed(): void {
    if (this.disposed) {
      throw new OpenRouterError('cancelled', 'The OpenRouter client was shut down.');
    }
  }
}

// -----------------------------------------------------------------------------------------------
// Attempt scope: one deadline + the caller's and the client's abort signals, for one undici request.

class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

class AttemptScope {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private readonly detach: () => void;

  constructor(
    private readonly caller: AbortSignal | undefined,
    private readonly lifetime: AbortSignal,
    private readonly timeoutMs: number,
    private readonly stallMs: number = timeoutMs,
  ) {
    const forward = (source: AbortSignal) => () => this.controller.abort(source.reason);
    const onCaller = caller ? forward(caller) : undefined;
    const onLifetime = forward(lifetime);
    if (caller?.aborted) {
      this.controller.abort(caller.reason);
    } else if (lifetime.aborted) {
      this.controller.abort(lifetime.reason);
    }
    if (caller && onCaller) {
      caller.addEventListener('abort', onCaller, { once: true });
    }
    lifetime.addEventListener('abort', onLifetime, { once: true });
    this.detach = () => {
      if (caller && onCaller) {
        caller.removeEventListener('abort', onCaller);
      }
      lifetime.removeEventListener('abort', onLifetime);
    };
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new DeadlineExceeded(`No answer within ${timeoutMs} ms`));
    }, timeoutMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  clearDeadline(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  dispose(): void {
    this.clearDeadline();
    this.detach();
  }

  /** Maps whatever undici (or we) threw to a typed error. `streaming`: the failure happened mid-body. */
  toError(error: unknown, op: Operation, url: URL, streaming = false): OpenRouterError {
    if (OpenRouterError.is(error) && error.kind !== 'cancelled') {
      return error;
    }
    if (this.caller?.aborted || this.lifetime.aborted) {
      return cancelledError(this.caller, this.lifetime, error);
    }
    const code = errorCode(error);
    if (this.timedOut || (code !== undefined && TIMEOUT_CODES.has(code))) {
      const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
      let message: string;
      if (streaming && code === 'UND_ERR_BODY_TIMEOUT') {
        message = `The download from ${url.host} stalled (no data for ${seconds(this.stallMs)}); try again.`;
      } else if (code === 'UND_ERR_CONNECT_TIMEOUT') {
        message = `Timed out connecting to ${url.host} while ${op.doing}; check your connection and try again.`;
      } else {
        message = `${url.host} did not answer within ${seconds(this.timeoutMs)} while ${op.doing}; try again.`;
      }
      return new OpenRouterError('timeout', message, { cause: error, notSent: code === 'UND_ERR_CONNECT_TIMEOUT' });
    }
    if (OpenRouterError.is(error)) {
      return error;
    }
    const proxyStatus = proxyRefusal(error);
    if (proxyStatus !== undefined) {
      // The CONNECT (or the proxied request) was refused by the proxy: nothing reached OpenRouter.
      const why = proxyStatus === 407 ? ': it asks for credentials (http://user:password@host:port)' : '';
      return new OpenRouterError(
        'network',
        `The proxy refused the connection to ${url.host} (HTTP ${proxyStatus}${why}); check the http.proxy setting or HTTPS_PROXY.`,
        { cause: error, notSent: true },
      );
    }
    const notSent = code !== undefined && NOT_SENT_CODES.has(code);
    if (isTlsError(error)) {
      return new OpenRouterError('network', `A secure connection to ${url.host} could not be set up (${code}); check proxies or certificates.`, {
        cause: error,
        notSent: true,
      });
    }
    const detail = code ?? describe(error);
    const message = notSent
      ? `Could not reach ${url.host} while ${op.doing} (${detail}); check your connection and try again.`
      : streaming
        ? `The connection to ${url.host} broke during the download (${detail}); try again.`
        : `The connection to ${url.host} failed while ${op.doing} (${detail}); try again.`;
    return new OpenRouterError('network', message, { cause: error, notSent });
  }
}

// -----------------------------------------------------------------------------------------------
// Helpers

function wrapBody(
  raw: ResponseBody,
  scope: AttemptScope,
  mapError: (error: unknown) => OpenRouterError,
): ContentResponse['body'] {
  let stoppedBy: { error: Error | undefined } | undefined;
  async function* iterate(): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      for await (const chunk of raw) {
        yield chunk as Uint8Array;
      }
    } catch (error) {
      if (stoppedBy) {
        throw stoppedBy.error ?? new OpenRouterError('cancelled', 'The download was stopped.', { cause: error });
      }
      throw mapError(error);
    } finally {
      scope.dispose();
    }
  }
  const generator = iterate();
  return Object.assign(generator, {
    destroy(error?: Error): void {
      stoppedBy = { error };
      raw.destroy(error);
      scope.dispose();
    },
    async each(onChunk: (chunk: Uint8Array) => void | PromiseLike<void>): Promise<void> {
      if (!('each' in raw)) {
        // undici's body (proxy, injected dispatcher): the same through the iterator.
        for await (const chunk of generator) {
          const written = onChunk(chunk);
          if (written !== undefined) await written;
        }
        return;
      }
      // contentStream: straight from its read callback, no generator in between. What onChunk throws (a disk
      // error, a refused body) comes back as it is; transfer errors are mapped like the iterator's.
      try {
        await raw.each(onChunk, (error) =>
          stoppedBy ? (stoppedBy.error ?? new OpenRouterError('cancelled', 'The download was stopped.', { cause: error })) : mapError(error),
        );
      } finally {
        scope.dispose();
      }
    },
  });
}

/** Reads a body as text, up to `limit` bytes. Over the limit: undefined, or the prefix if `truncate`. */
async function readText(body: ResponseBody, limit: number, truncate = false): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    // A copy: a contentStream chunk is only valid until the next one is read.
    const buf = Buffer.from(chunk as Uint8Array);
    size += buf.length;
    if (size > limit) {
      body.destroy();
      if (!truncate) {
        return undefined;
      }
      chunks.push(buf.subarray(0, buf.length - (size - limit)));
      break;
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function envelopeMessage(text: string | undefined): string | undefined {
  if (!text) {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = errorEnvelopeSchema.safeParse(json);
  const message = parsed.success ? parsed.data.error.message : undefined;
  return message && message.trim() !== '' ? message : undefined;
}

function header(headers: IncomingHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function toInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) {
    return undefined;
  }
  return Number(value);
}

export function parseContentRange(value: string | undefined): { start: number; end: number; total: number | undefined } | undefined {
  const match = value ? /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value) : null;
  if (!match) {
    return undefined;
  }
  return { start: Number(match[1]), end: Number(match[2]), total: match[3] === '*' ? undefined : Number(match[3]) };
}

function errorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_ABORTED' && code !== 'ABORT_ERR') {
      return code;
    }
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested) && nested.length > 0) {
      current = nested[0];
      continue;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The status a proxy refused a tunnel (or a proxied request) with, from undici's error message. */
function proxyRefusal(error: unknown): number | undefined {
  const match = /^Proxy (?:response \((\d{3})\) !== 200|Authentication Required \((407)\))/.exec(error instanceof Error ? error.message : '');
  return match ? Number(match[1] ?? match[2]) : undefined;
}

function isTlsError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && TLS_CODE.test(code);
}

function cancelledError(caller: AbortSignal | undefined, lifetime: AbortSignal, cause?: unknown): OpenRouterError {
  if (!caller?.aborted && lifetime.aborted && OpenRouterError.is(lifetime.reason)) {
    return lifetime.reason;
  }
  return new OpenRouterError('cancelled', 'Cancelled.', { cause: cause ?? caller?.reason });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new OpenRouterError('cancelled', 'Cancelled.', { cause: signal.reason });
  }
}

/** Waits for a shared promise, but lets this caller stop waiting when its signal aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) {
    return promise;
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new OpenRouterError('cancelled', 'Cancelled.', { cause: signal.reason }));
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function sleep(ms: number, signals: readonly (AbortSignal | undefined)[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const live = signals.filter((s): s is AbortSignal => s !== undefined);
    if (live.some((s) => s.aborted)) {
      reject(new Error('aborted'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      for (const s of live) s.removeEventListener('abort', onAbort);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      for (const s of live) s.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    for (const s of live) s.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Checks a proxy URL; without a scheme ("proxy:8080", as curl accepts in HTTPS_PROXY) it is http. Errors never
 * show credentials (and carry no `cause`, whose message would repeat the URL).
 */
function parseProxyUrl(value: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  const shown = redact(withScheme).replace(/^[^/]*@/, '[redacted]@');
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new OpenRouterError('badRequest', `The proxy URL "${shown}" is not a valid URL (expected e.g. http://proxy:8080); fix the http.proxy setting or HTTPS_PROXY.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OpenRouterError('badRequest', `The proxy URL "${shown}" must start with http:// or https://; fix the http.proxy setting or HTTPS_PROXY.`);
  }
  return url;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\./.test(hostname);
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}
