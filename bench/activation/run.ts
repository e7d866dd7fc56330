/**
 * Activation with nothing in flight, in the real extension host: a fresh window (empty job store, signed in
 * through OPENROUTER_API_KEY, a fake OpenRouter behind the API URL) and the production bundle. The figure is
 * VS Code's own: loading dist/extension.js plus activate() until its promise settles. Budget: the median of
 * the runs ≤ 50 ms.
 *
 *   node out/bench/activation/run.js [--runs 9]
 */
import * as path from 'node:path';
import { startFakeOpenRouter } from '../../test/fake-openrouter/fakeOpenRouter';
import { BudgetReport, median, option, runBench } from '../lib/budgets';
import { buildProductionExtension, runHostSession } from '../lib/hostSession';
import type { ActivationPlan, ActivationResult } from './probe';

const BUDGET_MS = 50;

async function main(): Promise<BudgetReport> {
  const runs = Number(option('runs', '9'));
  const report = new BudgetReport('activation');
  const ext = buildProductionExtension();
  const fake = await startFakeOpenRouter();
  const results: ActivationResult[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const plan: ActivationPlan = { waitMs: 30_000 };
      const [r] = (await runHostSession({
        extensionDir: ext.dir,
        probe: path.join(__dirname, 'probe.js'),
        plan,
        env: { OPENROUTER_API_KEY: fake.apiKey },
        settings: { 'openrouterVideo.apiBaseUrl': fake.baseUrl },
      })) as ActivationResult[];
      if (!r) throw new Error('the probe reported nothing');
      results.push(r);
      process.stdout.write(`  run ${i + 1}: load ${r.loadMs.toFixed(1)} ms + activate() ${r.activateMs.toFixed(1)} ms (activated by ${r.activatedBy})\n`);
    }
  } finally {
    await fake.close();
    ext.cleanup();
  }
  const totals = results.map((r) => r.totalMs);
  const by = [...new Set(results.map((r) => r.activatedBy))].join(', ');
  const parts = `load ${median(results.map((r) => r.loadMs)).toFixed(0)} + activate() ${median(results.map((r) => r.activateMs)).toFixed(0)} ms`;
  report.atMost('activation: module load + activate()', median(totals), BUDGET_MS, 'ms', `median of ${runs} (${parts}), ${Math.min(...totals).toFixed(0)}–${Math.max(...totals).toFixed(0)} ms; activated by ${by}`);
  process.stdout.write(`(figures: ${report.save(results)})\n`);
  return report;
}

if (require.main === module) runBench(main);
