/**
 * Orchestrates a job's life: validate → persist → submit once → watch → download exactly once → saved.
 * The host is a thin layer over this. Paid work is never lost and never submitted twice:
 * - the record is on disk in `submitting` before the POST leaves;
 * - a submit whose outcome is unknown becomes `submitUnknown` and is never retried on its own;
 * - a completed job is downloaded by at most one task at a time, and a saved job only again on request.
 */
import { OpenRouterError, type ErrorKind, type OpenRouterErrorInit } from '../api/errors';
import type { VideoJob, VideoModel } from '../api/schemas';
import { normaliseStatus } from '../api/status';
import type { VideoApi } from '../api/videoApi';
import { toWireRequest, type VideoRequest } from '../api/videoRequest';
import type { DownloadResult } from '../download/downloader';
import { baseNameFor, hasPartFile, outputBaseName, reclaimReservedPath, releaseReservedPath, reserveUniquePath } from '../download/fileNames';
import { formatProblems, type Problem } from '../models/problems';
import { estimateCost } from '../pricing/estimateCost';
import { type Clock, systemClock } from '../shared/clock';
import { Disposable } from '../shared/disposable';
import { Emitter, type Event } from '../shared/emitter';
import { type Logger, nullLogger } from '../shared/logger';
import { isTerminalStatus, JobPoller, remoteFailurePatch, remotePatch, type JobPollerSettings } from './jobPoller';
import { isActive, type JobOutput, type JobRecord, type JobState } from './jobRecord';
import { FINAL_STATES } from './jobStates';
import type * as JobWorkModule from './jobWork';
import type { JobPatch, JobStore, JobStoreChange } from './jobStore';

/** What the service needs from a downloader; `downloadOutput` fits. */
export interface DownloadRequest {
  url: string;
  targetPath: string;
  signal?: AbortSignal;
  onProgress?: (received: number, total?: number) => void;
  logger?: Logger;
  /** Continue from the bytes in `<targetPath>.part` (a download a killed process left) instead of truncating it. */
  resumeExisting?: boolean;
}
/** `durable` (downloadOutput has it) settles once the file is on the disk; until then the output is `unsynced`. */
export type DownloadFn = (api: VideoApi, request: DownloadRequest) => Promise<{ path: string; bytes: number; durable?: DownloadResult['durable'] }>;

/** Reads an input image for the wire body. The data URL lives only as long as the submit call. */
export type ReadImageFn = (path: string, signal?: AbortSignal) => Promise<{ dataUrl: string; mimeType: string; bytes: number }>;

export interface JobServiceOptions {
  /** Loads the client lazily. */
  api: () => Promise<VideoApi>;
  store: JobStore;
  /** A poller the caller owns. Without one the service creates (and owns) its own, from `pollerSettings`. */
  poller?: JobPoller;
  pollerSettings?: JobPollerSettings & { random?: () => number };
  clock?: Clock;
  logger?: Logger;
  /** Default: `downloadOutput`. */
  download?: DownloadFn;
  /** Write `<video>.json` next to each saved video. Read at save time. Default true. */
  writeSidecar?: boolean | (() => boolean);
  extensionVersion: string;
  readImage: ReadImageFn;
  /** Folder for recovered jobs when the caller gives none. */
  defaultTargetFolder?: () => string | undefined;
  /** Looks a model up for `rerun` (default: the client's models list). */
  findModel?: (modelId: string) => Promise<VideoModel | undefined>;
}

export interface DownloadOptions {
  /** Download a job that is already saved once more (into new files). Without it, a saved job is left alone. */
  again?: boolean;
  signal?: AbortSignal;
}

export interface RecoverOptions {
  targetFolder?: string;
  /** The model, when the caller knows it (for names, sidecars and re-runs). */
  model?: VideoModel | string;
  /** Adopt into this `submitUnknown` record instead of creating a new one. */
  adopt?: string;
  signal?: AbortSignal;
}

export interface RerunOptions {
  model?: VideoModel;
  targetFolder?: string;
  signal?: AbortSignal;
}

export interface DownloadProgress {
  clientId: string;
  index: number;
  count: number;
  received: number;
  total?: number;
}

/** Thrown by `submit` before anything is written or sent: the request does not fit the model. */
export class RequestValidationError extends OpenRouterError {
  constructor(readonly problems: readonly Problem[]) {
    super('badRequest', `Nothing was submitted. ${formatProblems(problems)}`, { field: problems[0]?.field });
  }
}

/** Thrown by `submit` after the record was written: it says which state the record ended in. */
export class JobSubmitError extends OpenRouterError {
  constructor(
    kind: ErrorKind,
    message: string,
    init: OpenRouterErrorInit,
    readonly record: JobRecord,
  ) {
    super(kind, message, init);
  }
}

/** Local states in which nothing more happens on its own (`waitForJob` resolves). */
export const WAIT_FINAL_STATES: ReadonlySet<JobState> = FINAL_STATES;

/** Transitions into these fire `onDidFinish`. */
const FINISH_STATES: ReadonlySet<JobState> = new Set<JobState>(['saved', 'downloadFailed', 'failed', 'cancelled', 'expired', 'stale']);

