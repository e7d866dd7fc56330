/**
 * The model catalogue as compact text for a language model (the `#videoModels` tool): one block per model
 * with what a request may use and what it costs, so an agent can pick a model and valid settings before it
 * asks for a video.
 *
 * The text is read by a language model, not shown to a person, so it is a fixed, English key–value format
 * (like a wire format) and is not localised; the host words what people read. Prices come from the same
 * rules as the cost estimate (`estimateCost`), so the listing never disagrees with the confirmation.
 */
import type { VideoModel } from '../api/schemas';
import type { VideoRequest } from '../api/videoRequest';
import { estimateCost, formatUsd, lowestPerSecondUsd, pricingKind } from '../pricing/estimateCost';
import { audioControl, defaultsFor, frameTypes, isEditOrUpscaleModel, sortedDurations, sortedResolutions, supportsImageToVideo, supportsTextToVideo } from './modelCapabilities';

export interface CatalogFilter {
  /** Case-insensitive text in the id, name or description. */
  text?: string;
  /** Only models that can generate audio. */
  needsAudio?: boolean;
  /** Only models that can start from a first-frame image. */
  needsFirstFrame?: boolean;
  /** Only per-second priced models whose lowest price per second is at most this (USD). */
  maxPricePerSecond?: number;
}

/** The video-token estimate rule OpenRouter gives for token-priced models. */
export const TOKEN_RULE = 'tokens ≈ width × height × 24 × seconds ÷ 1024';
/** The size a token-priced model's per-second figure is worked out at, when the model offers it. */
const TOKEN_EXAMPLE_SIZE = '1280x720';

/** The models that pass every filter given, in catalogue order. */
export function filterModels(models: readonly VideoModel[], filter: CatalogFilter = {}): VideoModel[] {
  const text = filter.text?.trim().toLowerCase();
  return models.filter((m) => {
    if (text && !`${m.id}\n${m.name}\n${m.description ?? ''}`.toLowerCase().includes(text)) return false;
    if (filter.needsAudio && audioControl(m) === 'none') return false;
    if (filter.needsFirstFrame && !supportsImageToVideo(m)) return false;
    if (filter.maxPricePerSecond !== undefined) {
      const lowest = pricingKind(m) === 'perSecond' ? lowestPerSecondUsd(m) : undefined;
      if (lowest === undefined || lowest > filter.maxPricePerSecond) return false;
    }
    return true;
  });
}

/** What the model makes, as the request can ask for it. */
function makes(model: VideoModel): string {
  if (isEditOrUpscaleModel(model)) {
    return `${model.upscale_factor != null ? 'upscales' : 'edits'} an existing video (not usable with openrouterVideo_generate)`;
  }
  const kinds: string[] = [];
  if (supportsTextToVideo(model)) kinds.push('text-to-video');
  const frames = frameTypes(model).map((f) => (f === 'first_frame' ? 'first' : 'last'));
  if (frames.length > 0) kinds.push(`image-to-video (${frames.join(' and ')} frame image)`);
  if (kinds.length === 0) return 'needs provider passthrough input (no duration; not a plain prompt-to-video model)';
  return kinds.join(', ');
}

/** `4, 6, 8`, or `2–30 (any whole number)` for a long run without gaps. */
function durationList(durations: readonly number[]): string {
  const first = durations[0];
  const last = durations[durations.length - 1];
  const inARow = durations.every((d, i) => i === 0 || d === (durations[i - 1] ?? Number.NaN) + 1);
  if (durations.length > 4 && inARow && first !== undefined && last !== undefined) return `${first}–${last} (any whole number)`;
  return durations.join(', ');
}

function audio(model: VideoModel): string {
  switch (audioControl(model)) {
    case 'toggle':
      return 'on or off (generateAudio)';
    case 'always':
      return 'always on (generateAudio not accepted)';
    default:
      return 'none';
  }
}

