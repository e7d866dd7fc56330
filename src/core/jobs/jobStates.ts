import type { JobState } from './jobRecord';

/** Every state, as the job store checks them. */
export const JOB_STATES = [
  'submitting',
  'submitUnknown',
  'rejected',
  'pending',
  'in_progress',
  'downloading',
  'saved',
  'downloadFailed',
  'failed',
  'cancelled',
  'expired',
  'stale',
  'stopped',
] as const satisfies readonly JobState[];

/** States in which nothing more happens to a job on its own. */
export const FINAL_STATES: ReadonlySet<JobState> = new Set<JobState>([
  'saved',
  'failed',
  'cancelled',
  'expired',
  'rejected',
  'submitUnknown',
  'downloadFailed',
  'stale',
  'stopped',
]);

export function isFinal(state: JobState): boolean {
  return FINAL_STATES.has(state);
}
