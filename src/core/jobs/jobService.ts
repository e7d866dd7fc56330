/**
 * A job's life, end to end: plan → persist → submit once → watch → download exactly once → saved. A small
 * facade that wires the parts together; each part is its own module:
 * - submitJob.ts: persist, POST once, rejected / submitUnknown (never resubmitted);
 * - jobPoller.ts (built by the caller): watches jobs OpenRouter is working on;
 * - downloadJob.ts: the exactly-once download guard, outputs, sidecars;
 * - crashRecovery.ts: what a start picks up; recoverJob.ts: adopting a job by id;
 * - jobWaiters.ts: `waitForJob` and the finish events.
 * The host writes to the store only through this service; views read the store's events.
 */
import { describeError, OpenRouterError } from '../api/errors';
import type { VideoJob, VideoModel } from '../api/schemas';
import type { VideoApi } from '../api/videoApi';
import type { Reserved, SpendBudget } from '../money/budget';
import { type Clock, systemClock } from '../shared/clock';
import { Disposable } from '../shared/disposable';
import type { Event } from '../shared/emitter';
import { type Logger, nullLogger } from '../shared/logger';
import { recoverInterrupted } from './crashRecovery';
import { JobDownloads, type DownloadFn, type DownloadProgress, type JobDownloadOptions } from './downloadJob';
import type { JobPoller } from './jobPoller';
import type { JobRecord, JobSource } from './jobRecord';
import type { JobStore } from './jobStore';
import { JobWaiters } from './jobWaiters';
import { recoverJob, type RecoverOptions } from './recoverJob';
import { remoteFailurePatch } from './remoteStatus';
import { submitJob, type ReadImageFn } from './submitJob';
import { planSubmit, type SizeOfFn, type SubmitPlan } from './submitPlan';

export interface JobServiceOptions {
  api: VideoApi;
  store: JobStore;
  /** The poller the caller built (and owns), over the same store and api. */
  poller: JobPoller;
  /** Saves one video: `downloadOutput`. */
  download: DownloadFn;
  readImage: ReadImageFn;
  extensionVersion: string;
  clock?: Clock;
  logger?: Logger;
  /** Write `<video>.json` next to each saved video. Read at save time. Default true. */
  writeSidecar?: () => boolean;
  /** Folder for recovered jobs when the caller gives none. */
  defaultTargetFolder?: () => string | undefined;
  /**
   * The workspace folder a path lies in (by its name), or `undefined` when none. Before a submit and before a
   * download the real path of the folder is checked to stay inside it (a link must not lead elsewhere), and
   * sidecars name frame images relative to it.
   */
  workspaceFolderFor?: (folder: string) => string | undefined;
  /** Looks a model up for `rerun` (default: the api's models list). */
  findModel?: (modelId: string) => Promise<VideoModel | undefined>;
  /** Image sizes for `rerun`'s plan (default: the file's size on disk). */
  sizeOf?: SizeOfFn;
  /** The spending budget every submit is admitted through (none: no limit). */
  budget?: SpendBudget;
}

export interface RerunOptions {
  model?: VideoModel;
  targetFolder?: string;
  signal?: AbortSignal;
}

export class JobService extends Disposable {
  private readonly store: JobStore;
  private readonly poller: JobPoller;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly downloads: JobDownloads;
  private readonly waiters: JobWaiters;

  /** A job reached an outcome worth telling the user about (saved, downloadFailed, failed, cancelled, expired, stale). */
  readonly onDidFinish: Event<JobRecord>;
  readonly onDidProgress: Event<DownloadProgress>;

  constructor(private readonly options: JobServiceOptions) {
    super();
    this.store = options.store;
    this.poller = options.poller;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? nullLogger;
    this.downloads = this._register(
      new JobDownloads({
        api: options.api,
        store: this.store,
        clock: this.clock,
        logger: this.logger,
        download: options.download,
        writeSidecar: options.writeSidecar ?? (() => true),
        extensionVersion: options.extensionVersion,
        onDone: (clientId) => this.waiters.check(clientId),
        workspaceFolderFor: options.workspaceFolderFor,
      }),
    );
    this.waiters = this._register(new JobWaiters(this.store, (clientId) => this.downloads.isRunning(clientId)));
    this.onDidFinish = this.waiters.onDidFinish;
    this.onDidProgress = this.downloads.onDidProgress;
    this._register(
      this.poller.onDidReachTerminal(({ record, job }) => {
        if (job.status === 'completed') this.downloads.start(record.clientId);
      }),
    );
  }

  /**
   * Submits exactly this plan (see `planSubmit`), without checking it again. Resolves with the accepted
   * record; throws `JobSubmitError` when the record ended `rejected` or `submitUnknown` (never resubmitted).
   * `source` names the prompt file and shot the plan came from (kept in the record and the sidecar).
   */
  submit(plan: SubmitPlan, targetFolder: string, signal?: AbortSignal, source?: JobSource): Promise<JobRecord> {
    this.assertOpen();
    const { api, readImage } = this.options;
    const budget = this.options.budget;
    const admit = budget ? <T extends Reserved>(p: SubmitPlan, reserve: () => Promise<T>) => budget.admit(p, reserve) : undefined;
    const { workspaceFolderFor } = this.options;
    const deps = { api, store: this.store, clock: this.clock, logger: this.logger, readImage, admit, workspaceFolderFor, onAccepted: this.accepted };
    return submitJob(deps, plan, targetFolder, signal, source);
  }

