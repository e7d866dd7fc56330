/**
 * The single source of truth for jobs: in memory for reads, persisted as versioned JSON on every
 * change. Changes are applied in memory synchronously (so a check-then-update in one tick is safe)
 * and the returned promise settles when the change is on disk.
 *
 * With an `archive` storage, finished jobs beyond the newest `keepLive` are moved out of the main file into
 * the archive, which is read only when the whole history is wanted (`loadArchive()`: the Jobs view, recover by
 * id). So loading at activation, and every write, costs the same with 50 jobs on record or 5,000
 * (bench/history: 5,000 records took 130-180 ms to load from one file).
 */
import type { ErrorKind } from '../api/errors';
import { type Clock, type TimerHandle, systemClock } from '../shared/clock';
import { Disposable } from '../shared/disposable';
import { Emitter, type Event } from '../shared/emitter';
import { type Logger, nullLogger } from '../shared/logger';
import type { JobStorage } from './fileStorage';
import type { JobRecord, JobState, StatusEntry } from './jobRecord';
import { JOB_STATES } from './jobStates';
import type { ParsedRecord } from './recordSchema';

export const STORE_VERSION = 1;

/** Oldest entries beyond this are dropped (the first entry, the creation, is always kept). */
const MAX_HISTORY = 100;

/**
 * A fresh UUID. node:crypto is required here, on the first new job, not when the bundle loads: in a fresh
 * process it costs ~4 ms to load, and activation never needs it.
 */
function newClientId(): string {
  return (require('node:crypto') as typeof import('node:crypto')).randomUUID();
}

export interface JobStoreChange {
  /** Records created or updated (their new value). */
  changed: JobRecord[];
  /** clientIds of removed records. */
  removed: string[];
  /**
   * Records that appeared without changing: read from the archive by `loadArchive()`. Not in `changed`, so
   * nothing takes them for news (a job just saved, a state to act on).
   */
  loaded?: JobRecord[];
}

/** What `create` needs; everything it assigns itself (id, times, history) is left out. */
export type JobInit = Pick<JobRecord, 'request' | 'targetFolder' | 'state'> &
  Partial<Omit<JobRecord, 'clientId' | 'createdAt' | 'updatedAt' | 'history' | 'request' | 'targetFolder' | 'state'>>;

/** Fields an update may set. An explicit `undefined` clears a field. */
export type JobPatch = Partial<Omit<JobRecord, 'clientId' | 'createdAt' | 'updatedAt' | 'history'>>;

/** A patch, or a function of the current record returning one (`undefined`: leave the record as it is). */
export type JobUpdate = JobPatch | ((record: JobRecord) => JobPatch | undefined);

export interface JobStoreOptions {
  /**
   * Changes made with `{ lazy: true }` (poll bookkeeping) are written within this many ms, or with the
   * next ordinary change, whichever comes first. 0 writes them at once. Default 2000.
   */
  lazyWriteMs?: number;
  /** Where finished jobs older than the newest `keepLive` are kept (see the module comment). Default: none. */
  archive?: JobStorage;
  /**
   * Finished jobs kept in the main file, newest first. Older ones move to the archive once the main file holds
   * twice as many (so the archive is rewritten once per `keepLive` finished jobs). Default 200.
   */
  keepLive?: number;
}

export interface UpdateOptions {
  /** Not urgent: may be written a little later (see `JobStoreOptions.lazyWriteMs`). */
  lazy?: boolean;
}

export interface JobStoreLoadReport {
  /** Records loaded. */
  loaded: number;
  /** Records that did not fit the schema and were dropped. */
  dropped: number;
  /** Records moved out of `submitting`/`downloading` because the app stopped during them. */
  recovered: number;
  /** Where unusable text was set aside, if anything was. */
  setAsidePath?: string;
}

export const SUBMIT_INTERRUPTED_MESSAGE =
  'The app stopped while this job was being submitted. OpenRouter may or may not have accepted it (and billed it); ' +
  'it was NOT resubmitted. If it shows up in your OpenRouter activity, adopt it with "Recover Job by ID".';

