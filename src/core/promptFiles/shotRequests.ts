/**
 * Turns a parsed prompt file's shots into requests: the front matter's settings with each shot's overrides on
 * top, typed and checked key by key, with the problems found on the way (each pointing at its text). Both the
 * diagnostics (`checkPromptFile`) and a run of the file's shots read shots through here, so what is
 * underlined is exactly what would stop a submit.
 */
import path = require('node:path');
import type { VideoModel } from '../api/schemas';
import type { FrameImageInput, FrameType, InputReferenceInput, VideoRequest } from '../api/videoRequest';
import { validateOutputDirectory } from '../download/fileNames';
import type { ProblemParams } from '../models/problems';
import { imageMimeType } from '../models/validateRequest';
import type { ParsedPromptFile, PromptEntry, PromptShot, SourceRange } from './parsePromptFile';

/** The keys a prompt file takes, by the API's names (plus `output` and `variants`). */
export const PROMPT_FILE_KEYS = [
  'model',
  'duration',
  'resolution',
  'aspect_ratio',
  'size',
  'generate_audio',
  'seed',
  'first_frame',
  'last_frame',
  'input_references',
  'provider',
  'callback_url',
  'output',
  'variants',
] as const;
export type PromptFileKey = (typeof PROMPT_FILE_KEYS)[number];

/** The most jobs one shot may ask for with `variants`. */
export const MAX_VARIANTS = 10;

/** What a key's value must be. */
export type ValueKind = 'text' | 'number' | 'wholeNumber' | 'trueOrFalse' | 'imagePaths' | 'providerOptions';

export const KEY_KINDS: Readonly<Record<PromptFileKey, ValueKind>> = {
  model: 'text',
  duration: 'number',
  resolution: 'text',
  aspect_ratio: 'text',
  size: 'text',
  generate_audio: 'trueOrFalse',
  seed: 'wholeNumber',
  first_frame: 'text',
  last_frame: 'text',
  input_references: 'imagePaths',
  provider: 'providerOptions',
  callback_url: 'text',
  output: 'text',
  variants: 'wholeNumber',
};

/** Problems found in the file itself (the request's own problems come from `validateRequest`). */
export const PROMPT_FILE_CODES = [
  'unknownKey', // key, known (the keys a file takes)
  'wrongType', // key, expected (a ValueKind)
  'modelMissing', // no `model` in the front matter or the shot
  'modelUnknown', // model: the catalogue has no such model (e.g. a retired one)
  'imageMissing', // path: no such file in the workspace
  'imageOutside', // path: an absolute path or one leading out of the workspace folder
  'imageNoFolder', // path: a relative image path with no workspace folder open
  'outputInvalid', // reason (an outputFolder… reason code), value, segment
  'variantsRange', // value, max
] as const;
export type PromptFileCode = (typeof PROMPT_FILE_CODES)[number];

export interface FileProblem {
  code: PromptFileCode;
  range: SourceRange;
  params?: ProblemParams;
}

export interface ShotContext {
  /** The live catalogue. */
  models: readonly VideoModel[];
  /** The workspace folder on disk that relative paths (images, output) are read from. */
  workspaceFolder?: string;
  /** Sizes of the local images the file names (absolute path → bytes, `null` when absent). Unlisted: not checked. */
  imageSizes?: ReadonlyMap<string, number | null>;
}

/** One shot, read: the effective settings, the request they make and what stands in the way. */
export interface ShotRequest {
  shot: PromptShot;
  /** Effective entries by key (a shot's override wins over the front matter). */
  entries: ReadonlyMap<string, PromptEntry>;
  model?: VideoModel;
  /** Absent when the model is missing or unknown. */
  request?: VideoRequest;
  /** How many jobs the shot makes (`variants`, default 1). */
  variants: number;
  /** The `output` folder as written, when set and valid. */
  output?: string;
  problems: FileProblem[];
}

/** A workspace image reference: an https URL (sent as it is) or a local file inside the workspace folder. */
export type ImageReference = { kind: 'url'; url: string } | { kind: 'file'; path: string } | { kind: 'outside' } | { kind: 'noFolder' };

