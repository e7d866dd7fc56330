#!/usr/bin/env node
// Installs the offline test host: code-server 4.100.3 (VS Code 1.100.3's server build, from the npm
// registry) into .vscode-test/code-server-4.100.3/ (test/README.md says why and how).
//
//   node scripts/setup-test-host.js          install if needed (a marker file makes a re-run instant)
//   node scripts/setup-test-host.js --force  reinstall from scratch
//
// Also usable as a module: `ensureTestHost()` returns the paths the runners need.
'use strict';

const cp = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const CODE_SERVER_VERSION = '4.100.3';
const VSCODE_VERSION = '1.100.3';
const REPO_ROOT = path.resolve(__dirname, '..');
const CACHE_ROOT = path.join(REPO_ROOT, '.vscode-test');
const INSTALL_DIR = path.join(CACHE_ROOT, `code-server-${CODE_SERVER_VERSION}`);
const MARKER = path.join(INSTALL_DIR, '.setup-complete.json');
const LOCK = path.join(CACHE_ROOT, `code-server-${CODE_SERVER_VERSION}.lock`);
const CODE_SERVER_DIR = path.join(INSTALL_DIR, 'node_modules', 'code-server');
const ENTRY = path.join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');
const VSCODE_DIR = path.join(CODE_SERVER_DIR, 'lib', 'vscode');
const CHROMIUM = '/usr/bin/chromium';

// Native modules of VS Code's server whose install scripts must run (`npm rebuild`). Listed in
// lib/vscode/package.json's `allowScripts` so npm 11's install-script policy runs them without a
// warning (and still runs them where strict-allow-scripts is on). @vscode/ripgrep's postinstall
// would download rg from GitHub; we copy Debian's rg in instead, so its script is denied.
const VSCODE_NATIVE = {
  kerberos: true,
  'native-watchdog': true,
  'node-pty': true,
  '@parcel/watcher': true,
  '@vscode/spdlog': true,
  '@vscode/deviceid': true,
  '@vscode/windows-registry': true,
  '@vscode/windows-process-tree': true,
  '@vscode/ripgrep': false,
};

// What must exist after the build, relative to lib/vscode/node_modules (and argon2 in the cache folder).
const NATIVE_MODULES_TO_LOAD = ['node-pty', '@vscode/spdlog', 'kerberos', 'native-watchdog', '@parcel/watcher'];

function log(message) {
  process.stdout.write(`[setup-test-host] ${message}\n`);
}

function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** The Debian packages (and why) that this machine lacks; empty when all is present. */
function missingSystemPackages({ forInstall }) {
  const missing = [];
  if (!fs.existsSync(CHROMIUM)) {
    missing.push({ pkg: 'chromium', why: `${CHROMIUM} not found (the browser the tests drive)` });
  }
  if (forInstall) {
    if (!which('rg')) {
      missing.push({ pkg: 'ripgrep', why: 'rg not on PATH (VS Code search; its npm package would download it from GitHub)' });
    }
    const gssapiHeader = ['/usr/include/gssapi/gssapi.h', '/usr/include/gssapi.h'].some((p) => fs.existsSync(p));
    if (!which('krb5-config') && !gssapiHeader) {
      missing.push({ pkg: 'libkrb5-dev', why: 'krb5-config / gssapi headers not found (needed to build the kerberos native module)' });
    }
    for (const [cmd, pkg] of [['python3', 'python3'], ['make', 'make'], ['g++', 'g++']]) {
      if (!which(cmd)) missing.push({ pkg, why: `${cmd} not on PATH (node-gyp builds native modules)` });
    }
  }
  return missing;
}

/**
 * On a fresh machine where we run as root with apt-get (a container, a CI box), install what is
 * missing instead of stopping; elsewhere (or with OPENROUTER_VIDEO_NO_APT=1) name it and stop.
 * Returns what is still missing afterwards.
 */
