/**
 * How request validation's problems read: each problem code's sentence, through `l10n.t`, with the facts the
 * problem carries (the model's name, the value asked for, the values it offers). Every sentence says what is
 * wrong and what to do. Kept free of a runtime `vscode` import (the caller passes `vscode.l10n`), so the unit
 * tier words every code (test/unit/errorMessages.test.ts).
 */
import type { Problem, ProblemCode, ProblemParams } from '../core/models/problems';
import type { L10n } from './wordParts';

/** A problem's params as its sentence reads them: a missing scalar is '', a missing list is empty. */
class Facts {
  constructor(private readonly params: ProblemParams | undefined) {}

  get(key: string): string | number | boolean {
    const value = this.params?.[key];
    return value === undefined || typeof value === 'object' ? '' : value;
  }

  list(key: string): string[] {
    const value = this.params?.[key];
    if (value === undefined || value === '') return [];
    return typeof value === 'object' ? value.map(String) : [String(value)];
  }
}

type ProblemWords = (l10n: L10n, f: Facts) => string;

/** "a", "a or b", "a, b or c". */
function joinOr(l10n: L10n, items: readonly string[]): string {
  const last = items[items.length - 1];
  if (items.length <= 1 || last === undefined) return last ?? '';
  return l10n.t('{list} or {last}', { list: items.slice(0, -1).join(', '), last });
}

/** `first-frame`, `last-frame`, or the unknown type in quotes. */
function frameLabel(l10n: L10n, frameType: string): string {
  if (frameType === 'first_frame') return l10n.t('first-frame');
  if (frameType === 'last_frame') return l10n.t('last-frame');
  return `"${frameType}"`;
}

/** Durations as a choice: a range when there are many in a row, else the list. */
function durationChoices(l10n: L10n, choices: readonly string[]): string {
  const values = choices.map(Number);
  const first = values[0];
  const last = values[values.length - 1];
  const inARow = values.every((v, i) => i === 0 || v === (values[i - 1] ?? Number.NaN) + 1);
  if (values.length > 5 && inARow && first !== undefined && last !== undefined) {
    return l10n.t('Choose a whole number of seconds from {first} to {last}.', { first, last });
  }
  return l10n.t('Choose {choices} s.', { choices: joinOr(l10n, choices) });
}

/** Bytes in MiB, rounded up to one decimal. */
function mib(l10n: L10n, bytes: string | number | boolean): string {
  if (typeof bytes !== 'number') return String(bytes);
  const value = bytes / (1024 * 1024);
  return l10n.t('{value} MiB', { value: Number.isInteger(value) ? value : (Math.ceil(value * 10) / 10).toFixed(1) });
}

