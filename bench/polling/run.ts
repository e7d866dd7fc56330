/**
 * A job's completion noticed within one polling interval, with the product's own timing (no test scaling):
 * `openrouterVideo.pollIntervalSeconds` is 5, the fake completes four jobs submitted together at different
 * moments (so they meet the poller at different points of its interval), and for each job the bench compares
 * when the extension recorded `completed` with when the fake began to answer it. Budget: the latest ≤ 5 s.
 *
 *   node out/bench/polling/run.js
 */
import * as path from 'node:path';
import { startFakeOpenRouter } from '../../test/fake-openrouter/fakeOpenRouter';
import { BudgetReport, runBench } from '../lib/budgets';
import { buildProductionExtension, runHostSession } from '../lib/hostSession';
import type { PollingPlan, PollingResult } from './probe';

const INTERVAL_S = 5;
/** When each job completes, after its submit. */
const COMPLETE_AFTER_MS = [7_000, 10_900, 14_600, 18_300];

async function main(): Promise<BudgetReport> {
  const report = new BudgetReport('polling');
  const ext = buildProductionExtension();
  const fake = await startFakeOpenRouter();
  const lags: { jobId: string; completeAfterMs: number; lagMs?: number; state: string }[] = [];
  try {
    for (const ms of COMPLETE_AFTER_MS) fake.queueScript({ completeAfterMs: ms });
    const plan: PollingPlan = { jobs: COMPLETE_AFTER_MS.length };
    const results = (await runHostSession({
      extensionDir: ext.dir,
      probe: path.join(__dirname, 'probe.js'),
      plan,
      env: { OPENROUTER_API_KEY: fake.apiKey },
      settings: { 'openrouterVideo.apiBaseUrl': fake.baseUrl, 'openrouterVideo.pollIntervalSeconds': INTERVAL_S },
    })) as PollingResult[];
    for (const r of results) {
      const job = fake.jobs.get(r.jobId);
      if (!job) throw new Error(`the fake has no job ${r.jobId}`);
      const completeAfterMs = job.script.completeAfterMs!;
      const lagMs = r.noticedAt === undefined ? undefined : r.noticedAt - (job.submittedAt + completeAfterMs);
      lags.push({ jobId: r.jobId, completeAfterMs, state: r.state, ...(lagMs === undefined ? {} : { lagMs }) });
      process.stdout.write(`  completed ${completeAfterMs} ms after submit: noticed ${lagMs === undefined ? 'never' : `${lagMs} ms later`} (${r.state})\n`);
    }
  } finally {
    await fake.close();
    ext.cleanup();
  }
  const missed = lags.find((l) => l.lagMs === undefined);
  if (missed || lags.length !== COMPLETE_AFTER_MS.length) {
    report.unmeasured('polling: completion noticed', missed ? `job ${missed.jobId} ended ${missed.state} without a recorded completion` : 'jobs missing');
  } else {
    const worst = Math.max(...lags.map((l) => l.lagMs!));
    report.atMost('polling: completion noticed after', worst / 1000, INTERVAL_S, 's', `latest of ${lags.length} jobs; interval setting ${INTERVAL_S} s`);
  }
  process.stdout.write(`(figures: ${report.save(lags)})\n`);
  return report;
}

if (require.main === module) runBench(main);
