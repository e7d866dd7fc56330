import type { JobState } from './jobRecord';

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
