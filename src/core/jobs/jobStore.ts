/**
 * The single source of truth for jobs: in memory for reads, persisted as versioned JSON (storeFormat.ts)
 * through one write queue (storeWriter.ts). Changes apply in memory synchronously, so a check-then-update
 * in one tick is safe, and events fire at once; the returned promise settles when the change is on disk.
 * Records are immutable snapshots: a change replaces the record, never alters it.
 *
 * Finished jobs are pruned: every job that is not `prunable` (jobStates.ts) stays, and of the prunable ones
 * only the newest `keepFinishedJobs`. Their files stay where they are.
 *
 * Another window may share the file: each write first merges what the file holds (storeMerge.ts), and with
 * `followOtherWriters` a change of the file is merged as soon as it is seen.
 */
import { randomUUID } from 'node:crypto';
import { OpenRouterError } from '../api/errors';
import { type Clock, systemClock } from '../shared/clock';
import { Disposable } from '../shared/disposable';
import { Emitter, type Event } from '../shared/emitter';
import { type Logger, nullLogger } from '../shared/logger';
import type { JobStorage } from './fileStorage';
import type { JobRecord, StatusEntry } from './jobRecord';
import { stateIs } from './jobStates';
import { mergeFromFile } from './storeMerge';
import { parseStore, readStore, serialiseStore } from './storeFormat';
import { StoreWriter } from './storeWriter';
import type { JobInit, JobStoreChange, JobStoreLoadReport, JobStoreOptions, JobUpdate, UpdateOptions } from './jobStoreTypes';

export type { JobInit, JobPatch, JobStoreChange, JobStoreLoadReport, JobStoreOptions, JobUpdate, UpdateOptions } from './jobStoreTypes';

export { STORE_VERSION } from './storeFormat';

/** Oldest entries beyond this are dropped (the first entry, the creation, is always kept). */
const MAX_HISTORY = 100;

export class JobStore extends Disposable {
  private readonly records = new Map<string, JobRecord>();
  private sorted: readonly JobRecord[] | undefined;
  private readonly changeEmitter = this._register(new Emitter<JobStoreChange>());
  readonly onDidChange: Event<JobStoreChange> = this.changeEmitter.event;
  /** Each record's JSON, made once per record (records are replaced, never changed). */
  private readonly json = new WeakMap<JobRecord, string>();
  private readonly writer: StoreWriter;
  private readonly keepFinished: number;
  private report: JobStoreLoadReport = { loaded: 0, dropped: 0, recovered: 0, pruned: 0 };
  private closed = false;
  /** The clientIds the file held when this store last read or wrote it. */
  private seenOnDisk = new Set<string>();
  /** Records removed here and not yet written (a merge must not bring them back). */
  private readonly removedHere = new Set<string>();
  /** The text this store last wrote or merged: a file still holding it has nothing new to merge. */
  private lastSeenText: string | undefined;

  private constructor(
    private readonly storage: JobStorage,
    private readonly logger: Logger,
    private readonly clock: Clock,
    options: JobStoreOptions,
  ) {
    super();
    this.keepFinished = Math.max(1, Math.floor(options.keepFinishedJobs ?? 500));
    this.writer = new StoreWriter(() => storage.update((current) => this.mergeAndRender(current)), {
      clock,
      logger,
      lazyWriteMs: Math.max(0, options.lazyWriteMs ?? 2000),
    });
  }

  /**
   * Loads the store. Never throws for bad content: a corrupt file or one from a newer version is set
   * aside and the store starts empty; records that do not fit are dropped one by one. It throws only
   * when the storage itself cannot be read (so an unreadable file is never overwritten with nothing).
   */
  static async load(
    storage: JobStorage,
    logger: Logger = nullLogger,
    clock: Clock = systemClock,
    options: JobStoreOptions = {},
  ): Promise<JobStore> {
    const store = new JobStore(storage, logger, clock, options);
    const contents = await readStore(storage, logger);
    for (const record of contents.records) {
      const existing = store.records.get(record.clientId);
      if (!existing || existing.updatedAt <= record.updatedAt) {
        store.records.set(record.clientId, freeze(record));
      }
    }
    store.seenOnDisk = new Set(contents.records.map((r) => r.clientId));
    const recovered = store.recoverInterrupted();
    const pruned = store.prune().length;
    store.report = {
      loaded: store.records.size,
      dropped: contents.dropped,
      recovered,
      pruned,
      setAsidePath: contents.setAsidePath,
      setAsideReason: contents.setAsideReason,
    };
    if (recovered > 0) {
      logger.warn(`${recovered} job(s) were interrupted when the app stopped; see their status.`);
    }
    if (recovered > 0 || pruned > 0) {
      await store.writer.save().catch(() => undefined); // logged by the writer; the next change tries again
    }
    if (options.followOtherWriters && storage.watch) {
      store._register(storage.watch(() => void store.refresh()));
    }
    return store;
  }

