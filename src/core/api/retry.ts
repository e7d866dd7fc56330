/**
 * Retries of calls to OpenRouter: the one retry layer of the product (the downloader only resumes a body that
 * broke mid-way). The read and submit policies, full-jitter back-off never shorter than Retry-After, abortable
 * waits, and the account-wide Retry-After gate.
 *
 * Rate limits are per account (the key), not per call: after a 429 with Retry-After, no request goes to the API
 * origin before the time it names, whichever call makes it. The client waits on the gate before each call to the
 * API origin and records every such Retry-After in it; the poller arms its timer no earlier than `readyAt`. One
 * gate per key, made in the composition root.
 */
import timers = require('node:timers/promises');
import { delay, systemClock, type Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { cancelledError, errorFromStatus, isRetryableRead, OpenRouterError } from './errors';

export class RateLimitGate {
  private until = 0;

  constructor(private readonly clock: Clock = systemClock) {}

  /** The earliest time (the clock's ms) a request may go to the API origin. */
  get readyAt(): number {
    return this.until;
  }

  /** Records a Retry-After of `ms` from now. */
  hold(ms: number): void {
    if (Number.isFinite(ms) && ms > 0) {
      this.until = Math.max(this.until, this.clock.now() + ms);
    }
  }

  /**
   * Resolves once the gate is open. A wait longer than `maxWaitMs` is not made: it rejects at once with a
   * `rateLimited` error holding the time left (nothing was sent). Rejects with `cancelled` when `signal` aborts.
   */
  async wait(signal: AbortSignal | undefined, maxWaitMs: number): Promise<void> {
    const wait = this.until - this.clock.now();
    if (wait <= 0) return;
    if (wait > maxWaitMs) throw errorFromStatus(429, undefined, wait);
    try {
      await delay(wait, signal, this.clock);
    } catch (error) {
      throw cancelledError(error);
    }
  }
}

/** How one call retries. */
export interface RetrySettings {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Base of the exponential back-off, ms. */
  baseMs: number;
  /** Cap of the exponential back-off, ms. */
  capMs: number;
  /** Longest Retry-After waited out inside a call, ms; a longer one fails at once with the time left. */
  maxRetryAfterMs: number;
  /** Source of randomness for the jitter, in [0, 1). */
  random: () => number;
}

export const RETRY_DEFAULTS: RetrySettings = {
  maxRetries: 3,
  baseMs: 500,
  capMs: 30_000,
  maxRetryAfterMs: 120_000,
  random: Math.random,
};

/** Whether a failed attempt is worth another. */
export type RetryPolicy = (error: OpenRouterError) => boolean;

/** Reads (GET): transient failures are retried; a certificate problem does not heal in seconds. */
export const readPolicy: RetryPolicy = (error) => isRetryableRead(error) && error.reason !== 'tlsFailed';

/**
 * Submit (POST): retried ONLY when the request provably never left (connection refused, DNS, no route) or
 * OpenRouter asked to wait (429 with Retry-After). Anything else may have created, and billed, a job.
 */
export const submitPolicy: RetryPolicy = (error) =>
  (error.kind === 'rateLimited' && error.retryAfterMs !== undefined) ||
  (error.notSent && (error.kind === 'network' || error.kind === 'timeout') && error.reason !== 'tlsFailed');

/**
 * The wait before retry number `retry` (0-based): full-jitter exponential back-off, never shorter than
 * Retry-After. Undefined when the Retry-After is longer than `maxRetryAfterMs` (not waited out in a call).
 */
export function backoff(retry: number, retryAfterMs: number | undefined, settings: RetrySettings): number | undefined {
  if (retryAfterMs !== undefined && retryAfterMs > settings.maxRetryAfterMs) {
    return undefined;
  }
  const jittered = Math.floor(settings.random() * Math.min(settings.capMs, settings.baseMs * 2 ** retry));
  return Math.max(retryAfterMs ?? 0, jittered);
}

export interface Retrying {
  policy: RetryPolicy;
  settings: RetrySettings;
  /** Stops the waits and the attempts: the caller's signal and the client's lifetime, combined. */
  signal: AbortSignal;
  /** The call goes to the API origin: it waits on the account's gate first and records a 429's Retry-After in it. */
  gate: RateLimitGate | undefined;
  logger: Logger;
  /** Names the call in log lines (no secrets). */
  label: string;
}

/**
 * Runs `attempt` until it succeeds, the policy refuses the failure, or the retries run out. The one retry
 * layer of the product: the downloader only resumes a body that broke after this handed it out.
 */
export async function retrying<T>(attempt: () => Promise<T>, how: Retrying): Promise<T> {
  const { settings, signal, gate } = how;
  for (let retry = 0; ; retry++) {
    if (gate) {
      await gate.wait(signal, settings.maxRetryAfterMs).catch((error: unknown) => {
        throw stopped(signal) ?? error;
      });
    }
    let failure: OpenRouterError;
    try {
      return await attempt();
    } catch (error) {
      failure = stopped(signal) ?? (OpenRouterError.is(error) ? error : new OpenRouterError('network', 'connectionFailed', {}, { cause: error }));
    }
    const retryAfterMs = failure.retryAfterMs !== undefined && failure.retryAfterMs > 0 ? failure.retryAfterMs : undefined;
    // The gate holds every call to the API origin, this one's next attempt included, for a 429's Retry-After.
    const gated = gate !== undefined && failure.kind === 'rateLimited' && retryAfterMs !== undefined;
    if (gated) {
      gate.hold(retryAfterMs);
    }
    const wait = failure.kind === 'cancelled' || retry >= settings.maxRetries || !how.policy(failure) ? undefined : backoff(retry, retryAfterMs, settings);
    if (wait === undefined) {
      throw failure;
    }
    // Gated: the jitter here, the Retry-After at the gate (on the injected clock) before the next attempt.
    const ownWait = gated ? backoff(retry, undefined, settings) ?? 0 : wait;
    how.logger.info(
      `Retrying (${retry + 1}/${settings.maxRetries}) ${how.label} in ${wait} ms after ${failure.kind}${failure.status ? ` ${failure.status}` : ''}.`,
    );
    try {
      await timers.setTimeout(ownWait, undefined, { signal });
    } catch (error) {
      throw stopped(signal) ?? cancelledError(error);
    }
  }
}

/** The error for a stopped call: the client's own (e.g. `clientClosed`) when it gave one, else `cancelled`. */
export function stopped(signal: AbortSignal): OpenRouterError | undefined {
  if (!signal.aborted) return undefined;
  return OpenRouterError.is(signal.reason) ? signal.reason : cancelledError(signal.reason);
}
