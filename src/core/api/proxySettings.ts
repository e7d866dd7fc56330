/**
 * Which proxy the client uses, from VS Code's `http.*` settings and the environment. Pure (no vscode, no
 * undici), so it is unit-tested in plain Node and costs nothing at activation.
 */

export interface HttpProxySettings {
  /** VS Code's `http.proxy`. */
  proxy?: string;
  /** VS Code's `http.noProxy` (hosts that bypass the proxy). */
  noProxy?: readonly string[];
  /** VS Code's `http.proxySupport`: "off" means extensions get no proxy. */
  proxySupport?: string;
}

export interface ResolvedProxy {
  /** For VideoApiOptions.proxyUrl; undefined: connect directly. */
  proxyUrl?: string;
  /** For VideoApiOptions.noProxy. */
  noProxy?: string;
  /** Where proxyUrl came from, for the log. */
  source?: 'http.proxy' | 'environment';
}

/** Never proxied: a proxy cannot reach this machine's loopback (the fake OpenRouter, a local relay). */
const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

/**
 * `http.proxy` when set, else HTTPS_PROXY / HTTP_PROXY (either case; lower case wins, as in undici and curl).
 * NO_PROXY (either case) and `http.noProxy` are honoured per request host (API and video storage alike);
 * NO_PROXY=* turns the proxy off.
 */
export function resolveProxy(settings: HttpProxySettings, env: Readonly<Record<string, string | undefined>>): ResolvedProxy {
  if (settings.proxySupport === 'off') {
    return {};
  }
  const configured = settings.proxy?.trim();
  const fromEnv = [env.https_proxy, env.HTTPS_PROXY, env.http_proxy, env.HTTP_PROXY].map((v) => v?.trim()).find((v) => v);
  const proxyUrl = configured || fromEnv;
  if (!proxyUrl) {
    return {};
  }
  const envNoProxy = (env.no_proxy ?? env.NO_PROXY ?? '').split(/[,\s]+/);
  const entries = [...(settings.noProxy ?? []), ...envNoProxy].map((e) => e.trim()).filter((e) => e !== '');
  if (entries.includes('*')) {
    return {};
  }
  return {
    proxyUrl,
    noProxy: [...new Set([...LOOPBACK, ...entries])].join(','),
    source: configured ? 'http.proxy' : 'environment',
  };
}
