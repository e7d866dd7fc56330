/**
 * Checks a request against a model's advertised capabilities before anything is sent (OpenRouter answers
 * out-of-set values with a 400, after the user has waited). Returns every problem at once, each as a code
 * with the facts its sentence needs (the host words them).
 */
import type { VideoModel } from '../api/schemas';
import { requestImages, toWireRequest, type FrameImageInput, type VideoRequest } from '../api/videoRequest';
import type { Problem, ProblemCode, ProblemField, ProblemParams } from './problems';
import { audioControl, frameTypes, isEditOrUpscaleModel, sortedDurations, sortedResolutions, supportsImageToVideo, takesInputReferences } from './modelCapabilities';

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

/** The file extensions a local frame image may have (lower case). */
export const IMAGE_EXTENSIONS: readonly string[] = Object.keys(EXTENSION_MIME_TYPES);

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
 * Estimated body size in bytes with every image (frames and references) inlined as a base64 data URL: the JSON
 * of the wire body with empty image URLs, plus for each image `data:<mime>;base64,` and ceil(byteLength / 3) * 4
 * characters. Images without a known `byteLength` count only their prefix.
 */
export function estimateBodyBytes(request: VideoRequest, omitAudioFlag = false): number {
  const all = requestImages(request);
  const emptyUrls = new Map(all.map((f) => [f.path, ''] as const));
  const skeleton = Buffer.byteLength(JSON.stringify(toWireRequest(request, emptyUrls, { omitAudioFlag })), 'utf8');
  let images = 0;
  for (const frame of all) {
    images += `data:${imageMimeType(frame) ?? 'application/octet-stream'};base64,`.length;
    if (frame.byteLength !== undefined && frame.byteLength > 0) images += Math.ceil(frame.byteLength / 3) * 4;
  }
  return skeleton + images;
}