export function resolveImageReference(ref: string, workspaceFolder: string | undefined): ImageReference {
  const value = ref.trim();
  if (/^https:\/\//i.test(value)) return { kind: 'url', url: value };
  if (path.isAbsolute(value) || path.win32.isAbsolute(value) || /^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith('~')) return { kind: 'outside' };
  if (!workspaceFolder) return { kind: 'noFolder' };
  const root = path.resolve(workspaceFolder);
  const resolved = path.resolve(root, value);
  const relative = path.relative(root, resolved);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return { kind: 'outside' };
  return { kind: 'file', path: resolved };
}

/** Every local image path the file names (absolute), for the caller to look up their sizes. */
export function localImagePaths(file: ParsedPromptFile, workspaceFolder: string | undefined): string[] {
  const found = new Set<string>();
  const blocks = [file.frontMatter, ...file.shots.map((s) => s.overrides)];
  for (const block of blocks) {
    for (const entry of block?.entries ?? []) {
      if (entry.key !== 'first_frame' && entry.key !== 'last_frame' && entry.key !== 'input_references') continue;
      const values = typeof entry.value === 'string' ? [entry.value] : Array.isArray(entry.value) ? entry.value : [];
      for (const value of values) {
        if (typeof value !== 'string') continue;
        const ref = resolveImageReference(value, workspaceFolder);
        if (ref.kind === 'file') found.add(ref.path);
      }
    }
  }
  return [...found];
}

/** The effective entries of a shot: the front matter's, each overridden by the shot's block. */
export function effectiveEntries(file: ParsedPromptFile, shot: PromptShot): Map<string, PromptEntry> {
  const entries = new Map<string, PromptEntry>();
  for (const entry of file.frontMatter?.entries ?? []) entries.set(entry.key, entry);
  for (const entry of shot.overrides?.entries ?? []) entries.set(entry.key, entry);
  return entries;
}

function isKnownKey(key: string): key is PromptFileKey {
  return (PROMPT_FILE_KEYS as readonly string[]).includes(key);
}

/** Whether a value fits its key's kind (`null`, an empty `key:`, counts as not set and fits). */
function fits(kind: ValueKind, value: unknown): boolean {
  switch (kind) {
    case 'text':
      return typeof value === 'string' || typeof value === 'number';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'wholeNumber':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'trueOrFalse':
      return typeof value === 'boolean';
    case 'imagePaths':
      return typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
    case 'providerOptions':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

/** Reads one shot into a request, with every problem of its settings. */
export function shotRequest(file: ParsedPromptFile, shot: PromptShot, context: ShotContext): ShotRequest {
  const entries = effectiveEntries(file, shot);
  const problems: FileProblem[] = [];
  const values = new Map<PromptFileKey, unknown>();
  for (const block of [file.frontMatter, shot.overrides]) {
    for (const entry of block?.entries ?? []) {
      if (!isKnownKey(entry.key)) {
        problems.push({ code: 'unknownKey', range: entry.keyRange, params: { key: entry.key, known: [...PROMPT_FILE_KEYS] } });
      }
    }
  }
  for (const [key, entry] of entries) {
    if (!isKnownKey(key) || entry.value === null) continue;
    if (!fits(KEY_KINDS[key], entry.value)) {
      problems.push({ code: 'wrongType', range: entry.valueRange, params: { key, expected: KEY_KINDS[key] } });
      continue;
    }
    values.set(key, entry.value);
  }

  const result: ShotRequest = { shot, entries, variants: 1, problems };
  const text = (key: PromptFileKey): string | undefined => (values.has(key) ? String(values.get(key)).trim() : undefined);

  const variants = values.get('variants') as number | undefined;
  if (variants !== undefined) {
    if (variants < 1 || variants > MAX_VARIANTS) {
      problems.push({ code: 'variantsRange', range: rangeOf(entries, 'variants', shot), params: { value: variants, max: MAX_VARIANTS } });
    } else {
      result.variants = variants;
    }
  }

  const output = text('output');
  if (output !== undefined) {
    const checked = validateOutputDirectory(context.workspaceFolder ?? '', output);
    if (checked.ok) result.output = output;
    else problems.push({ code: 'outputInvalid', range: rangeOf(entries, 'output', shot), params: { reason: checked.reason, ...checked.params } });
  }

  const references: InputReferenceInput[] = [];
  const referenceValue = values.get('input_references') as string | string[] | undefined;
  if (referenceValue !== undefined) {
    const range = rangeOf(entries, 'input_references', shot);
    for (const ref of typeof referenceValue === 'string' ? [referenceValue] : referenceValue) {
      const image = imageInput(ref.trim(), range, context, problems);
      if (image) references.push(image);
    }
  }

  const frames: FrameImageInput[] = [];
  for (const frameType of ['first_frame', 'last_frame'] as const satisfies readonly FrameType[]) {
    const ref = text(frameType);
    if (ref === undefined) continue;
    const frame = frameInput(frameType, ref, rangeOf(entries, frameType, shot), context, problems);
    if (frame) frames.push(frame);
  }

  const modelId = text('model');
  if (modelId === undefined || modelId === '') {
    problems.push({ code: 'modelMissing', range: shot.headingRange ?? file.frontMatter?.range ?? rangeAtStart(shot) });
    return result;
  }
  const model = context.models.find((m) => m.id === modelId);
  if (!model) {
    problems.push({ code: 'modelUnknown', range: rangeOf(entries, 'model', shot), params: { model: modelId } });
    return result;
  }
  result.model = model;

  const request: VideoRequest = { model: model.id, prompt: shot.prompt };
  const duration = values.get('duration') as number | undefined;
  if (duration !== undefined) request.duration = duration;
  const resolution = text('resolution');
  if (resolution !== undefined) request.resolution = resolution;
  const aspectRatio = text('aspect_ratio');
  if (aspectRatio !== undefined) request.aspectRatio = aspectRatio;
  const size = text('size');
  if (size !== undefined) request.size = size;
  const audio = values.get('generate_audio') as boolean | undefined;
  if (audio !== undefined) request.generateAudio = audio;
  const seed = values.get('seed') as number | undefined;
  if (seed !== undefined) request.seed = seed;
  if (frames.length > 0) request.frames = frames;
  if (references.length > 0) request.inputReferences = references;
  const provider = values.get('provider') as Record<string, Record<string, unknown>> | undefined;
  // A copy: parsed values may be shared with later reads of the file (see YamlBlockCache).
  if (provider !== undefined) request.providerOptions = structuredClone(provider);
  const callbackUrl = text('callback_url');
  if (callbackUrl !== undefined) request.callbackUrl = callbackUrl;
  result.request = request;
  return result;
}

function frameInput(frameType: FrameType, ref: string, range: SourceRange, context: ShotContext, problems: FileProblem[]): FrameImageInput | undefined {
  const image = imageInput(ref, range, context, problems);
  return image ? { frameType, ...image } : undefined;
}

/** A frame or reference image named in the file: an https URL as it is, a workspace file with its size and type. */
function imageInput(ref: string, range: SourceRange, context: ShotContext, problems: FileProblem[]): InputReferenceInput | undefined {
  const resolved = resolveImageReference(ref, context.workspaceFolder);
  switch (resolved.kind) {
    case 'url':
      return { path: resolved.url };
    case 'outside':
      problems.push({ code: 'imageOutside', range, params: { path: ref } });
      return undefined;
    case 'noFolder':
      problems.push({ code: 'imageNoFolder', range, params: { path: ref } });
      return undefined;
    case 'file': {
      const size = context.imageSizes?.get(resolved.path);
      if (size === null) {
        problems.push({ code: 'imageMissing', range, params: { path: ref } });
        return undefined;
      }
      const image: InputReferenceInput = { path: resolved.path };
      if (size !== undefined) image.byteLength = size;
      const mime = imageMimeType(image);
      if (mime) image.mimeType = mime;
      return image;
    }
  }
}

/** The range of a key's value, else where the shot starts. */
export function rangeOf(entries: ReadonlyMap<string, PromptEntry>, key: string, shot: PromptShot): SourceRange {
  return entries.get(key)?.valueRange ?? shot.headingRange ?? rangeAtStart(shot);
}

function rangeAtStart(shot: PromptShot): SourceRange {
  return { start: shot.range.start, end: shot.range.start };
}

/**
 * The requests of a shot, one per variant. With a seed and several variants, each variant takes the next seed
 * (so they differ); without a seed the provider picks one per job.
 */
export function variantRequests(shot: ShotRequest): VideoRequest[] {
  if (!shot.request) return [];
  const base = shot.request;
  return Array.from({ length: shot.variants }, (_, i) => (i > 0 && base.seed !== undefined ? { ...base, seed: base.seed + i } : { ...base }));
}