  /**
   * Merges what the file holds now (another window's records and changes; see storeMerge.ts) without writing.
   * Events fire for what changed. Never rejects: a file that cannot be read or used is left for the next write.
   */
  refresh(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.writer.exclusive(async () => {
      if (this.closed) return;
      try {
        const text = await this.storage.read();
        if (text === this.lastSeenText) return;
        const parsed = text === undefined || text.trim() === '' ? undefined : parseStore(text);
        if (parsed?.usable) {
          this.merge(parsed.records);
          this.lastSeenText = text;
        }
      } catch (error) {
        this.logger.debug(`Could not read the jobs list again: ${String(error)}`);
      }
    });
  }

  get loadReport(): Readonly<JobStoreLoadReport> {
    return this.report;
  }

  /**
   * All records, newest first (by `createdAt`). The array is a snapshot: it is replaced, never changed,
   * when records change.
   */
  all(): readonly JobRecord[] {
    // Newest created first; among equal times, the one added last first.
    this.sorted ??= [...this.records.values()].reverse().sort((a, b) => b.createdAt - a.createdAt);
    return this.sorted;
  }

  get(clientId: string): JobRecord | undefined {
    return this.records.get(clientId);
  }

  findByJobId(jobId: string): JobRecord | undefined {
    for (const record of this.records.values()) {
      if (record.jobId === jobId) {
        return record;
      }
    }
    return undefined;
  }

  get size(): number {
    return this.records.size;
  }

  /**
   * Creates a record and resolves once it is on disk. If it cannot be written, it is taken out of
   * memory again and the promise rejects, so a caller never acts on a record that is not persisted.
   */
  async create(init: JobInit): Promise<JobRecord> {
    this.assertOpen();
    const now = this.clock.now();
    const history: StatusEntry[] = [{ status: init.state, at: now, source: 'local' }];
    if (init.remoteStatus !== undefined) {
      history.push({ status: init.remoteStatus, at: now, source: 'remote' });
    }
    const record = freeze(
      withoutUndefined<JobRecord>({
        outputs: [],
        downloadAttempts: 0,
        ...init,
        clientId: randomUUID(),
        createdAt: now,
        updatedAt: now,
        history,
      }),
    );
    this.set(record);
    this.changeEmitter.fire({ changed: [record], removed: [] });
    if (stateIs(record.state, 'prunable')) {
      this.pruneAndTell();
    }
    try {
      await this.writer.save();
    } catch (error) {
      if (this.records.get(record.clientId) === record) {
        this.delete(record.clientId);
        this.changeEmitter.fire({ changed: [], removed: [record.clientId] });
      }
      throw error;
    }
    return record;
  }

  /**
   * Applies a change in memory now (events fire at once) and resolves with the new record once it is on
   * disk. Appends a history entry when `state` or `remoteStatus` changes. Rejects when the record does not
   * exist. An updater returning `undefined` changes nothing.
   */
  update(clientId: string, update: JobUpdate, options: UpdateOptions = {}): Promise<JobRecord> {
    if (this.closed) {
      return Promise.reject(closedError());
    }
    const current = this.records.get(clientId);
    if (!current) {
      return Promise.reject(new OpenRouterError('notFound', 'storeJobMissing', { clientId }));
    }
    const patch = typeof update === 'function' ? update(current) : update;
    if (patch === undefined) {
      return Promise.resolve(current);
    }
    const now = this.clock.now();
    const added: StatusEntry[] = [];
    if (patch.state !== undefined && patch.state !== current.state) {
      added.push({ status: patch.state, at: now, source: 'local' });
    }
    if (patch.remoteStatus !== undefined && patch.remoteStatus !== current.remoteStatus) {
      added.push({ status: patch.remoteStatus, at: now, source: 'remote' });
    }
    const next = freeze(
      withoutUndefined<JobRecord>({
        ...current,
        ...patch,
        clientId: current.clientId,
        createdAt: current.createdAt,
        updatedAt: now,
        history: added.length > 0 ? trimHistory([...current.history, ...added]) : current.history,
      }),
    );
    this.set(next);
    this.changeEmitter.fire({ changed: [next], removed: [] });
    if (stateIs(next.state, 'prunable') && !stateIs(current.state, 'prunable')) {
      this.pruneAndTell();
    }
    return this.writer.save(options.lazy === true).then(() => this.records.get(clientId) ?? next);
  }

  /** Removes a record (not its files). Resolves `false` when there was none. */
  async remove(clientId: string): Promise<boolean> {
    this.assertOpen();
    if (!this.records.has(clientId)) {
      return false;
    }
    this.delete(clientId);
    this.changeEmitter.fire({ changed: [], removed: [clientId] });
    await this.writer.save();
    return true;
  }