/** Checks a request against the model's capabilities. Never throws; `ok` is true only with no problems. */
export function validateRequest(model: VideoModel, request: VideoRequest, options: ValidateOptions = {}): ValidationResult {
  const problems: Problem[] = [];
  const add = (field: ProblemField, code: ProblemCode, params?: ProblemParams): void => {
    problems.push(params === undefined ? { field, code } : { field, code, params });
  };
  const name = model.name || model.id;
  const frames = request.frames ?? [];
  const hasFirstFrame = frames.some((f) => f.frameType === 'first_frame');

  // Model
  if (request.model && request.model !== model.id) {
    add('model', 'modelMismatch', { requested: request.model, checked: model.id });
  }
  if (isEditOrUpscaleModel(model)) {
    add('model', 'editsVideo', { name });
  }

  // Prompt
  if ((request.prompt ?? '').trim() === '' && !hasFirstFrame) {
    add('prompt', 'emptyPrompt', { firstFrame: supportsImageToVideo(model) });
  }

  /** A value that must be one of the model's choices: none offered → `notTaken`, another value → `notOffered`. */
  const oneOf = <T extends string | number>(field: ProblemField, value: T | undefined, choices: readonly T[], codes: [ProblemCode, ProblemCode]): void => {
    if (value === undefined) return;
    if (choices.length === 0) add(field, codes[0], { name });
    else if (!choices.includes(value)) add(field, codes[1], { name, value, choices });
  };

  // Duration, resolution, aspect ratio, size
  oneOf('duration', request.duration, model.supported_durations == null ? [] : sortedDurations(model), ['durationNotTaken', 'durationNotOffered']);
  oneOf('resolution', request.resolution, sortedResolutions(model), ['resolutionNotTaken', 'resolutionNotOffered']);
  oneOf('aspectRatio', request.aspectRatio, model.supported_aspect_ratios ?? [], ['aspectRatioNotTaken', 'aspectRatioNotOffered']);
  oneOf('size', request.size, model.supported_sizes ?? [], ['sizeNotTaken', 'sizeNotOffered']);
  if (request.size !== undefined && (request.resolution !== undefined || request.aspectRatio !== undefined)) {
    add('size', 'sizeAndResolution');
  }

  // Frame images
  if (frames.length > 0) {
    const accepted = frameTypes(model);
    if (accepted.length === 0) {
      add('frames', 'framesNotTaken', { name, count: frames.length });
    } else {
      const seen = new Map<string, number>();
      for (const frame of frames) seen.set(frame.frameType, (seen.get(frame.frameType) ?? 0) + 1);
      for (const [frameType, count] of seen) {
        if (!(accepted as readonly string[]).includes(frameType)) {
          add('frames', 'frameTypeNotTaken', { name, frameType, accepted });
        } else if (count > 1) {
          add('frames', 'frameTypeRepeated', { frameType, count });
        }
      }
    }
    for (const frame of frames) {
      const mime = imageMimeType(frame);
      if (mime === undefined || !IMAGE_MIME_TYPES.has(mime)) {
        add('frames', 'frameNotImage', {
          frameType: frame.frameType,
          file: baseName(frame.path),
          mimeType: frame.mimeType?.trim() || undefined,
          extension: extensionOf(frame.path),
        });
      }
    }
  }

  // Reference images
  const references = request.inputReferences ?? [];
  if (references.length > 0) {
    if (!takesInputReferences(model)) {
      add('inputReferences', 'referencesNotTaken', { name, count: references.length });
    } else if (frames.length > 0) {
      // OpenRouter gives frame images precedence and treats the request as image-to-video (fact sheet §2).
      add('inputReferences', 'referencesWithFrames', { count: references.length });
    }
    for (const reference of references) {
      const mime = imageMimeType(reference);
      if (mime === undefined || !IMAGE_MIME_TYPES.has(mime)) {
        add('inputReferences', 'referenceNotImage', {
          file: baseName(reference.path),
          mimeType: reference.mimeType?.trim() || undefined,
          extension: extensionOf(reference.path),
        });
      }
    }
  }

  // Seed
  if (request.seed !== undefined) {
    if (model.seed !== true) {
      add('seed', 'seedNotTaken', { name });
    } else if (!Number.isSafeInteger(request.seed)) {
      add('seed', 'seedNotWhole', { value: request.seed });
    }
  }

  // Audio
  let omitAudioFlag = false;
  if (request.generateAudio !== undefined) {
    if (model.generate_audio === null || model.generate_audio === undefined) {
      add('generateAudio', 'audioNotTaken', { name });
    } else if (model.generate_audio === false) {
      if (request.generateAudio === false) {
        omitAudioFlag = true;
      } else if (audioControl(model) === 'always') {
        add('generateAudio', 'audioAlways', { name });
      } else {
        add('generateAudio', 'audioUnavailable', { name });
      }
    }
  }

  // Provider passthrough
  if (request.providerOptions !== undefined) {
    const allowed = model.allowed_passthrough_parameters ?? [];
    const reported = new Set<string>();
    for (const [provider, parameters] of Object.entries(request.providerOptions)) {
      if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
        add('providerOptions', 'providerOptionsNotObject', { provider });
        continue;
      }
      for (const option of Object.keys(parameters)) {
        if (allowed.includes(option) || reported.has(option)) continue;
        reported.add(option);
        if (allowed.length === 0) add('providerOptions', 'providerOptionsNotTaken', { name, option });
        else add('providerOptions', 'providerOptionNotAccepted', { name, option, accepted: allowed });
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
      add('callbackUrl', 'callbackUrlInvalid', { url: request.callbackUrl });
    } else if (protocol !== 'https:') {
      add('callbackUrl', 'callbackUrlNotHttps', { scheme: protocol.replace(/:$/, '') });
    }
  }

  // Body size
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const bodyBytes = estimateBodyBytes(request, omitAudioFlag);
  if (bodyBytes > maxBodyBytes) {
    add('body', 'bodyTooLarge', { bytes: bodyBytes, limitBytes: maxBodyBytes });
  }

  return { ok: problems.length === 0, problems, omitAudioFlag };
}
