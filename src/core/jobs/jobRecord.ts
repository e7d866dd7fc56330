/** A generation job as the extension keeps it: persisted, resumable, never holding the key. */
import type { ErrorKind } from '../api/errors';
import type { VideoRequest } from '../api/videoRequest';

/**
 * Local lifecycle of a job.
 * - submitting: written before POST /videos; if found on start-up, the submit's outcome is unknown
 *   (the app stopped in between) and it becomes `submitUnknown` - never resubmitted on its own.
 * - rejected: the submit was refused (nothing was billed).
 * - pending / in_progress: accepted by OpenRouter, being watched.
 * - downloading: OpenRouter completed it, bytes are being saved.
 * - saved: every output is on disk.
 * - downloadFailed: completed remotely, the download failed; it stays downloadable.
 * - failed / cancelled / expired: OpenRouter's terminal failures (error text verbatim).
 * - stale: outlived the watch limit without finishing; still resumable.
 * - stopped: the user stopped watching; still resumable.
 */
export type JobState =
  | 'submitting'
  | 'submitUnknown'
  | 'rejected'
  | 'pending'
  | 'in_progress'
  | 'downloading'
  | 'saved'
  | 'downloadFailed'
  | 'failed'
  | 'cancelled'
  | 'expired'
  | 'stale'
  | 'stopped';

export const ACTIVE_STATES: ReadonlySet<JobState> = new Set(['pending', 'in_progress']);
export const RESUMABLE_STATES: ReadonlySet<JobState> = new Set(['stale', 'stopped']);
export const REMOTE_FAILURE_STATES: ReadonlySet<JobState> = new Set(['failed', 'cancelled', 'expired']);

export interface StatusEntry {
  /** Local state or OpenRouter's raw status string. */
  status: string;
  at: number;
  /** Which of the two `status` is: the local state, or OpenRouter's raw status. Absent in older records. */
  source?: 'local' | 'remote';
}

export interface JobOutput {
  index: number;
  /** Where it is fetched from (unsigned_urls entry or content endpoint). */
  url?: string;
  /**
   * The path reserved for it (`reserveUniquePath`), written before its download starts. While `file` is unset
   * it marks a download in progress, or one a killed process left as `<target>.part`: the next attempt
   * continues into the same name. Absent in older records.
   */
  target?: string;
  /** Absolute path of the saved file, once saved. */
  file?: string;
  bytes?: number;
  savedAt?: number;
  sidecar?: string;
  /**
   * Saved, but its fsync has not finished yet (the downloader renames first and syncs after). A system crash in
   * that window can leave the file shorter on disk, so JobService checks such outputs on the next start.
   */
  unsynced?: boolean;
}

export interface JobRecord {
  /** Local id (UUID), assigned before submit. */
  clientId: string;
  /** OpenRouter's job id, once accepted. */
  jobId?: string;
  generationId?: string;
  pollingUrl?: string;
  request: VideoRequest;
  modelName?: string;
  state: JobState;
  /** OpenRouter's last raw status string. */
  remoteStatus?: string;
  history: StatusEntry[];
  createdAt: number;
  updatedAt: number;
  submittedAt?: number;
  completedAt?: number;
  error?: string;
  errorKind?: ErrorKind;
  estimatedCostUsd?: number;
  costUsd?: number;
  /** Absolute folder the outputs are saved into. */
  targetFolder: string;
  unsignedUrls?: string[];
  outputs: JobOutput[];
  downloadAttempts: number;
  /** The user has opened the result (drives the "not yet opened" badge). */
  opened?: boolean;
  pollCount?: number;
  /**
   * When watching (re)started: submit, recover, or an explicit "watch again". The watch limit is
   * measured from here (falls back to `submittedAt`).
   */
  watchedSince?: number;
}

export function isActive(record: Pick<JobRecord, 'state'>): boolean {
  return ACTIVE_STATES.has(record.state);
}
