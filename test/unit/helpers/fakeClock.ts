/** A manual clock for timer-driven code: time moves only when a test says so. */
import type { Clock, TimerHandle } from '../../../src/core/shared/clock';

interface FakeTimer {
  readonly id: number;
  at: number;
  readonly fn: () => void;
}

/** Lets pending promise callbacks (and the I/O they start, e.g. an in-memory store write) run. */
export async function flushMicrotasks(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export class FakeClock implements Clock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(start = Date.UTC(2026, 9, 8, 12, 0, 0)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.time + Math.max(0, ms), fn });
    return { fakeTimerId: id };
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as { fakeTimerId?: number } | undefined)?.fakeTimerId;
    if (id !== undefined) {
      this.timers.delete(id);
    }
  }

  /** Timers set and not yet fired or cleared. */
  get pendingTimerCount(): number {
    return this.timers.size;
  }

  /** When the next timer fires, or undefined. */
  nextTimerAt(): number | undefined {
    let next: number | undefined;
    for (const t of this.timers.values()) {
      if (next === undefined || t.at < next) next = t.at;
    }
    return next;
  }

  /**
   * Moves time forward by `ms`, firing due timers in order, and lets the async work each one starts
   * settle before moving on (so a poll's promise chain completes at the time it was started).
   */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await flushMicrotasks();
    for (;;) {
      const next = this.earliest();
      if (!next || next.at > target) break;
      this.timers.delete(next.id);
      this.time = Math.max(this.time, next.at);
      next.fn();
      await flushMicrotasks();
    }
    this.time = target;
    await flushMicrotasks();
  }

  /** Advances straight to the next timer (if any) and fires it. Returns the time advanced. */
  async advanceToNextTimer(): Promise<number> {
    const at = this.nextTimerAt();
    if (at === undefined) {
      await flushMicrotasks();
      return 0;
    }
    const delta = Math.max(0, at - this.time);
    await this.advance(delta);
    return delta;
  }

  private earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers.values()) {
      if (!best || t.at < best.at || (t.at === best.at && t.id < best.id)) best = t;
    }
    return best;
  }
}
