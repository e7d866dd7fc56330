/**
 * One scheduler for every job OpenRouter is still working on. Boring and bounded:
 * - a single timer, armed only for the earliest due job (no timer and no request while nothing is watched);
 * - at most one request in flight per job (and a small global cap);
 * - first poll a few seconds after a job becomes watched, then a growing interval up to a maximum, with jitter;
 * - never armed before the account-wide rate-limit gate opens (the client records every Retry-After there);
 * - terminal statuses stop polling that job; a 401/403 pauses everything until `resume()`;
 * - a job that outlives the watch limit becomes `stale` (still resumable), never `failed`;
 * - a 404 is checked again with the same backoff; only 404s for the whole not-found limit make the job `unknown`
 *   (still resumable), never `failed`: OpenRouter may still have it, and bill it.
 * The store is the source of truth: the poller reacts to its changes and writes poll results into it.
 */
import { describeError, OpenRouterError } from '../api/errors';
import type { RateLimitGate } from '../api/retry';
import type { VideoJob } from '../api/schemas';
import { normaliseStatus } from '../api/status';
import type { VideoApi } from '../api/videoApi';
import { type Clock, type TimerHandle, systemClock } from '../shared/clock';
import { Disposable, type IDisposable } from '../shared/disposable';
import { Emitter, type Event } from '../shared/emitter';
import { type Logger, nullLogger } from '../shared/logger';
import { isActive, type JobRecord } from './jobRecord';
import { stateIs } from './jobStates';
import type { JobPatch, JobStore, JobStoreChange } from './jobStore';
import { DEFAULT_POLLER_SETTINGS, jittered, type JobPollerSettings } from './pollerSettings';
import { isPollable, isTerminalStatus, remoteFailurePatch, remotePatch } from './remoteStatus';

export interface JobPollerOptions extends JobPollerSettings {
  api: VideoApi;
  store: JobStore;
  /** The account-wide Retry-After gate, shared with the client. */
  gate: RateLimitGate;
  clock?: Clock;
  logger?: Logger;
  /** Random source in [0, 1) for jitter (tests pass a fixed one). */
  random?: () => number;
}

export interface TerminalEvent {
  record: JobRecord;
  job: VideoJob;
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
  /** When the current run of 404 answers began; any other answer ends it. */
  notFoundSince?: number;
}

export class JobPoller extends Disposable {
  private readonly api: VideoApi;
  private readonly store: JobStore;
  private readonly gate: RateLimitGate;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: () => number;
  private settings = DEFAULT_POLLER_SETTINGS;

  private readonly entries = new Map<string, Entry>();
  private started = false;
  private paused = false;
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
    this.api = options.api;
    this.store = options.store;
    this.gate = options.gate;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? nullLogger;
    this.random = options.random ?? Math.random;
    this.configure(options);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** clientIds currently scheduled. */
  get watchedIds(): readonly string[] {
    return [...this.entries.keys()];
  }

  get inFlightCount(): number {
    return [...this.entries.values()].filter((e) => e.inFlight).length;
  }

  /** Changes timing settings (e.g. the poll interval setting); applies from each job's next poll. */
  configure(settings: JobPollerSettings): void {
    const next = { ...this.settings };
    for (const key of Object.keys(next) as (keyof JobPollerSettings)[]) {
      const value = settings[key];
      if (value !== undefined && Number.isFinite(value) && value >= 0) next[key] = value;
    }
    next.maxIntervalMs = Math.max(next.maxIntervalMs, 1);
    next.maxConcurrent = Math.max(1, Math.floor(next.maxConcurrent));
    this.settings = next;
    for (const entry of this.entries.values()) entry.intervalMs = Math.min(entry.intervalMs, next.maxIntervalMs);
    this.arm();
  }

