/** Pure helpers over a job's outputs (one entry per video, by index). */
import type { JobOutput, JobRecord } from './jobRecord';
import type { JobPatch } from './jobStore';

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
