/** The poller's timing: the product's defaults, changed by the host from the poll interval setting, and its jitter. */
export interface JobPollerSettings {
  /** Delay before the first poll of a job that just became watched. Default 5000. */
  firstDelayMs?: number;
  /** Interval after the first poll; grows by `backoffFactor` each poll. Default 5000. */
  intervalMs?: number;
  /** Upper bound of the interval (the host passes `pollIntervalSeconds * 1000`). Default 30000. */
  maxIntervalMs?: number;
  /** Default 1.5. */
  backoffFactor?: number;
  /** Relative jitter applied to every delay, e.g. 0.1 for ±10%. Default 0.1. */
  jitter?: number;
  /** Watching stops (state `stale`) this long after `watchedSince`/`submittedAt`. Default 30 min. */
  watchLimitMs?: number;
  /**
   * A job whose status checks all answer 404 for this long becomes `unknown` (still watchable), never `failed`:
   * a 404 may be a passing fault of OpenRouter's. Default 3 min.
   */
  notFoundLimitMs?: number;
  /** Polls in flight at once, over all jobs. Default 4. */
  maxConcurrent?: number;
}

export const DEFAULT_POLLER_SETTINGS: Required<JobPollerSettings> = {
  firstDelayMs: 5_000,
  intervalMs: 5_000,
  maxIntervalMs: 30_000,
  backoffFactor: 1.5,
  jitter: 0.1,
  watchLimitMs: 30 * 60_000,
  notFoundLimitMs: 3 * 60_000,
  maxConcurrent: 4,
};

/**
 * `ms` with the settings' jitter (`random` in [0, 1)), never beyond the longest interval: a job's completion is
 * noticed within one interval.
 */
export function jittered(ms: number, settings: Required<JobPollerSettings>, random: () => number): number {
  const j = settings.jitter;
  if (ms <= 0 || j <= 0) return Math.max(0, ms);
  return Math.min(settings.maxIntervalMs, Math.max(0, Math.round(ms * (1 + j * (2 * random() - 1)))));
}
