/**
 * The store's one write queue. One write runs at a time; changes made meanwhile are coalesced into the next
 * write. The text is rendered when its write starts (inside `write`), so a write always carries the newest
 * state and a newer text supersedes one still waiting. `exclusive` runs other work on the file (a re-read)
 * between writes, never during one. Every `save()` resolves when a write that holds its change has landed
 * (or rejects when that write fails). A lazy save (poll bookkeeping) waits up to `lazyWriteMs`, or rides
 * along with the next ordinary one.
 */
import { OpenRouterError, describeError } from '../api/errors';
import type { Clock, TimerHandle } from '../shared/clock';
import type { Logger } from '../shared/logger';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

export interface StoreWriterOptions {
  clock: Clock;
  logger: Logger;
  /** How long a lazy save may wait for its write. 0 writes it at once. */
  lazyWriteMs: number;
}

export class StoreWriter {
  /** Saves not yet taken by a write. */
  private waiting: Waiter[] = [];
  /** A write is due as soon as the current one (if any) lands. */
  private due = false;
  private lazyTimer: TimerHandle | undefined;
  /** The write in flight; it never rejects (its waiters do). */
  private writing: Promise<void> | undefined;

  /** `write` renders the current state and stores it; it is called for one write at a time. */
  constructor(
    private readonly write: () => Promise<void>,
    private readonly options: StoreWriterOptions,
  ) {}

  /** Runs `work` when no write is in flight; writes wait for it. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.writing) await this.writing;
    const running = work();
    this.writing = running.then(
      () => undefined,
      () => undefined,
    );
    void this.writing.finally(() => {
      this.writing = undefined;
      this.pump();
    });
    return running;
  }

  /** Resolves once a write holding every change made before this call has landed. */
  save(lazy = false): Promise<void> {
    const landed = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    if (lazy && this.options.lazyWriteMs > 0) {
      this.startLazyTimer();
    } else {
      this.due = true;
      this.pump();
    }
    return landed;
  }

  /** Writes whatever waits (lazy saves too) and resolves when nothing is left. Never rejects. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.waiting.length > 0) {
        this.due = true;
        this.pump();
      }
      if (!this.writing) {
        return;
      }
      await this.writing;
    }
  }

  /** Stops the lazy timer. Call after `flush()`: saves made later are written at once. */
  dispose(): void {
    this.stopLazyTimer();
  }

  private startLazyTimer(): void {
    if (this.lazyTimer !== undefined || this.due) {
      return; // a write is already on its way: the change rides along
    }
    this.lazyTimer = this.options.clock.setTimeout(() => {
      this.lazyTimer = undefined;
      this.due = true;
      this.pump();
    }, this.options.lazyWriteMs);
  }

  private stopLazyTimer(): void {
    if (this.lazyTimer !== undefined) {
      this.options.clock.clearTimeout(this.lazyTimer);
      this.lazyTimer = undefined;
    }
  }

  private pump(): void {
    if (this.writing || !this.due) {
      return;
    }
    this.due = false;
    this.stopLazyTimer();
    const waiters = this.waiting;
    this.waiting = [];
    if (waiters.length === 0) {
      return;
    }
    let written: Promise<void>;
    try {
      written = this.write(); // starts now: the text holds the state as it is at this moment
    } catch (error) {
      written = Promise.reject(error);
    }
    this.writing = written
      .then(
        () => {
          for (const w of waiters) w.resolve();
        },
        (error: unknown) => {
          this.options.logger.error(`Could not save the jobs list: ${describeError(error)}`);
          const failure = new OpenRouterError('io', 'storeNotSaved', { detail: describeError(error) }, { cause: error });
          for (const w of waiters) w.reject(failure);
        },
      )
      .finally(() => {
        this.writing = undefined;
        this.pump();
      });
  }
}
