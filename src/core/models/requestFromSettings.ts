/**
 * A request from the settings a caller gave, the model's defaults filling in the rest (`defaultsFor`): the
 * Generate command's argument and the `#generateVideo` tool's input both become a request here. A size
 * replaces resolution and aspect ratio; nothing is checked here (that is `planSubmit`'s job).
 */
import type { VideoModel } from '../api/schemas';
import type { FrameImageInput, VideoRequest } from '../api/videoRequest';
import { audioControl, defaultsFor, frameTypes, passthroughSlug, takesInputReferences } from './modelCapabilities';

/** The settings a caller may give; anything left out takes the model's default. */
export type RequestSettings = Pick<VideoRequest, 'prompt' | 'duration' | 'resolution' | 'aspectRatio' | 'size' | 'generateAudio' | 'seed'>;

export function requestFromSettings(model: VideoModel, given: RequestSettings, frames: readonly FrameImageInput[] = []): VideoRequest {
  const defaults = defaultsFor(model);
  const request: VideoRequest = { model: model.id };
  if (given.prompt !== undefined && given.prompt.trim() !== '') request.prompt = given.prompt.trim();
  const duration = given.duration ?? defaults.duration;
  if (duration !== undefined) request.duration = duration;
  if (given.size !== undefined) request.size = given.size;
  else {
    const resolution = given.resolution ?? defaults.resolution;
    const aspectRatio = given.aspectRatio ?? defaults.aspectRatio;
    if (resolution !== undefined) request.resolution = resolution;
    if (aspectRatio !== undefined) request.aspectRatio = aspectRatio;
  }
  const audio = given.generateAudio ?? defaults.generateAudio;
  if (audio !== undefined) request.generateAudio = audio;
  if (given.seed !== undefined) request.seed = given.seed;
  if (frames.length > 0) request.frames = [...frames];
  return request;
}

/**
 * The request for another model, keeping what still applies: each setting the new model offers stays, the
 * others take its defaults (`requestFromSettings`); frames of a type it accepts, reference images when it takes
 * them, and provider options it allows (under its own provider slug) stay; the rest is dropped.
 */
export function requestForModel(model: VideoModel, previous: VideoRequest): VideoRequest {
  const offered = <T>(value: T | undefined, choices: readonly T[] | null | undefined): T | undefined => (value !== undefined && (choices ?? []).includes(value) ? value : undefined);
  const given: RequestSettings = {};
  if (previous.prompt !== undefined) given.prompt = previous.prompt;
  const duration = offered(previous.duration, model.supported_durations);
  if (duration !== undefined) given.duration = duration;
  const size = offered(previous.size, model.supported_sizes);
  if (size !== undefined) given.size = size;
  const resolution = offered(previous.resolution, model.supported_resolutions);
  if (resolution !== undefined) given.resolution = resolution;
  const aspectRatio = offered(previous.aspectRatio, model.supported_aspect_ratios);
  if (aspectRatio !== undefined) given.aspectRatio = aspectRatio;
  if (previous.generateAudio !== undefined && audioControl(model) === 'toggle') given.generateAudio = previous.generateAudio;
  if (previous.seed !== undefined && model.seed === true) given.seed = previous.seed;
  const accepted = frameTypes(model);
  const request = requestFromSettings(
    model,
    given,
    (previous.frames ?? []).filter((f) => accepted.includes(f.frameType)),
  );
  if (takesInputReferences(model) && (previous.inputReferences ?? []).length > 0) request.inputReferences = [...(previous.inputReferences ?? [])];
  const allowed = model.allowed_passthrough_parameters ?? [];
  const kept = Object.fromEntries(Object.values(previous.providerOptions ?? {}).flatMap((parameters) => Object.entries(parameters).filter(([key]) => allowed.includes(key))));
  if (Object.keys(kept).length > 0) request.providerOptions = { [passthroughSlug(model)]: kept };
  return request;
}
