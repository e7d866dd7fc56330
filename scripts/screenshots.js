#!/usr/bin/env node
// `npm run screenshots`: (re)takes the README's screenshots in media/screenshots/ from the sandbox.
// Starts the fake OpenRouter serving its sandbox clips (test/fake-openrouter/clips/) and code-server
// with the extension installed from the files the .vsix would hold (not loaded for development, so the
// window title has no "[Extension Development Host]"), in a light theme at 1280x800, then drives a
// session in Chromium (test/e2e/readmeScreenshots.ts, with the e2e helpers). The gallery shot is taken
// when the extension contributes the openrouterVideo.gallery view, and skipped with the reason otherwise.
// Look at every image before committing it.
//
//   node scripts/screenshots.js [--only a.png,b.png] [--out DIR] [--keep]
//     --only   take these files only (the steps before them still run)
//     --out    write the images here instead of media/screenshots/
//     --keep   keep the temporary folder (workspace, code-server's logs)
'use strict';

const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ensureTestHost } = require('./setup-test-host');
const { startCodeServer } = require('./codeServer');

const REPO_ROOT = path.resolve(__dirname, '..');
const OUT = path.join(REPO_ROOT, 'out', 'test');
const FAKE_MODULE = path.join(OUT, 'fake-openrouter', 'fakeOpenRouter.js');
const SHOTS_MODULE = path.join(OUT, 'e2e', 'readmeScreenshots.js');
const WORKBENCH_MODULE = path.join(OUT, 'e2e', 'workbench.js');
const GALLERY_VIEW = 'openrouterVideo.gallery';

function option(name) {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) {
    process.stderr.write(`${name} needs a value\n`);
    process.exit(2);
  }
  return value;
}

/**
 * Copies the files `vsce ls` lists (what the .vsix would hold) into <extensionsDir>/<publisher>.<name>-<version>
 * and records it in extensions.json, as installing the .vsix does.
 */
function installExtension(extensionsDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const folder = `${manifest.publisher}.${manifest.name}-${manifest.version}`;
  const target = path.join(extensionsDir, folder);
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const files = cp
    .execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, file), path.join(target, file));
  }
  const entry = {
    identifier: { id: `${manifest.publisher}.${manifest.name}` },
    version: manifest.version,
    location: { $mid: 1, path: target, scheme: 'file' },
    relativeLocation: folder,
    metadata: { installedTimestamp: Date.now(), source: 'vsix' },
  };
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(path.join(extensionsDir, 'extensions.json'), JSON.stringify([entry]));
  const views = Object.values((manifest.contributes && manifest.contributes.views) || {}).flat();
  return { hasGallery: views.some((view) => view && view.id === GALLERY_VIEW) };
}

async function main() {
  ensureTestHost();
  for (const [file, fix] of [[path.join(REPO_ROOT, 'dist', 'extension.js'), 'npm run build'], [SHOTS_MODULE, 'npm run compile']]) {
    if (!fs.existsSync(file)) throw new Error(`${path.relative(REPO_ROOT, file)} is missing: run \`${fix}\` (npm run screenshots does both).`);
  }
  const outDir = path.resolve(option('--out') || path.join(REPO_ROOT, 'media', 'screenshots'));
  const only = (option('--only') || '').split(',').map((s) => s.trim()).filter(Boolean);
  const keep = process.argv.includes('--keep');

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'orv-screenshots-'));
  const workspace = path.join(root, 'workspace');
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  fs.mkdirSync(workspace, { recursive: true });
  fs.mkdirSync(outDir, { recursive: true });

  const { hasGallery } = installExtension(extensionsDir);
  const shots = require(SHOTS_MODULE);
  shots.prepareWorkspace(workspace);
  const { startFakeOpenRouter } = require(FAKE_MODULE);
  // Jobs take 8 s, long enough for the progress notification's picture.
  const fake = await startFakeOpenRouter({ sandboxClips: true, defaultScript: { completeAfterMs: 8000 } });
  let server;
  let ok = false;
  try {
    const { LIGHT_THEME } = require(WORKBENCH_MODULE);
    server = await startCodeServer({
      userDataDir,
      extensionsDir,
      logFile: path.join(root, 'code-server.log'),
      env: { OPENROUTER_API_KEY: fake.apiKey },
      // Above the storyboard's total, so no cost confirmation covers a shot.
      settings: { ...LIGHT_THEME, 'openrouterVideo.apiBaseUrl': fake.baseUrl, 'openrouterVideo.confirmAboveUsd': 5 },
    });
    const workbenchUrl = server.workbenchUrl({ folder: workspace });
    // What e2eEnvironment() reads, for the helpers the shots use.
    Object.assign(process.env, {
      OPENROUTER_VIDEO_WORKBENCH_URL: workbenchUrl,
      OPENROUTER_VIDEO_SERVER_URL: server.url,
      OPENROUTER_VIDEO_WORKSPACE: workspace,
      OPENROUTER_VIDEO_USER_DATA_DIR: userDataDir,
      OPENROUTER_VIDEO_FAKE_URL: fake.baseUrl,
      OPENROUTER_API_KEY: fake.apiKey,
      OPENROUTER_VIDEO_RESULTS_DIR: path.join(REPO_ROOT, 'test-results', 'screenshots'),
    });
    process.stdout.write(`Taking the README screenshots into ${path.relative(process.cwd(), outDir) || '.'} (the sandbox: ${workspace})\n`);
    const report = await shots.takeReadmeScreenshots({ workbenchUrl, workspace, outDir, hasGallery, only });
    for (const { file, reason } of report.skipped) process.stdout.write(`  skipped ${file}: ${reason}\n`);
    process.stdout.write(`${report.written.length} written, ${report.skipped.length} skipped. Look at each image before committing it.\n`);
    ok = true;
  } finally {
    if (server) await server.stop();
    await fake.close().catch(() => undefined);
    if (ok && !keep) fs.rmSync(root, { recursive: true, force: true });
    else process.stdout.write(`Kept ${root} (workspace, user-data/logs, code-server.log).\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`[screenshots] ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
