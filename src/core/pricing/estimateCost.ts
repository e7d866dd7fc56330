/**
 * Cost estimates from a model's `pricing_skus` (values are decimal strings; units come from the key names).
 *
 * Arithmetic is exact: every price is parsed from its decimal string into integer units of 1e-8 USD,
 * multiplied by whole seconds, and only the final sum is rounded to 1/10000 USD.
 *
 * Per-second key precedence (first present wins; `<res>` is the request's resolution, lower-case):
 *   1. `duration_seconds_with_audio_<res>` / `duration_seconds_without_audio_<res>` (by the audio setting)
 *   2. `duration_seconds_with_audio` / `duration_seconds_without_audio`
 *   3. `text_to_video_duration_seconds_<res>` / `image_to_video_duration_seconds_<res>` (by mode)
 *   4. `duration_seconds_<res>`, `cents_per_second_output_<res>`, `cents_per_video_output_second_<res>`
 *   5. `text_to_video_duration_seconds` / `image_to_video_duration_seconds`
 *   6. `duration_seconds`, `cents_per_second_output`, `cents_per_video_output_second`
 * The audio-specific keys outrank the mode keys because the mode keys (Kling v3) carry the no-audio
 * base price while `duration_seconds_with_audio` carries the audio surcharge.
 * With reference images, `reference_duration_seconds_<res>` / `reference_duration_seconds` (HeyGen) come before all
 * of these.
 * Then `cents_per_image_input` is added per image sent (frames and references), `reference_images` (MiniMax; its
 * unit is undocumented, read as USD per reference image, so the estimate is marked approximate) per reference
 * image, and `minimum_cents_per_generation` is a floor.
 *
 * Ignored: `cents_per_second_video_continuation_*` (continuing a video; not done).
 * Token-priced models (`video_tokens*`) get an approximate estimate by the rule in `tokenPricing.ts`
 * (`approximate: true`; the real figure is the completed job's `usage.cost`).
 * Unavailable: `cents_per_megapixel_second_*` (upscaler; depends on the source video).
 *
 * An estimate carries what it is made of, and an unavailable one a reason code with its facts; the host
 * words both (`src/host/modelWords.ts`).
 */
import type { VideoModel } from '../api/schemas';
import type { VideoRequest } from '../api/videoRequest';
import { frameSizeOf, pickTokenPrice, videoTokens } from './tokenPricing';

/** What an estimate is made of: seconds × the per-second rate, plus images, raised to a minimum. */
export interface CostBasis {
  seconds: number;
  perSecondUsd: number;
  /** The size or resolution the request names, as it names it. */
  resolution?: string;
  /** The mode the rate is for, when the model prices text- and image-to-video apart. */
  mode?: 'textToVideo' | 'imageToVideo';
  /** Whether the rate is with audio, when the model toggles audio or prices it apart. */
  audio?: boolean;
  /** Frame images charged apart: how many, and the price of each. */
  images?: { count: number; eachUsd: number };
  /** Reference images charged apart (at a price whose unit is undocumented): how many, and the price of each. */
  references?: { count: number; eachUsd: number };
  /** The model's minimum charge, when the sum was below it and raised to it. */
  minimumUsd?: number;
  /** For a token-priced model: the approximate token count, its price, and the frame size it was counted for. */
  tokens?: { count: number; perTokenUsd: number; width: number; height: number };
}

/** Why a request's cost cannot be known before the job completes. */
export const UNPRICED_REASONS = [
  'perToken', // priced per video token
  'perMegapixelSecond', // priced per megapixel-second of the source video (upscalers)
  'noPrice', // OpenRouter lists no price for the model
  'unknownUnits', // priced in units the extension does not understand: keys
  'lengthFromInput', // priced per second, but the model takes no duration: minimumUsd when it has a floor
  'durationNeeded', // priced per second, and the request has no duration
  'durationTooShort', // the duration is not a positive number
  'resolutionNeeded', // the price depends on the resolution, and the request has none
  'noPriceAtResolution', // no per-second price at the request's resolution: resolution
] as const;
export type UnpricedReason = (typeof UNPRICED_REASONS)[number];

/** The facts an unavailable estimate's sentence needs. */
export interface UnpricedFacts {
  /** The model's name. */
  model: string;
  keys?: readonly string[];
  minimumUsd?: number;
  resolution?: string;
}

