/**
 * Reads the sidecar (`<video>.json`) beside a saved video, for the player: what was asked for, what it cost
 * and how it went. Lenient: a missing or unreadable sidecar, or a field of the wrong type, is left out
 * rather than failing (the player then shows what it has).
 */
import { readFile } from 'node:fs/promises';
import type { VideoRequest } from '../api/videoRequest';
import { sidecarPathFor, type RerunArgs, type VideoSidecar } from '../download/sidecar';

/** The sidecar's fields the player shows, each only when present and of the right type. */
export interface SidecarFacts extends Pick<VideoRequest, 'prompt' | 'duration' | 'resolution' | 'aspectRatio' | 'size' | 'generateAudio' | 'seed' | 'previousJobId'> {
  jobId?: string;
  clientId?: string;
  modelId?: string;
  modelName?: string;
  estimatedUsd?: number;
  actualUsd?: number;
  createdAt?: string;
  submittedAt?: string;
  completedAt?: string;
  /** The generate command's argument for Run Again. */
  rerun?: Partial<RerunArgs>;
  /** The prompt file (workspace-relative, `/` separators) and shot the video came from. */
  source?: SidecarSource;
}

export interface SidecarSource {
  promptFile: string;
  /** 0-based position of the shot in the file. */
  shot: number;
  shotName?: string;
}

/** The sidecar of `videoPath`, or undefined when there is none or it is not one of ours. */
export async function readSidecar(videoPath: string): Promise<SidecarFacts | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(sidecarPathFor(videoPath), 'utf8'));
  } catch {
    return undefined;
  }
  return sidecarFacts(parsed);
}

/** The facts of a parsed sidecar (any JSON value). */
export function sidecarFacts(value: unknown): SidecarFacts | undefined {
  if (!isObject(value) || value['format'] !== 'openrouter-video/sidecar') return undefined;
  const s = value as Partial<Record<keyof VideoSidecar, unknown>>;
  const job = isObject(s.job) ? s.job : {};
  const model = isObject(s.model) ? s.model : {};
  const request = isObject(s.request) ? s.request : {};
  const cost = isObject(s.cost) ? s.cost : {};
  const facts: SidecarFacts = {
    jobId: str(job['id']),
    clientId: str(job['clientId']),
    modelId: str(model['id']) ?? str(request['model']),
    modelName: str(model['name']),
    prompt: str(request['prompt']),
    duration: num(request['duration']),
    resolution: str(request['resolution']),
    aspectRatio: str(request['aspectRatio']),
    size: str(request['size']),
    generateAudio: typeof request['generateAudio'] === 'boolean' ? request['generateAudio'] : undefined,
    seed: num(request['seed']),
    previousJobId: str(request['previousJobId']),
    estimatedUsd: num(cost['estimatedUsd']),
    actualUsd: num(cost['actualUsd']),
    createdAt: str(s.createdAt),
    submittedAt: str(s.submittedAt),
    completedAt: str(s.completedAt),
    rerun: isObject(s.rerun) ? (s.rerun as Partial<RerunArgs>) : undefined,
    source: sourceOf(s.source),
  };
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)) as SidecarFacts;
}

function sourceOf(value: unknown): SidecarSource | undefined {
  if (!isObject(value)) return undefined;
  const promptFile = str(value['promptFile']);
  const shot = num(value['shot']);
  if (promptFile === undefined || shot === undefined || !Number.isInteger(shot) || shot < 0) return undefined;
  const shotName = str(value['shotName']);
  return shotName === undefined ? { promptFile, shot } : { promptFile, shot, shotName };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
