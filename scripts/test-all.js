#!/usr/bin/env node
// `npm test`: every tier, in order — unit (plain Node mocha), integration (mocha inside a real VS
// Code extension host, code-server), e2e (the real workbench in Chromium). All tiers run even when
// one fails, so the summary is complete; the exit code is non-zero if any tier failed.
// (`npm test`'s pretest has already typechecked, linted, built dist/ and compiled out/.)
'use strict';

const cp = require('node:child_process');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..');

function header(title) {
  const line = '='.repeat(78);
  process.stdout.write(`\n${line}\n  ${title}\n${line}\n`);
}

/** Runs a command, streaming its output, and counts mocha's summary lines in it. */
function runTier(args) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = cp.spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let text = '';
    const relay = (stream) => (chunk) => {
      stream.write(chunk);
      text += chunk.toString('utf8');
      if (text.length > 1_000_000) text = text.slice(-500_000);
    };
    child.stdout.on('data', relay(process.stdout));
    child.stderr.on('data', relay(process.stderr));
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      const count = (re) => {
        let n;
        for (const m of text.matchAll(re)) n = Number(m[1]); // the last summary wins
        return n;
      };
      resolve({
        ok: code === 0,
        code: code === null ? `signal ${signal}` : code,
        seconds: (Date.now() - started) / 1000,
        passing: count(/^\s*(\d+) passing\b/gm),
        failing: count(/^\s*(\d+) failing\b/gm),
        pending: count(/^\s*(\d+) pending\b/gm),
      });
    });
  });
}

async function main() {
  const results = [];
  const mochaBin = require.resolve('mocha/bin/mocha.js', { paths: [REPO_ROOT] });

  header('Test host (code-server 4.100.3)');
  const setup = await runTier([path.join(__dirname, 'setup-test-host.js')]);
  if (!setup.ok) {
    process.stdout.write('The test host could not be set up: the integration and e2e tiers will fail (see above).\n');
  }

  const tiers = [
    { name: 'unit', title: 'Unit tests (plain Node, mocha --config .mocharc.json)', args: [mochaBin, '--config', '.mocharc.json'] },
    { name: 'integration', title: 'Integration tests (inside the VS Code extension host, code-server)', args: [path.join(__dirname, 'run-host-tests.js'), 'integration'] },
    { name: 'e2e', title: 'End-to-end tests (the workbench in Chromium)', args: [path.join(__dirname, 'run-host-tests.js'), 'e2e'] },
  ];
  for (const tier of tiers) {
    header(tier.title);
    if (tier.name !== 'unit' && !setup.ok) {
      results.push({ name: tier.name, ok: false, code: 'no test host', seconds: 0 });
      continue;
    }
    results.push({ name: tier.name, ...(await runTier(tier.args)) });
  }

  header('Summary');
  const rows = [['tier', 'result', 'passing', 'failing', 'pending', 'time']];
  for (const r of results) {
    rows.push([
      r.name,
      r.ok ? 'ok' : `FAILED (${r.code})`,
      r.passing === undefined ? '-' : String(r.passing),
      r.failing === undefined ? (r.ok ? '0' : '-') : String(r.failing),
      r.pending === undefined ? (r.ok ? '0' : '-') : String(r.pending),
      `${r.seconds.toFixed(1)} s`,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  rows.forEach((row, i) => {
    process.stdout.write(`  ${row.map((cell, j) => cell.padEnd(widths[j])).join('   ').trimEnd()}\n`);
    if (i === 0) process.stdout.write(`  ${widths.map((w) => '-'.repeat(w)).join('   ')}\n`);
  });
  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  process.stdout.write(failed.length ? `\n${failed.length} of ${results.length} tiers failed: ${failed.join(', ')}\n` : `\nAll ${results.length} tiers passed.\n`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