export function submitUnknownMessage(error: unknown): string {
  return (
    `The submit did not get a clear answer (${describeFailure(error)}). OpenRouter may have accepted the job, and billed it. ` +
    'It was NOT resubmitted. If it shows up in your OpenRouter activity, adopt it with "Recover Job by ID".'
  );
}

/** Whether a failed submit provably started nothing (so nothing can have been billed). */
export function submitProvablyRejected(error: unknown): boolean {
  if (!OpenRouterError.is(error)) {
    return false;
  }
  if (error.notSent) {
    return true;
  }
  if (error.status !== undefined) {
    // A 4xx is OpenRouter saying no (incl. 402, and 429 after the client's own waiting). 408 may be mid-work.
    return error.status >= 400 && error.status < 500 && error.status !== 408;
  }
  // Refused locally, before any request: no key, or a URL that would leak it.
  return error.kind === 'auth' || error.kind === 'insecure';
}

interface Waiter {
  clientId: string;
  resolve(record: JobRecord): void;
  reject(error: unknown): void;
}

export class JobService extends Disposable {
  private readonly apiProvider: () => Promise<VideoApi>;
  private readonly store: JobStore;
  private readonly poller: JobPoller;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly downloadFn: DownloadFn;
  private readonly sidecarSetting: boolean | (() => boolean);
  private readonly extensionVersion: string;
  private readonly readImage: ReadImageFn;
  private readonly defaultTargetFolder: (() => string | undefined) | undefined;
  private readonly findModel: ((modelId: string) => Promise<VideoModel | undefined>) | undefined;

  /** One download task per job at most: the exactly-once guard. */
  private readonly downloads = new Map<string, { promise: Promise<JobRecord>; controller: AbortController }>();
  /** Saved outputs whose fsync is still running; each clears its output's `unsynced` when done. */
  private readonly syncing = new Set<Promise<void>>();
  private readonly lastStates = new Map<string, JobState>();
  private readonly waiters = new Set<Waiter>();
  /** resumeAll() has run: from then on an interrupted download that was not picked up is an outcome. */
  private resumed = false;
  private workLoading: Promise<typeof JobWorkModule> | undefined;

  private readonly finishEmitter = this._register(new Emitter<JobRecord>());
  /** A job reached an outcome worth telling the user about (saved, downloadFailed, failed, cancelled, expired, stale). */
  readonly onDidFinish: Event<JobRecord> = this.finishEmitter.event;
  private readonly progressEmitter = this._register(new Emitter<DownloadProgress>());
  readonly onDidProgress: Event<DownloadProgress> = this.progressEmitter.event;
  /** The store's changes, re-exposed. */
  readonly onDidChange: Event<JobStoreChange>;
  /** Polling paused because OpenRouter refused the key; call `resumePolling()` once it is fixed. */
  readonly onAuthRequired: Event<OpenRouterError>;

  constructor(options: JobServiceOptions) {
    super();
    this.apiProvider = options.api;
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? nullLogger;
    this.downloadFn = options.download ?? (async (api, request) => (await this.work()).downloadOutput(api, request));
    this.sidecarSetting = options.writeSidecar ?? true;
    this.extensionVersion = options.extensionVersion;
    this.readImage = options.readImage;
    this.defaultTargetFolder = options.defaultTargetFolder;
    this.findModel = options.findModel;
    this.poller =
      options.poller ??
      this._register(
        new JobPoller({ api: options.api, store: options.store, clock: this.clock, logger: this.logger, ...options.pollerSettings }),
      );
    this.onDidChange = this.store.onDidChange;
    this.onAuthRequired = this.poller.onAuthRequired;

    for (const record of this.store.all()) {
      this.lastStates.set(record.clientId, record.state);
    }
    this._register(this.store.onDidChange((change) => this.onStoreChange(change)));
    this._register(
      this.poller.onDidReachTerminal(({ record, job }) => {
        if (job.status === 'completed') {
          this.autoDownload(record.clientId);
        }
      }),
    );
  }

  // ---- Submit ----------------------------------------------------------------------------------