  /** Resolves when every change made so far is on disk (or its write has failed and been logged). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Stops accepting changes, waits for pending writes, and releases listeners. */
  override async dispose(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    try {
      await this.writer.flush();
    } finally {
      this.writer.dispose();
      super.dispose();
    }
  }

  private set(record: JobRecord): void {
    this.records.set(record.clientId, record);
    this.removedHere.delete(record.clientId);
    this.sorted = undefined;
  }

  private delete(clientId: string): void {
    this.records.delete(clientId);
    this.removedHere.add(clientId);
    this.sorted = undefined;
  }

  /**
   * The text of one write: what the file holds now merged in (a file this version cannot use is set aside
   * first), then every record. Afterwards the file holds exactly these records.
   */
  private async mergeAndRender(current: string | undefined): Promise<string> {
    if (current !== undefined && current.trim() !== '' && current !== this.lastSeenText) {
      const parsed = parseStore(current);
      if (parsed.usable) {
        this.merge(parsed.records);
      } else {
        const where = await this.storage.setAside(current, parsed.reason).catch(() => undefined);
        this.logger.warn(`Replacing a jobs file this version cannot use: ${parsed.why}.` + (where ? ` It was kept as ${where}.` : ''));
      }
    }
    const records = [...this.all()].reverse();
    this.seenOnDisk = new Set(records.map((r) => r.clientId));
    this.removedHere.clear();
    this.lastSeenText = serialiseStore(records, this.json);
    return this.lastSeenText;
  }

  /** Takes in the file's records (see storeMerge.ts) and tells listeners what changed. */
  private merge(file: readonly JobRecord[]): void {
    const { adopted, dropped } = mergeFromFile({ mine: this.records, file, seenOnDisk: this.seenOnDisk, removedHere: this.removedHere });
    this.seenOnDisk = new Set(file.map((r) => r.clientId));
    for (const record of adopted) this.set(freeze(record));
    for (const clientId of dropped) {
      this.records.delete(clientId);
      this.sorted = undefined;
    }
    if (adopted.length > 0 || dropped.length > 0) {
      this.changeEmitter.fire({ changed: adopted, removed: dropped });
      this.pruneAndTell();
    }
  }

  /** Removes the prunable jobs beyond the newest `keepFinished`; returns their ids. */
  private prune(): string[] {
    const pruned = this.all()
      .filter((record) => stateIs(record.state, 'prunable'))
      .slice(this.keepFinished)
      .map((record) => record.clientId);
    for (const clientId of pruned) {
      this.delete(clientId);
    }
    if (pruned.length > 0) {
      this.logger.info(`Removed ${pruned.length} finished job(s) beyond the newest ${this.keepFinished} from the list.`);
    }
    return pruned;
  }

  private pruneAndTell(): void {
    const pruned = this.prune();
    if (pruned.length > 0) {
      this.changeEmitter.fire({ changed: [], removed: pruned });
    }
  }

  /** Records the app left mid-submit or mid-download move to states that say what happens next. */
  private recoverInterrupted(): number {
    const now = this.clock.now();
    let count = 0;
    for (const record of [...this.records.values()]) {
      let patch: Pick<JobRecord, 'state' | 'error'> | undefined;
      if (record.state === 'submitting') {
        // The answer was lost, as when a connection drops: OpenRouter may have taken it. Never resubmitted.
        patch = { state: 'submitUnknown', error: { kind: 'network', reason: 'submitInterrupted' } };
      } else if (record.state === 'downloading') {
        // `downloadFailed` with a `cancelled` error means "interrupted": the job service downloads it again.
        patch = { state: 'downloadFailed', error: { kind: 'cancelled', reason: 'downloadInterrupted' } };
      }
      if (patch) {
        const history = trimHistory([...record.history, { status: patch.state, at: now, source: 'local' }]);
        this.set(freeze({ ...record, ...patch, updatedAt: now, history }));
        count++;
      }
    }
    return count;
  }

  private assertOpen(): void {
    if (this.closed) {
      throw closedError();
    }
  }
}

function closedError(): OpenRouterError {
  return new OpenRouterError('cancelled', 'storeClosed');
}

function trimHistory(history: StatusEntry[]): StatusEntry[] {
  if (history.length <= MAX_HISTORY) {
    return history;
  }
  const first = history[0];
  const tail = history.slice(history.length - (MAX_HISTORY - 1));
  return first ? [first, ...tail] : tail;
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) {
      delete value[key];
    }
  }
  return value;
}

/** A record as the store hands it out: it and its history cannot be changed in place. */
function freeze(record: JobRecord): JobRecord {
  Object.freeze(record.history);
  return Object.freeze(record);
}
