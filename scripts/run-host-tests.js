#!/usr/bin/env node
// Runs the extension's host-level test tiers against a real VS Code 1.100.3 (code-server), offline.
//
//   node scripts/run-host-tests.js integration
//     code-server + the fake OpenRouter; Chromium opens the workbench with
//     extensionDevelopmentPath=<repo> and extensionTestsPath=out/test/integration/index.js, so the
//     mocha suite runs inside the real extension host. Its output arrives through codeAutomationLog
//     and is printed here; the exit code is the suite's.
//   node scripts/run-host-tests.js e2e
//     code-server + the fake OpenRouter; then mocha (plain Node) runs out/test/e2e/**/*.test.js, which
//     drive the workbench in Chromium (test/e2e/workbench.ts) at the URL given in the environment.
//
// Needs `npm run compile` and `npm run build` first (npm test's pretest does both).
// Environment: OPENROUTER_VIDEO_TEST_VERBOSE=1 echoes code-server's and the browser's logs;
// OPENROUTER_VIDEO_HOST_TIMEOUT_MS overrides the overall timeout (default 10 min);
// OPENROUTER_VIDEO_TEST_GREP filters tests by title; OPENROUTER_VIDEO_KEEP_TEMP=1 keeps the temp folder.
'use strict';

const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ensureTestHost, CHROMIUM } = require('./setup-test-host');
const { startCodeServer, stopAllSync } = require('./codeServer');

const REPO_ROOT = path.resolve(__dirname, '..');
/** The extension under test: this repository, unless OPENROUTER_VIDEO_EXTENSION_PATH names another copy. */
const EXTENSION_PATH = path.resolve(process.env.OPENROUTER_VIDEO_EXTENSION_PATH || REPO_ROOT);
const OUT = path.join(REPO_ROOT, 'out');
const FIXTURE_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'workspace');
const FAKE_MODULE = path.join(OUT, 'test', 'fake-openrouter', 'fakeOpenRouter.js');
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
/** Where the extension points when no fake is available: a closed loopback port, never the real API. */
const NOWHERE = 'http://127.0.0.1:9/api/v1';

/** Chromium's flags, shared with test/e2e/workbench.ts. */
const CHROMIUM_ARGS = require('./chromium.json').args;

const verbose = process.env.OPENROUTER_VIDEO_TEST_VERBOSE === '1';

function say(message) {
  process.stdout.write(`[${tierName}] ${message}\n`);
}

let tierName = 'host-tests';

function usage() {
  process.stderr.write('Usage: node scripts/run-host-tests.js <integration|e2e>\n');
  process.exit(2);
}

function requireBuilt() {
  const missing = [];
  const mainFile = path.join(EXTENSION_PATH, JSON.parse(fs.readFileSync(path.join(EXTENSION_PATH, 'package.json'), 'utf8')).main || 'dist/extension.js');
  if (!fs.existsSync(mainFile)) missing.push(`${path.relative(REPO_ROOT, mainFile)} (run \`npm run build\`)`);
  const entry = tierName === 'integration' ? path.join(OUT, 'test', 'integration', 'index.js') : path.join(OUT, 'test', 'e2e');
  if (!fs.existsSync(entry)) missing.push(`${path.relative(REPO_ROOT, entry)} (run \`npm run compile\`)`);
  if (missing.length) {
    throw new Error(`Not built yet: ${missing.join(', ')}. \`npm test\` builds both in its pretest step.`);
  }
}

/** A fresh temporary copy of test/fixtures/workspace plus folders for code-server's state. */
function makeTempDirs() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `orv-${tierName}-`));
  const workspace = path.join(root, 'workspace');
  fs.cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
  return { root, workspace, userDataDir: path.join(root, 'user-data'), extensionsDir: path.join(root, 'extensions') };
}

/** The fake OpenRouter, in this process. Tests that script it start their own (see test/README.md). */
async function startFake(options) {
  if (!fs.existsSync(FAKE_MODULE)) {
    say(`warning: ${path.relative(REPO_ROOT, FAKE_MODULE)} is missing; the extension is pointed at ${NOWHERE} (nothing listens there).`);
    return { baseUrl: NOWHERE, apiKey: 'sk-or-v1-no-fake', close: async () => undefined };
  }
  const { startFakeOpenRouter } = require(FAKE_MODULE);
  return startFakeOpenRouter(options);
}

