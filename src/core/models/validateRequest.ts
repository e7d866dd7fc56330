/**
 * Checks a request against a model's advertised capabilities before anything is sent (OpenRouter answers
 * out-of-set values with a 400, after the user has waited). Returns every problem at once, each in words
 * that say what is wrong and what to do.
 */
import type { VideoModel } from '../api/schemas';
import { toWireRequest, type FrameImageInput, type VideoRequest } from '../api/videoRequest';
import type { Problem, ProblemField } from './problems';
import { audioControl, frameTypes, isEditOrUpscaleModel, sortedDurations, sortedResolutions, supportsImageToVideo } from './modelCapabilities';

export { formatProblems, type Problem, type ProblemField } from './problems';

export interface ValidationResult {
  ok: boolean;
  problems: Problem[];
  /**
   * Leave `generate_audio` out of the wire body (pass to `toWireRequest`): set when the model reports
   * `generate_audio: false` and the request asks for no audio, since such models (HeyGen) reject an explicit false.
   */
  omitAudioFlag: boolean;
}

export interface ValidateOptions {
  /** Largest request body allowed, in bytes, with images inlined as base64 data URLs. Default 50 MiB. */
  maxBodyBytes?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 50 * 1024 * 1024;

const IMAGE_MIME_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/webp']);
const EXTENSION_MIME_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jpe: 'image/jpeg',
  webp: 'image/webp',
};
const FRAME_LABELS: Readonly<Record<string, string>> = { first_frame: 'first-frame', last_frame: 'last-frame' };

/** "a", "a or b", "a, b or c". */
function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function isContiguous(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || v === (values[i - 1] ?? Number.NaN) + 1);
}

function durationChoices(durations: readonly number[]): string {
  const first = durations[0];
  const last = durations[durations.length - 1];
  if (durations.length > 5 && isContiguous(durations) && first !== undefined && last !== undefined) {
    return `Choose a whole number of seconds from ${first} to ${last}.`;
  }
  return `Choose ${joinOr(durations.map(String))} s.`;
}

function frameLabel(frameType: string): string {
  return FRAME_LABELS[frameType] ?? `"${frameType}"`;
}

