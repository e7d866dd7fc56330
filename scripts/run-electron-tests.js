#!/usr/bin/env node
// The integration suite (out/test/integration) under desktop VS Code, through @vscode/test-electron.
// It downloads VS Code from update.code.visualstudio.com, which machines without internet cannot
// reach: there it stops with a clear message, and `npm run test:integration` (code-server, offline)
// runs the same suite in the same VS Code version.
//
//   node scripts/run-electron-tests.js                 1.100.3 (engines.vscode minimum), then stable
//   node scripts/run-electron-tests.js --version 1.100.3
//   node scripts/run-electron-tests.js --version stable
//
// On a Linux machine without a display, run it under xvfb-run.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..');
const FAKE_MODULE = path.join(REPO_ROOT, 'out', 'test', 'fake-openrouter', 'fakeOpenRouter.js');
const TESTS = path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js');
const FIXTURE_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'workspace');
const MINIMUM = '1.100.3';

function say(message) {
  process.stdout.write(`[electron] ${message}\n`);
}

function versionsFromArgs() {
  const i = process.argv.indexOf('--version');
  if (i >= 0) {
    const v = process.argv[i + 1];
    if (!v) {
      process.stderr.write('--version needs a value (e.g. 1.100.3 or stable)\n');
      process.exit(2);
    }
    return [v];
  }
  return [MINIMUM, 'stable'];
}

let offlineHintShown = false;

async function runOne(version) {
  const { downloadAndUnzipVSCode, runTests } = require('@vscode/test-electron');
  let executable;
  try {
    executable = await downloadAndUnzipVSCode({ version, cachePath: path.join(REPO_ROOT, '.vscode-test'), timeout: 30_000 });
  } catch (e) {
    say(`Could not download VS Code ${version}: ${e && e.message ? e.message : e}`);
    if (!offlineHintShown) {
      offlineHintShown = true;
      say(
        '  @vscode/test-electron downloads VS Code from update.code.visualstudio.com, which this machine cannot reach\n' +
          '  (expected where only the npm registry and Debian mirrors are reachable). The same suite runs offline\n' +
          '  in VS Code 1.100.3 (code-server) with: npm run test:integration',
      );
    }
    return { version, ok: false, reason: 'download failed' };
  }

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'orv-electron-'));
  const workspace = path.join(root, 'workspace');
  const userDataDir = path.join(root, 'user-data');
  fs.cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });

  let fake;
  if (fs.existsSync(FAKE_MODULE)) {
    fake = await require(FAKE_MODULE).startFakeOpenRouter({});
  }
  const baseUrl = fake ? fake.baseUrl : 'http://127.0.0.1:9/api/v1';
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ 'openrouterVideo.apiBaseUrl': baseUrl, 'openrouterVideo.budget.dailyUsd': 100000, 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none' }, null, 2),
  );
  try {
    const code = await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: TESTS,
      extensionTestsEnv: {
        OPENROUTER_API_KEY: fake ? fake.apiKey : 'sk-or-v1-no-fake',
        OPENROUTER_VIDEO_FAKE_URL: baseUrl,
        OPENROUTER_VIDEO_TEST_TIER: 'electron',
      },
      launchArgs: [workspace, '--user-data-dir', userDataDir, '--extensions-dir', path.join(root, 'extensions'), '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
    return { version, ok: code === 0, reason: code === 0 ? '' : `exit code ${code}` };
  } catch (e) {
    say(`VS Code ${version}: ${e && e.message ? e.message : e}`);
    if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
      say('  (no display: on a headless Linux machine run it under xvfb-run -a)');
    }
    return { version, ok: false, reason: 'tests failed' };
  } finally {
    if (fake) await fake.close().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function main() {
  if (!fs.existsSync(TESTS)) {
    process.stderr.write(`[electron] ${path.relative(REPO_ROOT, TESTS)} is missing: run \`npm run compile\` first.\n`);
    process.exit(1);
  }
  const results = [];
  for (const version of versionsFromArgs()) {
    say(`VS Code ${version}`);
    results.push(await runOne(version));
  }
  for (const r of results) say(`${r.version}: ${r.ok ? 'passed' : `FAILED (${r.reason})`}`);
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}

main().catch((e) => {
  process.stderr.write(`[electron] ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
