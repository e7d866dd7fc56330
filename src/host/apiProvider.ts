import vscode = require('vscode');
import { createVideoApi } from '../core/api/client';
import type { RateLimitGate } from '../core/api/retry';
import type { KeyInfo, VideoJob, VideoModel } from '../core/api/schemas';
import type { CallOptions, ContentRequest, ContentResponse, FetchFn, VideoApi } from '../core/api/videoApi';
import type { WireVideoRequest } from '../core/api/videoRequest';
import { systemClock, type Clock } from '../core/shared/clock';
import type { Logger } from '../core/shared/logger';
import type { Credentials } from './credentials';
import { hostError } from './errorMessages';
import { checkApiBaseUrl, readSettings } from './settings';

/** The extension host's fetch, looked up at each call (the host patches it with its network stack). */
const hostFetch: FetchFn = (input, init) => globalThis.fetch(input, init);

/**
 * The API as the rest of the extension sees it: every call goes to a client for the configured base URL, made
 * on first use over the host's `globalThis.fetch` (VS Code's network stack: `http.proxy`, PAC and system
 * proxies, proxy authorization, system certificates), with the stored key and the account's shared Retry-After
 * gate. A new client is made when the base URL changes; an unsafe base URL fails every call.
 */
export class ApiProvider implements VideoApi, vscode.Disposable {
  private current: { baseUrl: string; api: VideoApi } | undefined;

  constructor(
    private readonly credentials: Credentials,
    private readonly logger: Logger,
    private readonly userAgent: string,
    private readonly gate: RateLimitGate,
    private readonly clock: Clock = systemClock,
  ) {}

  get baseUrl(): string {
    return readSettings().apiBaseUrl;
  }

  async listModels(options?: CallOptions & { refresh?: boolean }): Promise<VideoModel[]> {
    return this.client().listModels(options);
  }

  async submit(body: WireVideoRequest, options?: CallOptions): Promise<VideoJob> {
    return this.client().submit(body, options);
  }

  async getJob(jobId: string, options?: CallOptions & { pollingUrl?: string }): Promise<VideoJob> {
    return this.client().getJob(jobId, options);
  }

  contentUrl(jobId: string, index: number, unsignedUrls?: readonly string[]): string {
    return this.client().contentUrl(jobId, index, unsignedUrls);
  }

  async openContent(request: ContentRequest): Promise<ContentResponse> {
    return this.client().openContent(request);
  }

  async getKeyInfo(options?: CallOptions): Promise<KeyInfo> {
    return this.client().getKeyInfo(options);
  }

  /** A short-lived client that uses `key` instead of the stored one (to check a key before saving it). */
  async withKey(key: string): Promise<VideoApi> {
    const apiBaseUrl = this.safeBaseUrl();
    return createVideoApi({ baseUrl: apiBaseUrl, keyProvider: () => key, fetch: hostFetch, userAgent: this.userAgent, logger: this.logger, clock: this.clock });
  }

  /** Drops the client (the next call makes a new one), stopping what it has in flight. */
  reset(): void {
    const old = this.current;
    this.current = undefined;
    void Promise.resolve(old?.api.dispose()).catch(() => undefined);
  }

  dispose(): void {
    this.reset();
  }

  /** The client for the configured base URL, made when first needed or when the base URL changed. */
  private client(): VideoApi {
    const baseUrl = this.safeBaseUrl();
    if (this.current?.baseUrl !== baseUrl) {
      this.reset();
      const api = createVideoApi({
        baseUrl,
        keyProvider: () => this.credentials.getKey(),
        fetch: hostFetch,
        userAgent: this.userAgent,
        logger: this.logger,
        clock: this.clock,
        gate: this.gate,
      });
      this.current = { baseUrl, api };
    }
    return this.current.api;
  }

  /** The configured base URL, or an `insecure` error saying why it is refused. */
  private safeBaseUrl(): string {
    const { apiBaseUrl } = readSettings();
    const problem = checkApiBaseUrl(apiBaseUrl);
    if (problem) {
      throw hostError('insecure', problem);
    }
    return apiBaseUrl;
  }
}
