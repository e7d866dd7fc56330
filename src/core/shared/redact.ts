/**
 * The one redaction: what is removed from text before anything is stored, shown or logged. Bearer tokens,
 * OpenRouter keys, any secret the caller knows (the stored key), the value of any `Authorization` or
 * `Proxy-Authorization` header (Basic, Negotiate and other schemes), credentials in URLs and `user:pass@host`
 * without a scheme (proxy settings), and base64 data URLs (large, and they may hold private images).
 */
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
/** A header's value after its scheme: `Authorization: Basic …`, `Proxy-Authorization: Negotiate …`. */
const AUTH_HEADER = /((?:proxy-)?authori[sz]ation["']?\s*[:=]\s*["']?(?:[A-Za-z][A-Za-z0-9-]*\s+)?)[^\s"',;]+/gi;
const OPENROUTER_KEY = /sk-or-[A-Za-z0-9-]{6,}/g;
const DATA_URL = /data:[a-z]+\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]{16,}/gi;
/**
 * Credentials in a URL: from `user:` to the last `@` before a host on the same line. An unencoded password may
 * hold `#`, `?`, `/`, `@` or spaces, so the password is not assumed to be well formed.
 */
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\n]*@(?=[A-Za-z0-9[\]._-]+(?::\d+)?(?=[/?#\s'"),;]|$))/gi;
/** `user:pass@host` without a scheme, as proxies are often written. */
const BARE_USERINFO = /(^|[\s'"(=,;])[^\s'"(=,;:/@[\]]+:(?!\/\/)[^\s@]+@(?=[A-Za-z0-9[\]._-]+(?::\d+)?(?=[/?#\s'"),;]|$))/g;

/** `text` with every secret above replaced by a marker. `secrets` shorter than 4 characters are ignored. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out
    .replace(AUTH_HEADER, '$1[redacted]')
    .replace(BEARER, '$1[redacted]')
    .replace(OPENROUTER_KEY, '[redacted key]')
    .replace(URL_USERINFO, '$1[redacted]@')
    .replace(BARE_USERINFO, '$1[redacted]@')
    .replace(DATA_URL, (m) => `${m.slice(0, m.indexOf(',') + 1)}[${m.length} chars]`);
}

/** The same params with every string redacted. */
export function redactParams<T extends Readonly<Record<string, unknown>>>(params: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) out[key] = typeof value === 'string' ? redact(value) : value;
  return out as T;
}
