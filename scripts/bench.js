#!/usr/bin/env node
// `npm run bench [-- <name> [options]]`: the benchmarks in bench/ (compiled by tsc to out/bench/), not part
// of `npm test`. `npm run bench` builds and compiles first, then runs them all, one after the other, each in
// its own processes; `npm run bench -- download` runs one. Results are printed as Markdown tables and kept as
// JSON in bench/results/ (gitignored); BENCHMARKS.md reports them.
//
//   download    the extension's downloader vs curl -s -o vs the OpenRouter guide's arrayBuffer + writeFile
//               (and undici → fs pipeline), 64 MiB and 1 GiB from the fake OpenRouter on loopback
//               [--sizes 64,1024] [--runs64 7] [--runs1024 3] [--modes ext,ext-warm,curl,curl-sync,guide,pipeline]
//               [--baseline <compiled checkout>]
//   polling     200 concurrent jobs through the real JobPoller + client against the fake; 429 Retry-After
//               [--jobs 200] [--scenario AB]
//   activation  production bundle: plain Node with a stubbed vscode, and the real VS Code 1.100.3 extension
//               host (code-server + headless Chromium), a first and a later start each [--node-runs 21]
//               [--host-runs 9] [--no-host] [--no-startup] [--baseline <checkout>]
//   history     5,000 job records: JobStore.load and the Jobs tree [--records 5000] [--runs 11]
'use strict';

const cp = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..');
const BENCHES = ['history', 'activation', 'polling', 'download'];

function usage(code) {
  process.stderr.write(`Usage: node scripts/bench.js [${BENCHES.join('|')}] [options passed to that bench]\n`);
  process.exit(code);
}

function main() {
  const [first, ...rest] = process.argv.slice(2);
  if (first === '--help' || first === '-h') usage(0);
  const selected = first === undefined || first.startsWith('--') ? BENCHES : [first];
  const args = first === undefined || first.startsWith('--') ? process.argv.slice(2) : rest;
  for (const name of selected) {
    if (!BENCHES.includes(name)) usage(2);
    const script = path.join(REPO_ROOT, 'out', 'bench', name, 'run.js');
    if (!fs.existsSync(script)) {
      process.stderr.write(`${path.relative(REPO_ROOT, script)} is missing: run \`npm run compile\` (npm run bench does it).\n`);
      process.exit(1);
    }
  }
  if (selected.includes('download')) {
    for (const tool of ['/usr/bin/time', 'curl']) {
      const found = cp.spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
      if (!found) {
        process.stderr.write(`The download bench needs ${tool} (apt-get install -y ${tool === 'curl' ? 'curl' : 'time'}).\n`);
        process.exit(1);
      }
    }
  }
  let failed = 0;
  for (const name of selected) {
    process.stdout.write(`\n## ${name}\n\n`);
    const started = Date.now();
    // Benches that take options only get them when run alone.
    const result = cp.spawnSync(process.execPath, [path.join(REPO_ROOT, 'out', 'bench', name, 'run.js'), ...(selected.length === 1 ? args : [])], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    if (result.status !== 0) {
      failed++;
      process.stdout.write(`\n${name}: FAILED (exit ${result.status}) after ${seconds} s\n`);
    } else {
      process.stdout.write(`\n(${name}: ${seconds} s)\n`);
    }
  }
  process.exit(failed > 0 ? 1 : 0);
}

main();
