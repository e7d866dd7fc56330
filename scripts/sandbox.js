#!/usr/bin/env node
// `npm run sandbox`: try the extension by hand, offline and free. Starts the fake OpenRouter (jobs
// complete about 10 s after submit, with a clip from test/fake-openrouter/clips/ matching the request's
// aspect ratio, duration and audio) and code-server with this repository loaded as a development
// extension, user settings pointing at the fake and OPENROUTER_API_KEY set to the fake's key, in a
// temporary copy of test/fixtures/workspace. Prints the URL to open; Ctrl+C stops everything.
//
//   node scripts/sandbox.js [--port N] [--complete-after-ms N] [--workspace DIR]
//     --port N               code-server's port (default: a free one)
//     --complete-after-ms N  how long the fake's jobs take (default 10000)
//     --workspace DIR        open this folder instead of a temporary copy (it is not deleted)
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ensureTestHost } = require('./setup-test-host');
const { startCodeServer } = require('./codeServer');

const REPO_ROOT = path.resolve(__dirname, '..');
const FAKE_MODULE = path.join(REPO_ROOT, 'out', 'test', 'fake-openrouter', 'fakeOpenRouter.js');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = process.argv[i + 1];
  if (value === undefined) {
    process.stderr.write(`${name} needs a value\n`);
    process.exit(2);
  }
  return value;
}

async function main() {
  ensureTestHost();
  for (const [file, fix] of [[path.join(REPO_ROOT, 'dist', 'extension.js'), 'npm run build'], [FAKE_MODULE, 'npm run compile']]) {
    if (!fs.existsSync(file)) throw new Error(`${path.relative(REPO_ROOT, file)} is missing: run \`${fix}\` (npm run sandbox does both).`);
  }
  const completeAfterMs = Number(option('--complete-after-ms', '10000'));
  const port = option('--port') ? Number(option('--port')) : undefined;

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'orv-sandbox-'));
  const ownWorkspace = option('--workspace');
  const workspace = ownWorkspace ? path.resolve(ownWorkspace) : path.join(root, 'workspace');
  if (!ownWorkspace) fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });

  const { startFakeOpenRouter } = require(FAKE_MODULE);
  const fake = await startFakeOpenRouter({ defaultScript: { completeAfterMs }, sandboxClips: true });
  let server;
  let stopping = false;
  const stop = async (why, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${why}: stopping code-server and the fake OpenRouter…\n`);
    if (server) await server.stop();
    await fake.close().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stop('Ctrl+C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));

  server = await startCodeServer({
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    port,
    logFile: path.join(root, 'code-server.log'),
    env: { OPENROUTER_API_KEY: fake.apiKey, OPENROUTER_VIDEO_FAKE_URL: fake.baseUrl },
    settings: { 'openrouterVideo.apiBaseUrl': fake.baseUrl },
  });
  // Loaded through a symlink outside the repository, as in the e2e runner: the workbench previews the
  // colour themes found under an extension being developed, and .vscode-test/ holds code-server's.
  const extensionLink = path.join(root, 'extension');
  fs.symlinkSync(REPO_ROOT, extensionLink, 'dir');
  const url = server.workbenchUrl({ folder: workspace, extensionDevelopmentPath: extensionLink });

  process.stdout.write(
    [
      '',
      'OpenRouter Video sandbox (nothing leaves this machine; no real key or credits are used)',
      '',
      `  Fake OpenRouter   ${fake.baseUrl}  (jobs complete ~${Math.round(completeAfterMs / 1000)} s after submit)`,
      `  API key           ${fake.apiKey}  (OPENROUTER_API_KEY of the extension host)`,
      `  Workspace         ${workspace}`,
      `  Server log        ${path.join(root, 'code-server.log')}`,
      '',
      'Open this URL in a browser (Chromium: chromium --app="<url>"; from another machine, forward the port first):',
      '',
      `  ${url}`,
      '',
      'The extension loads from this repository (dist/extension.js): after `npm run build`, reload the window.',
      'Ctrl+C stops everything.',
      '',
    ].join('\n'),
  );
  // Stay up until a signal, or until code-server dies.
  const exited = await server.exited;
  if (!stopping) {
    process.stderr.write(`code-server exited (code ${exited.code}, signal ${exited.signal}):\n${server.output().slice(-2000)}\n`);
    await stop('code-server exited', 1);
  }
}

main().catch((e) => {
  process.stderr.write(`[sandbox] ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
