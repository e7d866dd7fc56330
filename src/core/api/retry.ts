/**
 * The account-wide Retry-After gate. Rate limits are per account (the key), not per call: after a 429 with
 * Retry-After, no request goes to the API origin before the time it names, whichever call makes it. The client
 * waits on it before each call to the API origin and records every Retry-After in it; the poller arms its timer
 * no earlier than `readyAt`. One instance per key, made in the composition root.
 */
import { delay, systemClock, type Clock } from '../shared/clock';
import { cancelledError, errorFromStatus } from './errors';

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