/** The last path segment of a path or URI, without query or fragment. */
function baseName(path: string): string {
  const clean = path.split(/[?#]/)[0] ?? path;
  const segments = clean.split(/[\\/]/);
  return segments[segments.length - 1] || clean;
}

function extensionOf(path: string): string | undefined {
  const name = baseName(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : undefined;
}

/** The image's MIME type: its own `mimeType`, else one derived from the file extension. */
export function imageMimeType(frame: Pick<FrameImageInput, 'path' | 'mimeType'>): string | undefined {
  const own = frame.mimeType?.trim().toLowerCase();
  if (own) return own;
  const extension = extensionOf(frame.path);
  return extension === undefined ? undefined : EXTENSION_MIME_TYPES[extension];
}

/**
 * Estimated body size in bytes with every frame inlined as a base64 data URL: the JSON of the wire body with
 * empty image URLs, plus for each frame `data:<mime>;base64,` and ceil(byteLength / 3) * 4 characters.
 * Frames without a known `byteLength` count only their prefix.
 */
export function estimateBodyBytes(request: VideoRequest, omitAudioFlag = false): number {
  const frames = request.frames ?? [];
  const emptyUrls = new Map(frames.map((f) => [f.path, ''] as const));
  const skeleton = Buffer.byteLength(JSON.stringify(toWireRequest(request, emptyUrls, { omitAudioFlag })), 'utf8');
  let images = 0;
  for (const frame of frames) {
    images += `data:${imageMimeType(frame) ?? 'application/octet-stream'};base64,`.length;
    if (frame.byteLength !== undefined && frame.byteLength > 0) images += Math.ceil(frame.byteLength / 3) * 4;
  }
  return skeleton + images;
}

function mib(bytes: number): string {
  const value = bytes / (1024 * 1024);
  return `${Number.isInteger(value) ? value : (Math.ceil(value * 10) / 10).toFixed(1)} MiB`;
}

/** Checks a request against the model's capabilities. Never throws; `ok` is true only with no problems. */
export function validateRequest(model: VideoModel, request: VideoRequest, options: ValidateOptions = {}): ValidationResult {
  const problems: Problem[] = [];
  const add = (field: ProblemField, message: string): void => {
    problems.push({ field, message });
  };
  const name = model.name || model.id;
  const frames = request.frames ?? [];
  const hasFirstFrame = frames.some((f) => f.frameType === 'first_frame');

  // Model
  if (request.model && request.model !== model.id) {
    add('model', `The request names the model "${request.model}" but was checked against "${model.id}". Choose the model again.`);
  }
  if (isEditOrUpscaleModel(model)) {
    add('model', `${name} edits or upscales an existing video and cannot be used to generate from a prompt. Choose a text-to-video model.`);
  }

  // Prompt
  if ((request.prompt ?? '').trim() === '' && !hasFirstFrame) {
    add(
      'prompt',
      supportsImageToVideo(model)
        ? 'The prompt is empty. Write a prompt that describes the video, or add a first-frame image.'
        : 'The prompt is empty. Write a prompt that describes the video.',
    );
  }

  // Duration
  if (request.duration !== undefined) {
    const durations = sortedDurations(model);
    if (model.supported_durations == null || durations.length === 0) {
      add('duration', `${name} does not take a duration. Remove the duration.`);
    } else if (!durations.includes(request.duration)) {
      add('duration', `Duration ${request.duration} s is not available for ${name}. ${durationChoices(durations)}`);
    }
  }

  // Resolution, aspect ratio, size
  if (request.resolution !== undefined) {
    const resolutions = sortedResolutions(model);
    if (resolutions.length === 0) {
      add('resolution', `${name} does not take a resolution. Remove the resolution.`);
    } else if (!resolutions.includes(request.resolution)) {
      add('resolution', `Resolution ${request.resolution} is not available for ${name}. Choose ${joinOr(resolutions)}.`);
    }
  }
  if (request.aspectRatio !== undefined) {
    const ratios = model.supported_aspect_ratios ?? [];
    if (ratios.length === 0) {
      add('aspectRatio', `${name} does not take an aspect ratio. Remove the aspect ratio.`);
    } else if (!ratios.includes(request.aspectRatio)) {
      add('aspectRatio', `Aspect ratio ${request.aspectRatio} is not available for ${name}. Choose ${joinOr(ratios)}.`);
    }
  }
  if (request.size !== undefined) {
    const sizes = model.supported_sizes ?? [];
    if (sizes.length === 0) {
      add('size', `${name} does not take a size (width x height). Remove the size and use the resolution and aspect ratio instead.`);
    } else if (!sizes.includes(request.size)) {
      add('size', `Size ${request.size} is not available for ${name}. Choose ${joinOr(sizes)}.`);
    }
    if (request.resolution !== undefined || request.aspectRatio !== undefined) {
      add('size', 'Both a size and a resolution or aspect ratio are set. Send one or the other: remove the size, or remove the resolution and aspect ratio.');
    }
  }

  // Frame images
  if (frames.length > 0) {
    const accepted = frameTypes(model);
    if (accepted.length === 0) {
      add('frames', `${name} does not accept frame images. Remove the image${frames.length === 1 ? '' : 's'}.`);
    } else {
      const seen = new Map<string, number>();
      for (const frame of frames) seen.set(frame.frameType, (seen.get(frame.frameType) ?? 0) + 1);
      for (const [frameType, count] of seen) {
        if (!(accepted as readonly string[]).includes(frameType)) {
          add('frames', `${name} does not accept a ${frameLabel(frameType)} image; it accepts only ${joinOr(accepted.map((t) => `a ${frameLabel(t)}`))} image. Remove the ${frameLabel(frameType)} image.`);
        } else if (count > 1) {
          add('frames', `There are ${count} ${frameLabel(frameType)} images; only one can be sent. Keep one and remove the others.`);
        }
      }
    }
    for (const frame of frames) {
      const mime = imageMimeType(frame);
      if (mime === undefined || !IMAGE_MIME_TYPES.has(mime)) {
        const what = frame.mimeType?.trim() ? `its type is ${frame.mimeType.trim()}` : extensionOf(frame.path) ? `it is a .${extensionOf(frame.path)} file` : 'its type cannot be told from the name';
        add('frames', `The ${frameLabel(frame.frameType)} image "${baseName(frame.path)}" is not a PNG, JPEG or WebP image (${what}). Convert it to PNG, JPEG or WebP.`);
      }
    }
  }

  // Seed
  if (request.seed !== undefined) {
    if (model.seed !== true) {
      add('seed', `${name} does not support a seed. Remove the seed.`);
    } else if (!Number.isSafeInteger(request.seed)) {
      add('seed', `The seed must be a whole number (it is ${request.seed}). Use a whole number or remove the seed.`);
    }
  }

  // Audio
  let omitAudioFlag = false;
  if (request.generateAudio !== undefined) {
    if (model.generate_audio === null || model.generate_audio === undefined) {
      add('generateAudio', `${name} has no audio control. Remove the audio setting.`);
    } else if (model.generate_audio === false) {
      if (request.generateAudio === false) {
        omitAudioFlag = true;
      } else if (audioControl(model) === 'always') {
        add('generateAudio', `${name} adds its own audio and takes no audio setting. Remove the audio setting.`);
      } else {
        add('generateAudio', `${name} cannot generate audio. Turn audio off.`);
      }
    }
  }

  // Provider passthrough
  if (request.providerOptions !== undefined) {
    const allowed = model.allowed_passthrough_parameters ?? [];
    const reported = new Set<string>();
    for (const [slug, parameters] of Object.entries(request.providerOptions)) {
      if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
        add('providerOptions', `The provider options for "${slug}" must be a set of named parameters.`);
        continue;
      }
      for (const key of Object.keys(parameters)) {
        if (allowed.includes(key) || reported.has(key)) continue;
        reported.add(key);
        add(
          'providerOptions',
          allowed.length === 0
            ? `${name} accepts no provider options, so "${key}" would be dropped. Remove it.`
            : `Provider option "${key}" is not accepted by ${name}. Remove it; the accepted ones are ${allowed.join(', ')}.`,
        );
      }
    }
  }

  // Callback
  if (request.callbackUrl !== undefined) {
    let protocol: string | undefined;
    try {
      protocol = new URL(request.callbackUrl).protocol;
    } catch {
      protocol = undefined;
    }
    if (protocol === undefined) {
      add('callbackUrl', `The callback URL "${request.callbackUrl}" is not a valid URL. Use an https:// address.`);
    } else if (protocol !== 'https:') {
      add('callbackUrl', `The callback URL must use https:// (it uses ${protocol}//). Use an https:// address.`);
    }
  }

  // Body size
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const bodyBytes = estimateBodyBytes(request, omitAudioFlag);
  if (bodyBytes > maxBodyBytes) {
    add('body', `The request would be about ${mib(bodyBytes)} once the images are encoded, over the ${mib(maxBodyBytes)} limit. Use smaller images (resize or compress them).`);
  }

  return { ok: problems.length === 0, problems, omitAudioFlag };
}
