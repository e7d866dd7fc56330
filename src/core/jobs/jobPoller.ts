/**
 * One scheduler for every job OpenRouter is still working on. Boring and bounded:
 * - a single timer, armed only for the earliest due job (no timer and no request while nothing is active);
 * - at most one request in flight per job (and a small global cap);
 * - first poll a few seconds after a job becomes active, then a growing interval up to a maximum, with jitter;
 * - `Retry-After` honoured for every job (rate limits are per account);
 * - terminal statuses stop polling that job; a 401/403 pauses everything until `resume()`;
 * - a job that outlives the watch limit becomes `stale` (still resumable), never `failed`.
 * The store is the source of truth: the poller reacts to its changes and writes poll results into it.
 */
import { OpenRouterError } from '../api/errors';
import type { VideoJob } from '../api/schemas';
import { normaliseStatus, type WireStatus } from '../api/status';
import type { VideoApi } from '../api/videoApi';
import { type Clock, type TimerHandle, systemClock } from '../shared/clock';
import { Disposable, type IDisposable } from '../shared/disposable';
import { Emitter, type Event } from '../shared/emitter';
import { type Logger, nullLogger } from '../shared/logger';
import { isActive, RESUMABLE_STATES, type JobRecord } from './jobRecord';
import type { JobPatch, JobStore, JobStoreChange } from './jobStore';

export interface JobPollerOptions {
  /** Loads the client lazily: called only when a poll is actually due. */
  api: () => Promise<VideoApi>;
  store: JobStore;
  clock?: Clock;
  logger?: Logger;
  /** Delay before the first poll of a job that just became active. Default 5000. */
  firstDelayMs?: number;
  /** Interval after the first poll; grows by `backoffFactor` each poll. Default 5000. */
  intervalMs?: number;
  /** Upper bound of the interval (the host passes `pollIntervalSeconds * 1000`). Default 30000. */
  maxIntervalMs?: number;
  /** Default 1.5. */
  backoffFactor?: number;
  /** Relative jitter applied to every delay, e.g. 0.1 for ±10%. Default 0.1. */
  jitter?: number;
  /** Watching stops (state `stale`) this long after `watchedSince`/`submittedAt`. Default 30 min. */
  watchLimitMs?: number;
  /** Polls in flight at once, over all jobs. Default 4. */
  maxConcurrent?: number;
  /** Random source in [0, 1) for jitter (tests pass a fixed one). */
  random?: () => number;
  /** Called once when a job reaches a terminal remote status (after the store has been updated). */
  onTerminal?: (record: JobRecord, job: VideoJob) => void;
}

export type JobPollerSettings = Pick<
  JobPollerOptions,
  'firstDelayMs' | 'intervalMs' | 'maxIntervalMs' | 'backoffFactor' | 'jitter' | 'watchLimitMs' | 'maxConcurrent'
>;

export interface TerminalEvent {
  record: JobRecord;
  job: VideoJob;
}

const TERMINAL: ReadonlySet<WireStatus> = new Set<WireStatus>(['completed', 'failed', 'cancelled', 'expired']);

/** Whether OpenRouter's raw status string is a terminal one (completed, failed/dead, cancelled, expired). */
export function isTerminalStatus(rawStatus: string | undefined): boolean {
  return rawStatus !== undefined && TERMINAL.has(normaliseStatus(rawStatus));
}

/** Whether the poller should be polling this record. */
export function isPollable(record: JobRecord): boolean {
  return isActive(record) && record.jobId !== undefined && !isTerminalStatus(record.remoteStatus);
}

/** The record fields a poll (or a one-off GET) result sets, whatever the status. */
export function remotePatch(record: JobRecord, job: VideoJob): JobPatch {
  const patch: JobPatch = { remoteStatus: job.rawStatus, pollCount: (record.pollCount ?? 0) + 1 };
  if (job.generationId !== undefined) patch.generationId = job.generationId;
  if (job.unsignedUrls.length > 0) patch.unsignedUrls = job.unsignedUrls;
  if (job.costUsd !== undefined) patch.costUsd = job.costUsd;
  if (job.pollingUrl !== undefined && job.pollingUrl !== '') patch.pollingUrl = job.pollingUrl;
  return patch;
}

