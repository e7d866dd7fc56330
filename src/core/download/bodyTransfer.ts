/**
 * One answer's body, streamed into the `.part` through `pipeline`: the web stream, a Transform that checks the
 * bytes and feeds the stall timer, and a write stream. Backpressure holds the reading while the disk catches up;
 * every write is asynchronous; memory does not grow with the file. Says where the bytes on disk end and, when
 * the body did not arrive whole, which of its parts failed first.
 */
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OpenRouterError } from '../api/errors';
import type { Logger } from '../shared/logger';
import { describeBody, DESCRIBE_BYTES, hasFtyp, sniffNonVideo, SNIFF_BYTES } from './contentChecks';
import { partWriter, whenClosed } from './partFile';

/** How long a refused body is read for its own message. */
const DESCRIBE_WAIT_MS = 2_000;

export interface BodyTransfer {
  body: ReadableStream<Uint8Array>;
  partPath: string;
  /** Where the body's first byte goes in the `.part` (which holds nothing beyond it); from 0 the bytes are sniffed. */
  start: number;
  /** The size of the whole file, when known: bytes beyond it are refused. */
  total: number | undefined;
  /** The largest video accepted: bytes beyond it are refused. */
  maxBytes: number;
  /** The answer's media type, for the refusal of JSON or HTML bytes. */
  type: string | undefined;
  /** Time without a chunk before the body counts as stalled. */
  stallMs: number;
  signal: AbortSignal | undefined;
  /** Called with the count of bytes received so far (from the start of the file). */
  onBytes(received: number): void;
  logger: Logger;
}

/** Where a body that did not arrive whole failed first. */
export type TransferFailure =
  | { from: 'aborted'; error: unknown } // the caller's signal
  | { from: 'stalled'; error: unknown } // no chunk for `stallMs`
  | { from: 'refused'; error: OpenRouterError } // JSON or HTML bytes, more than the total or the cap (badContent)
  | { from: 'disk'; error: unknown } // the `.part` could not be opened or written
  | { from: 'body'; error: unknown }; // the transport failed while reading

/**
 * Streams `body` into the `.part` from byte `start`. Resolves, once no write is in flight any more, with the end
 * of the bytes on disk and the failure, if any. Never rejects.
 */
export async function transferBody(transfer: BodyTransfer): Promise<{ end: number; failure?: TransferFailure }> {
  const { signal, start } = transfer;
  const stall = new AbortController();
  const timer = setTimeout(() => stall.abort(), transfer.stallMs);
  const source = Readable.fromWeb(transfer.body);
  const check = checker(transfer, () => timer.refresh());
  const sink = partWriter(transfer.partPath, start);
  // The stream that fails first is where the failure comes from; the pipeline then tears down the others.
  let origin: 'body' | 'check' | 'disk' | undefined;
  source.once('error', () => (origin ??= 'body'));
  check.once('error', () => (origin ??= 'check'));
  sink.once('error', () => (origin ??= 'disk'));
  let failed = false;
  let error: unknown;
  try {
    await pipeline(source, check, sink, { signal: signal ? AbortSignal.any([signal, stall.signal]) : stall.signal });
  } catch (failure) {
    failed = true;
    error = failure;
  } finally {
    clearTimeout(timer);
    await whenClosed(sink);
  }
  const end = start + sink.bytesWritten;
  if (!failed) return { end };
  if (signal?.aborted) return { end, failure: { from: 'aborted', error } };
  if (origin === 'disk') return { end, failure: { from: 'disk', error } };
  if (stall.signal.aborted) return { end, failure: { from: 'stalled', error } };
  if (origin === 'check' && OpenRouterError.is(error)) return { end, failure: { from: 'refused', error } };
  return { end, failure: { from: 'body', error } };
}

/** A pass-through that refuses JSON/HTML bytes at the start of the file and bytes beyond the total or the cap. */
function checker(transfer: BodyTransfer, onChunk: () => void): Transform {
  const { total, maxBytes, type, logger } = transfer;
  let received = transfer.start;
  let sniffed = transfer.start > 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onChunk();
      if (!sniffed) {
        sniffed = true;
        const nonVideo = sniffNonVideo(chunk.subarray(0, SNIFF_BYTES));
        if (nonVideo !== undefined) {
          const said = describeBody(chunk.subarray(0, DESCRIBE_BYTES));
          done(new OpenRouterError('badContent', 'downloadNotVideo', { what: nonVideo, type, said }));
          return;
        }
        if (!hasFtyp(chunk)) logger.debug(`download: no MP4 'ftyp' box at the start; saving it anyway`);
      }
      received += chunk.length;
      if (total !== undefined && received > total) {
        done(new OpenRouterError('badContent', 'downloadTooManyBytes', { received, total }));
        return;
      }
      if (received > maxBytes) {
        done(new OpenRouterError('badContent', 'downloadTooLarge', { bytes: received, limitMiB: Math.floor(maxBytes / (1024 * 1024)), endless: true }));
        return;
      }
      transfer.onBytes(received);
      done(null, chunk);
    },
  });
}

/** Up to `DESCRIBE_BYTES` of a refused body, read for a short while, then the body is let go. */
export async function readHead(body: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  const timer = setTimeout(() => void reader.cancel().catch(() => undefined), DESCRIBE_WAIT_MS);
  try {
    while (size < DESCRIBE_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.length;
    }
  } catch {
    // What arrived is all there is to describe.
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(parts).subarray(0, DESCRIBE_BYTES);
}
