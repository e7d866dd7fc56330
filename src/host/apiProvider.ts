import vscode = require('vscode');
import type { VideoApi } from '../core/api/videoApi';
import { OpenRouterError } from '../core/api/errors';
import { resolveProxy, type ResolvedProxy } from '../core/api/proxySettings';
import type { Logger } from '../core/shared/logger';
import type { Credentials } from './credentials';
import { checkApiBaseUrl, readSettings } from './settings';

/** VS Code settings that change which proxy the client uses. */
const PROXY_SETTINGS = ['http.proxy', 'http.noProxy', 'http.proxySupport'];

/**
 * VS Code's `http.proxy` (else HTTPS_PROXY / HTTP_PROXY, with NO_PROXY and `http.noProxy`).
 * Not honoured (yet): `http.proxyStrictSSL` (turning certificate checks off for the connection that carries the
 * API key needs its own decision and an https test; a TLS-inspecting proxy's CA can be given with
 * NODE_EXTRA_CA_CERTS) and `http.proxyAuthorization` (credentials in the proxy URL work).
 */
function readProxy(): ResolvedProxy {
  const http = vscode.workspace.getConfiguration('http');
  return resolveProxy(
    { proxy: http.get<string>('proxy'), noProxy: http.get<string[]>('noProxy'), proxySupport: http.get<string>('proxySupport') },
    process.env,
  );
}

/**
 * Hands out the HTTP client, loading it (undici + wire schemas, bundled as dist/client.js) only on
 * first use so activation stays light. A new client is made when the base URL or the proxy settings change.
 */
export class ApiProvider implements vscode.Disposable {
  private current: { config: string; api: Promise<VideoApi> } | undefined;
  private readonly onConfig: vscode.Disposable;

  constructor(
    private readonly credentials: Credentials,
    private readonly logger: Logger,
    private readonly userAgent: string,
  ) {
    this.onConfig = vscode.workspace.onDidChangeConfiguration((e) => {
      if (PROXY_SETTINGS.some((s) => e.affectsConfiguration(s))) {
        this.reset();
      }
    });
  }

  /** The client for the configured base URL. Throws a clear error for an unsafe base URL. */
  get(): Promise<VideoApi> {
    const { apiBaseUrl } = readSettings();
    const problem = checkApiBaseUrl(apiBaseUrl);
    if (problem) {
      return Promise.reject(new OpenRouterError('insecure', problem));
    }
    const proxy = readProxy();
    const config = `${apiBaseUrl}\n${proxy.proxyUrl ?? ''}\n${proxy.noProxy ?? ''}`;
    if (!this.current || this.current.config !== config) {
      this.reset();
      if (proxy.proxyUrl) {
        // The logger redacts credentials in the URL.
        this.logger.info(`Using the proxy ${proxy.proxyUrl} (from ${proxy.source}; not for: ${proxy.noProxy})`);
      }
      const api = import('../core/api/openRouterClient.js').then((m) =>
        m.createVideoApi({
          baseUrl: apiBaseUrl,
          keyProvider: () => this.credentials.getKey(),
          userAgent: this.userAgent,
          logger: this.logger,
          proxyUrl: proxy.proxyUrl,
          noProxy: proxy.noProxy,
        }),
      );
      this.current = { config, api };
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
    const { proxyUrl, noProxy } = readProxy();
    const m = await import('../core/api/openRouterClient.js');
    return m.createVideoApi({ baseUrl: apiBaseUrl, keyProvider: () => key, userAgent: this.userAgent, logger: this.logger, proxyUrl, noProxy });
  }

  /** Drops the client (next get() makes a new one), e.g. after the base URL or the proxy changed. */
  reset(): void {
    const old = this.current;
    this.current = undefined;
    void old?.api.then((a) => a.dispose()).catch(() => undefined);
  }

  dispose(): void {
    this.onConfig.dispose();
    this.reset();
  }
}
