/**
 * What OpenRouter's answer about a job means for its record. Pure status → patch helpers, used by the poller
 * (each poll) and by the service (the submit's answer, a recovered job, the check before a download).
 */
import type { VideoJob } from '../api/schemas';
import { normaliseStatus, type WireStatus } from '../api/status';
import { isActive, type JobRecord } from './jobRecord';
import type { JobPatch } from './jobStore';
import { redact } from '../shared/redact';

const TERMINAL: ReadonlySet<WireStatus> = new Set<WireStatus>(['completed', 'failed', 'cancelled', 'expired']);

/** Whether OpenRouter's raw status string is a terminal one (completed, failed/dead, cancelled, expired). */
export function isTerminalStatus(rawStatus: string | undefined): boolean {
  return rawStatus !== undefined && TERMINAL.has(normaliseStatus(rawStatus));
}

/** Whether the poller should be polling this record: watched, known to OpenRouter, not finished there. */
export function isPollable(record: JobRecord): boolean {
  return isActive(record) && record.jobId !== undefined && !isTerminalStatus(record.remoteStatus);
}

/** The record fields a poll (or a one-off GET) result sets, whatever the status. */
export function remotePatch(record: JobRecord, job: VideoJob): JobPatch {
  const patch: JobPatch = { remoteStatus: job.rawStatus, pollCount: (record.pollCount ?? 0) + 1 };
  if (job.generationId !== undefined) patch.generationId = job.generationId;
  if (job.unsignedUrls.length > 0) patch.unsignedUrls = job.unsignedUrls;
  if (job.costUsd !== undefined) patch.costUsd = job.costUsd;
  if (job.pollingUrl !== undefined && job.pollingUrl !== '') patch.pollingUrl = job.pollingUrl;
  return patch;
}

/** What a job OpenRouter has just taken (a submit's answer, or a job adopted by id) starts with: watched from now. */
export function acceptedPatch(job: VideoJob, now: number): JobPatch {
  return {
    jobId: job.id,
    pollingUrl: job.pollingUrl,
    generationId: job.generationId,
    remoteStatus: job.rawStatus,
    state: job.status === 'in_progress' ? 'in_progress' : 'pending',
    watchedSince: now,
    error: undefined,
  };
}

/**
 * The state for a terminal failure status, with OpenRouter's own text as `said` (shown verbatim). `undefined`
 * for `completed` (the service downloads it) and for statuses that are not terminal.
 */
export function remoteFailurePatch(job: VideoJob, now: number): JobPatch | undefined {
  const status = job.status;
  if (status !== 'failed' && status !== 'cancelled' && status !== 'expired') {
    return undefined;
  }
  return {
    state: status,
    error: { kind: 'server', reason: 'remoteFailed', params: { status: job.rawStatus, said: job.error !== undefined && job.error !== '' ? redact(job.error) : undefined } },
    completedAt: now,
  };
}
