/**
 * The probes' side of a host session (bench/lib/hostSession.ts): runs inside the real extension host. The plan
 * comes in the ORV_BENCH_PLAN environment variable; results go out as `BENCH_RESULT {json}` console lines.
 * Jobs are driven as a person or another extension would: `openrouterVideo.generate` with a full argument, and
 * watched through the extension's public API.
 */
import * as vscode from 'vscode';
import { EXTENSION_ID, RESULT_PREFIX } from './hostSession';

export function report(value: unknown): void {
  console.log(`${RESULT_PREFIX}${JSON.stringify(value)}`);
}

export function probePlan<T>(): T {
  return JSON.parse(process.env.ORV_BENCH_PLAN ?? '{}') as T;
}

/** What the probes read of a job record (the public API's JobRecord, structurally). */
export interface JobView {
  clientId: string;
  jobId?: string;
  state: string;
  remoteStatus?: string;
  history: { status: string; at: number; source?: string }[];
  outputs: { file?: string; bytes?: number }[];
}

export interface PublicApi {
  getJobs(): readonly JobView[];
  onDidChangeJobs(listener: (jobs: readonly JobView[]) => void): vscode.Disposable;
}

export function extension(): vscode.Extension<PublicApi> {
  const ext = vscode.extensions.getExtension<PublicApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded in this extension host`);
  return ext;
}

/** A request Generate Video takes without asking anything (prompt and model given, under the cost prompt). */
export function generateArgs(prompt: string): Record<string, unknown> {
  return { prompt, model: 'google/veo-3.1-lite', duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: false };
}

/** Runs Generate Video; resolves with OpenRouter's job id. */
export async function generate(prompt: string): Promise<string> {
  const id = await vscode.commands.executeCommand<unknown>('openrouterVideo.generate', generateArgs(prompt));
  if (typeof id !== 'string') throw new Error(`Generate Video resolved to ${String(id)}, not a job id`);
  return id;
}

export const SETTLED = new Set(['saved', 'downloadFailed', 'failed', 'cancelled', 'expired', 'stale', 'stopped', 'rejected', 'submitUnknown']);

/**
 * Calls `onChange(record)` for every change of the job `match` picks (first the record as it is now), until
 * `onChange` returns true or `timeoutMs` passes.
 */
export function followJob(api: PublicApi, match: (job: JobView) => boolean, onChange: (job: JobView) => boolean, timeoutMs: number): Promise<JobView> {
  return new Promise((resolve, reject) => {
    let done = false;
    let last: JobView | undefined;
    const check = (jobs: readonly JobView[]) => {
      const job = jobs.find(match);
      if (!job || done) return;
      last = job;
      if (onChange(job)) finish(() => resolve(job));
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms; the job is ${last?.state ?? 'not in getJobs()'}`))), timeoutMs);
    const subscription = api.onDidChangeJobs(check);
    const finish = (settle: () => void) => {
      done = true;
      clearTimeout(timer);
      subscription.dispose();
      settle();
    };
    check(api.getJobs());
  });
}
