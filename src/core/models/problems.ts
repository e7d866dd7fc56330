/**
 * What request validation reports: each problem names the field, a code for what is wrong and the facts the
 * sentence needs (the model's name, the value asked for, the values it offers). `src/host/errorMessages.ts`
 * words them; core never does.
 */
import { OpenRouterError } from '../api/errors';

export type ProblemField =
  | 'prompt'
  | 'duration'
  | 'resolution'
  | 'aspectRatio'
  | 'size'
  | 'frames'
  | 'inputReferences'
  | 'seed'
  | 'generateAudio'
  | 'providerOptions'
  | 'body'
  | 'model'
  | 'callbackUrl';

/** Every problem code, by field, with the params its sentence reads. */
export const PROBLEM_CODES = [
  // model
  'modelMismatch', // the request names another model than the one it was checked against: requested, checked
  'editsVideo', // the model edits or upscales a video instead of generating one: name
  // prompt
  'emptyPrompt', // no prompt and no first frame: firstFrame (whether the model could start from one)
  // duration, resolution, aspectRatio, size: `…NotTaken` when the model takes none, `…NotOffered` when the
  // value is not among the model's: name, value, choices
  'durationNotTaken',
  'durationNotOffered',
  'resolutionNotTaken',
  'resolutionNotOffered',
  'aspectRatioNotTaken',
  'aspectRatioNotOffered',
  'sizeNotTaken',
  'sizeNotOffered',
  'sizeAndResolution', // a size together with a resolution or aspect ratio
  // frames
  'framesNotTaken', // the model takes no frame image: name, count
  'frameTypeNotTaken', // the model takes frames, not of this type: name, frameType, accepted
  'frameTypeRepeated', // several images of one frame type: frameType, count
  'frameNotImage', // not a PNG, JPEG or WebP: frameType, file, and mimeType or extension when known
  // inputReferences
  'referencesNotTaken', // the model takes no reference images: name, count
  'referencesWithFrames', // reference images together with frame images (OpenRouter then uses only the frames): count
  'referenceNotImage', // not a PNG, JPEG or WebP: file, and mimeType or extension when known
  // seed
  'seedNotTaken', // name
  'seedNotWhole', // value
  // generateAudio
  'audioNotTaken', // the model has no audio control: name
  'audioAlways', // the model adds its own audio and takes no setting: name
  'audioUnavailable', // the model cannot generate audio and audio was asked for: name
  // providerOptions
  'providerOptionsNotObject', // one provider's options are not a set of named parameters: provider
  'providerOptionsNotTaken', // the model accepts no provider options: name, option
  'providerOptionNotAccepted', // this option is not among the accepted ones: name, option, accepted
  // callbackUrl
  'callbackUrlInvalid', // url
  'callbackUrlNotHttps', // protocol (without the colon)
  // body
  'bodyTooLarge', // the body with images inlined is over the limit: bytes, limitBytes
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/**
 * The facts a problem's sentence needs. Lists (the values a model offers) stay lists, so the host joins them
 * in the user's language.
 */
export type ProblemParams = Readonly<Record<string, string | number | boolean | readonly (string | number)[] | undefined>>;

export interface Problem {
  field: ProblemField;
  code: ProblemCode;
  params?: ProblemParams;
}

/** Thrown before anything is written or sent: the request does not fit the model. */
export class RequestValidationError extends OpenRouterError {
  constructor(readonly problems: readonly Problem[]) {
    super(
      'badRequest',
      'invalidRequest',
      { count: problems.length, codes: problems.map((p) => p.code).join(',') },
      { field: problems[0]?.field },
    );
  }
}
