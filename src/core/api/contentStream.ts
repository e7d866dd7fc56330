/**
 * One HTTP/1.1 GET whose body is read straight into a few reused buffers (net/tls `onread`), for video
 * downloads. Only the content route uses it, and only on direct connections (through a proxy, or with an
 * injected dispatcher, undici serves the body; the memory note below is about this path); every JSON call goes
 * through undici.
 *
 * Why not undici (or node:http) for the body: each socket read there lands in a freshly allocated 64 KiB
 * buffer, and undici keeps each one across a tick, so young-generation GCs see them alive and they pile up
 * until the 64 MiB external-memory mark-compact. bench/download measured +67 MiB of RSS for any size (64 MiB
 * or 1 GiB) and a quarter to a third of curl's throughput; with `onread` no memory is allocated per read.
 *
 * Contract of the body: an async iterable of chunks, each valid only until the next chunk is asked for
 * (copy what you keep), plus `destroy(error?)`; or, instead of iterating, `each(onChunk)`: every chunk is
 * handed to `onChunk` as soon as it is read, with no promise per chunk (see `StreamResponse.body.each`).
 * Reading stops (the socket is paused) while the consumer holds every buffer, so a slow disk slows the
 * download instead of filling memory. Framing: Content-Length, chunked, or until close; 1xx answers are
 * skipped. One request per connection (`Connection: close`).
 *
 * When the connection breaks (reset, stall, malformed framing), the chunks that had arrived before are still
 * handed out, then the error: a resumed download continues after them. When the consumer stops (destroy,
 * abort), what was not handed out is dropped.
 */
import { isIP } from 'node:net';
import * as net from 'node:net';
import * as tls from 'node:tls';

export interface StreamRequestOptions {
  /** Request headers (no Host, no Connection: those are set here). */
  headers: Record<string, string>;
  /** Aborts the connection, the wait for the answer and the body. */
  signal?: AbortSignal;
  /** No body bytes for this long while the consumer is waiting → an error with code UND_ERR_BODY_TIMEOUT. */
  bodyTimeoutMs: number;
  /**
   * Default 1 MiB (was 256 KiB): a read takes what the kernel has, and the downloader writes large reads as they
   * are, so larger buffers mean fewer reads and disk writes per MiB (BENCHMARKS.md, section 1).
   */
  bufferBytes?: number;
  /** Reused buffers to start with (at least 3; more are made only if a TLS socket keeps delivering). Default 4. */
  buffers?: number;
  /** Largest response head accepted. Default 64 KiB. */
  maxHeadBytes?: number;
  /** Extra TLS options (tests: the CA of a self-signed certificate). Certificates are always verified. */
  tlsOptions?: Pick<tls.ConnectionOptions, 'ca'>;
}

/**
 * Takes one chunk, valid only during the call or, when a promise is returned, until it settles (its buffer is
 * not read into again before). The next chunk comes after that. Throwing or rejecting stops the body.
 */
export type ChunkSink = (chunk: Buffer) => void | PromiseLike<void>;

export interface StreamResponse {
  statusCode: number;
  /** Lower-case names; a repeated header is an array. */
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Uint8Array> &
    AsyncIterator<Uint8Array> & {
      destroy(error?: Error): void;
      /**
       * Push mode, instead of iterating: calls `onChunk` for every chunk as it is read (from the socket's read
       * callback, no promise per chunk: the cheapest way through for a large body). Resolves once the whole body
       * was handed over and the last call settled; rejects with what `onChunk` threw, as it is, or with the
       * transfer's error (reset, stall, abort, destroy), passed through `mapError` when given.
       */
      each(onChunk: ChunkSink, mapError?: (error: unknown) => unknown): Promise<void>;
    };
}

function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

type Framing =
  | { kind: 'length'; remaining: number }
  | { kind: 'close' }
  | { kind: 'none' }
  | { kind: 'chunked' };

const enum Chunk {
  Size,
  Ext,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  Trailer,
  TrailerEndLf,
}

/** Buffers a reader may end up with (a TLS socket delivering after a pause); never reached in practice. */
const MAX_BUFFERS = 16;
const CR = 0x0d;
const LF = 0x0a;