export type CostEstimate =
  /** `approximate`: counted by a rule of thumb (token-priced models), not from a per-second price. */
  | { kind: 'estimate'; usd: number; basis: CostBasis; approximate?: true }
  | { kind: 'unavailable'; reason: UnpricedReason; facts: UnpricedFacts };

/** How a model is priced, judged from its SKU keys. */
export type PricingKind = 'perSecond' | 'perToken' | 'perMegapixelSecond' | 'unknown' | 'none';

/** Integer units per USD. */
const UNITS_PER_USD = 100_000_000;
/** Final rounding step: 1/10000 USD. */
const ROUND_UNITS = 10_000;

type Skus = Readonly<Record<string, string | number>>;

interface Rate {
  key: string;
  /** Price per second in 1e-8 USD. */
  units: number;
}

const PER_SECOND_KEY = /^(?:(?:text_to_video_|image_to_video_)?duration_seconds(?:_with_audio|_without_audio)?|cents_per_second_output|cents_per_video_output_second)(?:_([0-9a-z]+))?$/;

function skusOf(model: VideoModel): Skus {
  return model.pricing_skus ?? {};
}

/**
 * Parses a non-negative decimal price into integer units of 10^-digits (exact for up to `digits` decimals).
 * Returns undefined for anything that is not a plain non-negative number.
 */
function parseScaled(raw: string | number | undefined, digits: number): number | undefined {
  if (raw === undefined) return undefined;
  const text = typeof raw === 'number' ? (Number.isFinite(raw) ? String(raw) : '') : raw.trim();
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (match && (match[1] ?? '') + (match[2] ?? '') !== '') {
    const whole = match[1] ?? '';
    const fraction = match[2] ?? '';
    if (fraction.length <= digits) {
      return Number((whole || '0') + fraction.padEnd(digits, '0'));
    }
  }
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value < 0) return undefined;
  return Math.round(value * 10 ** digits);
}

/** A price key's value in 1e-8 USD: keys naming `cents` (`cents_per_…`, `minimum_cents_…`) are in cents, others in USD. */
function unitsOf(skus: Skus, key: string): number | undefined {
  if (!Object.prototype.hasOwnProperty.call(skus, key)) return undefined;
  return parseScaled(skus[key], /(?:^|_)cents_/.test(key) ? 6 : 8);
}

function roundUsd(units: number): number {
  return Math.round(units / ROUND_UNITS) / (UNITS_PER_USD / ROUND_UNITS);
}

/** `$0.40`, `$0.0988`, `$0.002`: at least two decimals, no float noise, up to 6 decimals. */
export function formatUsd(usd: number): string {
  const fixed = usd.toFixed(6).replace(/0+$/, '');
  const [whole = '0', fraction = ''] = fixed.split('.');
  return `$${whole}.${fraction.padEnd(2, '0')}`;
}

/** Classifies a model's pricing from its SKU keys. */
export function pricingKind(model: VideoModel): PricingKind {
  const keys = Object.keys(skusOf(model));
  if (keys.length === 0) return 'none';
  if (keys.some((k) => PER_SECOND_KEY.test(k))) return 'perSecond';
  if (keys.some((k) => k.startsWith('video_tokens'))) return 'perToken';
  if (keys.some((k) => k.startsWith('cents_per_megapixel_second'))) return 'perMegapixelSecond';
  return 'unknown';
}

/**
 * The SKU resolution suffix for a request: from `size` when given (see `resolutionClassOfSize`),
 * else from `resolution`, lower-cased (`4K` → `4k`). Undefined when neither is set.
 */
export function pricingResolution(request: Pick<VideoRequest, 'resolution' | 'size'>): string | undefined {
  if (request.size !== undefined) {
    const fromSize = resolutionClassOfSize(request.size);
    if (fromSize !== undefined) return fromSize;
  }
  return request.resolution?.trim().toLowerCase() || undefined;
}

const CLASS_HEIGHTS: readonly [number, string][] = [
  [480, '480p'],
  [720, '720p'],
  [768, '768p'],
  [1080, '1080p'],
  [1440, '2k'],
  [2160, '4k'],
];
const CLASS_AREAS: readonly [number, string][] = [
  [854 * 480, '480p'],
  [1280 * 720, '720p'],
  [1920 * 1080, '1080p'],
  [2560 * 1440, '2k'],
  [3840 * 2160, '4k'],
];

/**
 * Maps `WIDTHxHEIGHT` to a resolution class (`480p`, `720p`, `768p`, `1080p`, `2k`, `4k`).
 * A shorter side equal to a standard height decides (720x1680 → 720p, 3840x2160 → 4k); otherwise the class
 * with the nearest pixel count (960x960 and 1112x834 → 720p, 640x640 and 992x432 → 480p).
 */
