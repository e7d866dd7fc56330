/**
 * Token-priced models (Seedance-style `video_tokens*` SKUs, USD per token). OpenRouter bills the tokens the
 * provider reports; before the job runs the count is approximated by the rule OpenRouter's Seedance review gives:
 *
 *   tokens ≈ width × height × 24 × duration / 1024
 *
 * so an estimate from it is always marked approximate, and the completed job's `usage.cost` is the real figure.
 *
 * Per-token key precedence (first present wins; `<res>` is the request's resolution class, lower-case):
 *   1. `video_tokens_<res>_without_audio` (audio off)   2. `video_tokens_<res>`
 *   3. `video_tokens_without_audio` (audio off)          4. `video_tokens`
 * The resolution keys outrank the audio key because the models that have both list the same price with and
 * without audio, and a different one per resolution. `*_with_video_input` keys are for video references, which
 * are not sent.
 */
import type { VideoModel } from '../api/schemas';
import type { VideoRequest } from '../api/videoRequest';

/** Frames per second and tokens per patch in the rule above. */
const TOKENS_FPS = 24;
const PIXELS_PER_TOKEN = 1024;

/** Shorter side in pixels of each resolution class. */
const SHORT_SIDE: Readonly<Record<string, number>> = { '480p': 480, '720p': 720, '768p': 768, '1080p': 1080, '2k': 1440, '4k': 2160 };

export interface FrameSize {
  width: number;
  height: number;
}

/** A `WIDTHxHEIGHT` size, or undefined when it is not one. */
export function parseSize(size: string): FrameSize | undefined {
  const match = /^\s*(\d+)\s*[xX×]\s*(\d+)\s*$/.exec(size);
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  return match && width > 0 && height > 0 ? { width, height } : undefined;
}

/**
 * The frame size a request asks for: its `size`, else its resolution class at its aspect ratio (16:9 when it
 * names none; the shorter side is the class's height). Undefined when neither names a size.
 */
export function frameSizeOf(request: Pick<VideoRequest, 'size' | 'resolution' | 'aspectRatio'>): FrameSize | undefined {
  if (request.size !== undefined) {
    const parsed = parseSize(request.size);
    if (parsed) return parsed;
  }
  const short = SHORT_SIDE[request.resolution?.trim().toLowerCase() ?? ''];
  if (short === undefined) return undefined;
  const ratio = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(request.aspectRatio ?? '16:9');
  const a = Number(ratio?.[1] ?? 16);
  const b = Number(ratio?.[2] ?? 9);
  if (!(a > 0 && b > 0)) return undefined;
  const long = Math.round((short * Math.max(a, b)) / Math.min(a, b));
  return a >= b ? { width: long, height: short } : { width: short, height: long };
}

/** The approximate token count of a video of this size and length. */
export function videoTokens(size: FrameSize, seconds: number): number {
  return (size.width * size.height * TOKENS_FPS * seconds) / PIXELS_PER_TOKEN;
}

/** A USD-per-token price from a SKU value, or undefined when it is not a plain non-negative number. */
function priceOf(raw: string | number | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = typeof raw === 'number' ? raw : Number(raw.trim());
  return Number.isFinite(value) && value >= 0 && String(raw).trim() !== '' ? value : undefined;
}

/** The per-token price for a resolution class (or none) and audio setting, by the precedence above. */
export function pickTokenPrice(model: VideoModel, res: string | undefined, audio: boolean): { key: string; usd: number } | undefined {
  const skus = model.pricing_skus ?? {};
  const keys = [
    res && !audio ? `video_tokens_${res}_without_audio` : undefined,
    res ? `video_tokens_${res}` : undefined,
    audio ? undefined : 'video_tokens_without_audio',
    'video_tokens',
  ];
  for (const key of keys) {
    if (key === undefined || !Object.prototype.hasOwnProperty.call(skus, key)) continue;
    const usd = priceOf(skus[key]);
    if (usd !== undefined) return { key, usd };
  }
  return undefined;
}

/** The highest per-token price the model lists for generating video (video-input prices left out). */
export function highestTokenPrice(model: VideoModel): number | undefined {
  let highest: number | undefined;
  for (const [key, raw] of Object.entries(model.pricing_skus ?? {})) {
    if (!key.startsWith('video_tokens') || key.includes('with_video_input')) continue;
    const usd = priceOf(raw);
    if (usd !== undefined && (highest === undefined || usd > highest)) highest = usd;
  }
  return highest;
}

/** The largest frame (by pixels) the model lists, from its sizes, else its resolutions at 16:9. */
export function largestFrame(model: VideoModel): FrameSize | undefined {
  const candidates: FrameSize[] = [];
  for (const size of model.supported_sizes ?? []) {
    const parsed = parseSize(size);
    if (parsed) candidates.push(parsed);
  }
  for (const resolution of model.supported_resolutions ?? []) {
    const parsed = frameSizeOf({ resolution });
    if (parsed) candidates.push(parsed);
  }
  let largest: FrameSize | undefined;
  for (const c of candidates) {
    if (!largest || c.width * c.height > largest.width * largest.height) largest = c;
  }
  return largest;
}