function installMissingWithApt(missing, options) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!missing.length || !root || !which('apt-get') || process.env.OPENROUTER_VIDEO_NO_APT === '1') return missing;
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  log(`Installing missing Debian packages: ${pkgs.join(' ')} (set OPENROUTER_VIDEO_NO_APT=1 to skip)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', ...pkgs]]) {
    const r = cp.spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) return missing;
  }
  return missingSystemPackages(options);
}

function failMissing(missing) {
  const lines = ['The test host needs Debian packages that are not installed:'];
  for (const m of missing) lines.push(`  - ${m.pkg}: ${m.why}`);
  const sudo = typeof process.getuid === 'function' && process.getuid() === 0 ? '' : 'sudo ';
  lines.push('Install them with:');
  lines.push(`  ${sudo}apt-get update && ${sudo}apt-get install -y ${[...new Set(missing.map((m) => m.pkg))].join(' ')}`);
  const err = new Error(lines.join('\n'));
  err.code = 'MISSING_SYSTEM_PACKAGES';
  return err;
}

function readMarker() {
  try {
    return JSON.parse(fs.readFileSync(MARKER, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The installation is usable by this Node (native modules are built against its ABI). */
function isInstalled() {
  const m = readMarker();
  return Boolean(
    m && m.codeServer === CODE_SERVER_VERSION && m.nodeAbi === process.versions.modules && m.arch === process.arch && fs.existsSync(ENTRY),
  );
}

/**
 * node-gyp downloads Node's headers from nodejs.org unless told where they are; offline that fails.
 * Debian/NodeSource packages (and the official tarball) ship them under <prefix>/include/node.
 */
function nodeHeadersDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
}

function npmEnv() {
  const env = {
    ...process.env,
    npm_config_yes: 'true', // node-pty's scripts run `npx node-gyp`, which otherwise stops to ask
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_progress: 'false',
  };
  // Respect an explicit nodedir (environment or .npmrc); otherwise point node-gyp at local headers.
  if (!env.npm_config_nodedir && !npmrcHasNodedir()) {
    const dir = nodeHeadersDir();
    if (dir) env.npm_config_nodedir = dir;
  }
  return env;
}

function npmrcHasNodedir() {
  const home = process.env.HOME || '';
  for (const file of [path.join(home, '.npmrc'), path.join(REPO_ROOT, '.npmrc')]) {
    try {
      if (/^\s*nodedir\s*=/m.test(fs.readFileSync(file, 'utf8'))) return true;
    } catch {
      // no such file
    }
  }
  return false;
}

function run(step, cmd, args, cwd, env) {
  const started = Date.now();
  log(`${step}: ${cmd} ${args.join(' ')}  (in ${path.relative(REPO_ROOT, cwd) || '.'})`);
  const res = cp.spawnSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (res.error || res.status !== 0) {
    const output = `${res.stdout || ''}${res.stderr || ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(
      `${step} failed after ${seconds} s (${res.error ? res.error.message : `exit code ${res.status}`}): ${cmd} ${args.join(' ')}\n` +
        `--- last lines of its output ---\n${output}`,
    );
  }
  log(`  done in ${seconds} s`);
  return res;
}

function writeJson(file, value) {
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function acquireLock() {
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(LOCK, { force: true });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(LOCK, 'utf8'));
      if (holder !== process.pid && pidAlive(holder)) {
        throw new Error(`Another setup (pid ${holder}) is installing the test host right now; wait for it, then run again. (Lock: ${LOCK})`, { cause: e });
      }
      fs.rmSync(LOCK, { force: true }); // stale lock from a killed run
    }
  }
  throw new Error(`Could not take the lock ${LOCK}`);
}