  /** Picks up every watched job in the store and follows the store's changes from now on. */
  start(): void {
    if (this.started || this.isDisposed) return;
    this.started = true;
    this.storeListener = this.store.onDidChange((change) => this.onStoreChange(change));
    for (const record of this.store.all()) {
      if (isPollable(record)) this.track(record.clientId, this.settings.firstDelayMs);
    }
    this.arm();
  }

  /** Stops everything: no timer, no request in flight, nothing scheduled. `start()` picks up again. */
  stop(): void {
    this.started = false;
    this.storeListener?.dispose();
    this.storeListener = undefined;
    for (const entry of this.entries.values()) entry.controller?.abort();
    this.entries.clear();
    this.clearTimer();
  }

  /** Resumes polling after an auth pause (the host calls it once a key is set). */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.logger.info('Polling resumed.');
    this.arm();
  }

  /** Watches a `stale`, `stopped` or `unknown` job again: a fresh watch window, first poll right away. */
  async watch(clientId: string): Promise<JobRecord> {
    const record = this.store.get(clientId);
    if (!record) throw new OpenRouterError('notFound', 'noSuchJob', { id: clientId });
    if (record.jobId === undefined) throw new OpenRouterError('badRequest', 'nothingToWatch');
    if (isActive(record)) {
      this.pollSoon(clientId);
      return record;
    }
    if (!stateIs(record.state, 'resumable')) throw new OpenRouterError('badRequest', 'alreadyFinished', { state: record.state });
    if (isTerminalStatus(record.remoteStatus)) throw new OpenRouterError('badRequest', 'alreadyReported', { status: record.remoteStatus });
    const remote = record.remoteStatus !== undefined ? normaliseStatus(record.remoteStatus) : 'pending';
    const updated = this.store.update(clientId, {
      state: remote === 'in_progress' ? 'in_progress' : 'pending',
      watchedSince: this.clock.now(),
      error: undefined,
    });
    this.pollSoon(clientId);
    return updated;
  }

  /** Stops watching a job (`stopped`; `watch()` resumes it); one OpenRouter has finished is left to its download. */
  async stopWatching(clientId: string): Promise<JobRecord> {
    const record = this.store.get(clientId);
    if (!record) throw new OpenRouterError('notFound', 'noSuchJob', { id: clientId });
    if (!isPollable(record)) return record;
    this.untrack(clientId);
    this.arm();
    return this.store.update(clientId, (r) => (isPollable(r) ? { state: 'stopped' } : undefined));
  }

  override dispose(): void {
    this.stop();
    super.dispose();
  }

  private onStoreChange(change: JobStoreChange): void {
    let touched = false;
    for (const id of change.removed) touched = this.untrack(id) || touched;
    for (const record of change.changed) {
      if (!isPollable(record)) {
        touched = this.untrack(record.clientId) || touched;
      } else if (!this.entries.has(record.clientId)) {
        this.track(record.clientId, this.settings.firstDelayMs);
        touched = true;
      }
    }
    if (touched) this.arm();
  }

  private track(clientId: string, delayMs: number): void {
    if (this.entries.has(clientId)) return;
    const dueAt = this.clock.now() + jittered(delayMs, this.settings, this.random);
    this.entries.set(clientId, { clientId, dueAt, intervalMs: this.settings.intervalMs, inFlight: false });
  }

  private untrack(clientId: string): boolean {
    const entry = this.entries.get(clientId);
    if (!entry) return false;
    entry.controller?.abort();
    this.entries.delete(clientId);
    return true;
  }

  private pollSoon(clientId: string): void {
    const record = this.store.get(clientId);
    if (!this.started || !record || !isPollable(record)) return;
    this.track(clientId, 0);
    const entry = this.entries.get(clientId);
    if (entry && !entry.inFlight) entry.dueAt = Math.min(entry.dueAt, this.clock.now());
    this.arm();
  }

  /**
   * Arms the single timer for the earliest due job, never before the gate opens; clears it when nothing can run.
   * While the gate holds, a job whose watch limit comes first is woken at that limit to be marked stale.
   */
  private arm(): void {
    if (!this.started || this.paused || this.isDisposed || this.inFlightCount >= this.settings.maxConcurrent) {
      this.clearTimer();
      return;
    }
    let earliest = Infinity;
    let firstLimit = Infinity;
    for (const entry of this.entries.values()) {
      if (entry.inFlight) continue;
      earliest = Math.min(earliest, entry.dueAt);
      firstLimit = Math.min(firstLimit, this.watchLimitAt(entry));
    }
    const held = this.gate.readyAt > earliest;
    const dueAt = held ? Math.min(this.gate.readyAt, firstLimit) : earliest;
    if (this.timer !== undefined && this.timerDueAt === dueAt) return;
    this.clearTimer();
    if (earliest === Infinity) return;
    this.timerDueAt = dueAt;
    this.timer = this.clock.setTimeout(() => this.onTimer(), Math.max(0, dueAt - this.clock.now()));
  }

  /** When a job's watch limit passes (its record gone: now). */
  private watchLimitAt(entry: Entry): number {
    const record = this.store.get(entry.clientId);
    if (!record) return this.clock.now();
    return (record.watchedSince ?? record.submittedAt ?? record.createdAt) + this.settings.watchLimitMs;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private onTimer(): void {
    this.timer = undefined;
    if (!this.started || this.paused) return;
    const now = this.clock.now();
    // A Retry-After recorded since the timer was armed (by any call) moves the polls to when the gate opens;
    // meanwhile, jobs past their watch limit become stale.
    if (now < this.gate.readyAt) {
      for (const entry of [...this.entries.values()]) {
        if (!entry.inFlight && this.watchLimitAt(entry) <= now) this.markStaleIfOverdue(entry);
      }
    } else {
      const due = [...this.entries.values()].filter((e) => !e.inFlight && e.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
      let capacity = this.settings.maxConcurrent - this.inFlightCount;
      for (const entry of due) {
        if (capacity-- <= 0) break;
        void this.poll(entry);
      }
    }
    this.arm();
  }

  private async poll(entry: Entry): Promise<void> {
    const controller = new AbortController();
    entry.inFlight = true;
    entry.controller = controller;
    try {
      const record = this.store.get(entry.clientId);
      if (!record || !isPollable(record) || record.jobId === undefined) {
        this.untrack(entry.clientId);
        return;
      }
      const pollingUrl = entry.ignorePollingUrl ? undefined : record.pollingUrl;
      const job = await this.api.getJob(record.jobId, { signal: controller.signal, pollingUrl });
      if (!controller.signal.aborted && this.entries.get(entry.clientId) === entry) this.applyResult(entry, job);
    } catch (error) {
      if (!controller.signal.aborted && this.entries.get(entry.clientId) === entry) this.handleError(entry, error);
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
    entry.notFoundSince = undefined;
    const patch: JobPatch = remotePatch(current, job);
    const terminal = isTerminalStatus(job.rawStatus);
    if (job.status === 'pending' || job.status === 'in_progress') {
      patch.state = job.status;
    } else if (job.status === 'completed') {
      patch.completedAt = now;
    } else if (job.status !== 'unknown') {
      Object.assign(patch, remoteFailurePatch(job, now));
    } else if (!entry.loggedUnknown) {
      entry.loggedUnknown = true;
      this.logger.warn(`Job ${job.id}: OpenRouter sent an unknown status "${job.rawStatus}"; still watching it.`);
    }
    // Applied in memory at once; the write is awaited in the background. Poll bookkeeping that changes no
    // state (the common "still pending") may be written a little later.
    const lazy = !terminal && (patch.state === undefined || patch.state === current.state);
    this.store
      .update(entry.clientId, (r) => (isActive(r) ? patch : undefined), { lazy })
      .catch((error: unknown) => this.logger.error(`Could not save the status of job ${job.id}: ${describeError(error)}`));

    if (terminal) {
      this.untrack(entry.clientId);
      const record = this.store.get(entry.clientId);
      if (record) {
        this.logger.info(`Job ${job.id} is ${job.rawStatus}.`);
        this.terminalEmitter.fire({ record, job });
      }
    } else if (!this.markStaleIfOverdue(entry)) {
      this.scheduleNext(entry);
    }
  }

  private handleError(entry: Entry, error: unknown): void {
    const label = this.store.get(entry.clientId)?.jobId ?? entry.clientId;
    const kind = OpenRouterError.is(error) ? error.kind : undefined;
    if (kind === 'auth') {
      entry.dueAt = this.clock.now();
      if (!this.paused) {
        this.paused = true;
        this.logger.warn(`Polling paused: ${describeError(error)}`);
        this.authEmitter.fire(error as OpenRouterError);
      }
      return;
    }
    if (kind === 'notFound') {
      const now = this.clock.now();
      entry.notFoundSince ??= now;
      const limit = this.settings.notFoundLimitMs;
      if (now - entry.notFoundSince >= limit) {
        this.leave(entry, label, { state: 'unknown', error: { kind: 'notFound', reason: 'jobNotFound', params: { minutes: Math.round(limit / 60_000) } } });
        this.logger.warn(`Job ${label}: OpenRouter answered 404 to every status check for ${Math.round((now - entry.notFoundSince) / 1000)} s; marked unknown (it can be watched again).`);
        return;
      }
      this.logger.warn(`Job ${label}: OpenRouter answered 404; checking again (marked unknown after ${Math.round(limit / 1000)} s of 404s).`);
    } else if (kind === 'insecure') {
      // The polling_url points off the API origin; the client refused it. Poll by id from now on.
      entry.ignorePollingUrl = true;
      this.logger.warn(`Job ${label}: ${describeError(error)}; polling by job id instead.`);
    } else if (kind === 'rateLimited') {
      // The client has recorded the Retry-After in the gate; the timer is not armed before it opens.
      const wait = Math.ceil((this.gate.readyAt - this.clock.now()) / 1000);
      this.logger.warn(`Job ${label}: rate limited${wait > 0 ? `; no poll for ${wait} s` : ''}.`);
    } else if (kind !== 'cancelled') {
      this.logger.warn(`Job ${label}: poll failed: ${describeError(error)}`);
    }
    if (!this.markStaleIfOverdue(entry)) this.scheduleNext(entry);
  }

  private scheduleNext(entry: Entry): void {
    entry.dueAt = this.clock.now() + jittered(entry.intervalMs, this.settings, this.random);
    entry.intervalMs = Math.min(entry.intervalMs * this.settings.backoffFactor, this.settings.maxIntervalMs);
  }

  /** After a poll attempt: a job watched longer than the limit becomes `stale`. */
  private markStaleIfOverdue(entry: Entry): boolean {
    const record = this.store.get(entry.clientId);
    const limit = this.settings.watchLimitMs;
    if (record && this.clock.now() < this.watchLimitAt(entry)) return false;
    const label = record?.jobId ?? entry.clientId;
    this.leave(entry, label, { state: 'stale', error: { kind: 'timeout', reason: 'watchLimit', params: { minutes: Math.round(limit / 60_000) } } });
    if (record) this.logger.info(`Job ${label}: watch limit reached; marked stale.`);
    return true;
  }

  /** Stops polling a job and moves it on (failed, stale) if it is still watched. */
  private leave(entry: Entry, label: string, patch: JobPatch): void {
    this.untrack(entry.clientId);
    if (!this.store.get(entry.clientId)) return;
    this.store
      .update(entry.clientId, (r) => (isActive(r) ? patch : undefined))
      .catch((e: unknown) => this.logger.error(`Could not save job ${label}: ${describeError(e)}`));
  }
}
