/**
 * What a start does with the jobs a previous run left: downloads the ones it stopped in the middle of (or that
 * completed while nobody watched), settles remote failures already on record, and checks the videos saved just
 * before it stopped (`unsynced`). Never submits anything.
 */
import { describeError } from '../api/errors';
import { normaliseStatus } from '../api/status';
import { keepAsPartial, recheckSavedFile } from '../download/savedFileCheck';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { JobDownloads } from './downloadJob';
import { clearUnsynced, mergeOutputs } from './jobOutputs';
import { isActive, type JobOutput, type JobRecord } from './jobRecord';
import type { JobStore } from './jobStore';
import { remoteFailurePatch } from './remoteStatus';

export interface RecoveryDeps {
  store: JobStore;
  clock: Clock;
  logger: Logger;
  downloads: JobDownloads;
}

/**
 * A download the app stopped in the middle of: the store records it as `downloadFailed` with a `cancelled`
 * error, and the next start downloads it again.
 */
export function isInterruptedDownload(record: Pick<JobRecord, 'state' | 'error'>): boolean {
  return record.state === 'downloadFailed' && record.error?.kind === 'cancelled';
}

/** Picks up every job a previous run left in the middle: downloads, recorded remote outcomes, unsynced videos. */
export async function recoverInterrupted(deps: RecoveryDeps): Promise<void> {
  const { store, downloads, logger } = deps;
  checkUnsynced(deps);
  for (const record of store.all()) {
    if (downloads.isRunning(record.clientId)) {
      continue;
    }
    const remote = record.remoteStatus !== undefined ? normaliseStatus(record.remoteStatus) : undefined;
    if (record.state === 'downloading' || isInterruptedDownload(record)) {
      downloads.start(record.clientId);
    } else if (isActive(record) && remote === 'completed') {
      downloads.start(record.clientId);
    } else if (isActive(record) && (remote === 'failed' || remote === 'cancelled' || remote === 'expired')) {
      const job = { id: record.jobId ?? '', status: remote, rawStatus: record.remoteStatus ?? remote, unsignedUrls: [] };
      const patch = remoteFailurePatch(job, deps.clock.now());
      if (patch) {
        await store.update(record.clientId, patch).catch((e: unknown) => logger.error(`Could not save job ${record.clientId}: ${describeError(e)}`));
      }
    }
  }
}

/**
 * Outputs saved while their fsync was still running when the app stopped (`unsynced`): a system crash in that
 * window can leave a file shorter on disk than it was written. Checked in the background, job by job (a slow
 * disk holds up nothing else): complete ones are kept, missing ones (moved or deleted by the user) left alone,
 * and short ones go back to `downloading` with their bytes as the `.part`, so the download continues after
 * them, into the same name.
 */
function checkUnsynced(deps: RecoveryDeps): void {
  for (const record of deps.store.all()) {
    if (!record.outputs.some((o) => o.unsynced === true && o.file !== undefined)) continue;
    checkUnsyncedJob(deps, record.clientId).catch((error: unknown) =>
      deps.logger.warn(`Could not check the videos of job ${record.clientId} saved just before the app stopped: ${describeError(error)}`),
    );
  }
}

async function checkUnsyncedJob(deps: RecoveryDeps, clientId: string): Promise<void> {
  const { store, downloads, logger } = deps;
  const record = store.get(clientId);
  if (!record) return;
  const short: JobOutput[] = [];
  for (const output of record.outputs) {
    const file = output.file;
    if (output.unsynced !== true || file === undefined) continue;
    let outcome: 'complete' | 'short' | 'missing' | undefined;
    try {
      outcome = await recheckSavedFile(file, output.bytes, logger);
    } catch (error) {
      // Not even readable now: the flag goes, or it would be checked on every start for good.
      logger.warn(`Could not check ${file}, saved just before the app stopped: ${describeError(error)}`);
    }
    if (outcome === 'short') {
      short.push(output);
      continue;
    }
    if (outcome === 'missing') logger.info(`${file} was moved or deleted since it was saved; leaving it.`);
    await store.update(clientId, (r) => clearUnsynced(r, output.index, file));
  }
  if (short.length === 0 || downloads.isRunning(clientId)) return; // a running download of this job decides
  let taken: JobOutput[] = [];
  await store.update(clientId, (r) => {
    // Only outputs still as they were checked, and only while no download of this job runs.
    taken = downloads.isRunning(clientId)
      ? []
      : short.filter((o) => {
          const now = r.outputs.find((x) => x.index === o.index);
          return now?.unsynced === true && now.file === o.file;
        });
    if (taken.length === 0) return undefined;
    let outputs = r.outputs;
    for (const o of taken) outputs = mergeOutputs(outputs, { index: o.index, url: o.url, target: o.file });
    return { state: 'downloading', error: undefined, outputs };
  });
  for (const o of taken) {
    logger.warn(
      `${o.file} is shorter on disk than the ${o.bytes ?? '?'} bytes saved (the system stopped before it was written out); downloading the rest again.`,
    );
    await keepAsPartial(o.file!).catch((error: unknown) => logger.warn(`Could not keep the bytes of ${o.file}: ${describeError(error)}`));
  }
  if (taken.length > 0) downloads.start(clientId);
}
