/**
 * Pure helpers over a `VideoModel` (as listed by `GET /videos/models`), for pickers and validation.
 *
 * Rules decided from the captured catalogue (`test/unit/helpers/capturedModels.ts`):
 * - Text-to-video = the model lists `supported_durations`. Every model that makes a new clip from a prompt
 *   lists them; the four that do not are FLUX Video Edit, FLUX Video Upscale and Runway Aleph 2.0 (they
 *   transform a source video) and HeyGen Avatar IV (a talking head driven by passthrough avatar/voice input).
 * - Edit/upscale model = no durations, no frame images, and a hint: upscale_factor/creativity set, or
 *   "edit"/"upscale" in the id, name or description (Aleph says "video editing model" only in its description).
 *   Avatar IV is not one: it is merely not text-to-video.
 * - Audio control: `generate_audio: true` → 'toggle'. `false` → 'none', except HeyGen models, which report
 *   false yet always render audio (and reject an explicit false) → 'always'. `null` → 'none'.
 *   Either way a model without 'toggle' gets no `generate_audio` from the extension.
 * - Reference images (`input_references`): the catalogue has no field for them. A model takes them when its
 *   prices name reference input (`reference_…` SKUs: HeyGen Video 1, MiniMax Hailuo 3) or video input
 *   (`…_with_video_input`: Seedance 2.x, the family the API spec names as honouring references).
 */
import type { VideoModel } from '../api/schemas';
import type { FrameType, VideoRequest } from '../api/videoRequest';

export type AudioControl = 'toggle' | 'always' | 'none';

export interface ModelProvider {
  /** The id prefix, e.g. `google` for `google/veo-3.1`. */
  slug: string;
  /** The part of `name` before ':', e.g. `Google`; the slug when the name has no ':'. */
  displayName: string;
}

/** Parameters to use when the user just accepts the defaults. Unset fields are left to the provider. */
export type ModelDefaults = Pick<VideoRequest, 'duration' | 'resolution' | 'aspectRatio' | 'generateAudio'>;

const FRAME_TYPES: readonly FrameType[] = ['first_frame', 'last_frame'];
const RESOLUTION_ORDER = ['480p', '720p', '768p', '1080p', '1k', '2k', '4k'];
/** Providers whose models report `generate_audio: false` but always render audio (fact sheet §9.6). */
const ALWAYS_AUDIO_PROVIDERS: ReadonlySet<string> = new Set(['heygen']);
const EDIT_HINT = /\bedit(s|ing|or)?\b|upscal/i;

/** Whether the model can generate a clip from a prompt alone: it takes a duration (see the module note). */
export function supportsTextToVideo(model: VideoModel): boolean {
  return (model.supported_durations ?? []).length > 0;
}

/** Whether the model can start from a first-frame image. */
export function supportsImageToVideo(model: VideoModel): boolean {
  return frameTypes(model).includes('first_frame');
}

/** The frame image types the model accepts, first_frame before last_frame; unknown values dropped. */
export function frameTypes(model: VideoModel): FrameType[] {
  const listed = model.supported_frame_images ?? [];
  return FRAME_TYPES.filter((t) => listed.includes(t));
}

/** Whether the model takes reference images (`input_references`); see the module note. */
export function takesInputReferences(model: VideoModel): boolean {
  return Object.keys(model.pricing_skus ?? {}).some((key) => key.startsWith('reference_') || key.endsWith('_with_video_input'));
}

/** Whether the model transforms an existing video (edit or upscale) rather than generating one. */
export function isEditOrUpscaleModel(model: VideoModel): boolean {
  if (supportsTextToVideo(model) || frameTypes(model).length > 0) return false;
  if (model.upscale_factor != null || (model.creativity ?? []).length > 0) return true;
  return EDIT_HINT.test(`${model.id} ${model.name} ${model.description ?? ''}`);
}

/** The model's durations ascending, without duplicates ([] when it takes none). */
export function sortedDurations(model: VideoModel): number[] {
  return [...new Set(model.supported_durations ?? [])].sort((a, b) => a - b);
}

/** Sort key for a resolution: 480p < 720p < 768p < 1080p < 1K < 2K < 4K; unknown `Np`/`NK` placed by number. */
export function resolutionRank(resolution: string): number {
  const lower = resolution.trim().toLowerCase();
  const known = RESOLUTION_ORDER.indexOf(lower);
  if (known >= 0) return [480, 720, 768, 1080, 1100, 2100, 4100][known] ?? 0;
  const p = /^(\d+)p$/.exec(lower);
  if (p) return Number(p[1]);
  const k = /^(\d+)k$/.exec(lower);
  if (k) return Number(k[1]) * 1000 + 100;
  return Number.MAX_SAFE_INTEGER;
}

/** The model's resolutions from lowest to highest ([] when it takes none). */
export function sortedResolutions(model: VideoModel): string[] {
  return [...new Set(model.supported_resolutions ?? [])].sort((a, b) => resolutionRank(a) - resolutionRank(b));
}

/** How the user can control audio (see the module note for the HeyGen quirk). */
export function audioControl(model: VideoModel): AudioControl {
  if (model.generate_audio === true) return 'toggle';
  if (model.generate_audio === false && ALWAYS_AUDIO_PROVIDERS.has(providerOf(model).slug)) return 'always';
  return 'none';
}

/** The provider: slug from the id prefix, display name from `name` before ':'. */
export function providerOf(model: VideoModel): ModelProvider {
  const slash = model.id.indexOf('/');
  const slug = slash > 0 ? model.id.slice(0, slash) : model.id;
  const colon = model.name.indexOf(':');
  const displayName = colon > 0 ? model.name.slice(0, colon).trim() : '';
  return { slug, displayName: displayName || slug };
}

/** Providers whose slug in `provider.options` is not the id prefix. */
const PASSTHROUGH_SLUGS: Readonly<Record<string, string>> = { google: 'google-vertex' };

/** The provider slug a model's passthrough parameters go under (`provider.options.<slug>.parameters`). */
export function passthroughSlug(model: VideoModel): string {
  const slug = providerOf(model).slug;
  return PASSTHROUGH_SLUGS[slug] ?? slug;
}

/** The model's own name without the provider, e.g. `Veo 3.1` for `Google: Veo 3.1`. */
export function shortName(model: VideoModel): string {
  const colon = model.name.indexOf(':');
  return (colon > 0 ? model.name.slice(colon + 1).trim() : model.name.trim()) || model.id;
}

/**
 * Defaults: the smallest duration of at least 4 s (else the smallest), 720p if offered (else the lowest),
 * 16:9 if offered (else the model's first ratio), and audio on when it can be toggled.
 * Size is never defaulted (resolution + aspect ratio are used instead).
 */
export function defaultsFor(model: VideoModel): ModelDefaults {
  const defaults: ModelDefaults = {};
  const durations = sortedDurations(model);
  const duration = durations.find((d) => d >= 4) ?? durations[0];
  if (duration !== undefined) defaults.duration = duration;
  const resolutions = sortedResolutions(model);
  const resolution = resolutions.includes('720p') ? '720p' : resolutions[0];
  if (resolution !== undefined) defaults.resolution = resolution;
  const ratios = model.supported_aspect_ratios ?? [];
  const aspectRatio = ratios.includes('16:9') ? '16:9' : ratios[0];
  if (aspectRatio !== undefined) defaults.aspectRatio = aspectRatio;
  if (audioControl(model) === 'toggle') defaults.generateAudio = true;
  return defaults;
}
