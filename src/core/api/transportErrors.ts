/**
 * What a fetch throws, as a typed error. `fetch` rejects with `TypeError: fetch failed` and puts Node's own
 * error in `cause` (`cause.code`: ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED, UND_ERR_SOCKET, …); an aborted
 * fetch rejects with the signal's reason. Only codes and signals are read, never message text.
 */
import { cancelledError, OpenRouterError } from './errors';

/** The request provably never reached the server: nothing was sent, nothing can have been billed. */
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
]);
const CONNECT_TIMEOUT_CODE = 'UND_ERR_CONNECT_TIMEOUT';
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL_)/;
/** Codes that only say "aborted": the signals say why. */
const ABORT_CODES = new Set(['UND_ERR_ABORTED', 'ABORT_ERR']);

export interface TransportContext {
  /** Host of the URL the request went to. */
  host: string;
  /** The call, as an error's `params.what` names it (models, newJob, job, video, keyInfo). */
  what: string;
  /** The caller's signal: aborted means `cancelled`. */
  caller?: AbortSignal;
  /** The client's lifetime: aborted means the client was disposed (its reason is the error to give). */
  lifetime?: AbortSignal;
  /** The attempt's deadline: aborted means `timeout`. */
  deadline?: AbortSignal;
  /** The deadline's length, for the sentence. */
  timeoutMs?: number;
  /** The failure came while a download's body was read (the request was certainly sent). */
  body?: boolean;
}

/** Maps whatever a fetch (or reading its body) threw to a typed error. An OpenRouterError passes through. */
export function toTransportError(error: unknown, context: TransportContext): OpenRouterError {
  if (OpenRouterError.is(error) && error.kind !== 'cancelled') {
    return error;
  }
  if (context.caller?.aborted) {
    return cancelledError(context.caller.reason);
  }
  if (context.lifetime?.aborted) {
    return OpenRouterError.is(context.lifetime.reason) ? context.lifetime.reason : cancelledError(context.lifetime.reason);
  }
  const { host, what } = context;
  const code = errorCode(error);
  if (context.deadline?.aborted || (code !== undefined && TIMEOUT_CODES.has(code))) {
    const seconds = Math.round((context.timeoutMs ?? 0) / 100) / 10;
    return new OpenRouterError('timeout', 'noAnswer', { host, what, seconds: seconds > 0 ? seconds : undefined, code }, { cause: error });
  }
  if (code === CONNECT_TIMEOUT_CODE) {
    return new OpenRouterError('timeout', 'connectTimeout', { host, what }, { cause: error, notSent: true });
  }
  if (OpenRouterError.is(error)) {
    return error;
  }
  if (code !== undefined && TLS_CODE.test(code)) {
    return new OpenRouterError('network', 'tlsFailed', { host, code }, { cause: error, notSent: true });
  }
  if (code !== undefined && NOT_SENT_CODES.has(code)) {
    return new OpenRouterError('network', 'unreachable', { host, what, code }, { cause: error, notSent: true });
  }
  const detail = code ?? (error instanceof Error ? error.name : undefined);
  return context.body
    ? new OpenRouterError('network', 'connectionBroke', { host, code: detail }, { cause: error })
    : new OpenRouterError('network', 'connectionFailed', { host, what, code: detail }, { cause: error });
}

/** The first error code found in an error, its `cause` chain, or the first of its `errors` (AggregateError). */
export function errorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && !ABORT_CODES.has(code)) {
      return code;
    }
    const nested = (current as { errors?: unknown }).errors;
    current = Array.isArray(nested) && nested.length > 0 ? nested[0] : (current as { cause?: unknown }).cause;
  }
  return undefined;
}
