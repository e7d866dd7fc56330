/**
 * The job store's lenient per-record schema (zod/mini). Records that pass the store's `looksLikeRecord` (all of
 * them, normally) never need it, so it is loaded on first use with the rest of ./jobWork (dist/work.js in the
 * extension), and built on first use: at module load, with the wire schemas (see api/status.ts), it cost
 * activation ~3 ms, and bundling zod into the activation bundle cost its compile another ~20 KB.
 */
import * as z from 'zod/mini';
import type { JobRecord } from './jobRecord';
import { JOB_STATES } from './jobStates';

function buildRecordSchema() {
  const optString = z.optional(z.string());
  const optNumber = z.optional(z.number());

  const frameSchema = z.object({
    frameType: z.enum(['first_frame', 'last_frame']),
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
    providerOptions: z.optional(z.record(z.string(), z.record(z.string(), z.unknown()))),
    callbackUrl: optString,
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
    history: z.array(
      z.object({ status: z.string(), at: z.number(), source: z.optional(z.enum(['local', 'remote'])) }),
    ),
    createdAt: z.number(),
    updatedAt: z.number(),
    submittedAt: optNumber,
    completedAt: optNumber,
    error: optString,
    // Checked against the known kinds in jobStore.ts, so an unknown kind costs the field, not the record.
    errorKind: optString,
    estimatedCostUsd: optNumber,
    costUsd: optNumber,
    targetFolder: z.string(),
    unsignedUrls: z.optional(z.array(z.string())),
    outputs: z.array(
      z.object({
        index: z.number(),
        url: optString,
        target: optString,
        file: optString,
        bytes: optNumber,
        savedAt: optNumber,
        sidecar: optString,
        unsynced: z.optional(z.boolean()),
      }),
    ),
    downloadAttempts: z.number(),
    opened: z.optional(z.boolean()),
    pollCount: optNumber,
    watchedSince: optNumber,
  });
}

let recordSchema: ReturnType<typeof buildRecordSchema> | undefined;

/** The lenient per-record schema (zod/mini), built on first use. */
export const jobRecordSchema = {
  safeParse: (value: unknown) => (recordSchema ??= buildRecordSchema()).safeParse(value),
};

export type ParsedRecord = z.infer<ReturnType<typeof buildRecordSchema>>;
// Compile-time guard: the schema must describe every field of JobRecord (apart from errorKind's type).
type _SchemaCoversRecord = Omit<ParsedRecord, 'errorKind'> extends Omit<JobRecord, 'errorKind'>
  ? Omit<JobRecord, 'errorKind'> extends Omit<ParsedRecord, 'errorKind'>
    ? true
    : never
  : never;
const _schemaCoversRecord: _SchemaCoversRecord = true;
void _schemaCoversRecord;