function install({ force }) {
  const missing = installMissingWithApt(missingSystemPackages({ forInstall: true }), { forInstall: true });
  if (missing.length) throw failMissing(missing);

  const release = acquireLock();
  const started = Date.now();
  try {
    if (!force && isInstalled()) return; // another process finished while we waited
    log(`installing code-server ${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}) into ${path.relative(REPO_ROOT, INSTALL_DIR)}/`);
    // A folder without the marker is a partial install: start over rather than patch it.
    fs.rmSync(INSTALL_DIR, { recursive: true, force: true });
    fs.mkdirSync(INSTALL_DIR, { recursive: true });
    // Its own package.json makes this folder the npm project (npm would otherwise walk up to the repo's).
    writeJson(path.join(INSTALL_DIR, 'package.json'), {
      name: 'openrouter-video-test-host',
      private: true,
      description: 'Offline VS Code test host (code-server). Installed by scripts/setup-test-host.js; not part of the extension.',
      dependencies: { 'code-server': CODE_SERVER_VERSION },
      allowScripts: { argon2: true, 'code-server': false },
    });
    const env = npmEnv();
    if (env.npm_config_nodedir) log(`node-gyp will use the Node headers under ${env.npm_config_nodedir}/include/node`);

    run('1/7 install code-server', 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], INSTALL_DIR, env);

    const vscodePkgFile = path.join(VSCODE_DIR, 'package.json');
    const vscodePkg = JSON.parse(fs.readFileSync(vscodePkgFile, 'utf8'));
    vscodePkg.allowScripts = { ...(vscodePkg.allowScripts || {}), ...VSCODE_NATIVE };
    writeJson(vscodePkgFile, vscodePkg);
    run('2/7 install VS Code server dependencies', 'npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], VSCODE_DIR, env);

    log('3/7 copy Debian rg into @vscode/ripgrep (its install script would download it)');
    const rgDir = path.join(VSCODE_DIR, 'node_modules', '@vscode', 'ripgrep', 'bin');
    fs.mkdirSync(rgDir, { recursive: true });
    fs.copyFileSync(which('rg'), path.join(rgDir, 'rg'));
    fs.chmodSync(path.join(rgDir, 'rg'), 0o755);

    run('4/7 build VS Code native modules', 'npm', ['rebuild'], VSCODE_DIR, env);

    log('5/7 link node_modules.asar -> node_modules');
    const asar = path.join(VSCODE_DIR, 'node_modules.asar');
    fs.rmSync(asar, { force: true });
    fs.symlinkSync('node_modules', asar);

    run('6/7 build argon2', 'npm', ['rebuild', 'argon2'], INSTALL_DIR, env);

    verify(env);

    writeJson(MARKER, {
      codeServer: CODE_SERVER_VERSION,
      vscode: VSCODE_VERSION,
      nodeAbi: process.versions.modules,
      node: process.version,
      arch: process.arch,
      installedAt: new Date().toISOString(),
      seconds: Math.round((Date.now() - started) / 1000),
    });
    log(`test host ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    release();
  }
}

function verify(env) {
  log('7/7 verify: native modules load and code-server reports its version');
  const probe = [
    "const { createRequire } = require('node:module');",
    `const r = createRequire(${JSON.stringify(path.join(VSCODE_DIR, 'package.json'))});`,
    `for (const m of ${JSON.stringify(NATIVE_MODULES_TO_LOAD)}) { try { r(m); } catch (e) { console.error(m + ': ' + e.message); process.exitCode = 1; } }`,
    `try { createRequire(${JSON.stringify(path.join(INSTALL_DIR, 'package.json'))})('argon2'); } catch (e) { console.error('argon2: ' + e.message); process.exitCode = 1; }`,
  ].join('\n');
  const loaded = cp.spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env });
  if (loaded.status !== 0) {
    throw new Error(
      'Native modules of the test host did not build (npm may have skipped their install scripts):\n' +
        `${loaded.stderr.trim()}\nRun again with --force; if it persists, check \`npm config get ignore-scripts\` and npm's allowScripts policy.`,
    );
  }
  // A throwaway config file, so code-server does not write ~/.config/code-server/config.yaml.
  const config = path.join(INSTALL_DIR, 'code-server-config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  const version = cp.spawnSync(process.execPath, [ENTRY, '--config', config, '--version'], { encoding: 'utf8', env });
  const out = `${version.stdout || ''}`.trim();
  if (version.status !== 0 || !out.includes(`with Code ${VSCODE_VERSION}`)) {
    throw new Error(`code-server --version did not report Code ${VSCODE_VERSION}:\n${out}\n${version.stderr || ''}`);
  }
  log(`  ${out.split('\n').pop()}`);
}

/**
 * Makes sure the test host is installed (installing it when needed) and returns its paths.
 * Throws an Error with a readable message (missing Debian packages, failed step) otherwise.
 */
function ensureTestHost({ force = false } = {}) {
  if (!force && isInstalled()) {
    const missing = installMissingWithApt(missingSystemPackages({ forInstall: false }), { forInstall: false });
    if (missing.length) throw failMissing(missing);
    return paths();
  }
  install({ force });
  return paths();
}

function paths() {
  return {
    installDir: INSTALL_DIR,
    entry: ENTRY,
    chromium: CHROMIUM,
    codeServerVersion: CODE_SERVER_VERSION,
    vscodeVersion: VSCODE_VERSION,
  };
}

module.exports = { ensureTestHost, isInstalled, paths, CODE_SERVER_VERSION, VSCODE_VERSION, CHROMIUM, REPO_ROOT };

if (require.main === module) {
  const started = Date.now();
  try {
    const force = process.argv.includes('--force');
    const already = !force && isInstalled();
    const p = ensureTestHost({ force });
    if (already) {
      log(`code-server ${CODE_SERVER_VERSION} already set up in ${path.relative(REPO_ROOT, p.installDir)}/ (${Date.now() - started} ms; --force reinstalls)`);
    }
  } catch (e) {
    process.stderr.write(`[setup-test-host] ${e && e.message ? e.message : e}\n`);
    process.exit(1);
  }
}
