/**
 * Shared set-up of the undici client tests (openRouterClient*.test.ts): the clients they make and
 * dispose, the options pointing one at a fake OpenRouter, a logger that keeps its lines, and the
 * small readers/assertions every one of them used.
 */
import * as assert from 'node:assert/strict';
import { createVideoApi, type OpenRouterClientOptions } from '../../../src/core/api/openRouterClient';
import { OpenRouterError, type ErrorKind } from '../../../src/core/api/errors';
import type { VideoApi } from '../../../src/core/api/videoApi';
import type { Logger } from '../../../src/core/shared/logger';

/** The User-Agent the client tests send. */
export const TEST_UA = 'openrouter-video-vscode/0.0.0-test vscode/0.0.0';

/** Options for a client of `fake` (its URL and key, TEST_UA, 3 s timeouts); add retries and a logger. */
export function fakeClientOptions(fake: { baseUrl: string; apiKey: string }): Partial<OpenRouterClientOptions> {
  return {
    baseUrl: fake.baseUrl,
    keyProvider: () => fake.apiKey,
    userAgent: TEST_UA,
    timeoutMs: 3000,
    bodyTimeoutMs: 3000,
  };
}

export interface ClientHarness {
  /** A client with `base()` and then `overrides`; disposed by `disposeAll()`. */
  client(overrides?: Partial<OpenRouterClientOptions>): VideoApi;
  /** Disposes every client made since the last call (an afterEach). */
  disposeAll(): Promise<void>;
}

/** Makes clients from `base()` (read on each call, so it may use what a `before` hook set). */
export function clientHarness(base: () => Partial<OpenRouterClientOptions>): ClientHarness {
  const clients: VideoApi[] = [];
  return {
    client(overrides = {}) {
      const api = createVideoApi({ ...base(), ...overrides } as OpenRouterClientOptions);
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
}

/** Reads a response body to the end. */
export async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Asserts that `promise` rejects with an OpenRouterError of `kind`, and returns it. */
export async function rejectsWith(promise: Promise<unknown>, kind: ErrorKind): Promise<OpenRouterError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(OpenRouterError.is(error), `expected an OpenRouterError, got ${String(error)}`);
    assert.equal(error.kind, kind, `expected kind ${kind}, got ${error.kind}: ${error.message}`);
    return error;
  }
  assert.fail(`expected a ${kind} error, but the call succeeded`);
}
