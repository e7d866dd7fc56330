/**
 * A VideoApi whose `openContent` serves a Buffer as web-stream bodies, each answer scripted: cut, stalled, short,
 * mislabelled, a Range ignored or misplaced. For the downloader's edge cases; the fake OpenRouter covers the rest.
 */
import * as crypto from 'node:crypto';
import { setImmediate as tick } from 'node:timers/promises';
import type { ContentRequest, ContentResponse, VideoApi } from '../../../src/core/api/videoApi';

export interface Answer {
  /** `openContent` rejects with this. */
  reject?: Error;
  /** Serve these bytes (the whole file) instead. */
  file?: Buffer;
  /** null: no Content-Type. Default video/mp4. */
  contentType?: string | null;
  /** The status instead of 200/206. */
  status?: number;
  /** Answer a Range request with 200 and the whole file. */
  ignoreRange?: boolean;
  /** Answer with a 206 starting at this byte. */
  rangeStart?: number;
  /** No Content-Length and no total. */
  noLength?: boolean;
  /** The body errors (a connection reset) after this many bytes. */
  cutAfter?: number;
  /** The body sends nothing more after this many bytes, until it is cancelled. */
  stallAfter?: number;
  /** The body ends cleanly after this many bytes. */
  endAfter?: number;
  /** Bytes sent beyond the announced length. */
  extra?: number;
}

export interface ContentCall {
  url: string;
  offset: number | undefined;
  /** Whether the downloader let this body go before its end. */
  cancelled: boolean;
}

/** Bytes that start like an MP4 (`ftyp`) and carry their own offsets, so a misplaced byte shows. */
export function mp4Like(size: number, seed = 1): Buffer {
  const data = Buffer.alloc(size);
  const block = crypto.createHash('sha256').update(String(seed)).digest();
  for (let i = 0; i < size; i += block.length) block.copy(data, i);
  for (let i = 0; i + 4 <= size; i += 4096) data.writeUInt32BE(i, i);
  if (size >= 12) {
    data.writeUInt32BE(0x18, 0);
    data.write('ftypisom', 4, 'latin1');
  }
  return data;
}

export class ContentApi implements VideoApi {
  readonly baseUrl = 'https://openrouter.test/api/v1';
  readonly calls: ContentCall[] = [];

  constructor(
    readonly file: Buffer,
    /** One per request in turn; requests beyond the list get a plain answer. */
    readonly answers: Answer[] = [],
    readonly options: { ranges?: boolean; chunkBytes?: number } = {},
  ) {}

  contentUrl(jobId: string, index: number): string {
    return `${this.baseUrl}/videos/${jobId}/content?index=${index}`;
  }

  async openContent(request: ContentRequest): Promise<ContentResponse> {
    const call: ContentCall = { url: request.url, offset: request.offset, cancelled: false };
    this.calls.push(call);
    request.signal?.throwIfAborted();
    const answer = this.answers[this.calls.length - 1] ?? {};
    if (answer.reject) throw answer.reject;
    const file = answer.file ?? this.file;
    const ranges = this.options.ranges ?? true;
    const offset = request.offset ?? 0;
    const partial = answer.rangeStart !== undefined || (ranges && offset > 0 && !answer.ignoreRange);
    const start = answer.rangeStart ?? (partial ? offset : 0);
    const bytes = file.subarray(start);
    const contentType = answer.contentType === null ? undefined : (answer.contentType ?? 'video/mp4');
    return {
      statusCode: answer.status ?? (partial ? 206 : 200),
      contentType,
      contentLength: answer.noLength ? undefined : bytes.length,
      totalLength: answer.noLength ? undefined : file.length,
      acceptRanges: ranges,
      ...(partial ? { rangeStart: start } : {}),
      body: this.body(bytes, answer, call, request.signal),
    };
  }

  private body(bytes: Buffer, answer: Answer, call: ContentCall, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
    const chunk = this.options.chunkBytes ?? 16 * 1024;
    const stop = Math.min(bytes.length, answer.cutAfter ?? Infinity, answer.stallAfter ?? Infinity, answer.endAfter ?? Infinity);
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        await tick();
        if (signal?.aborted) {
          controller.error(signal.reason);
        } else if (sent < stop) {
          const n = Math.min(chunk, stop - sent);
          controller.enqueue(new Uint8Array(bytes.subarray(sent, sent + n)));
          sent += n;
        } else if (answer.cutAfter !== undefined) {
          controller.error(Object.assign(new TypeError('terminated'), { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) }));
        } else if (answer.stallAfter !== undefined) {
          await new Promise<never>(() => undefined);
        } else {
          if (answer.extra) controller.enqueue(new Uint8Array(answer.extra).fill(7));
          controller.close();
        }
      },
      cancel() {
        call.cancelled = true;
      },
    });
  }

  listModels(): never {
    throw new Error('not scripted');
  }
  submit(): never {
    throw new Error('not scripted');
  }
  getJob(): never {
    throw new Error('not scripted');
  }
  getKeyInfo(): never {
    throw new Error('not scripted');
  }
  dispose(): void {}
}
