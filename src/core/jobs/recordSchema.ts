/**
 * The schema of one stored job record (zod/mini). Every record read from the jobs file goes through it
 * (see storeFormat.ts). It is lenient where a field matters less than the job: an unknown error kind reads
 * as `server`, and an error this version cannot word (an unknown reason code) is left out.
 */
import * as z from 'zod/mini';
import { ERROR_KINDS, REASONS } from '../api/errors';
import type { JobRecord } from './jobRecord';
import { JOB_STATES } from './jobStates';
import { once } from '../shared/once';

/** A stored `VideoRequest` (also a kept Generate draft's); built on first use (see once.ts). */
export const videoRequestSchema = once(() => {
  const optString = z.optional(z.string());
  const optNumber = z.optional(z.number());

  const frameSchema = z.object({
    frameType: z.enum(['first_frame', 'last_frame']),
    path: z.string(),
    mimeType: optString,
    byteLength: optNumber,
  });

  const referenceSchema = z.object({
    path: z.string(),
    mimeType: optString,
    byteLength: optNumber,
  });

  const requestSchema = z.object({
    model: z.string(),
    prompt: optString,
    duration: optNumber,
    resolution: optString,
    aspectRatio: optString,
    size: optString,
    generateAudio: z.optional(z.boolean()),
    seed: optNumber,
    frames: z.optional(z.array(frameSchema)),
    inputReferences: z.optional(z.array(referenceSchema)),
    providerOptions: z.optional(z.record(z.string(), z.record(z.string(), z.unknown()))),
    callbackUrl: optString,
    previousJobId: optString,
  });
  return requestSchema;
});

/** Built on first use (see once.ts): a window with no jobs on record never builds it. */
export const jobRecordSchema = once(() => {
  const optString = z.optional(z.string());
  const optNumber = z.optional(z.number());

  const requestSchema = videoRequestSchema();

  const errorInfoSchema = z.object({
    kind: z.catch(z.enum(ERROR_KINDS), 'server'),
    reason: z.enum(REASONS),
    params: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
  });

  const outputSchema = z.object({
    index: z.number(),
    url: optString,
    target: optString,
    file: optString,
    bytes: optNumber,
    savedAt: optNumber,
    sidecar: optString,
    unsynced: z.optional(z.boolean()),
  });

  const sourceSchema = z.object({
    promptFile: z.string(),
    shot: z.number(),
    shotName: optString,
    variant: optNumber,
  });

  return z.object({
    clientId: z.string().check(z.minLength(1)),
    jobId: optString,
    generationId: optString,
    pollingUrl: optString,
    request: requestSchema,
    modelName: optString,
    state: z.enum(JOB_STATES),
    remoteStatus: optString,
    history: z.array(z.object({ status: z.string(), at: z.number(), source: z.optional(z.enum(['local', 'remote'])) })),
    createdAt: z.number(),
    updatedAt: z.number(),
    submittedAt: optNumber,
    completedAt: optNumber,
    error: z.catch(z.optional(errorInfoSchema), undefined),
    estimatedCostUsd: optNumber,
    estimateApproximate: z.optional(z.boolean()),
    ceilingUsd: optNumber,
    costUsd: optNumber,
    targetFolder: z.string(),
    unsignedUrls: z.optional(z.array(z.string())),
    outputs: z.array(outputSchema),
    skippedOutputs: optNumber,
    downloadAttempts: z.number(),
    opened: z.optional(z.boolean()),
    pollCount: optNumber,
    watchedSince: optNumber,
    source: z.catch(z.optional(sourceSchema), undefined),
  });
});

export type ParsedRecord = z.infer<ReturnType<typeof jobRecordSchema>>;

// Compile-time guard: what the schema gives is a JobRecord, and it names every field of one.
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _schemaGivesRecords: ParsedRecord extends JobRecord ? true : never = true;
const _schemaNamesEveryField: Equal<keyof ParsedRecord, keyof JobRecord> = true;
void _schemaGivesRecords;
void _schemaNamesEveryField;
