// Starts and stops code-server (VS Code 1.100.3's server + web workbench) for the test runners,
// the sandbox and benchmarks. Needs `node scripts/setup-test-host.js` to have run.
//
//   const server = await startCodeServer({ userDataDir, extensionsDir, env, settings });
//   server.url                       http://127.0.0.1:<port>
//   server.workbenchUrl({ folder, extensionDevelopmentPath, extensionTestsPath })
//   await server.stop()              kills the whole process group (server, extension host, watchers)
'use strict';

const cp = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { paths, isInstalled } = require('./setup-test-host');

/** Settings that keep a test workbench quiet and offline; callers' settings win. */
const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'window.confirmBeforeClose': 'never',
  // A remote window otherwise looks for new listening ports (every fake a test starts is one) and offers to
  // forward them. With code-server's tunnel provider, only the 'output' source stops the scan of /proc that
  // spawns `ls` and `ps` from the extension host's thread over and over.
  'remote.autoForwardPorts': false,
  'remote.autoForwardPortsSource': 'output',
};

const live = new Set();
let exitHookInstalled = false;

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort: whatever happens to the caller, leave no code-server behind.
  process.on('exit', () => {
    for (const s of live) killGroup(s.pid, 'SIGKILL');
  });
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function httpGet(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * The workbench URL that opens `folder` with a development extension (and, optionally, its tests).
 * Paths are absolute paths on this machine; code-server serves them as vscode-remote:// URIs.
 */
function buildWorkbenchUrl(baseUrl, { folder, extensionDevelopmentPath, extensionTestsPath, payload = [] } = {}) {
  const authority = new URL(baseUrl).host;
  const remote = (p) => `vscode-remote://${authority}${path.resolve(p)}`;
  const entries = [];
  if (extensionDevelopmentPath) entries.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) entries.push(['extensionTestsPath', remote(extensionTestsPath)]);
  entries.push(['skipWelcome', 'true'], ...payload);
  const query = [];
  if (folder) query.push(`folder=${encodeURIComponent(path.resolve(folder))}`);
  query.push(`payload=${encodeURIComponent(JSON.stringify(entries))}`);
  return `${baseUrl}/?${query.join('&')}`;
}

/**
 * Starts code-server and resolves once it answers /healthz.
 * @param {object} options
 * @param {string} options.userDataDir      created if missing; settings go to <it>/User/settings.json
 * @param {string} [options.extensionsDir]  defaults to <userDataDir>/extensions
 * @param {Record<string,string>} [options.env]       added to this process's environment (reaches the extension host)
 * @param {Record<string,unknown>} [options.settings] user settings, merged over DEFAULT_SETTINGS
 * @param {number} [options.port]           default: a free port
 * @param {string[]} [options.args]         extra code-server arguments
 * @param {boolean} [options.workspaceTrust] default false (adds --disable-workspace-trust)
 * @param {string} [options.logFile]        also append the server's output to this file
 * @param {boolean} [options.echo]          also echo the server's output to stderr (or env OPENROUTER_VIDEO_TEST_VERBOSE=1)
 * @param {number} [options.startTimeoutMs] default 60000
 */
async function startCodeServer(options) {
  const {
    userDataDir,
    extensionsDir = path.join(options.userDataDir, 'extensions'),
    env = {},
    settings = {},
    args = [],
    workspaceTrust = false,
    logFile,
    echo = process.env.OPENROUTER_VIDEO_TEST_VERBOSE === '1',
    startTimeoutMs = 60000,
  } = options;
  if (!userDataDir) throw new Error('startCodeServer: userDataDir is required');
  if (!isInstalled()) {
    throw new Error('The test host is not installed: run `npm run setup:test-host` (node scripts/setup-test-host.js) first.');
  }
  const { entry } = paths();

  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...(workspaceTrust ? {} : { 'security.workspace.trust.enabled': false }), ...settings }, null, 2) + '\n');
  // Its own config file, so code-server never reads or writes ~/.config/code-server/config.yaml.
  const configFile = path.join(userDataDir, 'code-server.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');

  const port = options.port || (await freePort());
  const argv = [
    entry,
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    ...args,
  ];

  installExitHook();
  const child = cp.spawn(process.execPath, argv, {
    detached: true, // its own process group, so stop() reaches the extension host and watchers too
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = {
    pid: child.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    userDataDir,
    extensionsDir,
    process: child,
    output: () => tail.join(''),
    workbenchUrl: (opts) => buildWorkbenchUrl(server.url, opts),
    stop: () => stop(server),
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  live.add(server);

  const tail = [];
  let tailLength = 0;
  const logStream = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
  const onData = (chunk) => {
    const text = chunk.toString('utf8');
    tail.push(text);
    tailLength += text.length;
    while (tailLength > 64 * 1024 && tail.length > 1) tailLength -= tail.shift().length;
    if (logStream) logStream.write(text);
    if (echo) process.stderr.write(text.replace(/^/gm, '[code-server] '));
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.once('exit', () => logStream && logStream.end());

  let exitedEarly;
  server.exited.then((r) => (exitedEarly = r));
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exitedEarly) {
      live.delete(server);
      throw new Error(`code-server exited during startup (code ${exitedEarly.code}, signal ${exitedEarly.signal}):\n${server.output().slice(-4000)}`);
    }
    try {
      const res = await httpGet(`${server.url}/healthz`, 2000);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop(server);
      throw new Error(`code-server did not answer on ${server.url} within ${startTimeoutMs / 1000} s:\n${server.output().slice(-4000)}`);
    }
    await sleep(150);
  }
  return server;
}

/** SIGTERM to the process group, then SIGKILL after 5 s; resolves when no process of the group is left. */
async function stop(server) {
  if (!live.has(server)) return;
  live.delete(server);
  killGroup(server.pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (groupAlive(server.pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(server.pid)) {
    killGroup(server.pid, 'SIGKILL');
    while (groupAlive(server.pid)) await sleep(50);
  }
}

/** Synchronous SIGKILL of every server this process started (for signal handlers). */
function stopAllSync() {
  for (const s of live) killGroup(s.pid, 'SIGKILL');
  live.clear();
}

module.exports = { startCodeServer, buildWorkbenchUrl, freePort, stopAllSync, DEFAULT_SETTINGS };
