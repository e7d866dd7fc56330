#!/usr/bin/env node
// `npm run bench [-- <name> [options]]`: the performance budgets of docs/performance.md, measured in the real
// VS Code extension host (code-server + headless Chromium, as the integration tier runs it) against the fake
// OpenRouter. Not part of `npm test`. `npm run bench` builds and compiles first, then runs every bench, each in
// its own process; `npm run bench -- link --rounds 5` runs one with its options. Each bench prints one
// PASS/FAIL line per budget and keeps its figures in bench/results/<name>.json (gitignored); the exit code is
// 1 when a budget fails.
//
//   activation  module load + activate() with nothing in flight ≤ 50 ms               [--runs 5]
//   polling     a job's completion noticed within one polling interval (5 s)
//   download    during a 300 MiB and a 1 GiB download: event-loop delay p99 ≤ 20 ms,
//               max ≤ 100 ms; RSS growth ≤ 96 MiB                                      [--sizes 300,1024]
//   link        over 12.5 MB/s and 125 MB/s links: ≥ 0.95 × curl's speed               [--rounds 3]
//   promptFiles a 100-shot storyboard: lenses and diagnostics ≤ 50 ms per update (p90)  [--updates 30]
//
// ORV_BENCH_EXTENSION=<folder> measures an extension folder built elsewhere instead of this checkout's
// production bundle.
'use strict';

const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..');
const BENCHES = ['activation', 'polling', 'download', 'link', 'promptFiles'];

function usage(code) {
  process.stderr.write(`Usage: node scripts/bench.js [${BENCHES.join('|')}] [options of that bench]\n`);
  process.exit(code);
}

function main() {
  const [first, ...rest] = process.argv.slice(2);
  if (first === '--help' || first === '-h') usage(0);
  const all = first === undefined;
  if (!all && !BENCHES.includes(first)) usage(2);
  const selected = all ? BENCHES : [first];
  for (const name of selected) {
    const script = path.join(REPO_ROOT, 'out', 'bench', name, 'run.js');
    if (!fs.existsSync(script)) {
      process.stderr.write(`${path.relative(REPO_ROOT, script)} is missing: run \`npm run compile\` (npm run bench does it).\n`);
      process.exit(1);
    }
  }
  if (selected.includes('link') && cp.spawnSync('sh', ['-c', 'command -v curl']).status !== 0) {
    process.stderr.write('The link bench compares with curl: apt-get install -y curl\n');
    process.exit(1);
  }
  const outcomes = [];
  for (const name of selected) {
    // The figures move with whatever else the machine runs: say how busy it is.
    process.stdout.write(`\n== ${name} (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)\n`);
    const started = Date.now();
    const result = cp.spawnSync(process.execPath, [path.join(REPO_ROOT, 'out', 'bench', name, 'run.js'), ...(all ? [] : rest)], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    const seconds = Math.round((Date.now() - started) / 1000);
    outcomes.push({ name, ok: result.status === 0, seconds });
  }
  process.stdout.write(`\n${outcomes.map((o) => `${o.ok ? 'PASS' : 'FAIL'}  ${o.name} (${o.seconds} s)`).join('\n')}\n`);
  process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
}

main();