function launchChromium() {
  const { chromium } = require('playwright-core');
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium).`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

function withTimeout(promise, ms, onTimeout) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The integration tier: the suite runs inside the extension host; we relay its log and exit code. */
async function runIntegration(ctx, deadlineMs) {
  const testsPath = path.join(OUT, 'test', 'integration', 'index.js');
  const url = ctx.server.workbenchUrl({
    folder: ctx.dirs.workspace,
    extensionDevelopmentPath: EXTENSION_PATH,
    extensionTestsPath: testsPath,
  });
  if (verbose) say(`workbench: ${url}`);

  ctx.browser = await launchChromium();
  const page = await ctx.browser.newPage();
  const transcript = [];
  let resolveExit;
  const exited = new Promise((resolve) => (resolveExit = resolve));

  // The workbench calls these (ConsoleLogInAutomationLogger / the host service) in automation mode.
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = Array.isArray(args) ? args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') : String(args);
    transcript.push(text);
    if (relayed(type, text)) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
  page.on('pageerror', (err) => verbose && say(`page error: ${err.message}`));
  page.on('console', (msg) => verbose && say(`browser console (${msg.type()}): ${msg.text()}`));
  page.on('crash', () => resolveExit({ crashed: true }));

  await page.goto(url);
  const result = await withTimeout(exited, deadlineMs - Date.now(), () => ({ timedOut: true }));
  if (typeof result === 'object' && result.timedOut) {
    throw new Error(
      `The integration tests did not finish within ${Math.round((deadlineMs - ctx.started) / 1000)} s ` +
        `(OPENROUTER_VIDEO_HOST_TIMEOUT_MS). Last lines they logged:\n${transcript.filter((t) => !isNoise(t)).slice(-20).join('\n') || '(nothing)'}\n` +
        'Run again with OPENROUTER_VIDEO_TEST_VERBOSE=1 to see the workbench and server logs.',
    );
  }
  if (typeof result === 'object' && result.crashed) throw new Error('The Chromium page running the workbench crashed.');
  if (result !== 0 && !transcript.some((l) => /\d+ (passing|failing)/.test(l))) {
    say('the extension host reported a failure before mocha printed a summary (the error is above; code-server.log in the kept folder has more).');
  }
  return result;
}

/**
 * The workbench's own start-up chatter and the offline gallery's errors, which also arrive through
 * codeAutomationLog. Everything else is printed: the extension host's console (the mocha report,
 * the tests' own console.log) and any other workbench message, which may explain a failure.
 */
const WORKBENCH_NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket \(/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
  /^\[(driver|lifecycle)\]/,
  /open-vsx\.org|marketplace\.visualstudio\.com|vsda/i,
];

function isNoise(text) {
  return WORKBENCH_NOISE.some((re) => re.test(text));
}

function relayed(_type, text) {
  return verbose || !isNoise(text);
}

/** The e2e tier: mocha in plain Node over out/test/e2e, the tests drive Chromium themselves. */
async function runE2e(ctx, deadlineMs) {
  // The extension is loaded through a symlink outside the repository: the workbench previews the
  // colour themes found under an extension being developed, and the repository holds code-server's
  // built-in themes (.vscode-test/), so loading <repo> itself forces "Light+" whatever the
  // workbench.colorTheme setting says.
  const extensionLink = path.join(ctx.dirs.root, 'extension');
  fs.symlinkSync(EXTENSION_PATH, extensionLink, 'dir');
  const workbenchUrl = ctx.server.workbenchUrl({ folder: ctx.dirs.workspace, extensionDevelopmentPath: extensionLink });
  const results = path.join(REPO_ROOT, 'test-results', 'e2e');
  fs.mkdirSync(results, { recursive: true });
  const mochaBin = require.resolve('mocha/bin/mocha.js', { paths: [REPO_ROOT] });
  const args = [
    mochaBin,
    '--no-config',
    '--ui', 'bdd',
    '--reporter', 'spec',
    '--timeout', process.env.OPENROUTER_VIDEO_TEST_TIMEOUT_MS || '60000',
    '--exit',
    ...(process.env.OPENROUTER_VIDEO_TEST_GREP ? ['--grep', process.env.OPENROUTER_VIDEO_TEST_GREP] : []),
    'out/test/e2e/**/*.test.js',
  ];
  const env = {
    ...process.env,
    OPENROUTER_VIDEO_WORKBENCH_URL: workbenchUrl,
    OPENROUTER_VIDEO_SERVER_URL: ctx.server.url,
    OPENROUTER_VIDEO_WORKSPACE: ctx.dirs.workspace,
    OPENROUTER_VIDEO_USER_DATA_DIR: ctx.dirs.userDataDir,
    OPENROUTER_VIDEO_FAKE_URL: ctx.fake.baseUrl,
    OPENROUTER_API_KEY: ctx.fake.apiKey,
    OPENROUTER_VIDEO_EXTENSION_DEV_PATH: extensionLink,
    OPENROUTER_VIDEO_RESULTS_DIR: results,
  };
  if (verbose) say(`workbench: ${workbenchUrl}`);
  const child = cp.spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: 'inherit', detached: true });
  ctx.child = child;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code === null ? `signal ${signal}` : code)));
  const result = await withTimeout(exited, deadlineMs - Date.now(), () => ({ timedOut: true }));
  if (typeof result === 'object' && result.timedOut) {
    throw new Error(`The e2e tests did not finish within ${Math.round((deadlineMs - ctx.started) / 1000)} s (OPENROUTER_VIDEO_HOST_TIMEOUT_MS).`);
  }
  ctx.child = undefined;
  return typeof result === 'number' ? result : 1;
}

async function cleanup(ctx, failed) {
  if (ctx.child && ctx.child.exitCode === null) {
    try {
      process.kill(-ctx.child.pid, 'SIGKILL'); // mocha and the Chromium it launched
    } catch {
      // already gone
    }
  }
  if (ctx.browser) await ctx.browser.close().catch(() => undefined);
  if (ctx.server) await ctx.server.stop();
  if (ctx.fake) await ctx.fake.close().catch(() => undefined);
  if (ctx.dirs) {
    if (failed || process.env.OPENROUTER_VIDEO_KEEP_TEMP === '1') {
      say(`kept ${ctx.dirs.root} (workspace, user data, server log in code-server.log)`);
    } else {
      fs.rmSync(ctx.dirs.root, { recursive: true, force: true });
    }
  }
}

async function main() {
  const tier = process.argv[2];
  if (tier !== 'integration' && tier !== 'e2e') usage();
  tierName = tier;
  const timeoutMs = Number(process.env.OPENROUTER_VIDEO_HOST_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS;
  const ctx = { started: Date.now() };
  const deadlineMs = ctx.started + timeoutMs;
  let code;

  // Ctrl+C or a kill: leave no server, browser or fake behind.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      say(`${signal}: stopping`);
      stopAllSync();
      if (ctx.child && ctx.child.pid) {
        try {
          process.kill(-ctx.child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      if (ctx.dirs && process.env.OPENROUTER_VIDEO_KEEP_TEMP !== '1') {
        try {
          fs.rmSync(ctx.dirs.root, { recursive: true, force: true });
        } catch {
          // a dying process may still hold a file; the OS temp cleaner gets the rest
        }
      }
      process.exit(130);
    });
  }

  try {
    ensureTestHost();
    requireBuilt();
    ctx.dirs = makeTempDirs();
    ctx.fake = await startFake({});
    ctx.server = await startCodeServer({
      userDataDir: ctx.dirs.userDataDir,
      extensionsDir: ctx.dirs.extensionsDir,
      logFile: path.join(ctx.dirs.root, 'code-server.log'),
      env: {
        OPENROUTER_API_KEY: ctx.fake.apiKey,
        OPENROUTER_VIDEO_FAKE_URL: ctx.fake.baseUrl,
        OPENROUTER_VIDEO_TEST_TIER: tier,
        // Integration tests poll the in-host fakes 20x faster (src/composition.ts; loopback base URL only).
        ...(tier === 'integration' ? { OPENROUTER_VIDEO_POLL_SCALE: process.env.OPENROUTER_VIDEO_POLL_SCALE || '0.05' } : {}),
        ...(process.env.OPENROUTER_VIDEO_TEST_GREP ? { OPENROUTER_VIDEO_TEST_GREP: process.env.OPENROUTER_VIDEO_TEST_GREP } : {}),
      },
      // The suites submit hundreds of fake jobs a run: a daily budget far above them (the budget suite sets its own).
      settings: { 'openrouterVideo.apiBaseUrl': ctx.fake.baseUrl, 'openrouterVideo.budget.dailyUsd': 100000 },
    });
    say(`code-server ${ctx.server.url} up after ${((Date.now() - ctx.started) / 1000).toFixed(1)} s; fake OpenRouter ${ctx.fake.baseUrl}`);
    code = tier === 'integration' ? await runIntegration(ctx, deadlineMs) : await runE2e(ctx, deadlineMs);
  } catch (e) {
    process.stderr.write(`[${tierName}] ${e && e.message ? e.message : e}\n`);
    code = 1;
  }
  await cleanup(ctx, code !== 0);
  say(`${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - ctx.started) / 1000).toFixed(1)} s`);
  process.exit(code);
}

main();
