/**
 * Pure checks of a download's answer and bytes: is this a video, and does a 206 continue the bytes already
 * saved. No I/O; the downloader turns each verdict into an error or a restart.
 */
import { redact } from '../shared/redact';

/** What a body that is not a video is, as a code the host words. */
export type NonVideoKind = 'json' | 'html' | 'xml' | 'text' | 'image' | 'audio' | 'other';

/** Bytes looked at to recognise a JSON or HTML body. */
export const SNIFF_BYTES = 64;
/** Bytes of a refused body read for its own message. */
export const DESCRIBE_BYTES = 2048;

const BINARY_TYPES = new Set(['application/octet-stream', 'binary/octet-stream', 'application/mp4', 'application/x-mp4']);

/** The media type of a Content-Type header, lower-cased and without parameters; undefined when absent. */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}

/**
 * What a media type says the body is when it is not a video, or undefined when it may be one: video/* and the
 * generic binary types pass, and so does a missing type (the body is sniffed instead).
 */
export function refusedContentType(type: string | undefined): NonVideoKind | undefined {
  if (type === undefined || type.startsWith('video/') || BINARY_TYPES.has(type)) return undefined;
  if (type.includes('json')) return 'json';
  if (type.includes('html')) return 'html';
  if (type.includes('xml')) return 'xml';
  if (type.startsWith('text/')) return 'text';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/')) return 'audio';
  return 'other';
}

/** Recognises a body that is clearly JSON or HTML from its first bytes, whatever its label. */
export function sniffNonVideo(head: Uint8Array): 'json' | 'html' | undefined {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0; // a UTF-8 BOM
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  const first = head[i];
  if (first === 0x7b /* { */ || first === 0x5b /* [ */) return 'json';
  if (first === 0x3c /* < */) return 'html';
  return undefined;
}

/** Whether the bytes start with an MP4 `ftyp` box. */
export function hasFtyp(head: Uint8Array): boolean {
  return head.length >= 8 && Buffer.from(head.buffer, head.byteOffset, head.length).toString('latin1', 4, 8) === 'ftyp';
}

/**
 * The message a small JSON or HTML error body carries (`error.message`, `error`, `message`, or the page's
 * title), redacted and shortened; undefined when it carries none. The body's own text, not a sentence.
 */
export function describeBody(head: Uint8Array): string | undefined {
  const text = Buffer.from(head.buffer, head.byteOffset, head.length).toString('utf8');
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === 'string' ? parsed.error : typeof parsed.error?.message === 'string' ? parsed.error.message : parsed.message;
    if (typeof message === 'string' && message.trim() !== '') return redact(message.trim()).slice(0, 200);
  } catch {
    // Not (complete) JSON: maybe a page.
  }
  const title = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(text)?.[1]?.trim();
  return title ? redact(title) : undefined;
}

/** The parts of a content answer the 206 rule looks at. */
export interface RangeAnswer {
  statusCode: number;
  rangeStart?: number;
  totalLength?: number;
  contentLength?: number;
}

/**
 * Whether an answer to `Range: bytes=<offset>-` continues the bytes already saved: a 206 that starts at exactly
 * `offset`, for the same total as before (when one is known), whose length adds up to that total. Bytes an
 * earlier process left (`fromEarlierRun`) count only when the answer also states the total, so that the file
 * can be checked against it.
 */
export function rangeAccepted(answer: RangeAnswer, offset: number, expectedTotal: number | undefined, fromEarlierRun: boolean): boolean {
  const { statusCode, rangeStart, totalLength: total, contentLength } = answer;
  if (statusCode !== 206 || rangeStart !== offset) return false;
  if (total === undefined) return !fromEarlierRun && expectedTotal === undefined;
  if (expectedTotal !== undefined && total !== expectedTotal) return false;
  return contentLength === undefined || offset + contentLength === total;
}