  /**
   * Plans a new submit of a job's request afresh (today's model and prices), for the host to show its estimate
   * before `submit`. Nothing is sent.
   */
  async planRerun(clientId: string, options: Pick<RerunOptions, 'model'> = {}): Promise<SubmitPlan> {
    const record = this.requireRecord(clientId);
    const model = options.model ?? (await this.findModel(record.request.model));
    if (!model) {
      throw new OpenRouterError('notFound', 'modelGone', { model: record.request.model });
    }
    return planSubmit(model, record.request, { sizeOf: this.options.sizeOf });
  }

  /** A new submit of the same request, planned afresh. An explicit user action only; never called on its own. */
  async rerun(clientId: string, options: RerunOptions = {}): Promise<JobRecord> {
    const record = this.requireRecord(clientId);
    const plan = await this.planRerun(clientId, options);
    return this.submit(plan, options.targetFolder ?? record.targetFolder, options.signal, record.source);
  }

  /** On start: watches what OpenRouter is working on and picks up what the last run left. Never submits. */
  async resumeAll(): Promise<void> {
    this.assertOpen();
    this.poller.start();
    await recoverInterrupted({ store: this.store, clock: this.clock, logger: this.logger, downloads: this.downloads });
    this.waiters.markResumed();
  }

  /** Watches a `stale` or `stopped` job again. */
  watch(clientId: string): Promise<JobRecord> {
    this.poller.start();
    return this.poller.watch(clientId);
  }

  /** Stops watching a job (`stopped`); it stays resumable. */
  stopWatching(clientId: string): Promise<JobRecord> {
    return this.poller.stopWatching(clientId);
  }

  /** Adopts a job that exists on OpenRouter by its id or URL (see recoverJob.ts). Nothing is submitted. */
  recover(jobIdOrUrl: string, target?: string | RecoverOptions): Promise<JobRecord> {
    this.assertOpen();
    const options: RecoverOptions = typeof target === 'string' ? { targetFolder: target } : (target ?? {});
    const { api, defaultTargetFolder } = this.options;
    const watch = (clientId: string) => this.watch(clientId);
    const deps = { api, store: this.store, clock: this.clock, logger: this.logger, defaultTargetFolder, watch, onAccepted: this.accepted };
    return recoverJob(deps, jobIdOrUrl, options);
  }

  /**
   * Downloads a completed job's videos (see downloadJob.ts): concurrent calls share one task; a saved job is
   * downloaded again into new files only with `again`.
   */
  download(clientId: string, options?: JobDownloadOptions): Promise<JobRecord> {
    return this.downloads.download(clientId, options);
  }

  /** Resolves once nothing more happens to the job on its own. Accepts a clientId or an OpenRouter job id. */
  waitForJob(id: string, signal?: AbortSignal): Promise<JobRecord> {
    return this.waiters.wait(id, signal);
  }

  /** Removes a job from the list (its files stay); an ongoing download of it is cancelled. */
  remove(clientId: string): Promise<boolean> {
    this.downloads.cancel(clientId);
    return this.store.remove(clientId);
  }

  /** The user has opened the job's video (it drops out of the "not yet opened" badge). */
  async markOpened(clientId: string): Promise<void> {
    const record = this.requireRecord(clientId);
    if (!record.opened) await this.store.update(clientId, { opened: true });
  }

  /**
   * Resolves when running downloads and their fsyncs have settled. `dispose()` cancels the downloads (their
   * records say "interrupted"; the next start downloads them again) and rejects every waiter.
   */
  settled(): Promise<void> {
    return this.downloads.settled();
  }

  /** A job OpenRouter has just taken (submit, recover): polled from now on; a terminal answer settled at once. */
  private readonly accepted = (clientId: string, job: VideoJob): void => {
    this.poller.start();
    const failure = remoteFailurePatch(job, this.clock.now());
    if (failure) {
      this.store.update(clientId, failure).catch((e: unknown) => this.logger.error(`Could not save job ${clientId}: ${describeError(e)}`));
    } else if (job.status === 'completed') {
      this.downloads.start(clientId);
    }
  };

  private async findModel(modelId: string): Promise<VideoModel | undefined> {
    if (this.options.findModel) return this.options.findModel(modelId);
    return (await this.options.api.listModels()).find((m) => m.id === modelId);
  }

  private requireRecord(clientId: string): JobRecord {
    const record = this.store.get(clientId);
    if (!record) throw new OpenRouterError('notFound', 'noSuchJob', { id: clientId });
    return record;
  }

  private assertOpen(): void {
    if (this.isDisposed) throw new OpenRouterError('cancelled', 'serviceStopped');
  }
}