export const DOWNLOAD_INTERRUPTED_MESSAGE =
  'The app stopped while the video was being saved. It will be downloaded again; nothing was resubmitted.';

// ---- Persisted shape (validated leniently, per record; the zod schema is in recordSchema.ts) ---------

const ERROR_KINDS: ReadonlySet<string> = new Set<ErrorKind>([
  'auth',
  'payment',
  'rateLimited',
  'badRequest',
  'notFound',
  'server',
  'network',
  'timeout',
  'responseShape',
  'badContent',
  'insecure',
  'io',
  'cancelled',
]);


const STATE_SET: ReadonlySet<string> = new Set(JOB_STATES);

/**
 * A cheap structural check run before the schema, so loading thousands of records stays fast
 * (zod costs a few microseconds per record; this costs a fraction of one). It is deliberately
 * no more lenient than `jobRecordSchema`: anything it accepts, the schema accepts too (a unit test
 * checks this on many variants); anything it rejects goes through the schema, which decides.
 */
export function looksLikeRecord(value: unknown): value is JobRecord {
  if (!isPlain(value)) return false;
  const r = value as Record<string, unknown>;
  if (typeof r.clientId !== 'string' || r.clientId.length === 0) return false;
  if (typeof r.state !== 'string' || !STATE_SET.has(r.state)) return false;
  if (!isNum(r.createdAt) || !isNum(r.updatedAt) || !isNum(r.downloadAttempts)) return false;
  if (typeof r.targetFolder !== 'string') return false;
  if (!optStr(r.jobId) || !optStr(r.generationId) || !optStr(r.pollingUrl) || !optStr(r.modelName)) return false;
  if (!optStr(r.remoteStatus) || !optStr(r.error) || !optStr(r.errorKind)) return false;
  if (!optNum(r.submittedAt) || !optNum(r.completedAt) || !optNum(r.estimatedCostUsd) || !optNum(r.costUsd)) return false;
  if (!optNum(r.pollCount) || !optNum(r.watchedSince)) return false;
  if (r.opened !== undefined && typeof r.opened !== 'boolean') return false;
  if (r.unsignedUrls !== undefined) {
    if (!Array.isArray(r.unsignedUrls)) return false;
    for (const u of r.unsignedUrls as unknown[]) {
      if (typeof u !== 'string') return false;
    }
  }
  if (!Array.isArray(r.history)) return false;
  for (const h of r.history as unknown[]) {
    if (!isPlain(h)) return false;
    const e = h as Record<string, unknown>;
    if (typeof e.status !== 'string' || !isNum(e.at)) return false;
    if (e.source !== undefined && e.source !== 'local' && e.source !== 'remote') return false;
  }
  if (!Array.isArray(r.outputs)) return false;
  for (const o of r.outputs as unknown[]) {
    if (!isPlain(o)) return false;
    const e = o as Record<string, unknown>;
    if (!isNum(e.index) || !optStr(e.url) || !optStr(e.target) || !optStr(e.file) || !optNum(e.bytes) || !optNum(e.savedAt) || !optStr(e.sidecar) || !optBool(e.unsynced)) {
      return false;
    }
  }
  return looksLikeRequest(r.request);
}

function looksLikeRequest(value: unknown): boolean {
  if (!isPlain(value)) return false;
  const q = value as Record<string, unknown>;
  if (typeof q.model !== 'string') return false;
  if (!optStr(q.prompt) || !optStr(q.resolution) || !optStr(q.aspectRatio) || !optStr(q.size) || !optStr(q.callbackUrl)) {
    return false;
  }
  if (!optNum(q.duration) || !optNum(q.seed)) return false;
  if (q.generateAudio !== undefined && typeof q.generateAudio !== 'boolean') return false;
  if (q.frames !== undefined) {
    if (!Array.isArray(q.frames)) return false;
    for (const f of q.frames as unknown[]) {
      if (!isPlain(f)) return false;
      const e = f as Record<string, unknown>;
      if (e.frameType !== 'first_frame' && e.frameType !== 'last_frame') return false;
      if (typeof e.path !== 'string' || !optStr(e.mimeType) || !optNum(e.byteLength)) return false;
    }
  }
  if (q.providerOptions !== undefined) {
    if (!isPlain(q.providerOptions)) return false;
    for (const v of Object.values(q.providerOptions as object)) {
      if (!isPlain(v)) return false;
    }
  }
  return true;
}