function defaults(model: VideoModel): string | undefined {
  const d = defaultsFor(model);
  const parts: string[] = [];
  if (d.duration !== undefined) parts.push(`duration ${d.duration}`);
  if (d.resolution !== undefined) parts.push(`resolution ${d.resolution}`);
  if (d.aspectRatio !== undefined) parts.push(`aspectRatio ${d.aspectRatio}`);
  if (d.generateAudio !== undefined) parts.push(`generateAudio ${String(d.generateAudio)}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** The per-second rate `estimateCost` uses for one second at these settings, and its extras. */
function rateFor(model: VideoModel, request: Partial<VideoRequest>): { perSecond: number; imageUsd?: number; minimumUsd?: number } | undefined {
  const estimate = estimateCost(model, { model: model.id, duration: 1, ...request });
  if (estimate.kind !== 'estimate') return undefined;
  const { basis } = estimate;
  return { perSecond: basis.perSecondUsd, imageUsd: basis.images?.eachUsd, minimumUsd: basis.minimumUsd };
}

const FIRST_FRAME: NonNullable<VideoRequest['frames']> = [{ frameType: 'first_frame', path: 'first.png', byteLength: 1 }];

/** Per-second prices by resolution (and audio, and image-to-video when priced apart), plus extras. */
function perSecondPrice(model: VideoModel): string {
  const resolutions: (string | undefined)[] = sortedResolutions(model);
  if (resolutions.length === 0) resolutions.push(undefined);
  const toggle = audioControl(model) === 'toggle';
  const i2v = supportsImageToVideo(model) && supportsTextToVideo(model);
  const cells: string[] = [];
  let imageUsd: number | undefined;
  let minimumUsd: number | undefined;
  for (const resolution of resolutions) {
    const at = resolution === undefined ? {} : { resolution };
    const on = rateFor(model, { ...at, generateAudio: toggle ? true : undefined });
    if (!on) continue;
    let cell = formatUsd(on.perSecond);
    if (toggle) {
      const off = rateFor(model, { ...at, generateAudio: false });
      if (off && off.perSecond !== on.perSecond) cell = `${cell} with audio, ${formatUsd(off.perSecond)} without`;
    }
    if (i2v) {
      const image = rateFor(model, { ...at, generateAudio: toggle ? true : undefined, frames: FIRST_FRAME });
      if (image) {
        imageUsd = image.imageUsd;
        if (image.perSecond !== on.perSecond) {
          cell = `${cell} (image-to-video ${formatUsd(image.perSecond)})`;
        }
      }
    }
    minimumUsd = on.minimumUsd ?? minimumUsd;
    cells.push(resolution === undefined ? cell : `${resolution} ${cell}`);
  }
  if (cells.length === 0) {
    const lowest = lowestPerSecondUsd(model);
    return lowest === undefined ? 'per second of video' : `per second of video, from ${formatUsd(lowest)}/s`;
  }
  const extras: string[] = [];
  if (imageUsd !== undefined) extras.push(`+ ${formatUsd(imageUsd)} per frame image`);
  if (minimumUsd !== undefined) extras.push(`minimum ${formatUsd(minimumUsd)} per video`);
  const unique = new Set(cells.map((c) => c.replace(/^\S+ (?=\$)/, '')));
  const body = unique.size === 1 && cells.length > 1 ? `${[...unique][0]} at every resolution` : cells.join('; ');
  return [`USD per second: ${body}`, ...extras].join(', ');
}

/** Price per video token with the estimate rule, and what a second costs at one example size. */
function perTokenPrice(model: VideoModel): string {
  const skus = model.pricing_skus ?? {};
  const raw = (key: string): string | undefined => (skus[key] === undefined ? undefined : String(skus[key]).trim());
  const perToken = Number(raw('video_tokens'));
  const withoutAudio = Number(raw('video_tokens_without_audio'));
  // Token prices have more decimals than formatUsd keeps: shown as OpenRouter lists them.
  const parts = [`per video token${Number.isFinite(perToken) && perToken > 0 ? ` $${raw('video_tokens')}/token` : ''}`];
  if (Number.isFinite(withoutAudio) && withoutAudio > 0 && withoutAudio !== perToken) parts.push(`without audio $${raw('video_tokens_without_audio')}/token`);
  const sizes = model.supported_sizes ?? [];
  const example = sizes.includes(TOKEN_EXAMPLE_SIZE) ? TOKEN_EXAMPLE_SIZE : sizes[0];
  const match = example ? /^(\d+)x(\d+)$/.exec(example) : null;
  let rule = `estimate: ${TOKEN_RULE} × price per token`;
  if (match && Number.isFinite(perToken) && perToken > 0) {
    const perSecond = (Number(match[1]) * Number(match[2]) * 24 * perToken) / 1024;
    rule = `${rule} (≈ ${formatUsd(Math.round(perSecond * 10_000) / 10_000)}/s at ${example})`;
  }
  return `${parts.join(', ')}; ${rule}; the actual cost is known only when the job completes`;
}

/** How the model is priced, in one line. */
export function compactPrice(model: VideoModel): string {
  switch (pricingKind(model)) {
    case 'perSecond':
      return perSecondPrice(model);
    case 'perToken':
      return perTokenPrice(model);
    case 'perMegapixelSecond':
      return 'per megapixel-second of the source video; known only when the job completes';
    case 'none':
      return 'not listed; known only when the job completes';
    default:
      return `in units not understood (${Object.keys(model.pricing_skus ?? {}).join(', ')}); known only when the job completes`;
  }
}

/** One model as a block of `key: value` lines. */
export function compactModel(model: VideoModel): string {
  const lines = [`- ${model.id} (${model.name})`, `  makes: ${makes(model)}`];
  const durations = sortedDurations(model);
  if (durations.length > 0) lines.push(`  durations (s): ${durationList(durations)}`);
  const resolutions = sortedResolutions(model);
  if (resolutions.length > 0) lines.push(`  resolutions: ${resolutions.join(', ')}`);
  const ratios = model.supported_aspect_ratios ?? [];
  if (ratios.length > 0) lines.push(`  aspect ratios: ${ratios.join(', ')}`);
  const sizes = model.supported_sizes ?? [];
  if (sizes.length > 0) lines.push(`  sizes: ${sizes.join(', ')}`);
  lines.push(`  audio: ${audio(model)}`);
  if (model.seed === true) lines.push('  seed: yes');
  const d = defaults(model);
  if (d) lines.push(`  defaults: ${d}`);
  lines.push(`  price: ${compactPrice(model)}`);
  const skus = Object.keys(model.pricing_skus ?? {});
  if (skus.some((k) => k.startsWith('reference_') || k === 'reference_images')) lines.push('  reference inputs: priced by OpenRouter, not sent by this extension');
  const passthrough = model.allowed_passthrough_parameters ?? [];
  if (passthrough.length > 0) lines.push(`  passthrough keys: ${passthrough.join(', ')}`);
  return lines.join('\n');
}

/** The whole listing: a header line saying what was filtered, then one block per model. */
export function compactCatalog(models: readonly VideoModel[], filter: CatalogFilter = {}): string {
  const shown = filterModels(models, filter);
  const applied: string[] = [];
  if (filter.text?.trim()) applied.push(`text "${filter.text.trim()}"`);
  if (filter.needsAudio) applied.push('needs audio');
  if (filter.needsFirstFrame) applied.push('needs first frame');
  if (filter.maxPricePerSecond !== undefined) applied.push(`at most ${formatUsd(filter.maxPricePerSecond)}/s (per-second priced models only)`);
  const header = `${shown.length} of ${models.length} OpenRouter video models${applied.length > 0 ? ` (filter: ${applied.join(', ')})` : ''}. Prices in USD. Use the id as "model" in openrouterVideo_generate; values not listed for a model are refused.`;
  if (shown.length === 0) return `${header}\nNo model matches; call again with fewer filters.`;
  return [header, ...shown.map(compactModel)].join('\n');
}
