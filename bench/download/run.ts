/**
 * Responsiveness and memory during large downloads, in the real extension host: Generate Video against a fake
 * OpenRouter in a process of its own whose video is 300 MiB, then (a fresh host) 1 GiB, served over loopback as
 * fast as the extension takes it (the busiest the host can be). Budgets: event-loop delay p99 ≤ 20 ms and max ≤
 * 100 ms, RSS growth ≤ 96 MiB, at both sizes.
 *
 *   node out/bench/download/run.js [--sizes 300,1024]   (sizes in MiB)
 */
import * as path from 'node:path';
import { startFakeProcess } from '../../test/integration/fakeProcess';
import { BudgetReport, MiB, option, runBench } from '../lib/budgets';
import { buildProductionExtension, runHostSession } from '../lib/hostSession';
import type { DownloadPlan, DownloadResult } from './probe';

export const BUDGET = { delayP99Ms: 20, delayMaxMs: 100, rssGrowthMiB: 96 };

/** One host session that downloads one video of `bytes` (the probe runs inside the host). */
export async function downloadInHost(extensionDir: string, bytes: number): Promise<DownloadResult> {
  const fake = await startFakeProcess({ defaultScript: { statuses: ['completed'], body: { size: bytes } } });
  try {
    const plan: DownloadPlan = { baseUrl: fake.baseUrl, steps: [{ label: `${bytes / MiB} MiB`, bytes }] };
    const [result] = (await runHostSession({
      extensionDir,
      probe: path.join(__dirname, 'probe.js'),
      plan,
      // The poller's first look comes after a quarter second instead of 5 s (loopback base URLs only).
      env: { OPENROUTER_API_KEY: fake.apiKey, OPENROUTER_VIDEO_POLL_SCALE: '0.05' },
      settings: { 'openrouterVideo.apiBaseUrl': fake.baseUrl },
      timeoutMs: 15 * 60_000,
    })) as DownloadResult[];
    if (!result) throw new Error('the probe reported nothing');
    return result;
  } finally {
    await fake.close();
  }
}

async function main(): Promise<BudgetReport> {
  const sizes = option('sizes', '300,1024').split(',').map((s) => Number(s) * MiB);
  const report = new BudgetReport('download');
  const ext = buildProductionExtension();
  const results: DownloadResult[] = [];
  try {
    for (const bytes of sizes) {
      const r = await downloadInHost(ext.dir, bytes);
      results.push(r);
      const size = `${bytes / MiB} MiB`;
      if (r.error || !r.load || r.savedBytes !== bytes) {
        report.unmeasured(`download ${size}`, r.error ?? (r.load ? `saved ${r.savedBytes} of ${bytes} bytes` : 'no downloading state seen'));
        continue;
      }
      const speed = r.downloadMs ? `${(bytes / 1e6 / (r.downloadMs / 1000)).toFixed(0)} MB/s over ${(r.downloadMs / 1000).toFixed(1)} s` : '';
      report.atMost(`download ${size}: event-loop delay p99`, r.load.delayP99Ms, BUDGET.delayP99Ms, 'ms', speed);
      report.atMost(`download ${size}: event-loop delay max`, r.load.delayMaxMs, BUDGET.delayMaxMs, 'ms');
      report.atMost(`download ${size}: RSS growth`, r.load.rssGrowthMiB, BUDGET.rssGrowthMiB, 'MiB', `from ${r.load.rssBeforeMiB.toFixed(0)} MiB`);
    }
  } finally {
    ext.cleanup();
  }
  process.stdout.write(`(figures: ${report.save(results)})\n`);
  return report;
}

if (require.main === module) runBench(main);
