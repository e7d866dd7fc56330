/**
 * The OpenRouter video API over an injected fetch (the host's `globalThis.fetch` in the extension, so VS
 * Code's proxies and certificates apply): the calls, the models cache and the per-attempt deadline. Who may get
 * the key is `apiAccess.ts`'s; retries `retry.ts`'s; content answers `contentResponse.ts`'s; transport failures
 * `transportErrors.ts`'s. Every call to the API origin waits on the account's Retry-After gate first.
 */
import { aborted } from 'node:util';
import { systemClock, type Clock } from '../shared/clock';
import { nullLogger, type Logger } from '../shared/logger';
import { ApiAccess, JSON_ACCEPT, type Headers } from './apiAccess';
import { answerError, openContentResponse, readText } from './contentResponse';
import { cancelledError, OpenRouterError, throwIfAborted } from './errors';
import { RateLimitGate, readPolicy, RETRY_DEFAULTS, retrying, submitPolicy, type RetryPolicy, type RetrySettings } from './retry';
import {
  keyInfoSchema,
  parseWire,
  toVideoJob,
  videoJobSchema,
  videoModelsResponseSchema,
  type ApiCall,
  type KeyInfo,
  type VideoJob,
  type VideoModel,
} from './schemas';
import { toTransportError } from './transportErrors';
import type { CallOptions, ContentRequest, ContentResponse, VideoApi, VideoApiOptions } from './videoApi';
import type { WireVideoRequest } from './videoRequest';

const MAX_JSON_BYTES = 16 * 1024 * 1024;

export const CLIENT_DEFAULTS = {
  /** Per-attempt deadline for an answer (JSON: the whole body; content: the headers). */
  timeoutMs: 30_000,
  modelsTtlMs: 5 * 60_000,
} as const;

/** Knobs beyond the shared contract (tests). */
export interface ClientOptions extends VideoApiOptions {
  /** Base of the exponential back-off, ms. */
  retryBaseMs?: number;
  /** Cap of the exponential back-off, ms. */
  retryCapMs?: number;
  /** Longest Retry-After waited out inside a call, ms. */
  maxRetryAfterMs?: number;
  /** Source of randomness for the back-off's jitter, in [0, 1). */
  random?: () => number;
}

export function createVideoApi(options: ClientOptions): VideoApi {
  return new OpenRouterClient(options);
}

export class OpenRouterClient implements VideoApi {
  readonly baseUrl: string;
  private readonly access: ApiAccess;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly gate: RateLimitGate;
  private readonly timeoutMs: number;
  private readonly modelsTtlMs: number;
  private readonly retry: RetrySettings;
  /** Aborts everything in flight (bodies handed out included) when the client is disposed. */
  private readonly lifetime = new AbortController();
  private models: { at: number; value: VideoModel[] } | undefined;
  private modelsInFlight: Promise<VideoModel[]> | undefined;

  constructor(private readonly options: ClientOptions) {
    this.logger = options.logger ?? nullLogger;
    this.access = new ApiAccess(options.baseUrl, options, this.logger);
    this.baseUrl = this.access.baseUrl;
    this.clock = options.clock ?? systemClock;
    this.gate = options.gate ?? new RateLimitGate(this.clock);
    this.timeoutMs = positive(options.timeoutMs, CLIENT_DEFAULTS.timeoutMs);
    this.modelsTtlMs = Math.max(0, options.modelsTtlMs ?? CLIENT_DEFAULTS.modelsTtlMs);
    const baseMs = Math.max(0, options.retryBaseMs ?? RETRY_DEFAULTS.baseMs);
    this.retry = {
      maxRetries: Math.max(0, Math.floor(options.maxRetries ?? RETRY_DEFAULTS.maxRetries)),
      baseMs,
      capMs: Math.max(baseMs, options.retryCapMs ?? RETRY_DEFAULTS.capMs),
      maxRetryAfterMs: Math.max(0, options.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs),
      random: options.random ?? RETRY_DEFAULTS.random,
    };
  }

