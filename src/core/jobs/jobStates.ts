/**
 * Every local job state and what it means for the rest of the code, in one table. A newcomer reads the
 * state machine here; code asks the table (`stateIs`) instead of keeping sets of its own.
 *
 * - watched: OpenRouter is working on it and the poller checks it (pending, in_progress).
 * - busy: something is happening right now (watched, or being submitted or saved): the views tick.
 * - settled: nothing more happens to it on its own; `waitForJob` resolves.
 * - notify: reaching it is news worth telling the user (a notification).
 * - resumable: the user may watch it again (stale, stopped).
 * - remoteFailure: OpenRouter's own terminal failure.
 * - prunable: finished for good, with nothing left for the user to do; the oldest are pruned from the list.
 */
export const JOB_STATE_TABLE = {
  // written before POST /videos; found on start-up it becomes submitUnknown, never resubmitted on its own
  submitting: { watched: false, busy: true, settled: false, notify: false, resumable: false, remoteFailure: false, prunable: false },
  // the submit's answer was lost: OpenRouter may have taken (and billed) it
  submitUnknown: { watched: false, busy: false, settled: true, notify: false, resumable: false, remoteFailure: false, prunable: false },
  // the submit was refused: nothing was billed
  rejected: { watched: false, busy: false, settled: true, notify: false, resumable: false, remoteFailure: false, prunable: true },
  pending: { watched: true, busy: true, settled: false, notify: false, resumable: false, remoteFailure: false, prunable: false },
  in_progress: { watched: true, busy: true, settled: false, notify: false, resumable: false, remoteFailure: false, prunable: false },
  // OpenRouter completed it; the bytes are being saved
  downloading: { watched: false, busy: true, settled: false, notify: false, resumable: false, remoteFailure: false, prunable: false },
  // every output is on disk
  saved: { watched: false, busy: false, settled: true, notify: true, resumable: false, remoteFailure: false, prunable: true },
  // completed remotely, the download failed: it stays downloadable
  downloadFailed: { watched: false, busy: false, settled: true, notify: true, resumable: false, remoteFailure: false, prunable: false },
  failed: { watched: false, busy: false, settled: true, notify: true, resumable: false, remoteFailure: true, prunable: true },
  cancelled: { watched: false, busy: false, settled: true, notify: true, resumable: false, remoteFailure: true, prunable: true },
  expired: { watched: false, busy: false, settled: true, notify: true, resumable: false, remoteFailure: true, prunable: true },
  // outlived the watch limit without a result; OpenRouter may still finish it
  stale: { watched: false, busy: false, settled: true, notify: true, resumable: true, remoteFailure: false, prunable: false },
  // the user stopped watching it
  stopped: { watched: false, busy: false, settled: true, notify: false, resumable: true, remoteFailure: false, prunable: false },
} as const satisfies Record<string, StateProperties>;

export interface StateProperties {
  readonly watched: boolean;
  readonly busy: boolean;
  readonly settled: boolean;
  readonly notify: boolean;
  readonly resumable: boolean;
  readonly remoteFailure: boolean;
  readonly prunable: boolean;
}

export type JobState = keyof typeof JOB_STATE_TABLE;

/** Every state, for schemas. */
export const JOB_STATES = Object.keys(JOB_STATE_TABLE) as [JobState, ...JobState[]];

/** Whether `state` has `property` (see the table). */
export function stateIs(state: JobState, property: keyof StateProperties): boolean {
  return JOB_STATE_TABLE[state][property];
}