export function resolutionClassOfSize(size: string): string | undefined {
  const match = /^\s*(\d+)\s*[xX×]\s*(\d+)\s*$/.exec(size);
  if (!match) return undefined;
  const width = Number(match[1]);
  const height = Number(match[2]);
  if (width <= 0 || height <= 0) return undefined;
  const shorter = Math.min(width, height);
  const exact = CLASS_HEIGHTS.find(([h]) => h === shorter);
  if (exact) return exact[1];
  const area = width * height;
  let best: [number, string] = CLASS_AREAS[0] ?? [0, '480p'];
  for (const candidate of CLASS_AREAS) {
    if (Math.abs(Math.log(area / candidate[0])) < Math.abs(Math.log(area / best[0]))) best = candidate;
  }
  return best[1];
}

/** Whether the request would generate audio: its own setting, else the model's default (on when the flag is true). */
function audioOn(model: VideoModel, request: VideoRequest): boolean {
  return request.generateAudio ?? model.generate_audio === true;
}

function isImageToVideo(request: VideoRequest): boolean {
  return (request.frames ?? []).some((f) => f.frameType === 'first_frame');
}

/** Picks the per-second rate for a resolution class (or none), audio setting and mode, by the precedence above. */
function pickRate(skus: Skus, res: string | undefined, audio: boolean, i2v: boolean, references: boolean): Rate | undefined {
  const tag = audio ? 'with_audio' : 'without_audio';
  const mode = i2v ? 'image_to_video' : 'text_to_video';
  const tiers: string[][] = [
    references && res ? [`reference_duration_seconds_${res}`] : [],
    references ? ['reference_duration_seconds'] : [],
    res ? [`duration_seconds_${tag}_${res}`] : [],
    [`duration_seconds_${tag}`],
    res ? [`${mode}_duration_seconds_${res}`] : [],
    res ? [`duration_seconds_${res}`, `cents_per_second_output_${res}`, `cents_per_video_output_second_${res}`] : [],
    [`${mode}_duration_seconds`],
    ['duration_seconds', 'cents_per_second_output', 'cents_per_video_output_second'],
  ];
  for (const tier of tiers) {
    for (const key of tier) {
      const units = unitsOf(skus, key);
      if (units !== undefined) return { key, units };
    }
  }
  return undefined;
}

/** The resolution suffixes a model's own list allows, lower-cased (undefined when the model lists none). */
function supportedClasses(model: VideoModel): Set<string> | undefined {
  const list = model.supported_resolutions;
  return list && list.length > 0 ? new Set(list.map((r) => r.toLowerCase())) : undefined;
}

/** The per-second prices (1e-8 USD) the model lists for generating video, over the resolutions it supports. */
function perSecondUnits(model: VideoModel): number[] {
  const skus = skusOf(model);
  const allowed = supportedClasses(model);
  const found: number[] = [];
  for (const key of Object.keys(skus)) {
    const match = PER_SECOND_KEY.exec(key);
    if (!match) continue;
    const res = match[1];
    if (res !== undefined && allowed !== undefined && !allowed.has(res)) continue;
    const units = unitsOf(skus, key);
    if (units !== undefined) found.push(units);
  }
  return found;
}

/**
 * The lowest per-second price (USD) the model lists for generating video, over the resolutions it supports.
 * Undefined when it is not priced per second. Reference and continuation prices are not considered.
 */
export function lowestPerSecondUsd(model: VideoModel): number | undefined {
  const units = perSecondUnits(model);
  return units.length === 0 ? undefined : Math.min(...units) / UNITS_PER_USD;
}

/** The highest per-second price (USD) the model lists for generating video: what the budget counts when no estimate can be made. */
export function highestPerSecondUsd(model: VideoModel): number | undefined {
  const units = perSecondUnits(model);
  return units.length === 0 ? undefined : Math.max(...units) / UNITS_PER_USD;
}

/** The model's minimum charge per generation (USD), when it lists one. */
export function minimumChargeUsd(model: VideoModel): number | undefined {
  const units = unitsOf(skusOf(model), 'minimum_cents_per_generation');
  return units === undefined ? undefined : roundUsd(units);
}

const UNPRICED_KIND: Readonly<Record<Exclude<PricingKind, 'perSecond'>, UnpricedReason>> = {
  perToken: 'perToken',
  perMegapixelSecond: 'perMegapixelSecond',
  none: 'noPrice',
  unknown: 'unknownUnits',
};