/**
 * State for a terminal failure status, with OpenRouter's error verbatim. `undefined` for
 * `completed` (the service downloads it) and for non-terminal statuses.
 */
export function remoteFailurePatch(job: VideoJob, now: number): JobPatch | undefined {
  const status = job.status;
  if (status !== 'failed' && status !== 'cancelled' && status !== 'expired') {
    return undefined;
  }
  const error =
    job.error !== undefined && job.error !== ''
      ? job.error
      : `OpenRouter reported the job as "${job.rawStatus}" without giving a reason.`;
  return { state: status, error, errorKind: undefined, completedAt: now };
}

interface Entry {
  readonly clientId: string;
  dueAt: number;
  /** The delay to use after the next poll (before jitter). */
  intervalMs: number;
  inFlight: boolean;
  controller?: AbortController;
  /** The job's polling_url was refused (off-origin); poll by id instead. */
  ignorePollingUrl?: boolean;
  loggedUnknown?: boolean;
}

export class JobPoller extends Disposable {
  private readonly apiProvider: () => Promise<VideoApi>;
  private readonly store: JobStore;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: () => number;
  private settings: Required<JobPollerSettings>;

  private readonly entries = new Map<string, Entry>();
  private started = false;
  private paused = false;
  /** No request before this time (a Retry-After applies to the whole account). */
  private notBefore = 0;
  private timer: TimerHandle | undefined;
  private timerDueAt = 0;
  private storeListener: IDisposable | undefined;

  private readonly authEmitter = this._register(new Emitter<OpenRouterError>());
  /** Fired once when polling pauses for a 401/403; call `resume()` after the key is fixed. */
  readonly onAuthRequired: Event<OpenRouterError> = this.authEmitter.event;
  private readonly terminalEmitter = this._register(new Emitter<TerminalEvent>());
  /** Fired when a job reaches a terminal remote status (the store already holds the result). */
  readonly onDidReachTerminal: Event<TerminalEvent> = this.terminalEmitter.event;

  constructor(options: JobPollerOptions) {
    super();
    this.apiProvider = options.api;
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? nullLogger;
    this.random = options.random ?? Math.random;
    this.settings = {
      firstDelayMs: options.firstDelayMs ?? 5_000,
      intervalMs: options.intervalMs ?? 5_000,
      maxIntervalMs: options.maxIntervalMs ?? 30_000,
      backoffFactor: options.backoffFactor ?? 1.5,
      jitter: options.jitter ?? 0.1,
      watchLimitMs: options.watchLimitMs ?? 30 * 60_000,
      maxConcurrent: options.maxConcurrent ?? 4,
    };
    if (options.onTerminal) {
      const onTerminal = options.onTerminal;
      this._register(this.terminalEmitter.event(({ record, job }) => onTerminal(record, job)));
    }
  }

