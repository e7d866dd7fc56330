/**
 * Who waits for a job, and the news when one finishes. `waitForJob` resolves once nothing more happens to the
 * job on its own (the state table's `settled`); `onDidFinish` fires on each move into a state worth telling the
 * user about (`notify`).
 */
import { cancelledError, OpenRouterError } from '../api/errors';
import { Disposable } from '../shared/disposable';
import { Emitter, type Event } from '../shared/emitter';
import { isInterruptedDownload } from './crashRecovery';
import type { JobRecord, JobState } from './jobRecord';
import { stateIs } from './jobStates';
import type { JobStore, JobStoreChange } from './jobStore';

interface Waiter {
  clientId: string;
  resolve(record: JobRecord): void;
  reject(error: unknown): void;
}

export class JobWaiters extends Disposable {
  private readonly waiters = new Set<Waiter>();
  private readonly lastStates = new Map<string, JobState>();
  /** The start has picked up interrupted jobs: from then on an interrupted download is an outcome. */
  private resumed = false;

  private readonly finishEmitter = this._register(new Emitter<JobRecord>());
  /** A job reached an outcome worth telling the user about (the state table's `notify`). */
  readonly onDidFinish: Event<JobRecord> = this.finishEmitter.event;

  constructor(
    private readonly store: JobStore,
    /** Whether the service is still working on the job (a download running). */
    private readonly isBusy: (clientId: string) => boolean,
  ) {
    super();
    for (const record of store.all()) {
      this.lastStates.set(record.clientId, record.state);
    }
    this._register(store.onDidChange((change) => this.onStoreChange(change)));
  }

  /**
   * Resolves with the record once nothing more happens to it on its own (saved, failed, cancelled, expired,
   * rejected, submitUnknown, downloadFailed, stale, stopped). Accepts a clientId or an OpenRouter job id.
   */
  wait(id: string, signal?: AbortSignal): Promise<JobRecord> {
    const record = this.store.get(id) ?? this.store.findByJobId(id);
    if (!record) {
      return Promise.reject(new OpenRouterError('notFound', 'noSuchJob', { id }));
    }
    if (this.isSettled(record)) {
      return Promise.resolve(record);
    }
    if (this.isDisposed) {
      return Promise.reject(new OpenRouterError('cancelled', 'serviceStopped'));
    }
    if (signal?.aborted) {
      return Promise.reject(cancelledError(signal.reason));
    }
    return new Promise<JobRecord>((resolve, reject) => {
      const onAbort = () => {
        this.waiters.delete(waiter);
        reject(cancelledError(signal?.reason));
      };
      const waiter: Waiter = {
        clientId: record.clientId,
        resolve: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** Interrupted jobs have been picked up: waiters on them now see their real outcome. */
  markResumed(): void {
    this.resumed = true;
    for (const clientId of new Set([...this.waiters].map((w) => w.clientId))) {
      this.check(clientId);
    }
  }

  /** Resolves the waiters of a job that has settled. */
  check(clientId: string): void {
    if (this.waiters.size === 0) return;
    const record = this.store.get(clientId);
    if (!record || !this.isSettled(record)) return;
    for (const waiter of [...this.waiters]) {
      if (waiter.clientId === clientId) {
        this.waiters.delete(waiter);
        waiter.resolve(record);
      }
    }
  }

  /** Rejects every waiter: the service is stopping. */
  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    for (const waiter of [...this.waiters]) {
      waiter.reject(new OpenRouterError('cancelled', 'serviceStopped'));
    }
    this.waiters.clear();
  }

  private isSettled(record: JobRecord): boolean {
    if (this.isBusy(record.clientId) || !stateIs(record.state, 'settled')) {
      return false;
    }
    // An interrupted download that the start will pick up is not an outcome yet.
    return this.resumed || !isInterruptedDownload(record);
  }

  private onStoreChange(change: JobStoreChange): void {
    for (const id of change.removed) {
      this.lastStates.delete(id);
      for (const waiter of [...this.waiters]) {
        if (waiter.clientId === id) {
          this.waiters.delete(waiter);
          waiter.reject(new OpenRouterError('notFound', 'jobRemoved'));
        }
      }
    }
    for (const record of change.changed) {
      const previous = this.lastStates.get(record.clientId);
      this.lastStates.set(record.clientId, record.state);
      if (previous !== record.state && stateIs(record.state, 'notify') && !this.isDisposed) {
        this.finishEmitter.fire(record);
      }
      this.check(record.clientId);
    }
  }
}
