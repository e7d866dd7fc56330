/** A generation job as the extension keeps it: persisted, resumable, never holding the key. */
import type { ErrorInfo } from '../api/errors';
import { stateIs, type JobState } from './jobStates';
import type { VideoRequest } from '../api/videoRequest';

export type { JobState } from './jobStates';

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

/** Where a job's request came from, when it came from a prompt file. */
export interface JobSource {
  /** The prompt file, relative to its workspace folder, with `/` separators. */
  promptFile: string;
  /** The shot's position in the file (0-based); a file without `##` shots has one, 0. */
  shot: number;
  /** The shot's heading, when the file is a storyboard. */
  shotName?: string;
  /** Which of the shot's `variants` this is (0-based), when it asked for several. */
  variant?: number;
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
  /** Why the job is where it is (a failed submit, download or generation), as a reason code the host words. */
  error?: ErrorInfo;
  estimatedCostUsd?: number;
  /** The estimate is approximate (a token-priced model): compare it with `costUsd` when the job completes. */
  estimateApproximate?: boolean;
  /** With no estimate: what the job counts against the budget until its cost is known (see budgetCharge.ts). */
  ceilingUsd?: number;
  costUsd?: number;
  /** Absolute folder the outputs are saved into. */
  targetFolder: string;
  unsignedUrls?: string[];
  outputs: JobOutput[];
  /** Videos OpenRouter listed beyond the most saved for one job (`MAX_OUTPUTS`), left out. */
  skippedOutputs?: number;
  downloadAttempts: number;
  /** The user has opened the result (drives the "not yet opened" badge). */
  opened?: boolean;
  pollCount?: number;
  /**
   * When watching (re)started: submit, recover, or an explicit "watch again". The watch limit is
   * measured from here (falls back to `submittedAt`).
   */
  watchedSince?: number;
  /** The prompt file and shot the request came from. Absent for other entry points and in older records. */
  source?: JobSource;
}

/** OpenRouter is working on it and the poller checks it (see jobStates.ts). */
export function isActive(record: Pick<JobRecord, 'state'>): boolean {
  return stateIs(record.state, 'watched');
}
