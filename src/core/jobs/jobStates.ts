/**
 * Every local job state and what it means for the rest of the code, in one table. A newcomer reads the
 * state machine here; code asks the table (`stateIs`) instead of keeping sets of its own.
 *
 * - watched: OpenRouter is working on it and the poller checks it (pending, in_progress).
 * - busy: something is happening right now (watched, or being submitted or saved): the views tick.
 * - settled: nothing more happens to it on its own; `waitForJob` resolves.
 * - notify: reaching it is news worth telling the user (a notification).
 * - resumable: the user may watch it again (stale, stopped, unknown).
 * - remoteFailure: OpenRouter's own terminal failure.
 * - prunable: finished for good, with nothing left for the user to do; the oldest are pruned from the list.
 */
export type StateProperty = 'watched' | 'busy' | 'settled' | 'notify' | 'resumable' | 'remoteFailure' | 'prunable';

/** Each state and the properties it has (any property not listed, it has not). */
export const JOB_STATE_TABLE = {
  // written before POST /videos; found on start-up it becomes submitUnknown, never resubmitted on its own
  submitting: ['busy'],
  // the submit's answer was lost: OpenRouter may have taken (and billed) it
  submitUnknown: ['settled'],
  // the submit was refused: nothing was billed
  rejected: ['settled', 'prunable'],
  pending: ['watched', 'busy'],
  in_progress: ['watched', 'busy'],
  // OpenRouter completed it; the bytes are being saved
  downloading: ['busy'],
  // every output is on disk
  saved: ['settled', 'notify', 'prunable'],
  // completed remotely, the download failed: it stays downloadable
  downloadFailed: ['settled', 'notify'],
  failed: ['settled', 'notify', 'remoteFailure', 'prunable'],
  cancelled: ['settled', 'notify', 'remoteFailure', 'prunable'],
  expired: ['settled', 'notify', 'remoteFailure', 'prunable'],
  // outlived the watch limit without a result; OpenRouter may still finish it
  stale: ['settled', 'notify', 'resumable'],
  // the user stopped watching it
  stopped: ['settled', 'resumable'],
  // OpenRouter answered 404 to every status check for the not-found limit: it may still have the job (and bill
  // it), so the job is never called failed and stays watchable
  unknown: ['settled', 'notify', 'resumable'],
} as const satisfies Record<string, readonly StateProperty[]>;

export type JobState = keyof typeof JOB_STATE_TABLE;

/** Every state, for schemas. */
export const JOB_STATES = Object.keys(JOB_STATE_TABLE) as [JobState, ...JobState[]];

/** Whether `state` has `property` (see the table). */
export function stateIs(state: JobState, property: StateProperty): boolean {
  return (JOB_STATE_TABLE[state] as readonly StateProperty[]).includes(property);
}
