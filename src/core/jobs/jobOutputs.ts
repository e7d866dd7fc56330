/** Pure helpers over a job's outputs (one entry per video, by index). */
import { OpenRouterError } from '../api/errors';
import { isSecureOrLoopback } from '../shared/loopback';
import type { JobOutput, JobRecord } from './jobRecord';
import type { JobPatch } from './jobStore';

/** The most videos saved for one job (every model makes one today); the rest of a longer list is left out. */
export const MAX_OUTPUTS = 8;

/** How many videos of the job are saved, and how many OpenRouter listed beyond `MAX_OUTPUTS`. */
export function outputCount(record: Pick<JobRecord, 'unsignedUrls'>): { count: number; skipped: number } {
  const listed = Math.max(record.unsignedUrls?.length ?? 0, 1);
  return { count: Math.min(listed, MAX_OUTPUTS), skipped: Math.max(0, listed - MAX_OUTPUTS) };
}

/**
 * Refuses a video link that is neither https nor plain http to this machine (the fake OpenRouter in tests): the
 * rule applies to the link OpenRouter gives; where that host redirects is the client's to follow.
 */
export function checkOutputUrl(url: string): void {
  if (isSecureOrLoopback(url)) return;
  let scheme = '?';
  let host = '?';
  try {
    ({ protocol: scheme, host } = new URL(url));
  } catch {
    // Not a URL: refused with what is known.
  }
  throw new OpenRouterError('insecure', 'outputUrlInsecure', { scheme: scheme.replace(/:$/, ''), host });
}

/** `outputs` with `output` in place of the entry of the same index, sorted by index. */
export function mergeOutputs(outputs: readonly JobOutput[], output: JobOutput): JobOutput[] {
  const rest = outputs.filter((o) => o.index !== output.index);
  return [...rest, output].sort((a, b) => a.index - b.index);
}

/** The patch that drops `unsynced` from output `index`, if it still names `file`. */
export function clearUnsynced(record: JobRecord, index: number, file: string): JobPatch | undefined {
  const output = record.outputs.find((o) => o.index === index);
  if (output?.unsynced !== true || output.file !== file) return undefined;
  const { unsynced: _unsynced, ...rest } = output;
  return { outputs: mergeOutputs(record.outputs, rest) };
}
