/**
 * Typed errors. Code checks `kind`, never the message text.
 * Messages are one sentence that says what happened and what to do next; OpenRouter's own
 * message is kept verbatim in `serverMessage` where there is one.
 */
export type ErrorKind =
  | 'auth' // 401/403: missing, invalid or revoked key
  | 'payment' // 402: insufficient credits
  | 'rateLimited' // 429 (retryAfterMs when the server said)
  | 'badRequest' // 400: OpenRouter's message verbatim
  | 'notFound' // 404
  | 'server' // 5xx
  | 'network' // connection refused/reset, DNS, TLS
  | 'timeout' // no response (or no progress) in time
  | 'responseShape' // a response that does not fit the documented schema
  | 'badContent' // a download that is not a video (JSON/HTML body, wrong length)
  | 'insecure' // a URL that would send the key off the API origin
  | 'io' // the local disk refused a write
  | 'cancelled'; // the caller aborted

export interface OpenRouterErrorInit {
  status?: number;
  serverMessage?: string;
  retryAfterMs?: number;
  /** For network errors: whether the request provably never reached the server (connection refused). */
  notSent?: boolean;
  field?: string;
  cause?: unknown;
}

export class OpenRouterError extends Error {
  override readonly name = 'OpenRouterError';
  readonly status?: number;
  readonly serverMessage?: string;
  readonly retryAfterMs?: number;
  readonly notSent: boolean;
  readonly field?: string;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    init: OpenRouterErrorInit = {},
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.serverMessage = init.serverMessage;
    this.retryAfterMs = init.retryAfterMs;
    this.notSent = init.notSent ?? false;
    this.field = init.field;
  }

  static is(value: unknown, kind?: ErrorKind): value is OpenRouterError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'OpenRouterError' &&
      typeof (value as { kind?: unknown }).kind === 'string' &&
      (kind === undefined || (value as { kind: unknown }).kind === kind)
    );
  }
}

/** Whether a read (GET) that failed this way is worth retrying. */
export function isRetryableRead(error: OpenRouterError): boolean {
  return (
    error.kind === 'network' ||
    error.kind === 'timeout' ||
    error.kind === 'rateLimited' ||
    (error.kind === 'server' && (error.status === 500 || error.status === 502 || error.status === 503))
  );
}

/** Parses a Retry-After header (seconds or HTTP date) into milliseconds, or undefined. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') {
    return undefined;
  }
  const seconds = Number(raw.trim());
  if (Number.isFinite(seconds) && seconds >= 0) {
    return Math.round(seconds * 1000);
  }
  const date = Date.parse(raw);
  if (Number.isFinite(date)) {
    return Math.max(0, date - now);
  }
  return undefined;
}

/** Maps an HTTP error status and OpenRouter's message to a typed error with an actionable sentence. */
export function errorFromStatus(status: number, serverMessage: string | undefined, retryAfterMs?: number): OpenRouterError {
  const said = serverMessage ? `OpenRouter said: "${serverMessage}".` : `OpenRouter answered HTTP ${status}.`;
  const init: OpenRouterErrorInit = { status, serverMessage, retryAfterMs };
  if (status === 401) {
    return new OpenRouterError('auth', `${said} Check your API key: run "OpenRouter Video: Set API Key".`, init);
  }
  if (status === 403) {
    return new OpenRouterError('auth', `${said} This key is not allowed to do that; check its permissions at https://openrouter.ai/keys.`, init);
  }
  if (status === 402) {
    return new OpenRouterError('payment', `${said} Add credits at https://openrouter.ai/credits, then try again.`, init);
  }
  if (status === 429) {
    const wait = retryAfterMs !== undefined ? ` Wait ${Math.ceil(retryAfterMs / 1000)} s and try again.` : ' Wait a moment and try again.';
    return new OpenRouterError('rateLimited', `${said}${wait}`, init);
  }
  if (status === 400 || status === 413 || status === 422) {
    return new OpenRouterError('badRequest', `${said} Change the request and try again.`, init);
  }
  if (status === 404) {
    return new OpenRouterError('notFound', `${said} The model or job does not exist (any more); refresh the models list or check the job id.`, init);
  }
  if (status === 408) {
    return new OpenRouterError('timeout', `${said} Try again in a moment.`, init);
  }
  if (status >= 500) {
    return new OpenRouterError('server', `${said} OpenRouter or the provider is having trouble; try again in a moment.`, init);
  }
  return new OpenRouterError('badRequest', `${said} Unexpected status; see the log for details.`, init);
}
