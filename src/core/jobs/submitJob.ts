/**
 * Submits a plan: persist → POST once. Paid work is never lost and never submitted twice:
 * - the record is on disk in `submitting` before the POST leaves;
 * - a refused submit (nothing started, nothing billed) becomes `rejected`;
 * - a submit whose outcome is unknown becomes `submitUnknown` and is never retried on its own.
 */
import { describeError, OpenRouterError, throwIfAborted, type ErrorInfo, type OpenRouterErrorInit } from '../api/errors';
import type { VideoJob } from '../api/schemas';
import type { VideoApi } from '../api/videoApi';
import { requestImages, toWireRequest, type VideoRequest } from '../api/videoRequest';
import { checkFolderOnDisk } from '../download/folderOnDisk';
import type { Reserved } from '../money/budget';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { JobRecord, JobSource } from './jobRecord';
import type { JobPatch, JobStore } from './jobStore';
import { acceptedPatch } from './remoteStatus';
import { isLocalImage, type SubmitPlan } from './submitPlan';

/** Reads an input image for the wire body. The data URL lives only as long as the submit call. */
export type ReadImageFn = (path: string, signal?: AbortSignal) => Promise<{ dataUrl: string; mimeType: string; bytes: number }>;

/** Thrown by a submit after the record was written: `record` says which state it ended in. */
export class JobSubmitError extends OpenRouterError {
  constructor(
    info: ErrorInfo,
    init: OpenRouterErrorInit,
    readonly record: JobRecord,
  ) {
    super(info.kind, info.reason, info.params, init);
  }
}

export interface SubmitDeps {
  api: VideoApi;
  store: JobStore;
  clock: Clock;
  logger: Logger;
  readImage: ReadImageFn;
  /**
   * Lets the submit through the budget: checks the plan and runs `reserve` (which writes the record) under the
   * budget's turn, or throws (nothing written, nothing sent). See money/budget.ts.
   */
  admit?: <T extends Reserved>(plan: SubmitPlan, reserve: () => Promise<T>) => Promise<T>;
  /** The workspace folder a target folder lies in: its real path is checked before anything is written or paid. */
  workspaceFolderFor?: (folder: string) => string | undefined;
  /** OpenRouter took the job (the record is updated in memory): start watching it. */
  onAccepted(clientId: string, job: VideoJob): void;
}

/**
 * Reads the plan's images, persists a `submitting` record, then POSTs exactly once.
 * - Accepted: resolves with the `pending` record; the poller takes it from there.
 * - Refused (4xx, or provably not sent): the record becomes `rejected`; throws `JobSubmitError`.
 * - Outcome unknown (5xx, reset, timeout after sending): `submitUnknown`; throws `JobSubmitError`.
 * `signal` can cancel until the POST starts; once it has, the submit runs to its answer (aborting would
 * only make the outcome unknown). `source` names the prompt file and shot the request came from.
 */
export async function submitJob(deps: SubmitDeps, plan: SubmitPlan, targetFolder: string, signal?: AbortSignal, source?: JobSource): Promise<JobRecord> {
  throwIfAborted(signal);
  const admit = deps.admit ?? (<T extends Reserved>(_plan: SubmitPlan, reserve: () => Promise<T>) => reserve());
  // Everything that can fail locally (the folder, the budget, the images) happens before the record exists.
  const workspace = deps.workspaceFolderFor?.(targetFolder);
  if (workspace !== undefined) await checkFolderOnDisk(workspace, targetFolder);
  const { record, wire } = await admit(plan, async () => {
    const imageUrls = await readImages(deps.readImage, plan.request, signal);
    const body = toWireRequest(plan.request, imageUrls, { omitAudioFlag: plan.omitAudioFlag });
    imageUrls.clear();
    throwIfAborted(signal);
    const created = await deps.store.create({
      state: 'submitting',
      request: stripFrameData(plan.request),
      modelName: plan.model.name,
      targetFolder,
      estimatedCostUsd: plan.estimate.kind === 'estimate' ? plan.estimate.usd : undefined,
      estimateApproximate: plan.estimate.kind === 'estimate' && plan.estimate.approximate ? true : undefined,
      ceilingUsd: plan.estimate.kind === 'estimate' ? undefined : plan.budget.usd,
      source,
    });
    return { record: created, wire: body };
  });
  deps.logger.info(`Submitting job ${record.clientId} (${plan.request.model}).`);

  let job: VideoJob;
  try {
    job = await deps.api.submit(wire);
  } catch (error) {
    throw await settleFailedSubmit(deps, record.clientId, extendRefusal(error, plan.request));
  }

  const now = deps.clock.now();
  deps.logger.info(`Job ${record.clientId} accepted by OpenRouter as ${job.id}.`);
  const saved = deps.store.update(record.clientId, { ...acceptedPatch(job, now), submittedAt: now });
  deps.onAccepted(record.clientId, job);
  try {
    return await saved;
  } catch (error) {
    // Accepted, and in memory; the next successful write persists it. Do not fail the submit.
    deps.logger.error(`Job ${job.id} was accepted, but saving its id failed: ${describeError(error)}`);
    return deps.store.get(record.clientId) ?? record;
  }
}