  /**
   * Validates, persists a `submitting` record, then POSTs exactly once.
   * - Invalid request: throws `RequestValidationError` (nothing written, nothing sent).
   * - Accepted: resolves with the `pending` record; the poller takes it from there.
   * - Refused (4xx, or provably not sent): the record becomes `rejected`; throws `JobSubmitError`.
   * - Outcome unknown (5xx, reset, timeout after sending): `submitUnknown`; throws `JobSubmitError`. Never resubmitted.
   * `signal` can cancel until the POST starts; once it has, the submit runs to its answer (aborting would
   * only make the outcome unknown).
   */
  async submit(model: VideoModel, request: VideoRequest, targetFolder: string, signal?: AbortSignal): Promise<JobRecord> {
    this.assertOpen();
    const { validateRequest } = await this.work();
    const validation = validateRequest(model, request);
    if (!validation.ok) {
      throw new RequestValidationError(validation.problems);
    }
    throwIfAborted(signal);

    // Everything that can fail locally happens before the record exists.
    const imageUrls = new Map<string, string>();
    const imageBytes = new Map<string, number>();
    for (const frame of request.frames ?? []) {
      if (/^(https?:\/\/|data:)/i.test(frame.path) || imageUrls.has(frame.path)) {
        continue;
      }
      try {
        const image = await this.readImage(frame.path, signal);
        imageUrls.set(frame.path, image.dataUrl);
        imageBytes.set(frame.path, image.bytes);
      } catch (error) {
        if (OpenRouterError.is(error)) throw error;
        throw new OpenRouterError('io', `Could not read the image "${frame.path}" (${describe(error)}). Nothing was submitted.`, {
          field: 'frames',
          cause: error,
        });
      }
      throwIfAborted(signal);
    }
    // Image sizes the caller did not give (the public API takes a path alone) are known now: check the
    // request size limit again, so an oversized body is refused here and not sent to OpenRouter.
    if ((request.frames ?? []).some((f) => f.byteLength === undefined && imageBytes.has(f.path))) {
      const sized = (request.frames ?? []).map((f) => (f.byteLength === undefined && imageBytes.has(f.path) ? { ...f, byteLength: imageBytes.get(f.path) } : f));
      const again = validateRequest(model, { ...request, frames: sized });
      if (!again.ok) {
        imageUrls.clear();
        throw new RequestValidationError(again.problems);
      }
    }
    const wire = toWireRequest(request, imageUrls, { omitAudioFlag: validation.omitAudioFlag });
    imageUrls.clear();
    const api = await this.apiProvider();
    throwIfAborted(signal);
    const estimate = estimateCost(model, request);

    const record = await this.store.create({
      state: 'submitting',
      request: stripFrameData(request),
      modelName: model.name,
      targetFolder,
      estimatedCostUsd: estimate.kind === 'estimate' ? estimate.usd : undefined,
    });
    this.logger.info(`Submitting job ${record.clientId} (${request.model}).`);

    let job: VideoJob;
    try {
      job = await api.submit(wire);
    } catch (error) {
      throw await this.settleFailedSubmit(record.clientId, error);
    }

    const now = this.clock.now();
    this.logger.info(`Job ${record.clientId} accepted by OpenRouter as ${job.id}.`);
    const patch: JobPatch = {
      jobId: job.id,
      pollingUrl: job.pollingUrl,
      generationId: job.generationId,
      remoteStatus: job.rawStatus,
      state: job.status === 'in_progress' ? 'in_progress' : 'pending',
      submittedAt: now,
      watchedSince: now,
      error: undefined,
      errorKind: undefined,
    };
    const saved = this.store.update(record.clientId, patch);
    this.poller.start();
    if (isTerminalStatus(job.rawStatus)) {
      this.settleTerminal(record.clientId, job);
    }
    try {
      return await saved;
    } catch (error) {
      // Accepted, and in memory; the next successful write persists it. Do not fail the submit.
      this.logger.error(`Job ${job.id} was accepted, but saving its id failed: ${describe(error)}`);
      return this.store.get(record.clientId) ?? record;
    }
  }

  private async settleFailedSubmit(clientId: string, error: unknown): Promise<JobSubmitError> {
    const or = OpenRouterError.is(error) ? error : undefined;
    const rejected = submitProvablyRejected(error);
    const message = rejected ? (or?.message ?? describe(error)) : submitUnknownMessage(error);
    const kind: ErrorKind = or?.kind ?? 'network';
    const patch: JobPatch = rejected
      ? { state: 'rejected', error: message, errorKind: kind }
      : { state: 'submitUnknown', error: message, errorKind: kind };
    this.logger.warn(`Submit of job ${clientId} ${rejected ? 'was refused' : 'has an unknown outcome'}: ${describe(error)}`);
    let record: JobRecord | undefined;
    try {
      record = await this.store.update(clientId, patch);
    } catch (e) {
      this.logger.error(`Could not save the outcome of job ${clientId}: ${describe(e)}`);
      record = this.store.get(clientId);
    }
    return new JobSubmitError(
      kind,
      message,
      { status: or?.status, serverMessage: or?.serverMessage, retryAfterMs: or?.retryAfterMs, notSent: or?.notSent, field: or?.field, cause: error },
      record ?? ({ clientId, ...patch } as JobRecord),
    );
  }

  /** A new submit of the same request. An explicit user action only; never called on its own. */
  async rerun(clientId: string, options: RerunOptions = {}): Promise<JobRecord> {
    const record = this.requireRecord(clientId);
    const model = options.model ?? (await this.lookUpModel(record.request.model));
    if (!model) {
      throw new OpenRouterError('notFound', `OpenRouter no longer lists the model "${record.request.model}", so the job cannot be run again.`);
    }
    return this.submit(model, record.request, options.targetFolder ?? record.targetFolder, options.signal);
  }

  // ---- Resume, watch, recover ------------------------------------------------------------------

