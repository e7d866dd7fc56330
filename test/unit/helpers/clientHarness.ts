/**
 * Shared set-up of the client tests (client*.test.ts, rateLimitAccount.test.ts): the clients they make and
 * dispose, the options pointing one at a fake OpenRouter through Node's fetch, a logger that keeps its lines,
 * and the small readers/assertions every one of them uses.
 */
import * as assert from 'node:assert/strict';
import { createVideoApi, type ClientOptions } from '../../../src/core/api/client';
import { OpenRouterError, type ErrorKind, type Reason } from '../../../src/core/api/errors';
import type { FetchFn, VideoApi } from '../../../src/core/api/videoApi';
import type { Logger } from '../../../src/core/shared/logger';

/** The User-Agent the client tests send. */
export const TEST_UA = 'openrouter-video-vscode/0.0.0-test vscode/0.0.0';

/** Node's own fetch, as the extension host's would be passed. */
export const nodeFetch: FetchFn = (input, init) => globalThis.fetch(input, init);

/** Options for a client of `fake` (its URL and key, Node's fetch, TEST_UA, a 3 s deadline); add retries and a logger. */
export function fakeClientOptions(fake: { baseUrl: string; apiKey: string }): ClientOptions {
  return {
    baseUrl: fake.baseUrl,
    keyProvider: () => fake.apiKey,
    fetch: nodeFetch,
    userAgent: TEST_UA,
    timeoutMs: 3000,
  };
}

export interface ClientHarness {
  /** A client with `base()` and then `overrides`; disposed by `disposeAll()`. */
  client(overrides?: Partial<ClientOptions>): VideoApi;
  /** Disposes every client made since the last call (an afterEach). */
  disposeAll(): Promise<void>;
}

/** Makes clients from `base()` (read on each call, so it may use what a `before` hook set). */
export function clientHarness(base: () => ClientOptions): ClientHarness {
  const clients: VideoApi[] = [];
  return {
    client(overrides = {}) {
      const api = createVideoApi({ ...base(), ...overrides });
      clients.push(api);
      return api;
    },
    async disposeAll() {
      await Promise.all(clients.splice(0).map((c) => c.dispose()));
    },
  };
}

/** A logger that keeps each message (errors as String(error)) in `lines`. */
export class LineLogger implements Logger {
  constructor(readonly lines: string[] = []) {}
  trace = (m: string) => this.lines.push(m);
  debug = (m: string) => this.lines.push(m);
  info = (m: string) => this.lines.push(m);
  warn = (m: string) => this.lines.push(m);
  error = (m: string | Error) => this.lines.push(String(m));
  /** How many retries were logged. */
  retries(): number {
    return this.lines.filter((l) => l.startsWith('Retrying')).length;
  }
}

/** Reads a response body to the end. */
export async function readAll(body: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Asserts that `promise` rejects with an OpenRouterError of `kind` (and `reason`, when given), and returns it. */
export async function rejectsWith(promise: Promise<unknown>, kind: ErrorKind, reason?: Reason): Promise<OpenRouterError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(OpenRouterError.is(error), `expected an OpenRouterError, got ${String(error)}`);
    assert.equal(error.kind, kind, `expected kind ${kind}, got ${error.kind}: ${error.message}`);
    if (reason !== undefined) assert.equal(error.reason, reason, `expected reason ${reason}, got ${error.reason}: ${error.message}`);
    return error;
  }
  assert.fail(`expected a ${kind} error, but the call succeeded`);
}
