/**
 * The gallery's entries: one per saved video of the job store, with what the gallery shows of it (prompt,
 * model, cost, date, where it came from). The record comes first; the sidecar fills what the record lacks.
 * Pure: the host reads the files (size, mtime, sidecar) and passes them in.
 */
import path = require('node:path');
import type { JobRecord, JobSource } from '../jobs/jobRecord';
import type { SidecarFacts } from '../media/readSidecar';

/** What the host read of one saved video on disk. */
export interface SavedFileFacts {
  size: number;
  mtimeMs: number;
  sidecar?: SidecarFacts;
}

export interface GalleryEntry {
  /** Stable id of this video: the job's client id and the output's index. */
  id: string;
  clientId: string;
  /** Absolute path of the saved video. */
  file: string;
  size: number;
  mtimeMs: number;
  prompt?: string;
  modelId?: string;
  modelName?: string;
  /** The reported cost, or the estimate while there is none (`costEstimated`). */
  costUsd?: number;
  costEstimated: boolean;
  /** When the video was saved (ms since the epoch). */
  at: number;
  /** The prompt file and shot it came from. */
  source?: Pick<JobSource, 'promptFile' | 'shot' | 'shotName'>;
}

/**
 * Every saved video of `records` that is still on disk (`facts` knows it), newest first. A record holds one
 * entry per saved output; files `facts` does not know (moved or deleted) are left out.
 */
export function galleryEntries(records: readonly JobRecord[], facts: (file: string) => SavedFileFacts | undefined): GalleryEntry[] {
  const entries: GalleryEntry[] = [];
  for (const record of records) {
    for (const output of record.outputs) {
      if (output.file === undefined) continue;
      const file = path.resolve(output.file);
      const known = facts(file);
      if (!known) continue;
      entries.push(entryOf(record, output.index, output.savedAt, file, known));
    }
  }
  return entries.sort(newestFirst);
}

function entryOf(record: JobRecord, index: number, savedAt: number | undefined, file: string, known: SavedFileFacts): GalleryEntry {
  const s = known.sidecar;
  const actual = record.costUsd ?? s?.actualUsd;
  const estimate = record.estimatedCostUsd ?? s?.estimatedUsd;
  const entry: GalleryEntry = {
    id: `${record.clientId}#${index}`,
    clientId: record.clientId,
    file,
    size: known.size,
    mtimeMs: known.mtimeMs,
    costEstimated: actual === undefined && estimate !== undefined,
    at: savedAt ?? record.completedAt ?? time(s?.completedAt) ?? known.mtimeMs,
  };
  const prompt = record.request.prompt ?? s?.prompt;
  if (prompt !== undefined && prompt.trim() !== '') entry.prompt = prompt;
  const modelId = record.request.model || s?.modelId;
  if (modelId) entry.modelId = modelId;
  const modelName = record.modelName ?? s?.modelName;
  if (modelName) entry.modelName = modelName;
  const cost = actual ?? estimate;
  if (cost !== undefined) entry.costUsd = cost;
  const source = record.source ?? s?.source;
  if (source) entry.source = source.shotName === undefined ? { promptFile: source.promptFile, shot: source.shot } : { promptFile: source.promptFile, shot: source.shot, shotName: source.shotName };
  return entry;
}

/** Newest first; the id breaks ties so the order is stable. */
export function newestFirst(a: Pick<GalleryEntry, 'at' | 'id'>, b: Pick<GalleryEntry, 'at' | 'id'>): number {
  return b.at - a.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function time(iso: string | undefined): number | undefined {
  const ms = iso === undefined ? NaN : Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}
