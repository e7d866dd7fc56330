/**
 * Scale of history: 5,000 realistic job records (records.ts). Each run is a fresh process (cold modules and
 * JIT; the files themselves are in the page cache, as they are for a window reload).
 *
 * The store is first written as one file, the way a single-file store holds 5,000 jobs, then opened once by
 * this checkout's JobStore with an archive (the one-time move of old finished jobs), and measured from there.
 * With --baseline <checkout>, that checkout's worker (its JobStore) loads the single file in alternating runs.
 *
 *   node out/bench/history/run.js [--records 5000] [--runs 11] [--baseline <checkout>]
 */
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStorage } from '../../src/core/jobs/fileStorage';
import { JobStore } from '../../src/core/jobs/jobStore';
import { fmt, machine, summarise, writeResult } from '../lib/stats';
import { makeRecords, storeText } from './records';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

interface Run {
  bytes: number;
  archiveBytes?: number;
  loaded: number;
  total?: number;
  modulesMs: number;
  loadMs: number;
  archiveMs?: number;
  readMs: number;
  parseMs: number;
  ctorMs: number;
  childrenMs: number;
  children2Ms: number;
  items50Ms: number;
  itemsAllMs?: number;
  rows: number;
}

function runWorker(worker: string, args: string[]): Run {
  const out = cp.execFileSync(process.execPath, [worker, ...args], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as Run;
}

function table(title: string, results: Run[], n: number): string {
  const s = (k: keyof Run) => summarise(results.map((r) => Number(r[k] ?? NaN)));
  const r0 = results[0]!;
  const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
  return [
    `**${title}** — main file ${kib(r0.bytes)} (${r0.loaded} records)${r0.archiveBytes ? `, archive ${kib(r0.archiveBytes)}` : ''}; ${results.length} fresh processes`,
    '',
    '| | median (min–max) ms | target |',
    '|---|---|---|',
    `| JobStore.load via FileStorage (what activation waits for) | ${fmt(s('loadMs'), 1)} | ≤ 50 |`,
    ...(r0.archiveBytes ? [`| loadArchive(): the other ${(r0.total ?? n) - r0.loaded} records, when the Jobs view first draws | ${fmt(s('archiveMs'), 1)} | |`] : []),
    `|   read the main file (measured again afterwards) | ${fmt(s('readMs'), 1)} | |`,
    `|   JSON.parse of the main file (measured again afterwards) | ${fmt(s('parseMs'), 1)} | |`,
    `| loading the jobStore + fileStorage modules (unbundled) | ${fmt(s('modulesMs'), 1)} | |`,
    `| JobsTreeProvider constructor (badge, context keys) | ${fmt(s('ctorMs'), 2)} | |`,
    `| getChildren() over ${r0.rows} records, first call (sorts) | ${fmt(s('childrenMs'), 2)} | ≤ 20 |`,
    `| getChildren() again | ${fmt(s('children2Ms'), 2)} | |`,
    `| getTreeItem() × 50 visible rows | ${fmt(s('items50Ms'), 2)} | |`,
    ...(r0.itemsAllMs !== undefined ? [`| getTreeItem() × all ${r0.rows} rows (VS Code resolves every child it is given) | ${fmt(s('itemsAllMs'), 1)} | |`] : []),
  ].join('\n');
}

async function main(): Promise<void> {
  const n = Number(arg('records', '5000'));
  const runs = Number(arg('runs', '11'));
  const baseline = arg('baseline', '');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orv-bench-history-'));
  try {
    const single = path.join(dir, 'single.json');
    const text = storeText(makeRecords(n));
    fs.writeFileSync(single, text);
    // This checkout's layout: open the single file once with an archive, as the first start after an update does.
    const main = path.join(dir, 'jobs.json');
    const archive = path.join(dir, 'jobs-archive.json');
    fs.writeFileSync(main, text);
    const t = performance.now();
    const store = await JobStore.load(new FileStorage(main), undefined, undefined, { archive: new FileStorage(archive) });
    await store.flush();
    const migrateMs = performance.now() - t;
    await store.dispose();
    const hasArchive = fs.existsSync(archive);

    const worker = path.join(__dirname, 'worker.js');
    const baseWorker = baseline ? path.join(path.resolve(baseline), 'out', 'bench', 'history', 'worker.js') : '';
    if (baseWorker && !fs.existsSync(baseWorker)) throw new Error(`${baseWorker} is missing: compile the baseline checkout (npx tsc -p .)`);
    const results: Run[] = [];
    const baseResults: Run[] = [];
    const singleResults: Run[] = [];
    for (let i = 0; i < runs; i++) {
      const r = runWorker(worker, hasArchive ? [main, archive] : [main]);
      if ((r.total ?? r.loaded) !== n) throw new Error(`loaded ${r.total ?? r.loaded} of ${n} records`);
      results.push(r);
      // The same code on the single file: what the first start after the update pays, once.
      singleResults.push(runWorker(worker, [single]));
      if (baseWorker) baseResults.push(runWorker(baseWorker, [single]));
      process.stderr.write(
        `  #${i + 1} load ${r.loadMs.toFixed(1)} ms (+ archive ${(r.archiveMs ?? 0).toFixed(1)} ms), getChildren ${r.childrenMs.toFixed(2)} ms` +
          (baseWorker ? ` | baseline load ${baseResults[i]!.loadMs.toFixed(1)} ms` : '') +
          '\n',
      );
    }
    const sections = [table('this checkout', results, n)];
    sections.push(
      `Opening the ${(text.length / 1024 / 1024).toFixed(2)} MiB single file once with the archive (the first start after the update: read, move ${n - results[0]!.loaded} finished jobs, write both files): ${migrateMs.toFixed(0)} ms. ` +
        `JobStore.load of the single file in this checkout (before that move): ${fmt(summarise(singleResults.map((r) => r.loadMs)), 1)} ms.`,
    );
    if (baseWorker) {
      sections.push(table(`baseline (${baseline}), single file`, baseResults, n));
      const ratio = summarise(results.map((r, i) => r.loadMs / baseResults[i]!.loadMs));
      sections.push(`JobStore.load, this checkout ÷ baseline, per alternating pair: ×${fmt(ratio, 3)}.`);
    }
    const resultFile = writeResult(`history-${n}`, { machine: machine(), records: n, migrateMs, runs: results, single: singleResults, baseline: baseResults });
    process.stdout.write(`${sections.join('\n\n')}\n(raw: ${resultFile})\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