function unavailable(reason: UnpricedReason, facts: UnpricedFacts): CostEstimate {
  return { kind: 'unavailable', reason, facts };
}

/**
 * Estimates what a request will cost, or says why it cannot be estimated in advance.
 * The authoritative charge is the completed job's `usage.cost`.
 */
export function estimateCost(model: VideoModel, request: VideoRequest): CostEstimate {
  const skus = skusOf(model);
  const kind = pricingKind(model);
  if (kind === 'perToken') {
    return estimateTokens(model, request);
  }
  if (kind !== 'perSecond') {
    return unavailable(UNPRICED_KIND[kind], kind === 'unknown' ? { model: model.name, keys: Object.keys(skus) } : { model: model.name });
  }

  const minimumUnits = unitsOf(skus, 'minimum_cents_per_generation');
  const duration = request.duration;
  if (duration === undefined) {
    if (model.supported_durations === null || model.supported_durations === undefined) {
      return unavailable('lengthFromInput', minimumUnits !== undefined ? { model: model.name, minimumUsd: roundUsd(minimumUnits) } : { model: model.name });
    }
    return unavailable('durationNeeded', { model: model.name });
  }
  if (!Number.isFinite(duration) || duration <= 0) {
    return unavailable('durationTooShort', { model: model.name });
  }

  const res = pricingResolution(request);
  const audio = audioOn(model, request);
  const i2v = isImageToVideo(request);
  const references = request.inputReferences?.length ?? 0;
  const rate = pickRate(skus, res, audio, i2v, references > 0);
  const label = request.size ?? request.resolution;
  if (rate === undefined) {
    return label === undefined ? unavailable('resolutionNeeded', { model: model.name }) : unavailable('noPriceAtResolution', { model: model.name, resolution: label });
  }

  let units = Number.isInteger(duration) ? rate.units * duration : Math.round(rate.units * duration);
  const basis: CostBasis = { seconds: duration, perSecondUsd: rate.units / UNITS_PER_USD };
  if (label !== undefined) basis.resolution = label;
  if (rate.key.startsWith('text_to_video') || rate.key.startsWith('image_to_video')) basis.mode = i2v ? 'imageToVideo' : 'textToVideo';
  if (model.generate_audio === true || rate.key.includes('_audio')) basis.audio = audio;

  const imageUnits = unitsOf(skus, 'cents_per_image_input');
  const images = (request.frames?.length ?? 0) + references;
  if (imageUnits !== undefined && images > 0) {
    units += imageUnits * images;
    basis.images = { count: images, eachUsd: imageUnits / UNITS_PER_USD };
  }
  const referenceUnits = unitsOf(skus, 'reference_images');
  const approximate = referenceUnits !== undefined && references > 0;
  if (approximate) {
    units += referenceUnits * references;
    basis.references = { count: references, eachUsd: referenceUnits / UNITS_PER_USD };
  }
  if (minimumUnits !== undefined && units < minimumUnits) {
    units = minimumUnits;
    basis.minimumUsd = roundUsd(minimumUnits);
  }

  return approximate ? { kind: 'estimate', usd: roundUsd(units), basis, approximate: true } : { kind: 'estimate', usd: roundUsd(units), basis };
}

/** A token-priced request's approximate cost (see `tokenPricing.ts`). */
function estimateTokens(model: VideoModel, request: VideoRequest): CostEstimate {
  const duration = request.duration;
  if (duration === undefined) return unavailable('durationNeeded', { model: model.name });
  if (!Number.isFinite(duration) || duration <= 0) return unavailable('durationTooShort', { model: model.name });
  const frame = frameSizeOf(request);
  if (frame === undefined) return unavailable('resolutionNeeded', { model: model.name });
  const audio = audioOn(model, request);
  const price = pickTokenPrice(model, pricingResolution(request), audio);
  if (price === undefined) return unavailable('perToken', { model: model.name });
  const count = Math.round(videoTokens(frame, duration));
  const usd = Math.round(count * price.usd * 10_000) / 10_000;
  const basis: CostBasis = { seconds: duration, perSecondUsd: usd / duration, tokens: { count, perTokenUsd: price.usd, ...frame } };
  const label = request.size ?? request.resolution;
  if (label !== undefined) basis.resolution = label;
  if (model.generate_audio === true || price.key.includes('_audio')) basis.audio = audio;
  return { kind: 'estimate', usd, basis, approximate: true };
}
