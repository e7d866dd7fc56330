import * as vscode from 'vscode';
import type { VideoApi } from '../core/api/videoApi';
import { OpenRouterError } from '../core/api/errors';
import type { Logger } from '../core/shared/logger';
import type { Credentials } from './credentials';
import { checkApiBaseUrl, readSettings } from './settings';

/**
 * Hands out the HTTP client, loading it (undici + wire schemas, bundled as dist/client.js) only on
 * first use so activation stays light. A new client is made when the base URL setting changes.
 */
export class ApiProvider implements vscode.Disposable {
  private current: { baseUrl: string; api: Promise<VideoApi> } | undefined;

  constructor(
    private readonly credentials: Credentials,
    private readonly logger: Logger,
    private readonly userAgent: string,
  ) {}

  /** The client for the configured base URL. Throws a clear error for an unsafe base URL. */
  get(): Promise<VideoApi> {
    const { apiBaseUrl } = readSettings();
    const problem = checkApiBaseUrl(apiBaseUrl);
    if (problem) {
      return Promise.reject(new OpenRouterError('insecure', problem));
    }
    if (!this.current || this.current.baseUrl !== apiBaseUrl) {
      this.reset();
      const api = import('../core/api/openRouterClient.js').then((m) =>
        m.createVideoApi({
          baseUrl: apiBaseUrl,
          keyProvider: () => this.credentials.getKey(),
          userAgent: this.userAgent,
          logger: this.logger,
        }),
      );
      this.current = { baseUrl: apiBaseUrl, api };
    }
    return this.current.api;
  }

  /** A short-lived client that uses `key` instead of the stored one (to check a key before saving it). */
  async withKey(key: string): Promise<VideoApi> {
    const { apiBaseUrl } = readSettings();
    const problem = checkApiBaseUrl(apiBaseUrl);
    if (problem) {
      throw new OpenRouterError('insecure', problem);
    }
    const m = await import('../core/api/openRouterClient.js');
    return m.createVideoApi({ baseUrl: apiBaseUrl, keyProvider: () => key, userAgent: this.userAgent, logger: this.logger });
  }

  /** Drops the client (next get() makes a new one), e.g. after the base URL changed. */
  reset(): void {
    const old = this.current;
    this.current = undefined;
    void old?.api.then((a) => a.dispose()).catch(() => undefined);
  }

  dispose(): void {
    this.reset();
  }
}
