/**
 * Runs inside the real extension host: for each step of the plan, Generate Video against the runner's fake
 * (which serves that job's video at the size and pace the runner scripted), then the time the extension took to
 * save it (the store's `downloading` → `saved`), the host's event-loop delay and RSS growth meanwhile, and,
 * when the step asks, curl's time for the same bytes over the same link right after.
 */
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { startHostMeter, waitForQuietHost, type HostLoad, type HostMeter } from '../../test/integration/hostMeter';
import { extension, followJob, generate, probePlan, report, SETTLED, type JobView } from '../lib/probe';

export interface DownloadStep {
  label: string;
  bytes: number;
  /** Also fetch the job's content with curl afterwards. */
  curl?: boolean;
}

export interface DownloadPlan {
  /** The fake's API base URL (for curl). */
  baseUrl: string;
  steps: DownloadStep[];
}

export interface DownloadResult {
  label: string;
  bytes: number;
  jobId: string;
  state: string;
  savedBytes?: number;
  /** `downloading` → `saved` in the job's history. */
  downloadMs?: number;
  /** When the job was recorded as saved (Date.now() of the host). */
  savedAt?: number;
  /** When the last byte was written into the file (its mtime, which the rename keeps). */
  lastWriteAt?: number;
  load?: HostLoad;
  curl?: { ms: number; bytes: number };
  error?: string;
}

const execFile = promisify(cp.execFile);

/** When the job's last download started and when it was saved, from its history. */
function downloadTimes(job: JobView): { downloadMs?: number; savedAt?: number } {
  const start = job.history.map((h) => h.status).lastIndexOf('downloading');
  const saved = job.history.findIndex((h, i) => i > start && h.status === 'saved');
  if (start < 0 || saved < 0) return {};
  return { downloadMs: job.history[saved]!.at - job.history[start]!.at, savedAt: job.history[saved]!.at };
}

async function curl(url: string, target: string): Promise<{ ms: number; bytes: number }> {
  const { stdout } = await execFile('curl', [
    '--silent', '--show-error', '--fail', '--noproxy', '*',
    '--header', `Authorization: Bearer ${process.env.OPENROUTER_API_KEY ?? ''}`,
    '--output', target,
    '--write-out', '%{size_download} %{time_total}',
    url,
  ]);
  const [bytes = NaN, seconds = NaN] = stdout.trim().split(' ').map(Number);
  await fs.promises.rm(target, { force: true });
  return { ms: seconds * 1000, bytes };
}

async function step(plan: DownloadPlan, s: DownloadStep): Promise<DownloadResult> {
  const api = await extension().activate();
  const known = new Set(api.getJobs().map((j) => j.clientId));
  let meter: HostMeter | undefined;
  let load: HostLoad | undefined;
  const settled = followJob(
    api,
    (job) => !known.has(job.clientId),
    (job) => {
      if (job.state === 'downloading') meter ??= startHostMeter();
      if (!SETTLED.has(job.state)) return false;
      load = meter?.stop();
      return true;
    },
    30 * 60_000,
  );
  const jobId = await generate(`bench: ${s.label}`);
  const job = await settled;
  const file = job.outputs[0]?.file;
  const result: DownloadResult = { label: s.label, bytes: s.bytes, jobId, state: job.state };
  if (job.state !== 'saved' || !file) return { ...result, error: `the job ended ${job.state}` };
  const stat = await fs.promises.stat(file);
  result.savedBytes = stat.size;
  result.lastWriteAt = stat.mtimeMs;
  Object.assign(result, downloadTimes(job));
  if (load) result.load = load;
  // The next step starts from the same disk usage.
  await Promise.all([fs.promises.rm(file, { force: true }), fs.promises.rm(`${file}.json`, { force: true })]);
  if (s.curl) result.curl = await curl(`${plan.baseUrl}/videos/${jobId}/content?index=0`, path.join(path.dirname(file), 'curl.mp4'));
  return result;
}

export async function run(): Promise<void> {
  const plan = probePlan<DownloadPlan>();
  if (!vscode.workspace.workspaceFolders?.length) throw new Error('the bench opens a workspace folder');
  await extension().activate();
  const settledMs = await waitForQuietHost();
  for (const s of plan.steps) report({ ...(await step(plan, s)), settledMs });
}
