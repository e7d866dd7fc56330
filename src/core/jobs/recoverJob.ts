/**
 * Adopts a job that exists on OpenRouter by its id (after `submitUnknown`, or from another machine): one GET,
 * then the record, then watching or downloading it. Nothing is submitted.
 */
import { OpenRouterError } from '../api/errors';
import type { VideoJob, VideoModel } from '../api/schemas';
import type { VideoApi } from '../api/videoApi';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { JobRecord } from './jobRecord';
import { stateIs } from './jobStates';
import type { JobPatch, JobStore } from './jobStore';
import { acceptedPatch } from './remoteStatus';

export interface RecoverOptions {
  targetFolder?: string;
  /** The model, when the caller knows it (for names, sidecars and re-runs). */
  model?: VideoModel | string;
  /** Adopt into this `submitUnknown` record instead of creating a new one. */
  adopt?: string;
  /**
   * Without `adopt`: once OpenRouter has answered for the job, picks which of the submits whose outcome is
   * unknown (`submitUnknown`, newest first) it belongs to; undefined makes a new record. Not called when there
   * is none.
   */
  chooseUnknown?: (candidates: readonly JobRecord[]) => Promise<string | undefined>;
  signal?: AbortSignal;
}

export interface RecoverDeps {
  api: VideoApi;
  store: JobStore;
  clock: Clock;
  logger: Logger;
  /** Folder for recovered jobs when the caller gives none. */
  defaultTargetFolder?: () => string | undefined;
  /** Watches a `stale` or `stopped` job again. */
  watch(clientId: string): Promise<JobRecord>;
  /** OpenRouter knows the job (the record is written): start watching or downloading it. */
  onAccepted(clientId: string, job: VideoJob): void;
}

/** Adopts `jobIdOrUrl`; a job already on record is returned (watched again when it was stale or stopped). */
export async function recoverJob(deps: RecoverDeps, jobIdOrUrl: string, options: RecoverOptions = {}): Promise<JobRecord> {
  const { store } = deps;
  const jobId = parseJobId(jobIdOrUrl);
  const existing = store.findByJobId(jobId);
  if (existing) {
    return stateIs(existing.state, 'resumable') ? deps.watch(existing.clientId) : existing;
  }
  let adopted = options.adopt !== undefined ? store.get(options.adopt) : undefined;
  if (options.adopt !== undefined && !adopted) {
    throw new OpenRouterError('notFound', 'noSuchJob', { id: options.adopt });
  }
  if (adopted && adopted.state !== 'submitUnknown') {
    throw new OpenRouterError('badRequest', 'adoptNeedsUnknown');
  }
  const job = await deps.api.getJob(jobId, { signal: options.signal });
  if (!adopted && options.adopt === undefined && options.chooseUnknown) {
    // The job exists: it may well be the answer a lost submit never got. Attach it there, not to a second record.
    const candidates = unknownSubmits(store);
    const chosen = candidates.length > 0 ? await options.chooseUnknown(candidates) : undefined;
    adopted = chosen !== undefined ? store.get(chosen) : undefined;
    if (adopted && adopted.state !== 'submitUnknown') adopted = undefined;
    // Another recover may have attached the job meanwhile.
    const meanwhile = store.findByJobId(jobId);
    if (meanwhile) return meanwhile;
  }
  const targetFolder = adopted?.targetFolder ?? options.targetFolder ?? deps.defaultTargetFolder?.();
  if (targetFolder === undefined) {
    throw new OpenRouterError('io', 'noRecoverFolder');
  }
  const now = deps.clock.now();
  const base: JobPatch = {
    ...acceptedPatch(job, now),
    unsignedUrls: job.unsignedUrls.length > 0 ? job.unsignedUrls : undefined,
    costUsd: job.costUsd,
    submittedAt: adopted?.createdAt ?? now,
  };
  const record = adopted
    ? await store.update(adopted.clientId, base)
    : await store.create({
        ...base,
        state: base.state ?? 'pending',
        request: { model: (typeof options.model === 'string' ? options.model : options.model?.id) ?? 'unknown' },
        modelName: typeof options.model === 'object' ? options.model.name : undefined,
        targetFolder,
      });
  deps.logger.info(`Recovered OpenRouter job ${job.id} (${job.rawStatus}).`);
  deps.onAccepted(record.clientId, job);
  return store.get(record.clientId) ?? record;
}

/** The submits whose outcome is unknown (OpenRouter may have the job, under an id this side never got), newest first. */
export function unknownSubmits(store: Pick<JobStore, 'all'>): JobRecord[] {
  return store
    .all()
    .filter((r) => r.state === 'submitUnknown' && r.jobId === undefined)
    .sort((a, b) => b.createdAt - a.createdAt);
}

/** Accepts a bare job id, or a URL or path ending in `/videos/<id>` (e.g. a polling URL). */
export function parseJobId(input: string): string {
  const text = input.trim();
  const match = /\/videos\/([^/?#\s]+)/.exec(text);
  let id = text;
  try {
    id = match?.[1] !== undefined ? decodeURIComponent(match[1]) : text;
  } catch {
    // a malformed escape: not an id
  }
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) {
    throw new OpenRouterError('badRequest', 'badJobId', { text: text.slice(0, 80) });
  }
  return id;
}
