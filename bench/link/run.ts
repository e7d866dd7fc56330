/**
 * Link speed: over a throttled loopback link of 12.5 MB/s and of 125 MB/s (100 Mbit/s and 1 Gbit/s: the fake
 * paces the video at that rate), the extension in the real host saves a video at least 0.95 × as fast as curl
 * fetches the same bytes over the same link. Rounds alternate: the extension's download, then curl's of the
 * same job, both from the host. The extension's time runs from its content request reaching the fake to the
 * job recorded as saved; curl's is its own total. The medians are compared. There is no target on unthrottled
 * loopback, where no user's link is. The fake runs in its own process (one per link), so the link's pacing does
 * not share a thread with the workbench's driver.
 *
 *   node out/bench/link/run.js [--rounds 3]
 */
import * as path from 'node:path';
import { startFakeProcess } from '../../test/integration/fakeProcess';
import type { DownloadPlan, DownloadResult, DownloadStep } from '../download/probe';
import { BudgetReport, median, option, runBench } from '../lib/budgets';
import { buildProductionExtension, runHostSession } from '../lib/hostSession';

/** Each link's video takes about 4 s to cross it. */
const LINKS = [
  { name: '12.5 MB/s', bytesPerSecond: 12.5e6, bytes: 50e6 },
  { name: '125 MB/s', bytesPerSecond: 125e6, bytes: 500e6 },
];
const RATIO = 0.95;

async function main(): Promise<BudgetReport> {
  const rounds = Number(option('rounds', '3'));
  const report = new BudgetReport('link');
  const ext = buildProductionExtension();
  const results: (DownloadResult & { requestToSavedMs?: number })[] = [];
  try {
    for (const link of LINKS) {
      const fake = await startFakeProcess({ defaultScript: { statuses: ['completed'], body: { size: link.bytes }, bytesPerSecond: link.bytesPerSecond } });
      try {
        const steps: DownloadStep[] = Array.from({ length: rounds }, () => ({ label: link.name, bytes: link.bytes, curl: true }));
        const plan: DownloadPlan = { baseUrl: fake.baseUrl, steps };
        const ran = (await runHostSession({
          extensionDir: ext.dir,
          probe: path.join(__dirname, '..', 'download', 'probe.js'),
          plan,
          env: { OPENROUTER_API_KEY: fake.apiKey, OPENROUTER_VIDEO_POLL_SCALE: '0.05' },
          settings: { 'openrouterVideo.apiBaseUrl': fake.baseUrl },
          timeoutMs: 15 * 60_000,
          onResult: (r) => {
            const d = r as DownloadResult;
            process.stdout.write(`  ${d.label}: extension ${d.downloadMs ?? '?'} ms from downloading to saved, curl ${d.curl?.ms.toFixed(0) ?? '?'} ms${d.error ? ` (${d.error})` : ''}\n`);
          },
        })) as DownloadResult[];
        // From the extension's content request reaching the fake (the first of the job's two) to the video saved.
        const requests = await fake.requests();
        for (const r of ran) {
          const request = requests.find((q) => q.path.endsWith(`/videos/${r.jobId}/content`));
          results.push(request && r.savedAt !== undefined ? { ...r, requestToSavedMs: r.savedAt - request.at } : r);
        }
      } finally {
        await fake.close();
      }
    }
  } finally {
    ext.cleanup();
  }
  for (const link of LINKS) {
    const runs = results.filter((r) => r.label === link.name);
    const bad = runs.find((r) => r.error || r.savedBytes !== link.bytes || r.requestToSavedMs === undefined || r.curl?.bytes !== link.bytes);
    if (bad || runs.length === 0) {
      report.unmeasured(`link ${link.name}`, bad?.error ?? 'a download did not complete intact');
      continue;
    }
    const ours = median(runs.map((r) => link.bytes / r.requestToSavedMs! / 1000));
    const curls = median(runs.map((r) => link.bytes / r.curl!.ms / 1000));
    // What follows the last byte (the rename, the store's writes) shows apart, so a miss says where it is.
    const tail = median(runs.map((r) => (r.savedAt ?? NaN) - (r.lastWriteAt ?? NaN)));
    report.atLeast(`link ${link.name}: extension ÷ curl`, ours / curls, RATIO, '×', `${ours.toFixed(1)} vs ${curls.toFixed(1)} MB/s, medians of ${runs.length}; saved ${tail.toFixed(0)} ms after the last byte was written`);
  }
  process.stdout.write(`(figures: ${report.save(results)})\n`);
  return report;
}

if (require.main === module) runBench(main);
