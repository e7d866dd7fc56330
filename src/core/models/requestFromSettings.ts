/**
 * A request from the settings a caller gave, the model's defaults filling in the rest (`defaultsFor`): the
 * Generate command's argument and the `#generateVideo` tool's input both become a request here. A size
 * replaces resolution and aspect ratio; nothing is checked here (that is `planSubmit`'s job).
 */
import type { VideoModel } from '../api/schemas';
import type { FrameImageInput, VideoRequest } from '../api/videoRequest';
import { defaultsFor } from './modelCapabilities';

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
