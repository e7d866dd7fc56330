/**
 * The `<video>.mp4.json` file saved next to each video: what was asked for, what it cost, how it went, and a
 * `rerun` object that the generate command accepts as its argument.
 *
 * Never holds secrets: no key, no Authorization header, no data: URLs (frames are referenced by path), no
 * query string or user info of the callback URL, no provider option whose name looks like a credential, and
 * every string passes through `redact`. No absolute paths of the user's machine either: the output is named by
 * file name only, and a frame or reference image by its path relative to the workspace folder (by file name when it lies
 * outside it), with "/" separators, as the generate command's argument takes it.
 */
import fs = require('node:fs');
import path = require('node:path');
import type { JobOutput, JobRecord } from '../jobs/jobRecord';
import { OpenRouterError } from '../api/errors';
import type { FrameImageInput, InputReferenceInput, VideoRequest } from '../api/videoRequest';
import { redact } from '../shared/redact';
import { diskError } from './fileNames';

export const SIDECAR_FORMAT = 'openrouter-video/sidecar';
export const SIDECAR_FORMAT_VERSION = 1;
export const SIDECAR_SUFFIX = '.json';

/** The request's settings a re-run takes over as they are. */
type RequestSettings = Pick<VideoRequest, 'prompt' | 'model' | 'duration' | 'resolution' | 'aspectRatio' | 'size' | 'generateAudio' | 'seed'>;

/** The generate command's argument, as far as a re-run needs it: the settings, and the frames by path. */
export interface RerunArgs extends RequestSettings {
  /** Path of the first-frame image (workspace path or URI string). */
  firstFrame?: string;
  lastFrame?: string;
  /** Paths of the reference images (workspace-relative, or URLs), in order. */
  inputReferences?: string[];
}

/** The request as a sidecar records it: frames by path only (never image data), the callback URL as origin and path. */
export type SidecarRequest = RequestSettings &
  Pick<VideoRequest, 'providerOptions' | 'callbackUrl' | 'previousJobId'> & {
    frames?: Pick<FrameImageInput, 'frameType' | 'path' | 'mimeType'>[];
    inputReferences?: Pick<InputReferenceInput, 'path' | 'mimeType'>[];
  };

export interface VideoSidecar {
  format: typeof SIDECAR_FORMAT;
  formatVersion: number;
  extensionVersion: string;
  job: { id?: string; generationId?: string; clientId: string };
  model: { id: string; name?: string };
  request: SidecarRequest;
  state: string;
  remoteStatus?: string;
  error?: string;
  history: { status: string; at: string; source?: 'local' | 'remote' }[];
  cost: { estimatedUsd?: number; actualUsd?: number; currency: 'USD' };
  output: { index: number; count: number; fileName?: string; bytes?: number; savedAt?: string };
  createdAt: string;
  submittedAt?: string;
  completedAt?: string;
  rerun: RerunArgs;
  /** The prompt file (workspace-relative) and shot the request came from, when it came from one. */
  source?: { promptFile: string; shot: number; shotName?: string; variant?: number };
}

const CREDENTIAL_NAME = /(secret|token|passw(or)?d|authori[sz]ation|api[-_]?key|^key$|bearer|cookie|signature)/i;
const DATA_URL_ANYWHERE = /data:[^\s"',;]*(;[^\s"',]*)?,[^\s"']*/gi;

/** Makes any string safe to write: keys, Authorization/bearer values and data: URLs removed. */
function clean(text: string): string {
  return redact(text).replace(DATA_URL_ANYWHERE, '[data URL omitted]');
}

/** Last segment of a path written on any system. */
function fileNameOf(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

/** A frame reference: a URL as it is, a local file relative to `root` (else its file name), never an inline image. */
function framePath(value: string, root: string | undefined): string {
  if (value.trim().toLowerCase().startsWith('data:')) return '[inline image omitted]';
  if (/^https?:\/\//i.test(value)) return clean(value);
  const absolute = path.isAbsolute(value) || path.win32.isAbsolute(value);
  if (!absolute) return clean(value.split(path.sep).join('/'));
  if (root !== undefined) {
    const rel = path.relative(root, value);
    if (rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel)) return clean(rel.split(path.sep).join('/'));
  }
  return clean(fileNameOf(value));
}

/** Deep copy with credential-like names dropped and every string cleaned. Functions and symbols vanish. */
function cleanValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return clean(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean' || value === null) return value;
  if (depth > 8) return undefined;
  if (Array.isArray(value)) return value.map((v) => cleanValue(v, depth + 1)).filter((v) => v !== undefined);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (CREDENTIAL_NAME.test(k)) continue;
      const cleaned = cleanValue(v, depth + 1);
      if (cleaned !== undefined) out[clean(k)] = cleaned;
    }
    return out;
  }
  return undefined;
}

/** Origin and path of a URL, without user info, query or fragment. */
function bareUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    return clean(`${u.origin}${u.pathname}`);
  } catch {
    return undefined;
  }
}

function iso(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  return Number.isFinite(date.getTime()) ? date.toISOString() : undefined;
}

