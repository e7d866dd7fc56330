/**
 * The API origin and what may go to it: URLs on the base URL, the key, and each request's headers. The bearer
 * goes only to the API origin, and never over plain http off loopback; a storage origin gets neither the key
 * nor the attribution headers.
 */
import { isLoopbackHost, isSecureOrLoopback } from '../shared/loopback';
import type { Logger } from '../shared/logger';
import { redact } from '../shared/redact';
import { OpenRouterError } from './errors';
import { DEFAULT_BASE_URL, type KeyProvider } from './videoApi';

export const DEFAULT_REFERER = 'https://github.com/openrouter-video/openrouter-video-vscode';
export const DEFAULT_TITLE = 'OpenRouter Video for VS Code';
export const ATTRIBUTION_CATEGORIES = 'ide-extension,video-gen';
export const JSON_ACCEPT = 'application/json';
export const VIDEO_ACCEPT = 'video/mp4, video/*;q=0.9, */*;q=0.1';

export type Headers = Record<string, string>;

export interface Identity {
  keyProvider: KeyProvider;
  userAgent: string;
  referer?: string;
  title?: string;
}

export class ApiAccess {
  /** The base URL without trailing slashes. */
  readonly baseUrl: string;
  readonly apiOrigin: string;
  /** Keys seen, so log lines stay free of them even if a server echoes one. */
  private readonly secrets = new Set<string>();

  constructor(
    baseUrl: string | undefined,
    private readonly identity: Identity,
    private readonly logger: Logger,
  ) {
    const base = (baseUrl ?? DEFAULT_BASE_URL).trim().replace(/\/+$/, '');
    let parsed: URL;
    try {
      parsed = new URL(base);
    } catch (cause) {
      throw new OpenRouterError('badRequest', 'baseUrlInvalid', { url: base }, { cause });
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new OpenRouterError('insecure', 'baseUrlScheme', { url: base });
    }
    this.baseUrl = base;
    this.apiOrigin = parsed.origin;
  }

  /** `path` under the base URL. */
  url(path: string): URL {
    return new URL(this.baseUrl + path);
  }

  /** Where to poll a job: its polling_url (resolved against the base URL, refused off the API origin), else by id. */
  jobUrl(jobId: string, pollingUrl: string | undefined): URL {
    if (!pollingUrl) {
      if (!jobId) {
        throw new OpenRouterError('badRequest', 'noJobId');
      }
      return this.url(`/videos/${encodeURIComponent(jobId)}`);
    }
    let url: URL;
    try {
      url = new URL(pollingUrl, this.baseUrl);
    } catch (cause) {
      throw new OpenRouterError('responseShape', 'pollingUrlInvalid', { url: pollingUrl }, { field: 'polling_url', cause });
    }
    if (url.origin !== this.apiOrigin) {
      throw new OpenRouterError('insecure', 'pollingUrlForeign', { origin: url.origin, apiOrigin: this.apiOrigin });
    }
    return url;
  }

  /** The key, or an `auth` error (nothing is sent without it). */
  async requireKey(): Promise<string> {
    let key: string | undefined;
    try {
      key = await this.readKey();
    } catch (cause) {
      throw new OpenRouterError('auth', 'keyUnreadable', {}, { cause });
    }
    if (!key) {
      throw new OpenRouterError('auth', 'noKey');
    }
    return key;
  }

  /** The key for a call that works without one: undefined when there is none, or when `url` is plain http off loopback. */
  async optionalKey(url: URL): Promise<string | undefined> {
    if (!isSecureOrLoopback(url)) {
      return undefined;
    }
    try {
      return await this.readKey();
    } catch (error) {
      this.logger.debug(this.redact(`Could not read the API key; continuing without it: ${String(error)}`));
      return undefined;
    }
  }

  /** Headers for a call to the API origin: attribution, and the bearer when `key` is given. */
  headers(url: URL, key: string | undefined, accept: string): Headers {
    if (url.origin !== this.apiOrigin) {
      throw new OpenRouterError('insecure', 'keyOffOrigin', { origin: url.origin });
    }
    const headers: Headers = {
      'User-Agent': this.identity.userAgent,
      Accept: accept,
      'HTTP-Referer': this.identity.referer ?? DEFAULT_REFERER,
      'X-OpenRouter-Title': this.identity.title ?? DEFAULT_TITLE,
      'X-OpenRouter-Categories': ATTRIBUTION_CATEGORIES,
    };
    if (key !== undefined) {
      if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) {
        throw new OpenRouterError('insecure', 'keyOverHttp', { host: url.host });
      }
      headers['Authorization'] = `Bearer ${key}`;
    }
    return headers;
  }

  /** Headers for one hop of a content request: the API origin's with the key; any other origin's without. */
  async contentHeaders(url: URL): Promise<Headers> {
    if (url.origin === this.apiOrigin) {
      return this.headers(url, await this.requireKey(), VIDEO_ACCEPT);
    }
    return { 'User-Agent': this.identity.userAgent, Accept: VIDEO_ACCEPT };
  }

  /** `text` without any key seen, bearer token or credentials in URLs. */
  redact(text: string): string {
    return redact(text, [...this.secrets]);
  }

  private async readKey(): Promise<string | undefined> {
    const key = (await this.identity.keyProvider())?.trim();
    if (key) {
      this.secrets.add(key);
      return key;
    }
    return undefined;
  }
}