/** Opens `url` (http: or https:) with GET and resolves once the response head is in. */
export function getStream(url: URL, options: StreamRequestOptions): Promise<StreamResponse> {
  return new ResponseReader(url, options).start();
}

class ResponseReader {
  private readonly slots: Buffer[];
  /** Views handed out or queued, per buffer: a buffer is reused only at 0. */
  private readonly outstanding: number[];
  private readSlot = 0;
  private paused = false;
  private readonly queue: { view: Buffer; slot: number }[] = [];
  private heldSlot = -1;
  private waiter: { resolve(r: IteratorResult<Uint8Array>): void; reject(e: unknown): void } | undefined;
  /** Push mode (`each`): the consumer, whether a call of it has not settled yet, and how to settle `each`. */
  private sink: ChunkSink | undefined;
  private sinkBusy = false;
  private sinkResult: { resolve(): void; reject(e: unknown): void; mapError?: (error: unknown) => unknown } | undefined;
  /** What the sink threw (each() rejects with it as it is). */
  private sinkFailure: { error: unknown } | undefined;

  private socket!: net.Socket;
  private headParts: Buffer[] = [];
  private framing: Framing | undefined;
  private chunkState = Chunk.Size;
  private chunkSize = 0;
  private chunkDigits = 0;
  private chunkLeft = 0;
  /** open → finished (all bytes in) / failed / closed (the consumer let go). `ended` = not open. */
  private state: 'open' | 'finished' | 'failed' | 'closed' = 'open';
  private failure: unknown;
  private stallTimer: NodeJS.Timeout | undefined;
  private resolveHead!: (r: StreamResponse) => void;
  private rejectHead!: (e: unknown) => void;
  private headDone = false;
  private readonly maxHeadBytes: number;
  private readonly slotBytes: number;
  private get ended(): boolean {
    return this.state !== 'open';
  }
  private readonly onAbort = () => this.stop(this.options.signal?.reason ?? codedError('The download was aborted.', 'ABORT_ERR'));

  constructor(
    private readonly url: URL,
    private readonly options: StreamRequestOptions,
  ) {
    this.slotBytes = Math.max(16 * 1024, options.bufferBytes ?? 1024 * 1024);
    const count = Math.max(3, options.buffers ?? 4);
    this.slots = Array.from({ length: count }, () => Buffer.allocUnsafe(this.slotBytes));
    this.outstanding = new Array<number>(count).fill(0);
    this.maxHeadBytes = options.maxHeadBytes ?? 64 * 1024;
  }

