/**
 * The Generate Video flow's draft: the prompt, the model and the request being built, kept when the person
 * leaves the flow before submitting (Escape at any step) so the next Generate Video offers it back. Stored as
 * plain JSON in the editor's state; read back leniently (a draft that does not parse is no draft).
 */
import * as z from 'zod/mini';
import type { VideoRequest } from '../api/videoRequest';
import { videoRequestSchema } from '../jobs/recordSchema';
import { once } from '../shared/once';

export interface GenerateDraft {
  prompt?: string;
  /** The model picked, when the flow got that far. */
  modelId?: string;
  /** The request as it stood (settings, images by path, provider options), when a model was picked. */
  request?: VideoRequest;
}

/** Built on first use (see once.ts); the request is read as the job store reads one. */
const draftSchema = once(() => z.object({ prompt: z.optional(z.string()), modelId: z.optional(z.string()), request: z.optional(videoRequestSchema()) }));

/** The draft to keep for what the flow has so far; undefined when there is nothing worth keeping. */
export function makeDraft(prompt: string | undefined, modelId?: string, request?: VideoRequest): GenerateDraft | undefined {
  const text = prompt?.trim() ? prompt : undefined;
  if (text === undefined && modelId === undefined) return undefined;
  const draft: GenerateDraft = {};
  if (text !== undefined) draft.prompt = text;
  if (modelId !== undefined) draft.modelId = modelId;
  if (request !== undefined) {
    // Only what a later flow can use: a callback or a job to extend are not part of the palette flow.
    const kept: VideoRequest = { ...request };
    delete kept.callbackUrl;
    delete kept.previousJobId;
    if (text !== undefined) kept.prompt = text;
    else delete kept.prompt;
    draft.request = kept;
  }
  return draft;
}

/** A stored draft, or undefined when the value is not one (or keeps nothing). */
export function readDraft(value: unknown): GenerateDraft | undefined {
  const parsed = draftSchema().safeParse(value);
  if (!parsed.success) return undefined;
  const { prompt, modelId, request } = parsed.data;
  return makeDraft(prompt, modelId ?? request?.model, request as VideoRequest | undefined);
}

/** The first `max` characters of a prompt on one line, with an ellipsis when cut (for a label). */
export function promptExcerpt(prompt: string, max = 60): string {
  const line = prompt.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}