function isPlain(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNum(value: unknown): value is number {
  // zod's z.number() rejects NaN and infinities (JSON cannot hold them anyway).
  return typeof value === 'number' && Number.isFinite(value);
}

function optBool(value: unknown): boolean {
  return value === undefined || typeof value === 'boolean';
}

function optNum(value: unknown): boolean {
  return value === undefined || isNum(value);
}

function optStr(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** States a job never leaves on its own and the user has nothing left to do about: these may be archived. */
const ARCHIVABLE_STATES: ReadonlySet<string> = new Set<JobState>(['saved', 'failed', 'cancelled', 'expired', 'rejected']);

export class JobStore extends Disposable {
  private readonly records = new Map<string, JobRecord>();
  private sorted: JobRecord[] | undefined;
  private readonly changeEmitter = this._register(new Emitter<JobStoreChange>());
  readonly onDidChange: Event<JobStoreChange> = this.changeEmitter.event;

  /** A write is wanted now. */
  private dirty = false;
  /** A lazy change waits for its timer (or for the next write). */
  private lazyPending = false;
  private lazyTimer: TimerHandle | undefined;
  private writing: Promise<void> | undefined;
  private waiters: Waiter[] = [];
  private closed = false;
  private report: JobStoreLoadReport = { loaded: 0, dropped: 0, recovered: 0 };
  /** Each record's JSON, computed once per record version (records are replaced, never mutated). */
  private readonly json = new WeakMap<JobRecord, string>();
  private readonly lazyWriteMs: number;
  private readonly archive: JobStorage | undefined;
  private readonly keepLive: number;
  /** Records whose current version is in the archive (not written to the main file). */
  private readonly archivedIds = new Set<string>();
  private archiveLoad: Promise<void> | undefined;
  /** The archive could not be read: it is never written (that would lose what it holds). */
  private archiveUnreadable = false;
  private archiveWrites: Promise<void> = Promise.resolve();
  private compacting: Promise<void> | undefined;

  private constructor(
    private readonly storage: JobStorage,
    private readonly logger: Logger,
    private readonly clock: Clock,
    options: JobStoreOptions,
  ) {
    super();
    this.lazyWriteMs = Math.max(0, options.lazyWriteMs ?? 2000);
    this.archive = options.archive;
    this.keepLive = Math.max(1, Math.floor(options.keepLive ?? 200));
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
    await store.loadFrom(await storage.read());
    store.maybeCompact();
    return store;
  }

  /** Whether the archive (if any) has been read into memory, so `all()` holds every job. */
  get archiveLoaded(): boolean {
    return this.archive === undefined || this.archiveLoad !== undefined;
  }

  /**
   * Reads the archive into memory, once (later calls return the same promise). Archived records then appear in
   * `all()`, `get()` and `findByJobId()`, and `onDidChange` fires with them. Never rejects: an unreadable
   * archive is logged and left alone.
   */
  loadArchive(): Promise<void> {
    if (!this.archive) {
      return Promise.resolve();
    }
    this.archiveLoad ??= this.readArchive(this.archive);
    return this.archiveLoad;
  }

  get loadReport(): Readonly<JobStoreLoadReport> {
    return this.report;
  }

  /**
   * All records, newest first (by `createdAt`). The array is a snapshot: it is replaced, never changed,
   * when records change. Records are immutable too: change them with `update`.
   */
  all(): readonly JobRecord[] {
    if (!this.sorted) {
      this.sorted = [...this.records.values()].sort((a, b) => b.createdAt - a.createdAt);
    }
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
    const record = stripUndefined<JobRecord>({
      outputs: [],
      downloadAttempts: 0,
      ...init,
      clientId: newClientId(),
      createdAt: now,
      updatedAt: now,
      history: [{ status: init.state, at: now, source: 'local' }],
    });
    if (init.remoteStatus !== undefined) {
      record.history.push({ status: init.remoteStatus, at: now, source: 'remote' });
    }
    this.records.set(record.clientId, record);
    this.insertSorted(record);
    this.changeEmitter.fire({ changed: [record], removed: [] });
    try {
      await this.persist(false);
    } catch (error) {
      if (this.records.get(record.clientId) === record) {
        this.records.delete(record.clientId);
        this.removeSorted(record);
        this.changeEmitter.fire({ changed: [], removed: [record.clientId] });
      }
      throw error;
    }
    return record;
  }

  /**
   * Applies a patch in memory now (events fire at once) and resolves with the new record once it is
   * on disk. Appends a history entry when `state` or `remoteStatus` changes. Rejects when the record
   * does not exist. An updater returning `undefined` changes nothing.
   */
  update(clientId: string, update: JobUpdate, options: UpdateOptions = {}): Promise<JobRecord> {
    if (this.closed) {
      return Promise.reject(new Error('The job store is closed.'));
    }
    const current = this.records.get(clientId);
    if (!current) {
      return Promise.reject(new Error(`No job with id ${clientId}.`));
    }
    const patch = typeof update === 'function' ? update(current) : update;
    if (patch === undefined) {
      return Promise.resolve(current);
    }
    const now = this.clock.now();
    const next = stripUndefined<JobRecord>({
      ...current,
      ...patch,
      clientId: current.clientId,
      createdAt: current.createdAt,
      history: current.history,
      updatedAt: now,
    });
    const added: StatusEntry[] = [];
    if (next.state !== current.state) {
      added.push({ status: next.state, at: now, source: 'local' });
    }
    if (next.remoteStatus !== undefined && next.remoteStatus !== current.remoteStatus) {
      added.push({ status: next.remoteStatus, at: now, source: 'remote' });
    }
    if (added.length > 0) {
      next.history = trimHistory([...current.history, ...added]);
    }
    this.records.set(clientId, next);
    this.replaceSorted(current, next);
    // A changed record lives in the main file again (the archive's copy is older and loses on load).
    this.archivedIds.delete(clientId);
    this.changeEmitter.fire({ changed: [next], removed: [] });
    const written = this.persist(options.lazy === true).then(() => this.records.get(clientId) ?? next);
    if (ARCHIVABLE_STATES.has(next.state) && !ARCHIVABLE_STATES.has(current.state)) {
      this.maybeCompact();
    }
    return written;
  }

  /** Removes a record (not its files). Resolves `false` when there was none. */
  async remove(clientId: string): Promise<boolean> {
    this.assertOpen();
    const record = this.records.get(clientId);
    if (!record) {
      return false;
    }
    this.records.delete(clientId);
    this.removeSorted(record);
    const wasArchived = this.archivedIds.delete(clientId);
    this.changeEmitter.fire({ changed: [], removed: [clientId] });
    await this.persist(false);
    if (wasArchived) {
      await this.writeArchive();
    }
    return true;
  }

  /** Resolves when every change made so far is on disk (or its write has failed and been logged). */
  async flush(): Promise<void> {
    await this.compacting?.catch(() => undefined);
    await this.archiveWrites.catch(() => undefined);
    for (;;) {
      if (this.lazyPending) {
        this.dirty = true;
      }
      if (this.writing) {
        await this.writing;
      } else if (this.dirty) {
        this.pump();
      } else {
        return;
      }
    }
  }

  /** Stops accepting changes, waits for pending writes, and releases listeners. */
  override async dispose(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    try {
      await this.flush();
    } finally {
      super.dispose();
    }
  }

  // ---- Persistence ---------------------------------------------------------------------------------

  /** Resolves when a write holding every change so far has landed. */
  private persist(lazy: boolean): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (lazy && this.lazyWriteMs > 0 && !this.closed) {
      this.lazyPending = true;
      if (this.lazyTimer === undefined && !this.dirty) {
        this.lazyTimer = this.clock.setTimeout(() => {
          this.lazyTimer = undefined;
          if (this.lazyPending) {
            this.dirty = true;
            this.pump();
          }
        }, this.lazyWriteMs);
      }
    } else {
      this.dirty = true;
      this.pump();
    }
    return done;
  }

  /** One write at a time; changes made while one is in flight are coalesced into the next. */
  private pump(): void {
    if (this.writing || !this.dirty) {
      return;
    }
    this.dirty = false;
    this.lazyPending = false;
    if (this.lazyTimer !== undefined) {
      this.clock.clearTimeout(this.lazyTimer);
      this.lazyTimer = undefined;
    }
    const waiters = this.waiters;
    this.waiters = [];
    let text: string;
    try {
      text = this.serialise();
    } catch (error) {
      for (const w of waiters) w.reject(error);
      return;
    }
    this.writing = this.storage
      .write(text)
      .then(
        () => {
          for (const w of waiters) w.resolve();
        },
        (error: unknown) => {
          this.logger.error(`Could not save the jobs list: ${describe(error)}`);
          for (const w of waiters) w.reject(error);
        },
      )
      .finally(() => {
        this.writing = undefined;
        this.pump();
      });
  }

  /** `{"version":1,"jobs":[…]}`, oldest first, from per-record JSON cached across writes. */
  private serialise(): string {
    return this.serialiseWhere((record) => !this.archivedIds.has(record.clientId));
  }

  /** The same format, for the records that pass `keep`. */
  private serialiseWhere(keep: (record: JobRecord) => boolean): string {
    const all = this.all();
    const parts: string[] = [];
    for (let i = all.length - 1; i >= 0; i--) {
      const record = all[i] as JobRecord;
      if (!keep(record)) continue;
      let text = this.json.get(record);
      if (text === undefined) {
        text = JSON.stringify(record);
        this.json.set(record, text);
      }
      parts.push(text);
    }
    return `{"version":${STORE_VERSION},"jobs":[${parts.join(',')}]}`;
  }

  // ---- The archive -------------------------------------------------------------------------------

  /** Moves old finished jobs to the archive when the main file holds more than twice `keepLive` of them. */
  private maybeCompact(): void {
    if (!this.archive || this.closed || this.compacting || this.archiveUnreadable) {
      return;
    }
    let finished = 0;
    for (const record of this.records.values()) {
      if (ARCHIVABLE_STATES.has(record.state) && !this.archivedIds.has(record.clientId)) finished++;
    }
    if (finished <= 2 * this.keepLive) {
      return;
    }
    this.compacting = this.compact()
      .catch((error: unknown) => this.logger.error(`Could not archive old jobs: ${describe(error)}`))
      .finally(() => {
        this.compacting = undefined;
      });
  }

  /** Archive first, then the main file without them: a crash in between leaves a record in both (deduplicated on load). */
  private async compact(): Promise<void> {
    await this.loadArchive();
    if (this.archiveUnreadable || this.closed) {
      return;
    }
    const moving: string[] = [];
    let kept = 0;
    for (const record of this.all()) {
      if (!ARCHIVABLE_STATES.has(record.state) || this.archivedIds.has(record.clientId)) continue;
      if (kept < this.keepLive) {
        kept++;
      } else {
        moving.push(record.clientId);
      }
    }
    if (moving.length === 0) {
      return;
    }
    for (const id of moving) this.archivedIds.add(id);
    try {
      await this.writeArchive();
    } catch (error) {
      for (const id of moving) this.archivedIds.delete(id);
      throw error;
    }
    await this.persist(false);
    this.logger.info(`Moved ${moving.length} finished job(s) to the archive.`);
  }

  /** Rewrites the archive from memory (only once it has been read, so nothing in it is lost). */
  private writeArchive(): Promise<void> {
    const archive = this.archive;
    if (!archive || this.archiveLoad === undefined || this.archiveUnreadable) {
      return Promise.resolve();
    }
    const write = this.archiveWrites
      .catch(() => undefined)
      .then(() => this.archiveLoad)
      .then(() => archive.write(this.serialiseWhere((record) => this.archivedIds.has(record.clientId))));
    this.archiveWrites = write;
    return write;
  }

  private async readArchive(archive: JobStorage): Promise<void> {
    let text: string | undefined;
    try {
      text = await archive.read();
    } catch (error) {
      this.archiveUnreadable = true;
      this.logger.error(`Could not read the archive of old jobs; they are not shown: ${describe(error)}`);
      return;
    }
    const parsed = await this.parseRecords(text, archive, 'the archive of old jobs');
    if (parsed === undefined) {
      return;
    }
    const added: JobRecord[] = [];
    let stale = false;
    for (const record of parsed) {
      const existing = this.records.get(record.clientId);
      if (existing && existing.updatedAt >= record.updatedAt) {
        // Changed (or not yet dropped from the main file) since it was archived: the main file's copy wins.
        stale = true;
        continue;
      }
      this.records.set(record.clientId, record);
      if (ARCHIVABLE_STATES.has(record.state)) {
        this.archivedIds.add(record.clientId);
      } else {
        // Not a state that is archived: it belongs in the main file.
        this.archivedIds.delete(record.clientId);
        this.dirty = true;
      }
      added.push(record);
    }
    this.sorted = undefined;
    if (added.length > 0) {
      this.changeEmitter.fire({ changed: [], removed: [], loaded: added });
    }
    if (this.dirty) {
      this.pump();
    }
    if (stale) {
      void this.writeArchive().catch((error: unknown) => this.logger.warn(`Could not tidy the archive of old jobs: ${describe(error)}`));
    }
  }

  // ---- The sorted snapshot (newest first), kept up to date without re-sorting -------------------

  private insertSorted(record: JobRecord): void {
    if (!this.sorted) return;
    const next = this.sorted.slice();
    let i = 0;
    while (i < next.length && (next[i] as JobRecord).createdAt > record.createdAt) i++;
    next.splice(i, 0, record);
    this.sorted = next;
  }

  private replaceSorted(previous: JobRecord, record: JobRecord): void {
    if (!this.sorted) return;
    const i = this.sorted.indexOf(previous);
    if (i < 0) {
      this.sorted = undefined;
      return;
    }
    const next = this.sorted.slice();
    next[i] = record;
    this.sorted = next;
  }

  private removeSorted(record: JobRecord): void {
    if (!this.sorted) return;
    this.sorted = this.sorted.filter((r) => r !== record);
  }

  /**
   * The records in a store text, each checked on its own. A text that cannot be used at all (not JSON, no
   * version, a newer version) is set aside and gives `undefined`; records that do not fit are dropped (the text
   * is copied aside once) and the rest returned.
   */
  private async parseRecords(text: string | undefined, storage: JobStorage, what: string): Promise<JobRecord[] | undefined> {
    if (text === undefined || text.trim() === '') {
      return undefined;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      await this.setAside(storage, text, 'corrupt', `${what} is not valid JSON (${describe(error)})`);
      return undefined;
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      await this.setAside(storage, text, 'corrupt', `${what} does not hold a jobs list`);
      return undefined;
    }
    const { version, jobs } = data as { version?: unknown; jobs?: unknown };
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      await this.setAside(storage, text, 'corrupt', `${what} has no valid version`);
      return undefined;
    }
    if (version > STORE_VERSION) {
      await this.setAside(
        storage,
        text,
        'newer-version',
        `${what} was written by a newer version of the extension (format ${version}; this one reads ${STORE_VERSION})`,
      );
      return undefined;
    }
    if (!Array.isArray(jobs)) {
      await this.setAside(storage, text, 'corrupt', `${what} has no jobs list`);
      return undefined;
    }

    const records: JobRecord[] = [];
    let dropped = 0;
    let firstProblem: string | undefined;
    for (let i = 0; i < jobs.length; i++) {
      const raw: unknown = jobs[i];
      let record: ParsedRecord;
      if (looksLikeRecord(raw)) {
        // Fast path: a plain check that accepts only what the schema accepts (see looksLikeRecord).
        record = raw;
      } else {
        // Rare (a file another version wrote, or edited by hand): the schema is loaded on first use (dist/work.js).
        const { jobRecordSchema } = await import('./jobWork.js');
        const result = jobRecordSchema.safeParse(raw);
        if (!result.success) {
          dropped++;
          if (firstProblem === undefined) {
            const issue = result.error.issues[0];
            firstProblem = `job #${i}: ${issue?.path.map(String).join('.') || '(record)'}: ${issue?.message ?? 'invalid'}`;
          }
          continue;
        }
        record = result.data;
      }
      if (record.errorKind !== undefined && !ERROR_KINDS.has(record.errorKind)) {
        delete record.errorKind;
      }
      records.push(record as JobRecord);
    }
    if (dropped > 0) {
      this.report.dropped += dropped;
      const where = await storage.setAside(text, 'invalid-records').catch(() => undefined);
      this.report.setAsidePath = where;
      this.logger.warn(
        `Dropped ${dropped} job record(s) that could not be read${storage === this.storage ? '' : ` from ${what}`} (first: ${firstProblem}).` +
          (where ? ` The original file was copied to ${where}.` : ''),
      );
    }
    return records;
  }

  private async loadFrom(text: string | undefined): Promise<void> {
    const parsed = await this.parseRecords(text, this.storage, 'the jobs file');
    for (const record of parsed ?? []) {
      const existing = this.records.get(record.clientId);
      if (!existing || existing.updatedAt <= record.updatedAt) {
        this.records.set(record.clientId, record);
      }
    }
    if (parsed === undefined) {
      return;
    }

    const recovered = this.recoverInterrupted();
    this.report.loaded = this.records.size;
    this.report.recovered = recovered;
    if (recovered > 0) {
      this.logger.warn(`${recovered} job(s) were interrupted when the app stopped; see their status.`);
      await this.persist(false).catch(() => undefined);
    }
  }

  /** Records the app left mid-submit or mid-download are moved to states that say what to do next. */
  private recoverInterrupted(): number {
    const now = this.clock.now();
    let count = 0;
    for (const record of this.records.values()) {
      let patch: JobPatch | undefined;
      if (record.state === 'submitting') {
        patch = { state: 'submitUnknown', error: SUBMIT_INTERRUPTED_MESSAGE, errorKind: undefined };
      } else if (record.state === 'downloading') {
        // `downloadFailed` + `cancelled` means "interrupted": resumeAll downloads it again.
        patch = { state: 'downloadFailed', error: DOWNLOAD_INTERRUPTED_MESSAGE, errorKind: 'cancelled' };
      }
      if (patch && patch.state) {
        const next = stripUndefined<JobRecord>({ ...record, ...patch, updatedAt: now });
        next.history = trimHistory([...record.history, { status: patch.state, at: now, source: 'local' }]);
        this.records.set(record.clientId, next);
        count++;
      }
    }
    this.sorted = undefined;
    return count;
  }

  private async setAside(storage: JobStorage, text: string, reason: string, why: string): Promise<void> {
    let where: string | undefined;
    try {
      where = await storage.setAside(text, reason);
    } catch (error) {
      this.logger.error(`Could not keep a copy of the unreadable jobs file: ${describe(error)}`);
    }
    this.report.setAsidePath = where;
    const start = storage === this.storage ? 'Starting with an empty jobs list' : 'Old jobs are not shown';
    this.logger.warn(`${start}: ${why}.` + (where ? ` The file was kept as ${where}.` : ''));
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new Error('The job store is closed.');
    }
  }
}

function trimHistory(history: StatusEntry[]): StatusEntry[] {
  if (history.length <= MAX_HISTORY) {
    return history;
  }
  const first = history[0];
  const tail = history.slice(history.length - (MAX_HISTORY - 1));
  return first ? [first, ...tail] : tail;
}

function stripUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) {
      delete value[key];
    }
  }
  return value;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
