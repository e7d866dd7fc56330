/**
 * Scale of history: 5,000 realistic job records (records.ts). Each run is a fresh process (cold modules and
 * JIT; the file itself is in the page cache, as it is for a window reload).
 *
 *   node out/bench/history/run.js [--records 5000] [--runs 11]
 */
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fmt, machine, summarise, writeResult } from '../lib/stats';
import { makeRecords, storeText } from './records';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

interface Run {
  bytes: number;
  loaded: number;
  modulesMs: number;
  loadMs: number;
  readMs: number;
  parseMs: number;
  ctorMs: number;
  childrenMs: number;
  children2Ms: number;
  items50Ms: number;
  rows: number;
}

function main(): void {
  const n = Number(arg('records', '5000'));
  const runs = Number(arg('runs', '11'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orv-bench-history-'));
  try {
    const file = path.join(dir, 'jobs.json');
    fs.writeFileSync(file, storeText(makeRecords(n)));
    const worker = path.join(__dirname, 'worker.js');
    const results: Run[] = [];
    for (let i = 0; i < runs; i++) {
      const out = cp.execFileSync(process.execPath, [worker, file], { encoding: 'utf8' });
      const r = JSON.parse(out.trim().split('\n').pop()!) as Run;
      if (r.loaded !== n) throw new Error(`loaded ${r.loaded} of ${n} records`);
      results.push(r);
      process.stderr.write(`  #${i + 1} load ${r.loadMs.toFixed(1)} ms (read ${r.readMs.toFixed(1)}, parse ${r.parseMs.toFixed(1)}), getChildren ${r.childrenMs.toFixed(2)} ms\n`);
    }
    const s = (k: keyof Run) => summarise(results.map((r) => r[k]));
    const bytes = results[0]!.bytes;
    const text = [
      `${n} records, ${(bytes / 1024 / 1024).toFixed(2)} MiB on disk (${(bytes / n / 1024).toFixed(2)} KiB/record), ${runs} fresh processes`,
      '',
      '| | median (min–max) ms |',
      '|---|---|',
      `| JobStore.load via FileStorage (modules already loaded) | ${fmt(s('loadMs'), 1)} |`,
      `|   of which: read the file (measured again afterwards) | ${fmt(s('readMs'), 1)} |`,
      `|   of which: JSON.parse (measured again afterwards) | ${fmt(s('parseMs'), 1)} |`,
      `| loading jobStore + fileStorage modules | ${fmt(s('modulesMs'), 1)} |`,
      `| JobsTreeProvider constructor (badge, context keys) | ${fmt(s('ctorMs'), 2)} |`,
      `| getChildren() first call (sorts) | ${fmt(s('childrenMs'), 2)} |`,
      `| getChildren() again | ${fmt(s('children2Ms'), 2)} |`,
      `| getTreeItem() × 50 visible rows | ${fmt(s('items50Ms'), 2)} |`,
    ].join('\n');
    const resultFile = writeResult(`history-${n}`, { machine: machine(), records: n, bytes, runs: results });
    process.stdout.write(`${text}\n(raw: ${resultFile})\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
