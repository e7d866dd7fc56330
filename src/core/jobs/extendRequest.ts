/**
 * Extend: a new job that continues a completed one (`previous_job_id`), on the same model. The request
 * keeps the job's model and shape (duration, resolution, aspect ratio or size, audio); its frames and seed
 * belong to the first take and are left out. OpenRouter decides whether the model can continue (400 if
 * not) and whether the job is completed (409 if not); `submitJob` names both refusals.
 */
import type { VideoRequest } from '../api/videoRequest';
import type { JobRecord } from './jobRecord';

/** Whether OpenRouter completed the job, so it can be extended. */
export function canExtend(record: JobRecord): boolean {
  if (!record.jobId) return false;
  return record.remoteStatus === 'completed' || record.state === 'saved' || record.state === 'downloading' || record.state === 'downloadFailed';
}

/** The request that extends `record`, with `prompt` for the continuation (default: the job's own prompt). */
export function extendRequest(record: JobRecord, prompt?: string): VideoRequest {
  const from = record.request;
  const request: VideoRequest = { model: from.model, previousJobId: record.jobId };
  const text = (prompt ?? from.prompt)?.trim();
  if (text) request.prompt = text;
  if (from.duration !== undefined) request.duration = from.duration;
  if (from.size !== undefined) request.size = from.size;
  else {
    if (from.resolution !== undefined) request.resolution = from.resolution;
    if (from.aspectRatio !== undefined) request.aspectRatio = from.aspectRatio;
  }
  if (from.generateAudio !== undefined) request.generateAudio = from.generateAudio;
  return request;
}