  /**
   * On start: watch active jobs again and download completed-but-unsaved ones (including downloads the
   * app stopped in the middle of). Never submits anything.
   */
  async resumeAll(): Promise<void> {
    this.assertOpen();
    this.poller.start();
    if (this.store.all().some((r) => isActive(r) || r.state === 'downloading' || r.outputs.some((o) => o.unsynced === true))) {
      // A job in flight will be downloaded: load that code now, in the background, rather than when it completes.
      this.work().catch((error: unknown) => this.logger.error(`Could not load the downloader: ${describe(error)}`));
    }
    this.resumed = true;
    this.checkUnsynced();
    for (const record of this.store.all()) {
      if (this.downloads.has(record.clientId)) {
        continue;
      }
      const remote = record.remoteStatus !== undefined ? normaliseStatus(record.remoteStatus) : undefined;
      if (record.state === 'downloading' || (record.state === 'downloadFailed' && record.errorKind === 'cancelled')) {
        this.autoDownload(record.clientId);
      } else if (isActive(record) && remote === 'completed') {
        this.autoDownload(record.clientId);
      } else if (isActive(record) && (remote === 'failed' || remote === 'cancelled' || remote === 'expired')) {
        const patch = remoteFailurePatch({ id: record.jobId ?? '', status: remote, rawStatus: record.remoteStatus ?? remote, unsignedUrls: [] }, this.clock.now());
        if (patch) {
          await this.store.update(record.clientId, patch).catch((e: unknown) => this.logger.error(`Could not save job ${record.clientId}: ${describe(e)}`));
        }
      }
    }
    for (const waiter of [...this.waiters]) {
      this.checkWaiters(waiter.clientId);
    }
  }

  /**
   * Clears the output's `unsynced` once its fsync has finished. When writing it out reported an error, the flag
   * stays: the next start checks the file again (and downloads it again if it is short).
   */
  private whenSynced(clientId: string, index: number, file: string, durable: DownloadResult['durable']): void {
    const done = durable
      .then((outcome) => {
        if (outcome === 'failed') {
          this.logger.error(`Writing ${file} out to the disk reported an error; it is checked again on the next start.`);
          return undefined;
        }
        return this.store.get(clientId) ? this.store.update(clientId, (r) => clearUnsynced(r, index, file)) : undefined;
      })
      .then(
        () => undefined,
        // The store closed first (the app is stopping): the output stays `unsynced` and the next start checks it.
        (error: unknown) => this.logger.debug(`Could not record that ${file} is on disk: ${describe(error)}`),
      );
    this.syncing.add(done);
    void done.finally(() => this.syncing.delete(done));
  }

  /**
   * Outputs saved while their fsync was still running when the app stopped (`unsynced`): a system crash in that
   * window can leave a file shorter on disk than it was written. Checked in the background, job by job (a slow
   * disk holds up nothing else): complete ones are fsynced and kept, missing ones (moved or deleted by the user)
   * left alone, and short ones go back to `downloading` with their bytes as the `.part`, so the download continues
   * after them, into the same name.
   */
  private checkUnsynced(): void {
    for (const record of this.store.all()) {
      if (!record.outputs.some((o) => o.unsynced === true && o.file !== undefined)) continue;
      this.checkUnsyncedJob(record.clientId).catch((error: unknown) =>
        this.logger.warn(`Could not check the videos of job ${record.clientId} saved just before the app stopped: ${describe(error)}`),
      );
    }
  }

  private async checkUnsyncedJob(clientId: string): Promise<void> {
    const record = this.store.get(clientId);
    if (!record) return;
    const short: JobOutput[] = [];
    for (const output of record.outputs) {
      const file = output.file;
      if (output.unsynced !== true || file === undefined) continue;
      let outcome: 'complete' | 'short' | 'missing' | undefined;
      try {
        outcome = await (await this.work()).recheckSavedFile(file, output.bytes, this.logger);
      } catch (error) {
        // Not even readable now: the flag goes, or the resume marker would stay for good.
        this.logger.warn(`Could not check ${file}, saved just before the app stopped: ${describe(error)}`);
      }
      if (outcome === 'short') {
        short.push(output);
        continue;
      }
      if (outcome === 'missing') this.logger.info(`${file} was moved or deleted since it was saved; leaving it.`);
      await this.store.update(clientId, (r) => clearUnsynced(r, output.index, file));
    }
    if (short.length === 0 || this.downloads.has(clientId)) return; // a running download of this job decides
    let taken: JobOutput[] = [];
    await this.store.update(clientId, (r) => {
      // Only outputs still as they were checked, and only while no download of this job runs.
      taken = this.downloads.has(clientId)
        ? []
        : short.filter((o) => {
            const now = r.outputs.find((x) => x.index === o.index);
            return now?.unsynced === true && now.file === o.file;
          });
      if (taken.length === 0) return undefined;
      let outputs = r.outputs;
      for (const o of taken) outputs = mergeOutputs(outputs, { index: o.index, url: o.url, target: o.file });
      return { state: 'downloading', error: undefined, errorKind: undefined, outputs };
    });
    for (const o of taken) {
      this.logger.warn(
        `${o.file} is shorter on disk than the ${o.bytes ?? '?'} bytes saved (the system stopped before it was written out); downloading the rest again.`,
      );
      await this.work()
        .then((work) => work.keepAsPartial(o.file!))
        .catch((error: unknown) => this.logger.warn(`Could not keep the bytes of ${o.file}: ${describe(error)}`));
    }
    if (taken.length > 0) this.autoDownload(clientId);
  }