  start(): Promise<StreamResponse> {
    const head = new Promise<StreamResponse>((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
    const { signal } = this.options;
    if (signal?.aborted) {
      this.rejectHead(signal.reason);
      return head;
    }
    let request: string;
    try {
      request = this.requestText();
    } catch (error) {
      this.rejectHead(error);
      return head;
    }
    const port = Number(this.url.port) || (this.url.protocol === 'https:' ? 443 : 80);
    const host = this.url.hostname.replace(/^\[|\]$/g, '');
    const onread = { buffer: () => this.slots[this.readSlot]!, callback: (n: number, buf: Uint8Array) => this.onRead(n, buf) };
    if (this.url.protocol === 'https:') {
      // tls.connect passes `onread` on to its socket (Node ≥ 12.2); @types/node does not list it.
      const options: tls.ConnectionOptions & { onread: net.OnReadOpts } = {
        ...this.options.tlsOptions,
        host,
        port,
        servername: isIP(host) ? undefined : host,
        ALPNProtocols: ['http/1.1'],
        onread,
      };
      this.socket = tls.connect(options);
      this.socket.once('secureConnect', () => this.socket.write(request));
    } else if (this.url.protocol === 'http:') {
      this.socket = net.connect({ host, port, onread });
      this.socket.once('connect', () => this.socket.write(request));
    } else {
      this.rejectHead(codedError(`Unsupported protocol ${this.url.protocol}`, 'ERR_INVALID_URL_SCHEME'));
      return head;
    }
    this.socket.setNoDelay(true);
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('end', () => this.onEnd());
    this.socket.on('close', () => {
      if (!this.ended) this.fail(codedError('The connection closed before the whole answer arrived.', 'ECONNRESET'));
    });
    signal?.addEventListener('abort', this.onAbort, { once: true });
    return head;
  }

  private requestText(): string {
    const lines = [`GET ${this.url.pathname || '/'}${this.url.search} HTTP/1.1`, `Host: ${this.url.host}`];
    for (const [name, value] of Object.entries(this.options.headers)) {
      if (/[\r\n]/.test(name) || /[\r\n]/.test(value) || /^(host|connection)$/i.test(name)) {
        throw codedError(`Refusing to send the header "${name}".`, 'ERR_INVALID_HTTP_TOKEN');
      }
      lines.push(`${name}: ${value}`);
    }
    lines.push('Connection: close', '', '');
    return lines.join('\r\n');
  }

  // ---- reading ---------------------------------------------------------------------------------------

  private onRead(n: number, buf: Uint8Array): boolean {
    const slot = this.readSlot;
    if (buf !== this.slots[slot] || this.outstanding[slot]! > 0) {
      // Never happens by design (reading pauses before a buffer in use comes round); if it did, bytes the
      // consumer has not taken yet were overwritten: stop (dropping what is queued) rather than hand out wrong bytes.
      this.stop(codedError('Internal error: a read landed in a buffer still in use.', 'ERR_INTERNAL_ASSERTION'));
      return false;
    }
    this.stallTimer?.refresh();
    const bytes = this.slots[slot]!.subarray(0, n);
    if (!this.headDone) {
      this.onHeadBytes(bytes, slot);
    } else {
      this.onBodyBytes(bytes, slot);
    }
    if (this.ended) return false;
    // The next read goes into a free buffer. Reading pauses once two buffers are busy (the consumer's and one
    // waiting): double buffering. A plain socket stops at once; a TLS socket may still hand over what it has
    // already decrypted, into the spare buffers, and if none is left one more is made (never one in use).
    let next = this.freeSlot();
    if (next < 0) {
      if (this.slots.length >= MAX_BUFFERS) {
        this.fail(codedError('Internal error: the reader kept receiving data while paused.', 'ERR_INTERNAL_ASSERTION'));
        return false;
      }
      this.slots.push(Buffer.allocUnsafe(this.slotBytes));
      this.outstanding.push(0);
      next = this.slots.length - 1;
    }
    this.readSlot = next;
    if (this.busySlots() >= 2) {
      this.paused = true;
      this.stopStallTimer();
      return false;
    }
    return true;
  }

  /**
   * A buffer no view points into, the current one first; -1 if none. A consumer that is done with each chunk before
   * the next read (the downloader writing from the read callback) so keeps reading into one buffer, as curl does:
   * its pages are faulted in once, where going round all of them touched new memory in each (up to 4 MiB).
   */
  private freeSlot(): number {
    for (let k = 0; k < this.slots.length; k++) {
      const i = (this.readSlot + k) % this.slots.length;
      if (this.outstanding[i] === 0) return i;
    }
    return -1;
  }

  private busySlots(): number {
    let n = 0;
    for (const count of this.outstanding) if (count > 0) n++;
    return n;
  }

  private onHeadBytes(bytes: Buffer, slot: number): void {
    // Usually the whole head (and the body's first bytes) arrive in the first read: searched where it lies, not
    // copied. Only a head split across reads is kept, as a copy (the read buffer is reused).
    let text = this.headParts.length === 0 ? bytes : Buffer.concat([...this.headParts, bytes]);
    for (;;) {
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) {
        if (text.length > this.maxHeadBytes) this.fail(codedError(`The answer's head is larger than ${this.maxHeadBytes} bytes.`, 'UND_ERR_HEADERS_OVERFLOW'));
        else this.headParts = [Buffer.from(text)];
        return;
      }
      const parsed = this.parseHead(text.toString('latin1', 0, end));
      if (parsed === undefined) return;
      const rest = text.length - (end + 4);
      if (parsed.statusCode >= 100 && parsed.statusCode < 200) {
        // 100 Continue, 103 Early Hints…: the real answer follows.
        text = text.subarray(end + 4);
        continue;
      }
      this.headDone = true;
      this.headParts = [];
      this.framing = parsed.framing;
      this.resolveHead({ statusCode: parsed.statusCode, headers: parsed.headers, body: this.body() });
      this.startStallTimer();
      // The body's first bytes arrived with the head: they are the last `rest` bytes of this read's buffer.
      if (rest > 0) this.onBodyBytes(bytes.subarray(bytes.length - rest), slot);
      else if (this.framing.kind === 'none' || (this.framing.kind === 'length' && this.framing.remaining === 0)) this.finish();
      return;
    }
  }

  private parseHead(head: string): { statusCode: number; headers: StreamResponse['headers']; framing: Framing } | undefined {
    const lines = head.split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0] ?? '');
    if (!status) {
      this.fail(codedError('The server did not answer with HTTP/1.1.', 'HPE_INVALID_CONSTANT'));
      return undefined;
    }
    const statusCode = Number(status[1]);
    const headers: StreamResponse['headers'] = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0 || /^[ \t]/.test(line) || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(line.slice(0, colon))) {
        this.fail(codedError(`The answer has a malformed header line.`, 'HPE_INVALID_HEADER_TOKEN'));
        return undefined;
      }
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      const previous = headers[name];
      headers[name] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
    }
    if (statusCode === 101) {
      this.fail(codedError('The server switched protocols.', 'UND_ERR_NOT_SUPPORTED'));
      return undefined;
    }
    let framing: Framing;
    const te = headers['transfer-encoding'];
    const cl = headers['content-length'];
    if (statusCode === 204 || statusCode === 304 || (statusCode >= 100 && statusCode < 200)) {
      framing = { kind: 'none' };
    } else if (te !== undefined) {
      const codings = (Array.isArray(te) ? te.join(',') : te).split(',').map((c) => c.trim().toLowerCase());
      framing = codings[codings.length - 1] === 'chunked' ? { kind: 'chunked' } : { kind: 'close' };
    } else if (cl !== undefined) {
      const values = new Set((Array.isArray(cl) ? cl : [cl]).flatMap((v) => v.split(',')).map((v) => v.trim()));
      const only = values.size === 1 ? [...values][0]! : '';
      if (!/^\d{1,15}$/.test(only)) {
        this.fail(codedError('The answer has an invalid Content-Length.', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'));
        return undefined;
      }
      framing = { kind: 'length', remaining: Number(only) };
    } else {
      framing = { kind: 'close' };
    }
    return { statusCode, headers, framing };
  }

  private onBodyBytes(bytes: Buffer, slot: number): void {
    const framing = this.framing!;
    if (this.ended) return;
    if (framing.kind === 'close') {
      this.push(bytes, slot);
    } else if (framing.kind === 'length') {
      const n = Math.min(framing.remaining, bytes.length);
      if (n > 0) this.push(bytes.subarray(0, n), slot);
      framing.remaining -= n;
      if (framing.remaining === 0) this.finish();
    } else if (framing.kind === 'chunked') {
      this.decodeChunked(bytes, slot);
    } else {
      this.finish();
    }
  }

  private decodeChunked(bytes: Buffer, slot: number): void {
    let i = 0;
    const bad = (what: string) => this.fail(codedError(`The chunked answer is malformed (${what}).`, 'HPE_INVALID_CHUNK_SIZE'));
    while (i < bytes.length && !this.ended) {
      const c = bytes[i]!;
      switch (this.chunkState) {
        case Chunk.Size: {
          const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
          if (digit >= 0) {
            if (++this.chunkDigits > 13) return bad('size too large');
            this.chunkSize = this.chunkSize * 16 + digit;
          } else if (this.chunkDigits > 0 && (c === 0x3b || c === 0x20 || c === 0x09)) {
            this.chunkState = Chunk.Ext;
          } else if (this.chunkDigits > 0 && c === CR) {
            this.chunkState = Chunk.SizeLf;
          } else {
            return bad('size');
          }
          i++;
          break;
        }
        case Chunk.Ext:
          if (c === CR) this.chunkState = Chunk.SizeLf;
          i++;
          break;
        case Chunk.SizeLf:
          if (c !== LF) return bad('size line');
          i++;
          if (this.chunkSize === 0) {
            this.chunkState = Chunk.TrailerStart;
          } else {
            this.chunkLeft = this.chunkSize;
            this.chunkState = Chunk.Data;
          }
          this.chunkSize = 0;
          this.chunkDigits = 0;
          break;
        case Chunk.Data: {
          const n = Math.min(this.chunkLeft, bytes.length - i);
          this.push(bytes.subarray(i, i + n), slot);
          this.chunkLeft -= n;
          i += n;
          if (this.chunkLeft === 0) this.chunkState = Chunk.DataCr;
          break;
        }
        case Chunk.DataCr:
          if (c !== CR) return bad('data end');
          this.chunkState = Chunk.DataLf;
          i++;
          break;
        case Chunk.DataLf:
          if (c !== LF) return bad('data end');
          this.chunkState = Chunk.Size;
          i++;
          break;
        case Chunk.TrailerStart:
          this.chunkState = c === CR ? Chunk.TrailerEndLf : Chunk.Trailer;
          i++;
          break;
        case Chunk.Trailer:
          if (c === LF) this.chunkState = Chunk.TrailerStart;
          i++;
          break;
        case Chunk.TrailerEndLf:
          if (c !== LF) return bad('trailer');
          this.finish();
          return;
      }
    }
  }

  private onEnd(): void {
    if (this.ended) return;
    if (this.headDone && this.framing?.kind === 'close') {
      this.finish();
      return;
    }
    this.fail(codedError('The connection closed before the whole answer arrived.', 'ECONNRESET'));
  }

  // ---- handing out ---------------------------------------------------------------------------------

  private push(view: Buffer, slot: number): void {
    if (view.length === 0) return;
    this.outstanding[slot]!++;
    if (this.sink) {
      this.queue.push({ view, slot });
      this.drainSink();
    } else if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      this.heldSlot = slot;
      waiter.resolve({ value: view, done: false });
    } else {
      this.queue.push({ view, slot });
    }
  }

  /** The consumer is done with the chunk it holds: its buffer may be read into again. */
  private release(): void {
    if (this.heldSlot < 0) return;
    this.outstanding[this.heldSlot]!--;
    this.heldSlot = -1;
    if (this.paused && this.busySlots() <= 1 && !this.ended) {
      this.paused = false;
      this.startStallTimer();
      this.socket.resume();
    }
  }

  private next(): Promise<IteratorResult<Uint8Array>> {
    if (this.sink) return Promise.reject(new Error('next() called while each() is running'));
    this.release();
    const item = this.queue.shift();
    if (item) {
      this.heldSlot = item.slot;
      return Promise.resolve({ value: item.view, done: false });
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    if (this.waiter) return Promise.reject(new Error('next() called again before the previous one settled'));
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  private each(onChunk: ChunkSink, mapError?: (error: unknown) => unknown): Promise<void> {
    if (this.sink || this.waiter) return Promise.reject(new Error('each() called while the body is being read'));
    this.release();
    return new Promise<void>((resolve, reject) => {
      this.sink = onChunk;
      this.sinkResult = { resolve, reject, mapError };
      this.drainSink();
    });
  }

  /** Push mode: hands queued chunks to the sink, one at a time, in order; settles `each` once all is handed over. */
  private drainSink(): void {
    const sink = this.sink;
    if (!sink) return;
    while (!this.sinkBusy) {
      const item = this.queue.shift();
      if (!item) break;
      this.heldSlot = item.slot;
      // Busy during the call too: an abort or destroy from inside it settles each() only after the call is done.
      this.sinkBusy = true;
      let result: void | PromiseLike<void>;
      try {
        result = sink(item.view);
      } catch (error) {
        this.sinkBusy = false;
        this.sinkFailed(error);
        this.release();
        return;
      }
      if (result !== undefined && typeof result.then === 'function') {
        result.then(
          () => {
            this.sinkBusy = false;
            this.release();
            this.drainSink();
          },
          (error: unknown) => {
            this.sinkBusy = false;
            this.sinkFailed(error);
            this.release();
          },
        );
        return;
      }
      this.sinkBusy = false;
      this.release();
    }
    if (this.ended && this.queue.length === 0) this.settleSink();
  }

  private sinkFailed(error: unknown): void {
    this.sinkFailure = { error };
    this.stop(error);
  }

  private settleSink(): void {
    const settle = this.sinkResult;
    if (!settle || this.sinkBusy) return;
    this.sinkResult = undefined;
    this.sink = undefined;
    if (this.state !== 'failed') {
      settle.resolve();
    } else if (this.sinkFailure?.error === this.failure || !settle.mapError) {
      settle.reject(this.failure);
    } else {
      let mapped: unknown;
      try {
        mapped = settle.mapError(this.failure);
      } catch (error) {
        mapped = error;
      }
      settle.reject(mapped);
    }
  }

  private body(): StreamResponse['body'] {
    const body: StreamResponse['body'] = {
      [Symbol.asyncIterator]: () => body,
      next: () => this.next(),
      each: (onChunk: ChunkSink, mapError?: (error: unknown) => unknown) => this.each(onChunk, mapError),
      return: async () => {
        this.close();
        return { value: undefined, done: true };
      },
      // The consumer stops the body: a pending next() rejects with `error` (or ends without one).
      destroy: (error?: Error) => {
        if (error) this.stop(error);
        else this.close();
      },
    };
    return body;
  }

  // ---- ending --------------------------------------------------------------------------------------

  private startStallTimer(): void {
    if (this.ended || this.options.bodyTimeoutMs <= 0 || !Number.isFinite(this.options.bodyTimeoutMs)) return;
    if (this.stallTimer) {
      this.stallTimer.refresh();
      return;
    }
    this.stallTimer = setTimeout(() => {
      this.fail(codedError(`No data for ${this.options.bodyTimeoutMs} ms.`, 'UND_ERR_BODY_TIMEOUT'));
    }, this.options.bodyTimeoutMs);
  }

  private stopStallTimer(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }

  /** The whole body arrived: hand out what is queued, then `done`. Later socket errors change nothing. */
  private finish(): void {
    if (this.ended) return;
    this.state = 'finished';
    this.cleanup();
    if (this.waiter && this.queue.length === 0) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter.resolve({ value: undefined, done: true });
    }
    this.drainSink();
  }

  /** Stops without an error (the consumer let go). */
  private close(): void {
    if (!this.ended) {
      this.state = 'closed';
      this.cleanup();
    }
    this.dropQueue();
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter.resolve({ value: undefined, done: true });
    }
    this.settleSink();
  }

  /**
   * A transfer error: only while open (after the last byte, a reset or a late timer changes nothing). What had
   * arrived is still handed out first (a resume continues after it); then next() / each() reject with `error`.
   */
  private fail(error: unknown): void {
    if (this.ended) return;
    this.failure = error;
    this.state = 'failed';
    this.cleanup();
    // A waiter means nothing is queued.
    this.rejectPending(error);
    this.drainSink();
  }

  /**
   * The consumer stops with `error` (destroy, abort, or its sink failed), whatever the state: what was not handed
   * out is dropped, and pending and later next() / each() reject with `error`. A consumer's error replaces a
   * transfer error that had not reached it yet (a disk error matters more than the reset it caused).
   */
  private stop(error: unknown): void {
    if (this.state === 'failed' && this.failure === error) {
      this.settleSink();
      return;
    }
    const wasOpen = !this.ended;
    this.failure = error;
    this.state = 'failed';
    this.dropQueue();
    if (wasOpen) this.cleanup();
    this.rejectPending(error);
    this.settleSink();
  }

  /** Rejects the wait for the head (if not in yet) and a pending next(). */
  private rejectPending(error: unknown): void {
    if (!this.headDone) this.rejectHead(error);
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter.reject(error);
    }
  }

  private dropQueue(): void {
    for (const item of this.queue) this.outstanding[item.slot]!--;
    this.queue.length = 0;
  }

  private cleanup(): void {
    this.stopStallTimer();
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.socket?.destroy();
  }
}