/**
 * An extend (`previous_job_id`) refused with 400 (the model cannot continue that job) or 409 (the job is not
 * completed) gets its own reason, so the host can say what to do instead. Any other error is kept as it is.
 */
export function extendRefusal(error: unknown, request: VideoRequest): unknown {
  const jobId = request.previousJobId;
  if (!jobId || !OpenRouterError.is(error) || (error.status !== 400 && error.status !== 409)) return error;
  const init: OpenRouterErrorInit = { status: error.status, serverMessage: error.serverMessage, cause: error };
  const params = { ...error.params, jobId, model: request.model };
  return error.status === 400 ? new OpenRouterError('badRequest', 'cannotContinue', params, init) : new OpenRouterError('badRequest', 'previousNotCompleted', params, init);
}

/** Whether a failed submit provably started nothing (so nothing can have been billed). */
export function submitProvablyRejected(error: unknown): boolean {
  if (!OpenRouterError.is(error)) {
    return false;
  }
  if (error.notSent) {
    return true;
  }
  if (error.status !== undefined) {
    // A 4xx is OpenRouter saying no (incl. 402, and 429 after the client's own waiting). 408 may be mid-work.
    return error.status >= 400 && error.status < 500 && error.status !== 408;
  }
  // Refused locally, before any request: no key, or a URL that would leak it.
  return error.kind === 'auth' || error.kind === 'insecure';
}

/** Why a submit's outcome is unknown, as the facts its sentence needs. */
export function submitUnknownInfo(error: unknown): ErrorInfo {
  if (!OpenRouterError.is(error)) {
    return { kind: 'network', reason: 'submitUnknown', params: { failure: 'other', detail: describeError(error) } };
  }
  return {
    kind: error.kind,
    reason: 'submitUnknown',
    params: { status: error.status, said: error.serverMessage, failure: error.kind, detail: error.message },
  };
}

async function settleFailedSubmit(deps: SubmitDeps, clientId: string, error: unknown): Promise<JobSubmitError> {
  const or = OpenRouterError.is(error) ? error : undefined;
  const rejected = submitProvablyRejected(error);
  const info = rejected && or ? or.info : submitUnknownInfo(error);
  const patch: JobPatch = { state: rejected ? 'rejected' : 'submitUnknown', error: info };
  deps.logger.warn(`Submit of job ${clientId} ${rejected ? 'was refused' : 'has an unknown outcome'}: ${describeError(error)}`);
  let record: JobRecord | undefined;
  try {
    record = await deps.store.update(clientId, patch);
  } catch (e) {
    deps.logger.error(`Could not save the outcome of job ${clientId}: ${describeError(e)}`);
    record = deps.store.get(clientId);
  }
  const init: OpenRouterErrorInit = {
    status: or?.status,
    serverMessage: or?.serverMessage,
    retryAfterMs: or?.retryAfterMs,
    notSent: or?.notSent,
    field: or?.field,
    cause: error,
  };
  return new JobSubmitError(info, init, record ?? ({ clientId, ...patch } as JobRecord));
}

/** Each local image as a data URL, by path. Fails (before anything is written) when one cannot be read. */
async function readImages(readImage: ReadImageFn, request: VideoRequest, signal: AbortSignal | undefined): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  for (const frame of requestImages(request)) {
    if (!isLocalImage(frame) || urls.has(frame.path)) {
      continue;
    }
    try {
      urls.set(frame.path, (await readImage(frame.path, signal)).dataUrl);
    } catch (error) {
      if (OpenRouterError.is(error)) throw error;
      throw new OpenRouterError('io', 'imageUnreadable', { path: frame.path, detail: describeError(error) }, { field: 'frames', cause: error });
    }
    throwIfAborted(signal);
  }
  return urls;
}

/** The request as recorded: image paths only (a data URL never reaches the store). */
function stripFrameData(request: VideoRequest): VideoRequest {
  const stripped = { ...request };
  if (request.frames) stripped.frames = request.frames.map((f) => (f.path.startsWith('data:') ? { ...f, path: '(inline image)' } : { ...f }));
  if (request.inputReferences) stripped.inputReferences = request.inputReferences.map((r) => (r.path.startsWith('data:') ? { ...r, path: '(inline image)' } : { ...r }));
  return stripped;
}