  /** Watches a `stale` or `stopped` job again. */
  async watch(clientId: string): Promise<JobRecord> {
    this.poller.start();
    return this.poller.watch(clientId);
  }

  /** Stops watching an active job (`stopped`); it stays resumable. */
  stopWatching(clientId: string): Promise<JobRecord> {
    return this.poller.stopWatching(clientId);
  }

  /** Resumes polling after an auth pause. */
  resumePolling(): void {
    this.poller.resume();
  }

  /**
   * Adopts a job that exists on OpenRouter (e.g. after `submitUnknown`, or from another machine) by its id:
   * GETs it, records it, then watches or downloads it. Nothing is submitted. `target` is the output folder
   * or the full options.
   */
  async recover(jobIdOrUrl: string, target?: string | RecoverOptions): Promise<JobRecord> {
    this.assertOpen();
    const options: RecoverOptions = typeof target === 'string' ? { targetFolder: target } : (target ?? {});
    const jobId = parseJobId(jobIdOrUrl);
    const existing = this.store.findByJobId(jobId);
    if (existing) {
      if (existing.state === 'stale' || existing.state === 'stopped') {
        return this.watch(existing.clientId);
      }
      return existing;
    }
    const adopted = options.adopt !== undefined ? this.requireRecord(options.adopt) : undefined;
    if (adopted && adopted.state !== 'submitUnknown') {
      throw new OpenRouterError('badRequest', 'Only a job whose submit outcome is unknown can adopt a job id.');
    }
    const targetFolder = options.targetFolder ?? adopted?.targetFolder ?? this.defaultTargetFolder?.();
    if (targetFolder === undefined) {
      throw new OpenRouterError('io', 'Open a folder (or choose an output folder) to recover a job into.');
    }
    const api = await this.apiProvider();
    const job = await api.getJob(jobId, { signal: options.signal });
    const now = this.clock.now();
    const modelId = typeof options.model === 'string' ? options.model : options.model?.id;
    const modelName = typeof options.model === 'object' ? options.model.name : undefined;
    const base: JobPatch = {
      jobId: job.id,
      pollingUrl: job.pollingUrl,
      generationId: job.generationId,
      remoteStatus: job.rawStatus,
      unsignedUrls: job.unsignedUrls.length > 0 ? job.unsignedUrls : undefined,
      costUsd: job.costUsd,
      state: job.status === 'in_progress' ? 'in_progress' : 'pending',
      submittedAt: adopted?.createdAt ?? now,
      watchedSince: now,
      error: undefined,
      errorKind: undefined,
    };
    let record: JobRecord;
    if (adopted) {
      record = await this.store.update(adopted.clientId, base);
    } else {
      record = await this.store.create({
        ...base,
        state: base.state ?? 'pending',
        request: { model: modelId ?? 'unknown' },
        modelName,
        targetFolder,
      });
    }
    this.logger.info(`Recovered OpenRouter job ${job.id} (${job.rawStatus}).`);
    this.poller.start();
    if (isTerminalStatus(job.rawStatus)) {
      this.settleTerminal(record.clientId, job);
    }
    return this.store.get(record.clientId) ?? record;
  }

  /** Removes a job from the list (its files stay); an ongoing download of it is cancelled. */
  async remove(clientId: string): Promise<boolean> {
    this.downloads.get(clientId)?.controller.abort();
    return this.store.remove(clientId);
  }

