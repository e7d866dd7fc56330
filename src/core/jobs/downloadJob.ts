/**
 * Saves a completed job's videos, exactly once: at most one download task per job (concurrent callers share
 * it), and one window at a time (a lock file `<name>.mp4.lock` in the output folder: another window that shares
 * the job store waits, then finds the job saved), each output's name reserved and recorded before its first
 * byte, each saved output recorded at once (a crash never downloads it a second time), then the sidecars.
 */
import nodeFs = require('node:fs');
import { cancelledError, describeError, OpenRouterError, throwIfAborted, type ErrorInfo } from '../api/errors';
import { normaliseStatus } from '../api/status';
import type { VideoApi } from '../api/videoApi';
import type { DownloadOptions, DownloadResult } from '../download/downloader';
import type { Durability } from '../download/partFile';
import { baseNameFor, hasPartFile, outputBaseName, reclaimReservedPath, releaseReservedPath, reserveUniquePath, resolveInside } from '../download/fileNames';
import { checkFolderOnDisk } from '../download/folderOnDisk';
import { buildSidecar, writeSidecar } from '../download/sidecar';
import type { Clock } from '../shared/clock';
import { Disposable } from '../shared/disposable';
import { Emitter, type Event } from '../shared/emitter';
import { FileLock } from '../shared/lockFile';
import type { Logger } from '../shared/logger';
import { checkOutputUrl, clearUnsynced, mergeOutputs, outputCount } from './jobOutputs';
import type { JobOutput, JobRecord } from './jobRecord';
import type { JobPatch, JobStore } from './jobStore';
import { remoteFailurePatch, remotePatch } from './remoteStatus';

/** What the service asks of a downloader: `downloadOutput`. */
export type DownloadRequest = Pick<DownloadOptions, 'url' | 'targetPath' | 'signal' | 'onProgress' | 'logger' | 'resumeExisting'>;
/** `sync()` writes the file out to the disk; until it has, the output is `unsynced`. */
export type DownloadFn = (api: VideoApi, request: DownloadRequest) => Promise<Pick<DownloadResult, 'path' | 'bytes'> & { sync?: Sync }>;
type Sync = DownloadResult['sync'];

/** A download lock nobody touched for this long (its window stopped, or hangs) is taken over. */
const DOWNLOAD_LOCK_STALE_MS = 120_000;
/** How often a window waiting for another window's download looks at the lock again. */
const DOWNLOAD_LOCK_RETRY_MS = 250;

export interface JobDownloadOptions {
  /** Download a job that is already saved once more (into new files). Without it, a saved job is left alone. */
  again?: boolean;
  signal?: AbortSignal;
}

export interface DownloadProgress {
  clientId: string;
  index: number;
  count: number;
  received: number;
  total?: number;
}

export interface DownloadDeps {
  api: VideoApi;
  store: JobStore;
  clock: Clock;
  logger: Logger;
  download: DownloadFn;
  /** Write `<video>.json` next to each saved video; read at save time. */
  writeSidecar: () => boolean;
  extensionVersion: string;
  /** A download task of this job ended (either way). */
  onDone(clientId: string): void;
  /**
   * The workspace folder a path lies in: a target folder's real path is checked to stay inside it before anything
   * is written, and sidecars name frame images relative to it.
   */
  workspaceFolderFor?: (folder: string) => string | undefined;
}

export class JobDownloads extends Disposable {
  /** One download task per job at most: the exactly-once guard. */
  private readonly running = new Map<string, { promise: Promise<JobRecord>; controller: AbortController }>();
  /** Saved outputs whose fsync is still running; each clears its output's `unsynced` when done. */
  private readonly syncing = new Set<Promise<void>>();
  private readonly progressEmitter = this._register(new Emitter<DownloadProgress>());
  readonly onDidProgress: Event<DownloadProgress> = this.progressEmitter.event;

  constructor(private readonly deps: DownloadDeps) {
    super();
  }

  isRunning(clientId: string): boolean {
    return this.running.has(clientId);
  }

