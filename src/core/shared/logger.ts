/** The core's view of a log. The host adapts it to a vscode LogOutputChannel; tests collect lines. */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

export const nullLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const OPENROUTER_KEY = /sk-or-[A-Za-z0-9-]{6,}/g;
const DATA_URL = /data:[a-z]+\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]{16,}/gi;
/** Credentials in a URL ("http://user:pass@proxy:8080"): the whole user-info part goes. */
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#]+@/gi;

/**
 * Removes secrets from text before it is written anywhere: bearer tokens, OpenRouter keys,
 * any explicitly known secrets, credentials in URLs (proxy URLs), and base64 data URLs (which are large and may hold private images).
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) {
      out = out.split(secret).join('[redacted]');
    }
  }
  return out
    .replace(BEARER, '$1[redacted]')
    .replace(OPENROUTER_KEY, '[redacted key]')
    .replace(URL_USERINFO, '$1[redacted]@')
    .replace(DATA_URL, (m) => `${m.slice(0, m.indexOf(',') + 1)}[${m.length} chars]`);
}
