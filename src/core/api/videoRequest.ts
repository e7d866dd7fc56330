/** The extension's own (camelCase) description of a generation request, and its wire form. */

export type FrameType = 'first_frame' | 'last_frame';

/** An input image. `path` is kept for records and sidecars; `dataUrl` is built only when submitting. */
export interface FrameImageInput {
  frameType: FrameType;
  /** Workspace path or URI string, for display and for re-runs. Never a data URL. */
  path: string;
  mimeType?: string;
  /** Size in bytes of the raw image, when known (for the 50 MiB request check). */
  byteLength?: number;
}

/**
 * A reference image (`input_references`): style, subject or look for the model to follow, not a frame of the
 * clip. Like a frame, kept by path and inlined as a data URL only when submitting (https URLs are sent as they are).
 */
export interface InputReferenceInput {
  /** Workspace path or URI string, for display and for re-runs. Never a data URL. */
  path: string;
  mimeType?: string;
  /** Size in bytes of the raw image, when known (for the 50 MiB request check). */
  byteLength?: number;
}

export interface VideoRequest {
  model: string;
  prompt?: string;
  duration?: number;
  resolution?: string;
  aspectRatio?: string;
  size?: string;
  generateAudio?: boolean;
  seed?: number;
  frames?: FrameImageInput[];
  /** Reference images (`input_references`), in the order given. */
  inputReferences?: InputReferenceInput[];
  /** Provider passthrough: `provider.options.<slug>.parameters.<key>`. */
  providerOptions?: Record<string, Record<string, unknown>>;
  callbackUrl?: string;
  /** A completed job of the same model that this one extends (`previous_job_id`). */
  previousJobId?: string;
}

/** Body for `POST /videos`, exactly as OpenRouter expects it. */
export interface WireVideoRequest {
  model: string;
  prompt?: string;
  duration?: number;
  resolution?: string;
  aspect_ratio?: string;
  size?: string;
  generate_audio?: boolean;
  seed?: number;
  callback_url?: string;
  previous_job_id?: string;
  frame_images?: { type: 'image_url'; image_url: { url: string }; frame_type: FrameType }[];
  input_references?: { type: 'image_url'; image_url: { url: string } }[];
  provider?: { options: Record<string, { parameters: Record<string, unknown> }> };
}

/** Every image the request sends, frames first, then reference images: what is sized, checked and inlined. */
export function requestImages(request: Pick<VideoRequest, 'frames' | 'inputReferences'>): (FrameImageInput | InputReferenceInput)[] {
  return [...(request.frames ?? []), ...(request.inputReferences ?? [])];
}

/**
 * Builds the wire body. `imageUrls` maps each image's `path` (frames and references) to the URL to send (a data: URL or https URL).
 * `omitAudioFlag` drops `generate_audio` (models reporting `generate_audio: false` reject an explicit false).
 */
export function toWireRequest(
  request: VideoRequest,
  imageUrls: ReadonlyMap<string, string> = new Map(),
  options: { omitAudioFlag?: boolean } = {},
): WireVideoRequest {
  const body: WireVideoRequest = { model: request.model };
  if (request.prompt !== undefined && request.prompt !== '') body.prompt = request.prompt;
  if (request.duration !== undefined) body.duration = request.duration;
  if (request.size !== undefined) {
    body.size = request.size;
  } else {
    if (request.resolution !== undefined) body.resolution = request.resolution;
    if (request.aspectRatio !== undefined) body.aspect_ratio = request.aspectRatio;
  }
  if (request.generateAudio !== undefined && !options.omitAudioFlag) body.generate_audio = request.generateAudio;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.callbackUrl !== undefined) body.callback_url = request.callbackUrl;
  if (request.previousJobId !== undefined && request.previousJobId !== '') body.previous_job_id = request.previousJobId;
  if (request.frames && request.frames.length > 0) {
    body.frame_images = request.frames.map((f) => ({
      type: 'image_url' as const,
      image_url: { url: imageUrls.get(f.path) ?? f.path },
      frame_type: f.frameType,
    }));
  }
  if (request.inputReferences && request.inputReferences.length > 0) {
    body.input_references = request.inputReferences.map((r) => ({ type: 'image_url' as const, image_url: { url: imageUrls.get(r.path) ?? r.path } }));
  }
  if (request.providerOptions && Object.keys(request.providerOptions).length > 0) {
    const options: Record<string, { parameters: Record<string, unknown> }> = {};
    for (const [slug, parameters] of Object.entries(request.providerOptions)) {
      options[slug] = { parameters };
    }
    body.provider = { options };
  }
  return body;
}