  /**
   * Resolves with the record once it is in a final local state (saved, failed, cancelled, expired,
   * rejected, submitUnknown, downloadFailed, stale, stopped). Accepts a clientId or an OpenRouter job id.
   */
  waitForJob(id: string, signal?: AbortSignal): Promise<JobRecord> {
    const record = this.store.get(id) ?? this.store.findByJobId(id);
    if (!record) {
      return Promise.reject(new OpenRouterError('notFound', `No job with id ${id}.`));
    }
    if (this.isSettled(record)) {
      return Promise.resolve(record);
    }
    if (this.isDisposed) {
      return Promise.reject(new OpenRouterError('cancelled', 'The job service was shut down.'));
    }
    return new Promise<JobRecord>((resolve, reject) => {
      const onAbort = () => {
        this.waiters.delete(waiter);
        reject(new OpenRouterError('cancelled', 'Stopped waiting for the job.', { cause: signal?.reason }));
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
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  // ---- Download --------------------------------------------------------------------------------

  /**
   * Downloads every output of a completed job into its target folder. Concurrent calls share one task;
   * a saved job is left alone unless `again` is set. Resolves with the `saved` record; on failure the
   * record is `downloadFailed` (still downloadable) and the promise rejects with the error.
   */
  download(clientId: string, options: DownloadOptions = {}): Promise<JobRecord> {
    const running = this.downloads.get(clientId);
    if (running) {
      return running.promise;
    }
    let record: JobRecord;
    try {
      this.assertOpen();
      record = this.requireRecord(clientId);
    } catch (error) {
      return Promise.reject(error);
    }
    if (record.state === 'saved' && !options.again) {
      return Promise.resolve(record);
    }
    if (record.jobId === undefined) {
      return Promise.reject(new OpenRouterError('badRequest', 'OpenRouter never confirmed this job, so there is nothing to download.'));
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) controller.abort(options.signal.reason);
    const promise = this.runDownload(clientId, options.again === true, controller.signal).finally(() => {
      options.signal?.removeEventListener('abort', onAbort);
      if (this.downloads.get(clientId)?.promise === promise) {
        this.downloads.delete(clientId);
      }
      this.checkWaiters(clientId);
    });
    this.downloads.set(clientId, { promise, controller });
    return promise;
  }

  /** Starts a download from inside the service; its failure is recorded and logged, not thrown. */
  private autoDownload(clientId: string): void {
    if (this.isDisposed || this.downloads.has(clientId)) {
      return;
    }
    this.download(clientId).catch((error: unknown) => {
      if (!this.isDisposed) {
        this.logger.warn(`Download of job ${clientId} failed: ${describe(error)}`);
      }
    });
  }

  private async runDownload(clientId: string, again: boolean, signal: AbortSignal): Promise<JobRecord> {
    const jobId = this.requireRecord(clientId).jobId as string;
    let marked = false;
    try {
      const api = await this.apiProvider();
      throwIfAborted(signal, 'Cancelled; nothing was downloaded.');
      const checked = await this.ensureCompleted(api, clientId, signal);
      if (checked !== 'completed') {
        // It failed remotely; the record now says so.
        throw new OpenRouterError('badRequest', `OpenRouter reports this job as ${checked.remoteStatus ?? checked.state}, so there is no video to download: ${checked.error ?? 'no reason given'}`);
      }
      let record = await this.store.update(clientId, (r) => ({
        state: 'downloading',
        downloadAttempts: r.downloadAttempts + 1,
        error: undefined,
        errorKind: undefined,
      }));
      marked = true;

      const count = Math.max(record.unsignedUrls?.length ?? 0, 1);
      const base = baseNameFor(record.request.prompt?.trim() || `openrouter-${jobId}`, new Date(record.submittedAt ?? record.createdAt));
      const savedNow: number[] = [];
      for (let index = 0; index < count; index++) {
        const url = api.contentUrl(jobId, index, record.unsignedUrls);
        const previous = record.outputs.find((o) => o.index === index);
        if (!again && previous?.file !== undefined && previous.savedAt !== undefined) {
          continue; // Saved by an earlier attempt.
        }
        throwIfAborted(signal, 'Cancelled; the job stays downloadable.');
        // A name an earlier attempt reserved and did not save into (the app was killed mid-download) is taken
        // back, so the download continues from its .part under the same name instead of a new `-2` one.
        const unsaved = previous?.file === undefined;
        const reclaimed = unsaved && previous?.target !== undefined ? await reclaimReservedPath(record.targetFolder, previous.target) : undefined;
        const reserved = reclaimed ?? (await reserveUniquePath(record.targetFolder, outputBaseName(base, index), '.mp4'));
        if (unsaved) {
          // On disk before the first byte is fetched: a kill from here on leaves a .part the next start continues.
          try {
            record = await this.store.update(clientId, (r) => ({
              outputs: mergeOutputs(r.outputs, { ...r.outputs.find((o) => o.index === index), index, url, target: reserved }),
            }));
          } catch (error) {
            await releaseReservedPath(reserved);
            throw error;
          }
        }
        let result: Awaited<ReturnType<DownloadFn>>;
        try {
          result = await this.downloadFn(api, {
            url,
            targetPath: reserved,
            signal,
            logger: this.logger,
            onProgress: (received, total) => this.progressEmitter.fire({ clientId, index, count, received, total }),
            ...(reclaimed !== undefined ? { resumeExisting: true } : {}),
          });
        } catch (error) {
          await releaseReservedPath(reserved);
          if (unsaved) {
            await this.forgetTarget(clientId, index, reserved);
          }
          throw error;
        }
        const output: JobOutput = {
          index,
          url,
          file: result.path,
          bytes: result.bytes,
          savedAt: this.clock.now(),
          ...(result.durable ? { unsynced: true } : {}),
        };
        savedNow.push(index);
        // Persisted output by output, so a crash never downloads a saved one a second time.
        record = await this.store.update(clientId, (r) => ({ outputs: mergeOutputs(r.outputs, output) }));
        if (result.durable) this.whenSynced(clientId, index, result.path, result.durable);
        this.logger.info(`Saved output ${index} of job ${jobId} to ${result.path} (${result.bytes} bytes).`);
      }

      record = await this.store.update(clientId, { state: 'saved', error: undefined, errorKind: undefined });
      if (this.sidecarEnabled() && savedNow.length > 0) {
        record = await this.writeSidecars(record, savedNow);
      }
      return record;
    } catch (error) {
      const or = OpenRouterError.is(error) ? error : undefined;
      if (marked && this.store.get(clientId)) {
        const message = or?.message ?? `Saving the video failed (${describe(error)}). The job stays downloadable: run Download Again.`;
        await this.store
          .update(clientId, (r) => (r.state === 'downloading' ? { state: 'downloadFailed', error: message, errorKind: or?.kind ?? 'io' } : undefined))
          .catch((e: unknown) => this.logger.error(`Could not save job ${clientId}: ${describe(e)}`));
      }
      throw error;
    }
  }

  /**
   * Makes sure the job is completed remotely: one GET when the record does not say so yet, or when the last
   * download found the video or its link gone (`notFound`, e.g. an expired storage link): OpenRouter's fresh
   * answer carries the current `unsigned_urls`. Returns 'completed', or the record when the job turned out
   * to have failed; throws when it is not finished.
   */
  private async ensureCompleted(api: VideoApi, clientId: string, signal: AbortSignal): Promise<'completed' | JobRecord> {
    const record = this.requireRecord(clientId);
    const linkGone = record.state === 'downloadFailed' && record.errorKind === 'notFound';
    if (!linkGone && record.remoteStatus !== undefined && normaliseStatus(record.remoteStatus) === 'completed') {
      return 'completed';
    }
    const job = await api.getJob(record.jobId as string, { signal });
    const patch = remotePatch(record, job);
    const failure = remoteFailurePatch(job, this.clock.now());
    if (failure) {
      return this.store.update(clientId, { ...patch, ...failure });
    }
    if (job.status !== 'completed') {
      await this.store.update(clientId, patch);
      throw new OpenRouterError('badRequest', `The job is not finished yet (OpenRouter says "${job.rawStatus}"), so there is nothing to download yet.`);
    }
    await this.store.update(clientId, { ...patch, completedAt: record.completedAt ?? this.clock.now() });
    return 'completed';
  }

  /**
   * After a failed download: once its `.part` is gone (the downloader removes it), the recorded name no longer
   * holds anything of this job, so it is dropped from the record; the next attempt reserves a name afresh.
   */
  private async forgetTarget(clientId: string, index: number, target: string): Promise<void> {
    if (!this.store.get(clientId) || (await hasPartFile(target))) {
      return;
    }
    await this.store
      .update(clientId, (r) => {
        const output = r.outputs.find((o) => o.index === index);
        if (output?.target !== target || output.file !== undefined) return undefined;
        const rest: JobOutput = { ...output };
        delete rest.target;
        return { outputs: mergeOutputs(r.outputs, rest) };
      })
      .catch((error: unknown) => this.logger.error(`Could not save job ${clientId}: ${describe(error)}`));
  }

  /**
   * Validation, the downloader and sidecars (./jobWork), loaded on first use: activation does not compile them. A
   * failed load (files of the extension missing or damaged) is not kept: the next call tries again.
   */
  private work(): Promise<typeof JobWorkModule> {
    this.workLoading ??= import('./jobWork.js').catch((error: unknown) => {
      this.workLoading = undefined;
      throw new OpenRouterError('io', `Part of the extension could not be loaded (${describe(error)}). Reinstall OpenRouter Video and try again.`, {
        cause: error,
      });
    });
    return this.workLoading;
  }

  private async writeSidecars(record: JobRecord, indexes: readonly number[]): Promise<JobRecord> {
    const written = new Map<number, { file: string; sidecar: string }>();
    for (const index of indexes) {
      const output = record.outputs.find((o) => o.index === index);
      if (!output?.file) continue;
      try {
        const { buildSidecar, writeSidecar } = await this.work();
        const sidecar = await writeSidecar(output.file, buildSidecar(record, output, this.extensionVersion));
        written.set(index, { file: output.file, sidecar });
      } catch (error) {
        this.logger.warn(`Could not write the sidecar for ${output.file}: ${describe(error)}`);
      }
    }
    if (written.size === 0) {
      return record;
    }
    // Merged into the outputs as they are now: an fsync that finished meanwhile has cleared `unsynced` on them.
    const withSidecars = (r: JobRecord): JobPatch => ({
      outputs: r.outputs.map((o) => {
        const w = written.get(o.index);
        return w && o.file === w.file ? { ...o, sidecar: w.sidecar } : o;
      }),
    });
    return this.store.update(record.clientId, withSidecars).catch((error: unknown) => {
      this.logger.error(`Could not save job ${record.clientId}: ${describe(error)}`);
      return this.store.get(record.clientId) ?? record;
    });
  }

  // ---- Internals -------------------------------------------------------------------------------

  /** A terminal status seen outside the poller (submit answer, recover): failures recorded, completed downloaded. */
  private settleTerminal(clientId: string, job: VideoJob): void {
    const failure = remoteFailurePatch(job, this.clock.now());
    if (failure) {
      this.store
        .update(clientId, failure)
        .catch((e: unknown) => this.logger.error(`Could not save job ${clientId}: ${describe(e)}`));
    } else if (job.status === 'completed') {
      this.autoDownload(clientId);
    }
  }

  private onStoreChange(change: JobStoreChange): void {
    for (const id of change.removed) {
      this.lastStates.delete(id);
      for (const waiter of [...this.waiters]) {
        if (waiter.clientId === id) {
          this.waiters.delete(waiter);
          waiter.reject(new OpenRouterError('notFound', 'The job was removed.'));
        }
      }
    }
    for (const record of change.changed) {
      const previous = this.lastStates.get(record.clientId);
      this.lastStates.set(record.clientId, record.state);
      if (previous !== record.state && FINISH_STATES.has(record.state) && !this.isDisposed) {
        this.finishEmitter.fire(record);
      }
      this.checkWaiters(record.clientId);
    }
  }

  private isSettled(record: JobRecord): boolean {
    if (this.downloads.has(record.clientId)) {
      return false;
    }
    if (!WAIT_FINAL_STATES.has(record.state)) {
      return false;
    }
    // An interrupted download that resumeAll will pick up is not an outcome yet.
    return this.resumed || !(record.state === 'downloadFailed' && record.errorKind === 'cancelled');
  }

  private checkWaiters(clientId: string): void {
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

  private sidecarEnabled(): boolean {
    return typeof this.sidecarSetting === 'function' ? this.sidecarSetting() : this.sidecarSetting;
  }

  private async lookUpModel(modelId: string): Promise<VideoModel | undefined> {
    if (this.findModel) {
      return this.findModel(modelId);
    }
    const api = await this.apiProvider();
    return (await api.listModels()).find((m) => m.id === modelId);
  }

  private requireRecord(clientId: string): JobRecord {
    const record = this.store.get(clientId);
    if (!record) {
      throw new OpenRouterError('notFound', `No job with id ${clientId}.`);
    }
    return record;
  }

  private assertOpen(): void {
    if (this.isDisposed) {
      throw new OpenRouterError('cancelled', 'The job service was shut down.');
    }
  }

  /** Cancels downloads (the records say so; they resume on the next start) and releases everything. */
  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    for (const { controller } of this.downloads.values()) {
      controller.abort(new OpenRouterError('cancelled', 'The app is shutting down.'));
    }
    for (const waiter of [...this.waiters]) {
      waiter.reject(new OpenRouterError('cancelled', 'The job service was shut down.'));
    }
    this.waiters.clear();
  }

  /** Resolves when running downloads and their fsyncs have settled (after `dispose`, or in tests). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.downloads.values()].map((d) => d.promise));
    await Promise.allSettled([...this.syncing]);
  }
}

/** Accepts a bare job id, or a URL or path ending in `/videos/<id>` (e.g. a polling URL). */
export function parseJobId(input: string): string {
  const text = input.trim();
  const match = /\/videos\/([^/?#\s]+)/.exec(text);
  const id = match?.[1] !== undefined ? decodeURIComponent(match[1]) : text;
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) {
    throw new OpenRouterError('badRequest', `"${text.slice(0, 80)}" is not an OpenRouter job id (letters, digits, "-" or "_").`);
  }
  return id;
}

/** The patch that drops `unsynced` from output `index`, if it still names `file`. */
function clearUnsynced(r: JobRecord, index: number, file: string): JobPatch | undefined {
  const output = r.outputs.find((o) => o.index === index);
  if (output?.unsynced !== true || output.file !== file) return undefined;
  const { unsynced: _unsynced, ...rest } = output;
  return { outputs: mergeOutputs(r.outputs, rest) };
}

function mergeOutputs(outputs: readonly JobOutput[], output: JobOutput): JobOutput[] {
  const rest = outputs.filter((o) => o.index !== output.index);
  return [...rest, output].sort((a, b) => a.index - b.index);
}

/** The request as recorded: frame paths only (a data URL never reaches the store). */
function stripFrameData(request: VideoRequest): VideoRequest {
  if (!request.frames) return { ...request };
  return {
    ...request,
    frames: request.frames.map((f) => (f.path.startsWith('data:') ? { ...f, path: '(inline image)' } : { ...f })),
  };
}

function describeFailure(error: unknown): string {
  if (!OpenRouterError.is(error)) {
    return describe(error);
  }
  if (error.status !== undefined) {
    return `OpenRouter answered HTTP ${error.status}${error.serverMessage ? `: "${error.serverMessage}"` : ''}`;
  }
  switch (error.kind) {
    case 'network':
      return 'the connection broke after the request was sent';
    case 'timeout':
      return 'no answer came in time';
    case 'responseShape':
      return 'OpenRouter answered, but the answer could not be read';
    case 'cancelled':
      return 'the request was cut off';
    default:
      return error.message;
  }
}

function throwIfAborted(signal: AbortSignal | undefined, message = 'Cancelled; nothing was submitted.'): void {
  if (signal?.aborted) {
    throw new OpenRouterError('cancelled', message, { cause: signal.reason });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