  /**
   * Downloads every output of a completed job into its target folder. Concurrent calls share one task; a saved
   * job is left alone unless `again` is set. Resolves with the `saved` record; on failure the record is
   * `downloadFailed` (still downloadable) and the promise rejects with the error.
   */
  download(clientId: string, options: JobDownloadOptions = {}): Promise<JobRecord> {
    const running = this.running.get(clientId);
    if (running) return running.promise;
    const record = this.deps.store.get(clientId);
    if (this.isDisposed) return Promise.reject(new OpenRouterError('cancelled', 'serviceStopped'));
    if (!record) return Promise.reject(new OpenRouterError('notFound', 'noSuchJob', { id: clientId }));
    if (record.state === 'saved' && !options.again) return Promise.resolve(record);
    if (record.jobId === undefined) return Promise.reject(new OpenRouterError('badRequest', 'nothingToDownload'));
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([controller.signal, options.signal]) : controller.signal;
    const promise = this.run(clientId, record.jobId, options.again === true, signal).finally(() => {
      if (this.running.get(clientId)?.promise === promise) this.running.delete(clientId);
      this.deps.onDone(clientId);
    });
    this.running.set(clientId, { promise, controller });
    return promise;
  }

  /** Starts a download from inside the service; its failure is recorded and logged, not thrown. */
  start(clientId: string): void {
    if (this.isDisposed || this.running.has(clientId)) return;
    this.download(clientId).catch((error: unknown) => {
      if (!this.isDisposed) this.deps.logger.warn(`Download of job ${clientId} failed: ${describeError(error)}`);
    });
  }

  /** Cancels the running download of a job, if any (its record says so). */
  cancel(clientId: string): void {
    this.running.get(clientId)?.controller.abort(cancelledError());
  }