  async listModels(options: CallOptions & { refresh?: boolean } = {}): Promise<VideoModel[]> {
    this.throwIfClosed();
    throwIfAborted(options.signal);
    const cached = this.models;
    if (!options.refresh && cached && this.clock.now() - cached.at < this.modelsTtlMs) {
      return cached.value;
    }
    // Concurrent callers share one request. It runs under the client's lifetime, not under any one caller's
    // signal, so one caller giving up does not fail the others; each caller can still stop waiting.
    const shared = (this.modelsInFlight ??= this.fetchModels().finally(() => {
      this.modelsInFlight = undefined;
    }));
    const signal = options.signal;
    if (!signal) {
      return shared;
    }
    return Promise.race([
      shared,
      aborted(signal, shared).then(() => {
        throw cancelledError(signal.reason);
      }),
    ]);
  }

  async submit(body: WireVideoRequest, options: CallOptions = {}): Promise<VideoJob> {
    this.throwIfClosed();
    throwIfAborted(options.signal);
    const url = this.access.url('/videos');
    const headers = { ...this.access.headers(url, await this.access.requireKey(), JSON_ACCEPT), 'Content-Type': 'application/json' };
    const payload = JSON.stringify(body);
    // Never retried once the request may have reached the server: a second submit is a second bill.
    const json = await this.call('newJob', url, options.signal, submitPolicy, (signal) => this.exchange('newJob', 'POST', url, headers, payload, signal));
    return toVideoJob(parseWire(videoJobSchema(), json, 'newJob'));
  }

  async getJob(jobId: string, options: CallOptions & { pollingUrl?: string } = {}): Promise<VideoJob> {
    this.throwIfClosed();
    throwIfAborted(options.signal);
    const url = this.access.jobUrl(jobId, options.pollingUrl);
    const headers = this.access.headers(url, await this.access.requireKey(), JSON_ACCEPT);
    const json = await this.call('job', url, options.signal, readPolicy, (signal) => this.exchange('job', 'GET', url, headers, undefined, signal));
    return toVideoJob(parseWire(videoJobSchema(), json, 'job'));
  }

  contentUrl(jobId: string, index: number, unsignedUrls?: readonly string[]): string {
    const given = unsignedUrls?.[index];
    if (given) {
      try {
        return new URL(given, this.baseUrl).toString();
      } catch {
        this.logger.warn(this.access.redact(`Ignoring an invalid unsigned URL for job ${jobId} (index ${index}); using the content endpoint.`));
      }
    }
    const url = this.access.url(`/videos/${encodeURIComponent(jobId)}/content`);
    url.searchParams.set('index', String(index));
    return url.toString();
  }

  async openContent(request: ContentRequest): Promise<ContentResponse> {
    this.throwIfClosed();
    throwIfAborted(request.signal);
    let url: URL;
    try {
      url = new URL(request.url, this.baseUrl);
    } catch (cause) {
      throw new OpenRouterError('badRequest', 'contentUrlInvalid', { url: request.url }, { cause });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new OpenRouterError('insecure', 'contentUrlScheme', { scheme: url.protocol });
    }
    const offset = Math.max(0, Math.floor(request.offset ?? 0));
    // Retries cover getting the headers; a body that breaks later is the downloader's to resume.
    return this.call('video', url, request.signal, readPolicy, (signal) =>
      openContentResponse({
        fetch: this.options.fetch,
        url,
        offset,
        signal,
        apiOrigin: this.access.apiOrigin,
        headersFor: (hop) => this.access.contentHeaders(hop),
        logger: this.logger,
        redact: (text) => this.access.redact(text),
      }),
    );
  }

