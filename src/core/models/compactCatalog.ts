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
import { audioControl, defaultsFor, frameTypes, isEditOrUpscaleModel, sortedDurations, sortedResolutions, supportsImageToVideo, supportsTextToVideo, takesInputReferences } from './modelCapabilities';

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

/**
 * The per-second rate `estimateCost` uses for one second at these settings, and its extras. For a token-priced
 * model it is the approximate rate: the tokens of one second at that size times their price.
 */
function rateFor(model: VideoModel, request: Partial<VideoRequest>): { perSecond: number; imageUsd?: number; minimumUsd?: number } | undefined {
  const estimate = estimateCost(model, { model: model.id, duration: 1, ...request });
  if (estimate.kind !== 'estimate') return undefined;
  const { basis } = estimate;
  if (basis.tokens !== undefined) return { perSecond: Math.round(basis.tokens.count * basis.tokens.perTokenUsd * 10_000) / 10_000 };
  return { perSecond: basis.perSecondUsd, imageUsd: basis.images?.eachUsd, minimumUsd: basis.minimumUsd };
}

const FIRST_FRAME: NonNullable<VideoRequest['frames']> = [{ frameType: 'first_frame', path: 'first.png', byteLength: 1 }];

/** Per-second prices by resolution (and audio, and image-to-video when priced apart), plus extras. */
function perSecondPrice(model: VideoModel): string {
  const rates = perSecondRates(model);
  if (rates === undefined) {
    const lowest = lowestPerSecondUsd(model);
    return lowest === undefined ? 'per second of video' : `per second of video, from ${formatUsd(lowest)}/s`;
  }
  return [`USD per second: ${rates.body}`, ...rates.extras].join(', ');
}

/** The rates of `perSecondPrice` (undefined when none can be worked out), as `estimateCost` prices one second. */
function perSecondRates(model: VideoModel): { body: string; extras: string[] } | undefined {
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
  if (cells.length === 0) return undefined;
  const extras: string[] = [];
  if (imageUsd !== undefined) extras.push(`+ ${formatUsd(imageUsd)} per frame image`);
  if (minimumUsd !== undefined) extras.push(`minimum ${formatUsd(minimumUsd)} per video`);
  const unique = new Set(cells.map((c) => c.replace(/^\S+ (?=\$)/, '')));
  const body = unique.size === 1 && cells.length > 1 ? `${[...unique][0]} at every resolution` : cells.join('; ');
  return { body, extras };
}

/**
 * Price per video token as OpenRouter lists it, the estimate rule, and the approximate USD per second it gives at
 * each resolution (16:9, with and without audio when those differ): the figures the approximate estimate uses.
 */
function perTokenPrice(model: VideoModel): string {
  const skus = model.pricing_skus ?? {};
  // Token prices have more decimals than formatUsd keeps: shown as OpenRouter lists them.
  const base = String(skus['video_tokens'] ?? '').trim();
  const prices = Object.keys(skus)
    .filter((key) => key.startsWith('video_tokens') && !key.includes('with_video_input') && Number(skus[key]) > 0)
    .filter((key) => key === 'video_tokens' || String(skus[key]).trim() !== base)
    .map((key) => {
      const qualifier = key.replace(/^video_tokens_?/, '').replace(/_/g, ' ');
      return `${qualifier ? `${qualifier} ` : ''}$${String(skus[key]).trim()}/token`;
    });
  const parts = [`per video token${prices.length > 0 ? ` ${prices.join(', ')}` : ''}`];
  const rates = perSecondRates(model);
  parts.push(`approximate estimate: ${TOKEN_RULE} × price per token${rates ? `, so USD per second at 16:9 ≈ ${rates.body}` : ''}`);
  parts.push('the actual cost is known only when the job completes');
  return parts.join('; ');
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
  if (takesInputReferences(model)) lines.push('  reference images: yes');
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