  get isStarted(): boolean {
    return this.started;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** clientIds currently scheduled. */
  get watchedIds(): readonly string[] {
    return [...this.entries.keys()];
  }

  get inFlightCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.inFlight) n++;
    return n;
  }

  /** Changes timing settings (e.g. the poll interval setting); applies from each job's next poll. */
  configure(settings: JobPollerSettings): void {
    const next = { ...this.settings };
    for (const [key, value] of Object.entries(settings) as [keyof JobPollerSettings, number | undefined][]) {
      if (value !== undefined && Number.isFinite(value) && value >= 0) {
        next[key] = value;
      }
    }
    next.maxIntervalMs = Math.max(next.maxIntervalMs, 1);
    next.maxConcurrent = Math.max(1, Math.floor(next.maxConcurrent));
    this.settings = next;
    for (const entry of this.entries.values()) {
      entry.intervalMs = Math.min(entry.intervalMs, next.maxIntervalMs);
    }
    this.arm();
  }

  /** The host's poll interval setting: the upper bound of the interval. */
  setMaxInterval(ms: number): void {
    this.configure({ maxIntervalMs: ms });
  }

  /** Picks up every active job in the store and follows the store's changes from now on. */
  start(): void {
    if (this.started || this.isDisposed) {
      return;
    }
    this.started = true;
    this.storeListener = this.store.onDidChange((change) => this.onStoreChange(change));
    const now = this.clock.now();
    for (const record of this.store.all()) {
      if (isPollable(record)) {
        this.track(record.clientId, now + this.settings.firstDelayMs);
      }
    }
    this.arm();
  }

  /** Stops everything: no timer, no request in flight, nothing scheduled. `start()` picks up again. */
  stop(): void {
    this.started = false;
    this.storeListener?.dispose();
    this.storeListener = undefined;
    for (const entry of this.entries.values()) {
      entry.controller?.abort();
    }
    this.entries.clear();
    this.clearTimer();
  }

  /** Resumes polling after an auth pause (the host calls it once a key is set). */
  resume(): void {
    if (!this.paused) {
      return;
    }
    this.paused = false;
    this.logger.info('Polling resumed.');
    this.arm();
  }

  /**
   * Watches a `stale` or `stopped` job again (a fresh watch window; first poll right away).
   * Resolves with the updated record; rejects when the job has no OpenRouter id or is finished.
   */
  async watch(clientId: string): Promise<JobRecord> {
    const record = this.store.get(clientId);
    if (!record) {
      throw new Error(`No job with id ${clientId}.`);
    }
    if (record.jobId === undefined) {
      throw new OpenRouterError('badRequest', 'OpenRouter never confirmed this job, so there is nothing to watch. If you know its job id, use "Recover Job by ID".');
    }
    if (isActive(record)) {
      this.pollSoon(clientId);
      return record;
    }
    if (!RESUMABLE_STATES.has(record.state)) {
      throw new OpenRouterError('badRequest', `This job is already finished (${record.state}); there is nothing to watch.`);
    }
    if (isTerminalStatus(record.remoteStatus)) {
      throw new OpenRouterError('badRequest', `OpenRouter already reported this job as ${record.remoteStatus}; there is nothing to watch. Download it instead.`);
    }
    const remote = record.remoteStatus !== undefined ? normaliseStatus(record.remoteStatus) : 'pending';
    const updated = this.store.update(clientId, {
      state: remote === 'in_progress' ? 'in_progress' : 'pending',
      watchedSince: this.clock.now(),
      error: undefined,
      errorKind: undefined,
    });
    this.pollSoon(clientId);
    return updated;
  }

  /**
   * Stops watching an active job (state `stopped`; `watch()` resumes it). A job OpenRouter has already
   * finished (its download about to start) is left alone.
   */
  async stopWatching(clientId: string): Promise<JobRecord> {
    const record = this.store.get(clientId);
    if (!record) {
      throw new Error(`No job with id ${clientId}.`);
    }
    if (!isPollable(record)) {
      return record;
    }
    this.untrack(clientId);
    this.arm();
    return this.store.update(clientId, (r) => (isPollable(r) ? { state: 'stopped' } : undefined));
  }

  override dispose(): void {
    this.stop();
    super.dispose();
  }

  // ---- Scheduling ----------------------------------------------------------------------------------

  private onStoreChange(change: JobStoreChange): void {
    const now = this.clock.now();
    let touched = false;
    for (const id of change.removed) {
      touched = this.untrack(id) || touched;
    }
    for (const record of change.changed) {
      if (isPollable(record)) {
        if (!this.entries.has(record.clientId)) {
          this.track(record.clientId, now + this.settings.firstDelayMs);
          touched = true;
        }
      } else {
        touched = this.untrack(record.clientId) || touched;
      }
    }
    if (touched) {
      this.arm();
    }
  }

  private track(clientId: string, dueAt: number): void {
    if (this.entries.has(clientId)) {
      return;
    }
    this.entries.set(clientId, {
      clientId,
      dueAt: this.clock.now() + this.jittered(dueAt - this.clock.now()),
      intervalMs: this.settings.intervalMs,
      inFlight: false,
    });
  }

  private untrack(clientId: string): boolean {
    const entry = this.entries.get(clientId);
    if (!entry) {
      return false;
    }
    entry.controller?.abort();
    this.entries.delete(clientId);
    return true;
  }

  private pollSoon(clientId: string): void {
    if (!this.started) {
      return;
    }
    const record = this.store.get(clientId);
    if (record && isPollable(record)) {
      this.track(clientId, this.clock.now());
      const entry = this.entries.get(clientId);
      if (entry && !entry.inFlight) {
        entry.dueAt = Math.min(entry.dueAt, this.clock.now());
      }
      this.arm();
    }
  }

  /** Arms the single timer for the earliest due job, or clears it when nothing can run. */
  private arm(): void {
    if (!this.started || this.paused || this.isDisposed || this.inFlightCount >= this.settings.maxConcurrent) {
      this.clearTimer();
      return;
    }
    let earliest = Infinity;
    for (const entry of this.entries.values()) {
      if (!entry.inFlight && entry.dueAt < earliest) {
        earliest = entry.dueAt;
      }
    }
    if (earliest === Infinity) {
      this.clearTimer();
      return;
    }
    const dueAt = Math.max(earliest, this.notBefore);
    if (this.timer !== undefined && this.timerDueAt === dueAt) {
      return;
    }
    this.clearTimer();
    this.timerDueAt = dueAt;
    this.timer = this.clock.setTimeout(() => this.onTimer(), Math.max(0, dueAt - this.clock.now()));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private onTimer(): void {
    this.timer = undefined;
    if (!this.started || this.paused) {
      return;
    }
    const now = this.clock.now();
    if (now >= this.notBefore) {
      const due = [...this.entries.values()]
        .filter((e) => !e.inFlight && e.dueAt <= now)
        .sort((a, b) => a.dueAt - b.dueAt);
      let capacity = this.settings.maxConcurrent - this.inFlightCount;
      for (const entry of due) {
        if (capacity <= 0) break;
        capacity--;
        void this.poll(entry);
      }
    }
    this.arm();
  }

  // ---- One poll ------------------------------------------------------------------------------------

  private async poll(entry: Entry): Promise<void> {
    const controller = new AbortController();
    entry.inFlight = true;
    entry.controller = controller;
    try {
      const api = await this.apiProvider();
      const record = this.store.get(entry.clientId);
      if (controller.signal.aborted || !record || !isPollable(record) || record.jobId === undefined) {
        this.untrack(entry.clientId);
        return;
      }
      const job = await api.getJob(record.jobId, {
        signal: controller.signal,
        pollingUrl: entry.ignorePollingUrl ? undefined : record.pollingUrl,
      });
      if (controller.signal.aborted || this.entries.get(entry.clientId) !== entry) {
        return;
      }
      this.applyResult(entry, job);
    } catch (error) {
      if (!controller.signal.aborted && this.entries.get(entry.clientId) === entry) {
        this.handleError(entry, error);
      }
    } finally {
      entry.inFlight = false;
      entry.controller = undefined;
      this.arm();
    }
  }

  private applyResult(entry: Entry, job: VideoJob): void {
    const now = this.clock.now();
    const current = this.store.get(entry.clientId);
    if (!current || !isActive(current)) {
      this.untrack(entry.clientId);
      return;
    }
    const patch = remotePatch(current, job);
    const status = job.status;
    if (status === 'pending' || status === 'in_progress') {
      patch.state = status;
    } else if (status === 'completed') {
      patch.completedAt = now;
    } else if (status === 'unknown') {
      if (!entry.loggedUnknown) {
        entry.loggedUnknown = true;
        this.logger.warn(`Job ${job.id}: OpenRouter sent an unknown status "${job.rawStatus}"; still watching it.`);
      }
    } else {
      Object.assign(patch, remoteFailurePatch(job, now));
    }
    // Applied in memory at once; the write is awaited in the background. Poll bookkeeping that
    // changes no state (the common "still pending") may be written a little later.
    const lazy = !TERMINAL.has(status) && (patch.state === undefined || patch.state === current.state);
    this.store
      .update(entry.clientId, (r) => (isActive(r) ? patch : undefined), { lazy })
      .catch((error: unknown) => this.logger.error(`Could not save the status of job ${job.id}: ${describe(error)}`));

    if (TERMINAL.has(status)) {
      this.untrack(entry.clientId);
      const record = this.store.get(entry.clientId);
      if (record) {
        this.logger.info(`Job ${job.id} is ${job.rawStatus}.`);
        this.terminalEmitter.fire({ record, job });
      }
      return;
    }
    if (this.markStaleIfOverdue(entry)) {
      return;
    }
    this.scheduleNext(entry, 0);
  }

  private handleError(entry: Entry, error: unknown): void {
    const record = this.store.get(entry.clientId);
    const label = record?.jobId ?? entry.clientId;
    if (!OpenRouterError.is(error)) {
      this.logger.error(`Polling job ${label} failed unexpectedly: ${describe(error)}`);
      this.backOff(entry, 0);
      return;
    }
    switch (error.kind) {
      case 'auth': {
        entry.dueAt = this.clock.now();
        if (!this.paused) {
          this.paused = true;
          this.logger.warn(`Polling paused: ${error.message}`);
          this.authEmitter.fire(error);
        }
        return;
      }
      case 'notFound': {
        this.untrack(entry.clientId);
        this.store
          .update(entry.clientId, (r) =>
            isActive(r)
              ? {
                  state: 'failed',
                  errorKind: 'notFound',
                  completedAt: this.clock.now(),
                  error:
                    'OpenRouter does not know this job (HTTP 404), so it can no longer be checked or downloaded. ' +
                    'Check your OpenRouter activity; if it is there, note its id and use "Recover Job by ID".',
                }
              : undefined,
          )
          .catch((e: unknown) => this.logger.error(`Could not save job ${label}: ${describe(e)}`));
        this.logger.warn(`Job ${label}: OpenRouter answered 404; marked failed.`);
        return;
      }
      case 'insecure': {
        // The polling_url points off the API origin; the client refused it. Poll by id from now on.
        entry.ignorePollingUrl = true;
        this.logger.warn(`Job ${label}: ${error.message} Polling by job id instead.`);
        this.backOff(entry, 0);
        return;
      }
      case 'rateLimited': {
        const wait = error.retryAfterMs ?? 0;
        if (wait > 0) {
          this.notBefore = Math.max(this.notBefore, this.clock.now() + wait);
        }
        this.logger.warn(`Job ${label}: rate limited${wait > 0 ? `; next poll in ${Math.ceil(wait / 1000)} s or later` : ''}.`);
        this.backOff(entry, wait);
        return;
      }
      case 'responseShape':
        this.logger.warn(`Job ${label}: ${error.message}`);
        this.backOff(entry, 0);
        return;
      case 'cancelled':
        this.backOff(entry, 0);
        return;
      default:
        this.logger.warn(`Job ${label}: poll failed (${error.kind}${error.status ? ` ${error.status}` : ''}): ${error.message}`);
        this.backOff(entry, 0);
    }
  }

  private backOff(entry: Entry, minDelayMs: number): void {
    if (this.markStaleIfOverdue(entry)) {
      return;
    }
    this.scheduleNext(entry, minDelayMs);
  }

  private scheduleNext(entry: Entry, minDelayMs: number): void {
    const now = this.clock.now();
    entry.dueAt = now + Math.max(this.jittered(entry.intervalMs), minDelayMs);
    entry.intervalMs = Math.min(entry.intervalMs * this.settings.backoffFactor, this.settings.maxIntervalMs);
  }

  /** After a poll attempt: a job watched longer than the limit becomes `stale`. */
  private markStaleIfOverdue(entry: Entry): boolean {
    const record = this.store.get(entry.clientId);
    if (!record) {
      this.untrack(entry.clientId);
      return true;
    }
    const since = record.watchedSince ?? record.submittedAt ?? record.createdAt;
    const limit = this.settings.watchLimitMs;
    if (this.clock.now() - since < limit) {
      return false;
    }
    this.untrack(entry.clientId);
    const minutes = Math.round(limit / 60_000);
    this.store
      .update(entry.clientId, (r) =>
        isActive(r)
          ? {
              state: 'stale',
              error:
                `Stopped checking after ${minutes} minute${minutes === 1 ? '' : 's'} without a result. ` +
                'OpenRouter may still finish it: use "Watch Again" to check on it.',
              errorKind: undefined,
            }
          : undefined,
      )
      .catch((e: unknown) => this.logger.error(`Could not save job ${record.jobId ?? record.clientId}: ${describe(e)}`));
    this.logger.info(`Job ${record.jobId ?? record.clientId}: watch limit reached; marked stale.`);
    return true;
  }

  private jittered(ms: number): number {
    const j = this.settings.jitter;
    if (ms <= 0 || j <= 0) {
      return Math.max(0, ms);
    }
    return Math.max(0, Math.round(ms * (1 + j * (2 * this.random() - 1))));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
