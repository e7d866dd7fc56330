/**
 * Reading answers: the video content's headers (manual redirects, status, Range facts), error bodies and
 * small texts. The content body itself is handed out unread: the downloader reads it.
 */
import { errorFromStatus, OpenRouterError, parseRetryAfter } from './errors';
import { errorEnvelopeSchema } from './schemas';
import type { ContentResponse, FetchFn } from './videoApi';
import type { Logger } from '../shared/logger';

export const MAX_REDIRECTS = 5;
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_WRONG_BODY_BYTES = 4096;

export interface ContentOpening {
  fetch: FetchFn;
  url: URL;
  /** Byte offset to resume from (sends `Range: bytes=<offset>-`). */
  offset: number;
  /** Aborts the request and, once handed out, the body. */
  signal: AbortSignal;
  /** The origin whose answers may carry the key; 401/403 from any other means an expired link. */
  apiOrigin: string;
  /**
   * The request headers for `url`. The client gives the bearer and attribution only for the API origin, so a
   * redirect to a storage host never carries the key.
   */
  headersFor(url: URL): Promise<Record<string, string>>;
  logger: Logger;
  redact(text: string): string;
}

/**
 * Opens the content and returns once the response headers are in, following at most `MAX_REDIRECTS`
 * redirects (http(s) only), each hop with the headers its origin may have.
 */
export async function openContentResponse(opening: ContentOpening): Promise<ContentResponse> {
  const { offset, signal, logger } = opening;
  let url = opening.url;
  for (let redirects = 0; ; redirects++) {
    const headers = await opening.headersFor(url);
    // Byte counts and Range refer to the bytes as stored: no transfer compression.
    headers['Accept-Encoding'] = 'identity';
    if (offset > 0) {
      headers['Range'] = `bytes=${offset}-`;
    }
    const started = Date.now();
    const res = await opening.fetch(url, { method: 'GET', headers, signal, redirect: 'manual' });
    logger.debug(opening.redact(`GET ${url.toString()}${offset > 0 ? ` (from byte ${offset})` : ''} -> ${res.status} (${Date.now() - started} ms)`));
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && res.status !== 304 && location) {
      await discard(res.body);
      if (redirects >= MAX_REDIRECTS) {
        throw new OpenRouterError('server', 'tooManyRedirects', { max: MAX_REDIRECTS }, { status: res.status });
      }
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new OpenRouterError('insecure', 'redirectScheme', { scheme: next.protocol });
      }
      logger.debug(opening.redact(`Following a redirect to ${next.origin}${next.origin === opening.apiOrigin ? '' : ' (no key sent)'}`));
      url = next;
      continue;
    }
    return contentFromResponse(res, url, opening.apiOrigin);
  }
}

/** Judges a content answer: an error status or a JSON/HTML body throws; a video's facts are read from its headers. */
async function contentFromResponse(res: Response, url: URL, apiOrigin: string): Promise<ContentResponse> {
  if (res.status < 200 || res.status >= 300) {
    const error = await answerError(res);
    if (url.origin !== apiOrigin && (res.status === 401 || res.status === 403)) {
      // Not about the API key, which never leaves the API origin: a storage link (an unsigned_urls entry, or
      // where the content endpoint redirected) was refused, most likely because it expired.
      throw new OpenRouterError('notFound', 'linkExpired', { host: url.host, status: res.status }, { status: res.status, serverMessage: error.serverMessage });
    }
    throw error;
  }
  const contentType = res.headers.get('content-type') ?? undefined;
  if (contentType && /(^|\/|\+)(json)\b|^text\/html\b/i.test(contentType)) {
    const message = envelopeMessage(await readText(res.body, MAX_WRONG_BODY_BYTES, true));
    throw new OpenRouterError('badContent', 'notAVideo', { contentType, said: message }, { status: res.status, serverMessage: message });
  }
  const contentLength = toInt(res.headers.get('content-length'));
  let totalLength = res.status === 200 ? contentLength : undefined;
  let rangeStart: number | undefined;
  if (res.status === 206) {
    // Reported, not judged: the downloader restarts without Range when the start is not the offset it asked.
    const range = parseContentRange(res.headers.get('content-range'));
    rangeStart = range?.start;
    totalLength = range?.total;
  }
  return {
    statusCode: res.status,
    contentType,
    contentLength,
    totalLength,
    acceptRanges: res.status === 206 || /\bbytes\b/i.test(res.headers.get('accept-ranges') ?? ''),
    ...(rangeStart !== undefined ? { rangeStart } : {}),
    body: res.body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() }),
  };
}

/** The typed error for a failed answer: its status, Retry-After and OpenRouter's message from the envelope. */
export async function answerError(res: Response): Promise<OpenRouterError> {
  let text: string | undefined;
  try {
    text = await readText(res.body, MAX_ERROR_BODY_BYTES, true);
  } catch {
    text = undefined;
  }
  return errorFromStatus(res.status, envelopeMessage(text), parseRetryAfter(res.headers.get('retry-after')));
}

/**
 * Reads a body as UTF-8 text, up to `limit` bytes. Over the limit: undefined, or the first `limit` bytes when
 * `truncate`. The rest is cancelled, not read.
 */
export async function readText(body: ReadableStream<Uint8Array> | null, limit: number, truncate = false): Promise<string | undefined> {
  if (!body) {
    return '';
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        if (!truncate) return undefined;
        chunks.push(value.subarray(0, value.byteLength - (size - limit)));
        break;
      }
      chunks.push(value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** OpenRouter's message from an error envelope (`{ error: { message } }`), or undefined. */
export function envelopeMessage(text: string | undefined): string | undefined {
  if (!text) {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = errorEnvelopeSchema().safeParse(json);
  const message = parsed.success ? parsed.data.error.message : undefined;
  return message && message.trim() !== '' ? message : undefined;
}

export function parseContentRange(value: string | null | undefined): { start: number; end: number; total: number | undefined } | undefined {
  const match = value ? /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value) : null;
  if (!match) {
    return undefined;
  }
  return { start: Number(match[1]), end: Number(match[2]), total: match[3] === '*' ? undefined : Number(match[3]) };
}

function toInt(value: string | null): number | undefined {
  return value !== null && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;
}

/** Lets go of a body that is not needed (a redirect's), so its connection can be reused or closed. */
async function discard(body: ReadableStream<Uint8Array> | null): Promise<void> {
  await body?.cancel().catch(() => undefined);
}