  async getKeyInfo(options: CallOptions = {}): Promise<KeyInfo> {
    this.throwIfClosed();
    throwIfAborted(options.signal);
    const url = this.access.url('/key');
    const headers = this.access.headers(url, await this.access.requireKey(), JSON_ACCEPT);
    const json = await this.call('keyInfo', url, options.signal, readPolicy, (signal) => this.exchange('keyInfo', 'GET', url, headers, undefined, signal));
    return parseWire(keyInfoSchema(), json, 'keyInfo').data;
  }

  /** Aborts every call and body in flight; later calls fail with `clientClosed`. */
  dispose(): void {
    if (!this.lifetime.signal.aborted) {
      this.lifetime.abort(new OpenRouterError('cancelled', 'clientClosed'));
      this.models = undefined;
    }
  }

  private async fetchModels(): Promise<VideoModel[]> {
    const url = this.access.url('/videos/models');
    // The models route needs no key; it gets one when there is one (harmless, and the spec asks for it).
    const headers = this.access.headers(url, await this.access.optionalKey(url), JSON_ACCEPT);
    const json = await this.call('models', url, undefined, readPolicy, (signal) => this.exchange('models', 'GET', url, headers, undefined, signal));
    const models = parseWire(videoModelsResponseSchema(), json, 'models').data;
    this.models = { at: this.clock.now(), value: models };
    return models;
  }

  /**
   * One call with its retries. Each attempt runs under the caller's signal, the client's lifetime and its own
   * deadline. The deadline covers what `attempt` awaits (a JSON answer in full; a content answer's headers), not
   * a body it hands out: that stays tied to the caller and the lifetime only.
   */
  private call<T>(what: ApiCall, url: URL, caller: AbortSignal | undefined, policy: RetryPolicy, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const sources = caller ? [caller, this.lifetime.signal] : [this.lifetime.signal];
    const where = `${url.origin}${url.pathname}`;
    return retrying(
      async () => {
        const deadline = AbortSignal.timeout(this.timeoutMs);
        const cutoff = new AbortController();
        const expire = () => cutoff.abort(deadline.reason);
        deadline.addEventListener('abort', expire, { once: true });
        try {
          return await attempt(AbortSignal.any([...sources, cutoff.signal]));
        } catch (error) {
          const mapped = toTransportError(error, { host: url.host, what, caller, lifetime: this.lifetime.signal, deadline, timeoutMs: this.timeoutMs });
          this.logger.debug(this.access.redact(`${what} ${where} failed: ${mapped.message}`));
          throw mapped;
        } finally {
          deadline.removeEventListener('abort', expire);
        }
      },
      {
        policy,
        settings: this.retry,
        signal: AbortSignal.any(sources),
        gate: url.origin === this.access.apiOrigin ? this.gate : undefined,
        logger: this.logger,
        label: `${what} (${where})`,
      },
    );
  }

  /** One JSON exchange: request, status, body and parse. */
  private async exchange(what: ApiCall, method: 'GET' | 'POST', url: URL, headers: Headers, body: string | undefined, signal: AbortSignal): Promise<unknown> {
    const started = Date.now();
    // No redirects: the bearer is pinned to this URL, and the API does not redirect its JSON routes.
    const res = await this.options.fetch(url, { method, headers, body, signal, redirect: 'manual' });
    this.logger.debug(this.access.redact(`${method} ${url.toString()} -> ${res.status} (${Date.now() - started} ms)`));
    if (res.status < 200 || res.status >= 300) {
      throw await answerError(res);
    }
    const text = await readText(res.body, MAX_JSON_BYTES);
    if (text === undefined) {
      throw new OpenRouterError('responseShape', 'responseTooLarge', { what, bytes: MAX_JSON_BYTES }, { field: '(body)', status: res.status });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      const contentType = res.headers.get('content-type') ?? undefined;
      throw new OpenRouterError('responseShape', 'responseNotJson', { what, status: res.status, contentType }, { field: '(body)', status: res.status, cause });
    }
  }

  private throwIfClosed(): void {
    if (this.lifetime.signal.aborted) {
      throw new OpenRouterError('cancelled', 'clientClosed');
    }
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