const PROBLEMS: { readonly [C in ProblemCode]: ProblemWords } = {
  modelMismatch: (l10n, f) =>
    l10n.t('The request names the model "{requested}" but was checked against "{checked}". Choose the model again.', {
      requested: f.get('requested'),
      checked: f.get('checked'),
    }),
  editsVideo: (l10n, f) =>
    l10n.t('{name} edits or upscales an existing video and cannot be used to generate from a prompt. Choose a text-to-video model.', { name: f.get('name') }),
  emptyPrompt: (l10n, f) =>
    f.get('firstFrame') === true
      ? l10n.t('The prompt is empty. Write a prompt that describes the video, or add a first-frame image.')
      : l10n.t('The prompt is empty. Write a prompt that describes the video.'),
  durationNotTaken: (l10n, f) => l10n.t('{name} does not take a duration. Remove the duration.', { name: f.get('name') }),
  durationNotOffered: (l10n, f) =>
    `${l10n.t('Duration {value} s is not available for {name}.', { value: f.get('value'), name: f.get('name') })} ${durationChoices(l10n, f.list('choices'))}`,
  resolutionNotTaken: (l10n, f) => l10n.t('{name} does not take a resolution. Remove the resolution.', { name: f.get('name') }),
  resolutionNotOffered: (l10n, f) =>
    l10n.t('Resolution {value} is not available for {name}. Choose {choices}.', { value: f.get('value'), name: f.get('name'), choices: joinOr(l10n, f.list('choices')) }),
  aspectRatioNotTaken: (l10n, f) => l10n.t('{name} does not take an aspect ratio. Remove the aspect ratio.', { name: f.get('name') }),
  aspectRatioNotOffered: (l10n, f) =>
    l10n.t('Aspect ratio {value} is not available for {name}. Choose {choices}.', { value: f.get('value'), name: f.get('name'), choices: joinOr(l10n, f.list('choices')) }),
  sizeNotTaken: (l10n, f) =>
    l10n.t('{name} does not take a size (width x height). Remove the size and use the resolution and aspect ratio instead.', { name: f.get('name') }),
  sizeNotOffered: (l10n, f) =>
    l10n.t('Size {value} is not available for {name}. Choose {choices}.', { value: f.get('value'), name: f.get('name'), choices: joinOr(l10n, f.list('choices')) }),
  sizeAndResolution: (l10n) =>
    l10n.t('Both a size and a resolution or aspect ratio are set. Send one or the other: remove the size, or remove the resolution and aspect ratio.'),
  framesNotTaken: (l10n, f) =>
    f.get('count') === 1
      ? l10n.t('{name} does not accept frame images. Remove the image.', { name: f.get('name') })
      : l10n.t('{name} does not accept frame images. Remove the images.', { name: f.get('name') }),
  frameTypeNotTaken: (l10n, f) => {
    const label = frameLabel(l10n, String(f.get('frameType')));
    const accepted = joinOr(l10n, f.list('accepted').map((t) => l10n.t('a {label}', { label: frameLabel(l10n, t) })));
    return l10n.t('{name} does not accept a {label} image; it accepts only {accepted} image. Remove the {label} image.', { name: f.get('name'), label, accepted });
  },
  frameTypeRepeated: (l10n, f) =>
    l10n.t('There are {count} {label} images; only one can be sent. Keep one and remove the others.', {
      count: f.get('count'),
      label: frameLabel(l10n, String(f.get('frameType'))),
    }),
  frameNotImage: (l10n, f) => {
    const label = frameLabel(l10n, String(f.get('frameType')));
    const file = f.get('file');
    if (f.get('mimeType') !== '') {
      return l10n.t('The {label} image "{file}" is not a PNG, JPEG or WebP image (its type is {mimeType}). Convert it to PNG, JPEG or WebP.', { label, file, mimeType: f.get('mimeType') });
    }
    if (f.get('extension') !== '') {
      return l10n.t('The {label} image "{file}" is not a PNG, JPEG or WebP image (it is a .{extension} file). Convert it to PNG, JPEG or WebP.', { label, file, extension: f.get('extension') });
    }
    return l10n.t('The {label} image "{file}" is not a PNG, JPEG or WebP image (its type cannot be told from the name). Convert it to PNG, JPEG or WebP.', { label, file });
  },
  referencesNotTaken: (l10n, f) =>
    f.get('count') === 1
      ? l10n.t('{name} does not take reference images. Remove the reference image, or pick a model that takes them.', { name: f.get('name') })
      : l10n.t('{name} does not take reference images. Remove the reference images, or pick a model that takes them.', { name: f.get('name') }),
  referencesWithFrames: (l10n) =>
    l10n.t('OpenRouter uses only the frame images when a request has both frame images and reference images. Remove the frame images or the reference images.'),
  referenceNotImage: (l10n, f) => {
    const file = f.get('file');
    if (f.get('mimeType') !== '') {
      return l10n.t('The reference image "{file}" is not a PNG, JPEG or WebP image (its type is {mimeType}). Convert it to PNG, JPEG or WebP.', { file, mimeType: f.get('mimeType') });
    }
    if (f.get('extension') !== '') {
      return l10n.t('The reference image "{file}" is not a PNG, JPEG or WebP image (it is a .{extension} file). Convert it to PNG, JPEG or WebP.', { file, extension: f.get('extension') });
    }
    return l10n.t('The reference image "{file}" is not a PNG, JPEG or WebP image (its type cannot be told from the name). Convert it to PNG, JPEG or WebP.', { file });
  },
  seedNotTaken: (l10n, f) => l10n.t('{name} does not support a seed. Remove the seed.', { name: f.get('name') }),
  seedNotWhole: (l10n, f) => l10n.t('The seed must be a whole number (it is {value}). Use a whole number or remove the seed.', { value: f.get('value') }),
  audioNotTaken: (l10n, f) => l10n.t('{name} has no audio control. Remove the audio setting.', { name: f.get('name') }),
  audioAlways: (l10n, f) => l10n.t('{name} adds its own audio and takes no audio setting. Remove the audio setting.', { name: f.get('name') }),
  audioUnavailable: (l10n, f) => l10n.t('{name} cannot generate audio. Turn audio off.', { name: f.get('name') }),
  providerOptionsNotObject: (l10n, f) => l10n.t('The provider options for "{provider}" must be a set of named parameters.', { provider: f.get('provider') }),
  providerOptionsNotTaken: (l10n, f) =>
    l10n.t('{name} accepts no provider options, so "{option}" would be dropped. Remove it.', { name: f.get('name'), option: f.get('option') }),
  providerOptionNotAccepted: (l10n, f) =>
    l10n.t('Provider option "{option}" is not accepted by {name}. Remove it; the accepted ones are {accepted}.', {
      option: f.get('option'),
      name: f.get('name'),
      accepted: f.list('accepted').join(', '),
    }),
  callbackUrlInvalid: (l10n, f) => l10n.t('The callback URL "{url}" is not a valid URL. Use an https:// address.', { url: f.get('url') }),
  callbackUrlNotHttps: (l10n, f) => l10n.t('The callback URL must use https:// (it uses {scheme}://). Use an https:// address.', { scheme: f.get('scheme') }),
  bodyTooLarge: (l10n, f) =>
    l10n.t('The request would be about {size} once the images are encoded, over the {limit} limit. Use smaller images (resize or compress them).', {
      size: mib(l10n, f.get('bytes')),
      limit: mib(l10n, f.get('limitBytes')),
    }),
};

/** One problem as a sentence. */
export function wordProblem(l10n: L10n, problem: Problem): string {
  return PROBLEMS[problem.code](l10n, new Facts(problem.params));
}

/** All problems as one paragraph ('' when there are none). */
export function wordProblems(l10n: L10n, problems: readonly Problem[]): string {
  const sentences = problems.map((p) => wordProblem(l10n, p));
  if (sentences.length <= 1) return sentences[0] ?? '';
  return l10n.t('{count} problems: {problems}', { count: sentences.length, problems: sentences.join(' ') });
}