function finite(n: number | undefined): number | undefined {
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

/** Drops keys whose value is undefined, so the JSON has no `null` placeholders and stays stable. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The request's settings a re-run takes over, cleaned. */
function requestSettings(request: VideoRequest): RequestSettings {
  return {
    prompt: request.prompt !== undefined ? clean(request.prompt) : undefined,
    model: clean(request.model),
    duration: finite(request.duration),
    resolution: request.resolution !== undefined ? clean(request.resolution) : undefined,
    aspectRatio: request.aspectRatio !== undefined ? clean(request.aspectRatio) : undefined,
    size: request.size !== undefined ? clean(request.size) : undefined,
    generateAudio: request.generateAudio,
    seed: finite(request.seed),
  };
}

/**
 * The generate command's argument that asks for `request` again (the sidecar's `rerun`): its settings, and its
 * frame and reference images by path relative to `workspaceRoot` (by file name when outside it). Pure.
 */
export function rerunArgsFor(request: VideoRequest, workspaceRoot?: string): RerunArgs {
  const frame = (type: FrameImageInput['frameType']) => {
    const found = request.frames?.find((f) => f.frameType === type);
    return found ? framePath(found.path, workspaceRoot) : undefined;
  };
  const references = (request.inputReferences ?? []).map((r) => framePath(r.path, workspaceRoot));
  return compact<RerunArgs>({
    ...requestSettings(request),
    firstFrame: frame('first_frame'),
    lastFrame: frame('last_frame'),
    inputReferences: references.length > 0 ? references : undefined,
  });
}

/**
 * The sidecar for one saved output of `record`; `workspaceRoot` is the folder frame paths are written relative
 * to. Pure: reads nothing, writes nothing.
 */
export function buildSidecar(record: JobRecord, output: JobOutput, extensionVersion: string, workspaceRoot?: string): VideoSidecar {
  const request = record.request;
  const frames = (request.frames ?? []).map((f) =>
    compact({ frameType: f.frameType, path: framePath(f.path, workspaceRoot), mimeType: f.mimeType !== undefined ? clean(f.mimeType) : undefined }),
  );
  const references = (request.inputReferences ?? []).map((r) =>
    compact({ path: framePath(r.path, workspaceRoot), mimeType: r.mimeType !== undefined ? clean(r.mimeType) : undefined }),
  );
  const providerOptions =
    request.providerOptions && Object.keys(request.providerOptions).length > 0
      ? (cleanValue(request.providerOptions) as Record<string, Record<string, unknown>>)
      : undefined;
  const shared = requestSettings(request);
  const model = shared.model;

  return compact<VideoSidecar>({
    format: SIDECAR_FORMAT,
    formatVersion: SIDECAR_FORMAT_VERSION,
    extensionVersion: clean(extensionVersion),
    job: compact({
      id: record.jobId !== undefined ? clean(record.jobId) : undefined,
      generationId: record.generationId !== undefined ? clean(record.generationId) : undefined,
      clientId: clean(record.clientId),
    }),
    model: compact({ id: model, name: record.modelName !== undefined ? clean(record.modelName) : undefined }),
    request: compact({
      ...shared,
      frames: frames.length > 0 ? frames : undefined,
      inputReferences: references.length > 0 ? references : undefined,
      providerOptions,
      callbackUrl: request.callbackUrl !== undefined ? bareUrl(request.callbackUrl) : undefined,
      previousJobId: request.previousJobId !== undefined ? clean(request.previousJobId) : undefined,
    }),
    state: record.state,
    remoteStatus: record.remoteStatus !== undefined ? clean(record.remoteStatus) : undefined,
    // The error as a technical line (kind, reason code and params): the sidecar is a file, not a sentence.
    error: record.error !== undefined ? clean(new OpenRouterError(record.error.kind, record.error.reason, record.error.params).message) : undefined,
    history: record.history.flatMap((entry): VideoSidecar['history'] => {
      const at = iso(entry.at);
      if (at === undefined) return [];
      // `source` (local state or OpenRouter's status) is kept when the record has it.
      const source = (entry as { source?: unknown }).source;
      return [compact({ status: clean(entry.status), at, source: source === 'local' || source === 'remote' ? source : undefined })];
    }),
    cost: compact({ estimatedUsd: finite(record.estimatedCostUsd), actualUsd: finite(record.costUsd), currency: 'USD' as const }),
    output: compact({
      index: output.index,
      count: Math.max(record.outputs.length, output.index + 1),
      fileName: output.file !== undefined ? clean(fileNameOf(output.file)) : undefined,
      bytes: finite(output.bytes),
      savedAt: iso(output.savedAt),
    }),
    createdAt: iso(record.createdAt) ?? new Date(0).toISOString(),
    submittedAt: iso(record.submittedAt),
    completedAt: iso(record.completedAt),
    rerun: rerunArgsFor(request, workspaceRoot),
    source:
      record.source !== undefined
        ? compact({
            promptFile: clean(record.source.promptFile),
            shot: record.source.shot,
            shotName: record.source.shotName !== undefined ? clean(record.source.shotName) : undefined,
            variant: finite(record.source.variant),
          })
        : undefined,
  });
}

/** `<video>.json` next to the video (`clip.mp4` → `clip.mp4.json`). */
export function sidecarPathFor(videoPath: string): string {
  return `${videoPath}${SIDECAR_SUFFIX}`;
}

/**
 * Writes the sidecar next to `videoPath` atomically (temporary file in the same folder, fsync, rename), replacing
 * an older sidecar of the same video. Resolves with its path; disk failures become an OpenRouterError `io`.
 */
export async function writeSidecar(videoPath: string, sidecar: object): Promise<string> {
  const target = sidecarPathFor(path.resolve(videoPath));
  const folder = path.dirname(target);
  const tmp = path.join(folder, `.${path.basename(target)}.${process.pid}.${Math.random().toString(16).slice(2, 10)}.tmp`);
  const text = `${JSON.stringify(sidecar, null, 2)}\n`;
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(tmp, 'wx');
    await handle.writeFile(text, 'utf8');
    await handle.sync().catch(() => undefined);
    await handle.close();
    handle = undefined;
    await fs.promises.rename(tmp, target);
    return target;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw diskError(error, { folder, file: target, action: 'writeSidecar' });
  }
}
