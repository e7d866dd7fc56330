/**
 * Runs inside the real extension host: submits `jobs` videos at once through Generate Video and reports, for
 * each, when the extension recorded OpenRouter's `completed` (the remote status in the job's history; the
 * runner knows when the fake started answering it).
 */
import { waitForQuietHost } from '../../test/integration/hostMeter';
import { extension, followJob, generate, probePlan, report } from '../lib/probe';

export interface PollingPlan {
  jobs: number;
}

export interface PollingResult {
  jobId: string;
  /** Date.now() of the host when the job's history first shows OpenRouter's `completed`. */
  noticedAt?: number;
  state: string;
}

export async function run(): Promise<void> {
  const { jobs } = probePlan<PollingPlan>();
  const api = await extension().activate();
  await waitForQuietHost();
  const ids: string[] = [];
  for (let i = 0; i < jobs; i++) ids.push(await generate(`bench: polling ${i + 1}`));
  for (const jobId of ids) {
    const job = await followJob(api, (j) => j.jobId === jobId, (j) => j.state === 'saved' || j.state === 'downloadFailed' || j.state === 'failed', 10 * 60_000);
    const seen = job.history.find((h) => h.source === 'remote' && h.status === 'completed');
    const result: PollingResult = { jobId, state: job.state, ...(seen ? { noticedAt: seen.at } : {}) };
    report(result);
  }
}
