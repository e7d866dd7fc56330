/**
 * Wire schemas (snake_case, as OpenRouter sends them), with zod/mini to keep the activation bundle small.
 * Tolerant where OpenRouter is loose: nullable arrays, missing keys, extra fields, open status set.
 */
import * as z from 'zod/mini';
import { normaliseStatus, type WireStatus } from './status';
import { OpenRouterError } from './errors';
import { once } from '../shared/once';

// Each schema is built on first use (see once.ts).
export const videoModelSchema = once(() => {
  const nullableStrings = z.optional(z.nullable(z.array(z.string())));
  return z.object({
    id: z.string(),
    canonical_slug: z.optional(z.nullable(z.string())),
    hugging_face_id: z.optional(z.nullable(z.string())),
    name: z.string(),
    created: z.optional(z.nullable(z.number())),
    description: z.optional(z.nullable(z.string())),
    supported_resolutions: nullableStrings,
    supported_aspect_ratios: nullableStrings,
    supported_sizes: nullableStrings,
    supported_durations: z.optional(z.nullable(z.array(z.number()))),
    supported_frame_images: nullableStrings,
    upscale_factor: z.optional(z.nullable(z.object({ min: z.optional(z.nullable(z.number())), max: z.optional(z.nullable(z.number())) }))),
    creativity: z.optional(z.nullable(z.array(z.number()))),
    generate_audio: z.optional(z.nullable(z.boolean())),
    seed: z.optional(z.nullable(z.boolean())),
    pricing_skus: z.optional(z.nullable(z.record(z.string(), z.union([z.string(), z.number()])))),
    allowed_passthrough_parameters: z.optional(z.nullable(z.array(z.string()))),
  });
});
export type VideoModel = z.infer<ReturnType<typeof videoModelSchema>>;

export const videoModelsResponseSchema = once(() => z.object({ data: z.array(videoModelSchema()) }));

// Statuses live in a module of their own (no zod), so the activation bundle can use them without building
// the wire schemas at load time.
export { normaliseStatus, type WireStatus } from './status';

export const videoJobSchema = once(() =>
  z.object({
    id: z.string().check(z.minLength(1)),
    polling_url: z.optional(z.nullable(z.string())),
    status: z.string(),
    generation_id: z.optional(z.nullable(z.string())),
    error: z.optional(z.nullable(z.string())),
    unsigned_urls: z.optional(z.nullable(z.array(z.string()))),
    usage: z.optional(z.nullable(z.object({ cost: z.optional(z.nullable(z.number())), is_byok: z.optional(z.nullable(z.boolean())) }))),
  }),
);
export type VideoJobWire = z.infer<ReturnType<typeof videoJobSchema>>;

export interface VideoJob {
  id: string;
  pollingUrl?: string;
  /** Normalised status; `dead` maps to `failed`; aliases are accepted; anything else is `unknown`. */
  status: WireStatus;
  /** The status string exactly as OpenRouter sent it. */
  rawStatus: string;
  generationId?: string;
  error?: string;
  unsignedUrls: string[];
  costUsd?: number;
  isByok?: boolean;
}

export function toVideoJob(wire: VideoJobWire): VideoJob {
  return {
    id: wire.id,
    pollingUrl: wire.polling_url ?? undefined,
    status: normaliseStatus(wire.status),
    rawStatus: wire.status,
    generationId: wire.generation_id ?? undefined,
    error: wire.error ?? undefined,
    unsignedUrls: wire.unsigned_urls ?? [],
    costUsd: wire.usage?.cost ?? undefined,
    isByok: wire.usage?.is_byok ?? undefined,
  };
}

export const errorEnvelopeSchema = once(() =>
  z.object({
    error: z.object({
      code: z.optional(z.union([z.number(), z.string()])),
      message: z.optional(z.string()),
      metadata: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
    }),
    user_id: z.optional(z.nullable(z.string())),
  }),
);

export const keyInfoSchema = once(() =>
  z.object({
    data: z.object({
      label: z.optional(z.nullable(z.string())),
      limit: z.optional(z.nullable(z.number())),
      limit_reset: z.optional(z.nullable(z.string())),
      limit_remaining: z.optional(z.nullable(z.number())),
      usage: z.optional(z.nullable(z.number())),
      is_free_tier: z.optional(z.nullable(z.boolean())),
      expires_at: z.optional(z.nullable(z.string())),
    }),
  }),
);
export type KeyInfo = z.infer<ReturnType<typeof keyInfoSchema>>['data'];

/** The client's calls, as an error's `params.what` names them (the host words each). */
export type ApiCall = 'models' | 'newJob' | 'job' | 'video' | 'keyInfo';

/** Parses `data` or throws a `responseShape` error naming the call, the first field that does not fit, and why. */
export function parseWire<T>(schema: z.ZodMiniType<T>, data: unknown, what: ApiCall): T {
  const result = schema.safeParse(data);
  if (result.success) {
    return result.data;
  }
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)';
  throw new OpenRouterError('responseShape', 'unexpectedShape', { what, field, issue: issue?.message ?? 'invalid' }, { field });
}