  /** Resolves when running downloads and their fsyncs have settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((d) => d.promise));
    await Promise.allSettled([...this.syncing]);
  }

  /** Cancels every download: the records say "interrupted", and the next start downloads them again. */
  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    for (const { controller } of this.running.values()) controller.abort(cancelledError());
  }

  private async run(clientId: string, jobId: string, again: boolean, signal: AbortSignal): Promise<JobRecord> {
    const { store, api } = this.deps;
    let marked = false;
    const syncs: (() => void)[] = [];
    let lock: FileLock | undefined;
    try {
      throwIfAborted(signal);
      await this.checkFolder(clientId);
      lock = await this.lockDownload(clientId, jobId, signal);
      if (lock) {
        // Another window may have saved it while this one waited for the lock.
        await store.refresh();
        const current = store.get(clientId);
        if (!current) throw new OpenRouterError('notFound', 'noSuchJob', { id: clientId });
        if (current.state === 'saved' && !again) return current;
      }
      await this.ensureCompleted(clientId, jobId, signal);
      const { count, skipped } = outputCount(store.get(clientId) ?? {});
      if (skipped > 0) this.deps.logger.warn(`Job ${jobId}: OpenRouter listed ${count + skipped} videos; only the first ${count} are saved.`);
      let record = await store.update(clientId, (r) => ({
        state: 'downloading',
        downloadAttempts: r.downloadAttempts + 1,
        error: undefined,
        ...(skipped > 0 ? { skippedOutputs: skipped } : {}),
      }));
      marked = true;

      const base = baseNameFor(nameSource(record) || `openrouter-${jobId}`, new Date(record.submittedAt ?? record.createdAt));
      const savedNow: number[] = [];
      // Each saved video's fsync starts once the record says saved (or the job failed): a large file's fsync would
      // otherwise hold up the store's own writes, and with them the moment the job shows as saved.
      for (let index = 0; index < count; index++) {
        const previous = record.outputs.find((o) => o.index === index);
        if (!again && previous?.file !== undefined && previous.savedAt !== undefined) {
          continue; // Saved by an earlier attempt.
        }
        throwIfAborted(signal);
        const url = api.contentUrl(jobId, index, record.unsignedUrls);
        checkOutputUrl(url);
        const { file, bytes, sync } = await this.saveOutput(record, { index, count, url, base, previous }, signal);
        savedNow.push(index);
        // Persisted output by output, so a crash never downloads a saved one a second time.
        const output: JobOutput = { index, url, file, bytes, savedAt: this.deps.clock.now(), ...(sync ? { unsynced: true } : {}) };
        record = await store.update(clientId, (r) => ({ outputs: mergeOutputs(r.outputs, output) }));
        if (sync) syncs.push(() => this.whenSynced(clientId, index, file, sync()));
        this.deps.logger.info(`Saved output ${index} of job ${jobId} to ${file} (${bytes} bytes).`);
      }

      record = await store.update(clientId, { state: 'saved', error: undefined });
      if (this.deps.writeSidecar() && savedNow.length > 0) {
        record = await this.writeSidecars(record, savedNow);
      }
      return record;
    } catch (error) {
      // A folder that leads outside the workspace is refused before the job is marked: it still says so.
      const refused = OpenRouterError.is(error) && error.reason === 'outputFolderLinkedOutside';
      if ((marked || refused) && store.get(clientId)) {
        const info: ErrorInfo = OpenRouterError.is(error) ? error.info : { kind: 'io', reason: 'saveFailed', params: { detail: describeError(error) } };
        await store
          .update(clientId, (r) => (r.state === 'downloading' || refused ? { state: 'downloadFailed', error: info } : undefined))
          .catch((e: unknown) => this.deps.logger.error(`Could not save job ${clientId}: ${describeError(e)}`));
      }
      throw error;
    } finally {
      await lock?.release();
      for (const start of syncs) start();
    }
  }

  /** Checks that the job's folder, on disk, stays inside its workspace folder (folderOnDisk.ts). */
  private async checkFolder(clientId: string): Promise<void> {
    const record = this.deps.store.get(clientId);
    const workspace = record ? this.deps.workspaceFolderFor?.(record.targetFolder) : undefined;
    if (record && workspace !== undefined) await checkFolderOnDisk(workspace, record.targetFolder);
  }

  /**
   * Takes the job's download lock: `<name>.mp4.lock` beside the first output's `.part`, named from the record as
   * every window names it. Waits while another window holds it. `undefined` when the folder refuses the lock
   * file: the download then goes on without it, and the reservation reports what the disk said.
   */
  private async lockDownload(clientId: string, jobId: string, signal: AbortSignal): Promise<FileLock | undefined> {
    const record = this.deps.store.get(clientId);
    if (!record) throw new OpenRouterError('notFound', 'noSuchJob', { id: clientId });
    const base = baseNameFor(record.request.prompt?.trim() || `openrouter-${jobId}`, new Date(record.submittedAt ?? record.createdAt));
    let lockPath: string;
    try {
      lockPath = resolveInside(record.targetFolder, `${outputBaseName(base, 0)}.mp4.lock`);
      await nodeFs.promises.mkdir(record.targetFolder, { recursive: true });
    } catch {
      return undefined;
    }
    const waiting = setTimeout(() => this.deps.logger.info(`Job ${jobId} is being downloaded by another window; waiting for it.`), DOWNLOAD_LOCK_RETRY_MS * 4);
    try {
      return await FileLock.acquire(lockPath, { staleMs: DOWNLOAD_LOCK_STALE_MS, retryMs: DOWNLOAD_LOCK_RETRY_MS, signal });
    } catch (error) {
      throwIfAborted(signal);
      this.deps.logger.debug(`Downloading job ${jobId} without a lock: ${describeError(error)}`);
      return undefined;
    } finally {
      clearTimeout(waiting);
    }
  }

  /**
   * One output: a name reserved (or the one an interrupted attempt reserved, taken back so the download continues
   * its `.part`), recorded before the first byte, then downloaded into it.
   */
  private async saveOutput(
    record: JobRecord,
    { index, count, url, base, previous }: { index: number; count: number; url: string; base: string; previous?: JobOutput },
    signal: AbortSignal,
  ): Promise<{ file: string; bytes: number; sync?: Sync }> {
    const { clientId, targetFolder } = record;
    const unsaved = previous?.file === undefined;
    const reclaimed = unsaved && previous?.target !== undefined ? await reclaimReservedPath(targetFolder, previous.target) : undefined;
    const reserved = reclaimed ?? (await reserveUniquePath(targetFolder, outputBaseName(base, index), '.mp4'));
    try {
      if (unsaved) {
        // On disk before the first byte is fetched: a kill from here on leaves a .part the next start continues.
        await this.deps.store.update(clientId, (r) => ({
          outputs: mergeOutputs(r.outputs, { ...r.outputs.find((o) => o.index === index), index, url, target: reserved }),
        }));
      }
      const result = await this.deps.download(this.deps.api, {
        url,
        targetPath: reserved,
        signal,
        logger: this.deps.logger,
        onProgress: (received, total) => this.progressEmitter.fire({ clientId, index, count, received, total }),
        ...(reclaimed !== undefined ? { resumeExisting: true } : {}),
      });
      return { file: result.path, bytes: result.bytes, sync: result.sync };
    } catch (error) {
      await releaseReservedPath(reserved);
      if (unsaved) await this.forgetTarget(clientId, index, reserved);
      throw error;
    }
  }

  /**
   * Makes sure the job is completed remotely: one GET when the record does not say so yet, or when the last
   * download found the video or its link gone (`notFound`, e.g. an expired storage link) or refused: OpenRouter's fresh
   * answer carries the current `unsigned_urls`. Throws when the job failed there (recording it) or is not finished.
   */
  private async ensureCompleted(clientId: string, jobId: string, signal: AbortSignal): Promise<void> {
    const { store, clock } = this.deps;
    const record = store.get(clientId);
    if (!record) throw new OpenRouterError('notFound', 'noSuchJob', { id: clientId });
    // A link that is gone, or that was refused (not https), is asked for again.
    const linkGone = record.state === 'downloadFailed' && (record.error?.kind === 'notFound' || record.error?.reason === 'outputUrlInsecure');
    if (!linkGone && record.remoteStatus !== undefined && normaliseStatus(record.remoteStatus) === 'completed') {
      return;
    }
    const job = await this.deps.api.getJob(jobId, { signal });
    const patch = remotePatch(record, job);
    const failure = remoteFailurePatch(job, clock.now());
    if (failure) {
      await store.update(clientId, { ...patch, ...failure });
      throw new OpenRouterError('badRequest', 'noVideo', { status: job.rawStatus, said: job.error });
    }
    if (job.status !== 'completed') {
      await store.update(clientId, patch);
      throw new OpenRouterError('badRequest', 'notFinished', { status: job.rawStatus });
    }
    await store.update(clientId, { ...patch, completedAt: record.completedAt ?? clock.now() });
  }

  /**
   * After a failed download: once its `.part` is gone (the downloader removes it), the recorded name no longer
   * holds anything of this job, so it is dropped from the record; the next attempt reserves a name afresh.
   */
  private async forgetTarget(clientId: string, index: number, target: string): Promise<void> {
    if (!this.deps.store.get(clientId) || (await hasPartFile(target))) {
      return;
    }
    await this.deps.store
      .update(clientId, (r) => {
        const output = r.outputs.find((o) => o.index === index);
        if (output?.target !== target || output.file !== undefined) return undefined;
        const { target: _target, ...rest } = output;
        return { outputs: mergeOutputs(r.outputs, rest) };
      })
      .catch((error: unknown) => this.deps.logger.error(`Could not save job ${clientId}: ${describeError(error)}`));
  }

  /**
   * Clears the output's `unsynced` once its fsync has finished. When writing it out reported an error, the flag
   * stays: the next start checks the file again (and downloads it again if it is short).
   */
  private whenSynced(clientId: string, index: number, file: string, durable: Promise<Durability>): void {
    const { store, logger } = this.deps;
    const done = durable
      .then((outcome) => {
        if (outcome === 'failed') {
          logger.error(`Writing ${file} out to the disk reported an error; it is checked again on the next start.`);
          return undefined;
        }
        return store.get(clientId) ? store.update(clientId, (r) => clearUnsynced(r, index, file)) : undefined;
      })
      .then(
        () => undefined,
        // The store closed first (the app is stopping): the output stays `unsynced` and the next start checks it.
        (error: unknown) => logger.debug(`Could not record that ${file} is on disk: ${describeError(error)}`),
      );
    this.syncing.add(done);
    void done.finally(() => this.syncing.delete(done));
  }

  private async writeSidecars(record: JobRecord, indexes: readonly number[]): Promise<JobRecord> {
    const written = new Map<number, { file: string; sidecar: string }>();
    for (const index of indexes) {
      const output = record.outputs.find((o) => o.index === index);
      if (!output?.file) continue;
      try {
        const sidecar = await writeSidecar(output.file, buildSidecar(record, output, this.deps.extensionVersion, this.deps.workspaceFolderFor?.(output.file)));
        written.set(index, { file: output.file, sidecar });
      } catch (error) {
        this.deps.logger.warn(`Could not write the sidecar for ${output.file}: ${describeError(error)}`);
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
    return this.deps.store.update(record.clientId, withSidecars).catch((error: unknown) => {
      this.deps.logger.error(`Could not save job ${record.clientId}: ${describeError(error)}`);
      return this.deps.store.get(record.clientId) ?? record;
    });
  }
}

/** The text a job's file names come from: a prompt file's name and shot heading, else the prompt. */
function nameSource(record: JobRecord): string {
  const source = record.source;
  if (!source) return record.request.prompt?.trim() ?? '';
  const file = (source.promptFile.split('/').pop() ?? '').replace(/\.video\.md$/i, '');
  return [file, source.shotName, source.variant !== undefined && source.variant > 0 ? `v${source.variant + 1}` : undefined].filter(Boolean).join(' ');
}
