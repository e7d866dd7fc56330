/**
 * A submit plan: the request checked against the model and priced, once. Every way into a submit (the
 * generate flow, Run Again, the public API) makes one here; the host shows it (its estimate) and
 * `JobService.submit` sends exactly that plan without checking it again.
 */
import { stat } from 'node:fs/promises';
import { describeError, OpenRouterError } from '../api/errors';
import type { VideoModel } from '../api/schemas';
import { requestImages, type FrameImageInput, type InputReferenceInput, type VideoRequest } from '../api/videoRequest';
import { RequestValidationError } from '../models/problems';
import { validateRequest } from '../models/validateRequest';
import { budgetCharge, type BudgetCharge } from '../money/budgetCharge';
import { estimateCost, type CostEstimate } from '../pricing/estimateCost';

declare const planned: unique symbol;

export interface SubmitPlan {
  readonly model: VideoModel;
  /** The request as checked: every local image (frames and references) has its size (`byteLength`). */
  readonly request: VideoRequest;
  readonly estimate: CostEstimate;
  /** What the submit counts against the budget until its cost is known (see budgetCharge.ts). */
  readonly budget: BudgetCharge;
  /** Leave `generate_audio` out of the wire body (see `validateRequest`). */
  readonly omitAudioFlag: boolean;
  /** Only `planSubmit` makes one. */
  readonly [planned]: true;
}

/** The size in bytes of a local image. */
export type SizeOfFn = (path: string) => Promise<number>;

export interface PlanOptions {
  /** Default: the file's size on disk. */
  sizeOf?: SizeOfFn;
}

/**
 * Fills in the image sizes the caller left out, then validates and estimates the request once. Throws
 * `RequestValidationError` (nothing written, nothing sent) when it does not fit the model, and an `io`
 * error when a local image cannot be read.
 */
export async function planSubmit(model: VideoModel, request: VideoRequest, options: PlanOptions = {}): Promise<SubmitPlan> {
  const sized = await withImageSizes(request, options.sizeOf ?? fileSize);
  const validation = validateRequest(model, sized);
  if (!validation.ok) {
    throw new RequestValidationError(validation.problems);
  }
  const estimate = estimateCost(model, sized);
  return {
    model,
    request: sized,
    estimate,
    budget: budgetCharge(model, sized, estimate),
    omitAudioFlag: validation.omitAudioFlag,
  } as SubmitPlan;
}

/** Whether an image names a local file (read and inlined at submit), not a URL sent as it is. */
export function isLocalImage(frame: Pick<FrameImageInput, 'path'>): boolean {
  return !/^(https?:\/\/|data:)/i.test(frame.path);
}

async function withImageSizes(request: VideoRequest, sizeOf: SizeOfFn): Promise<VideoRequest> {
  if (!requestImages(request).some((f) => f.byteLength === undefined && isLocalImage(f))) {
    return request;
  }
  const sized = { ...request };
  if (request.frames) sized.frames = await sizeEach(request.frames, sizeOf, 'frames');
  if (request.inputReferences) sized.inputReferences = await sizeEach(request.inputReferences, sizeOf, 'inputReferences');
  return sized;
}

async function sizeEach<T extends FrameImageInput | InputReferenceInput>(images: readonly T[], sizeOf: SizeOfFn, field: 'frames' | 'inputReferences'): Promise<T[]> {
  const out: T[] = [];
  for (const image of images) {
    if (image.byteLength !== undefined || !isLocalImage(image)) {
      out.push(image);
      continue;
    }
    try {
      out.push({ ...image, byteLength: await sizeOf(image.path) });
    } catch (error) {
      throw new OpenRouterError('io', 'imageUnreadable', { path: image.path, detail: describeError(error) }, { field, cause: error });
    }
  }
  return out;
}

async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}
