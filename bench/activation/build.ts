/**
 * Builds the production bundles (`node esbuild.js --production`, the same script `vscode:prepublish` runs) into
 * a temporary extension folder, so benches never touch the checkout's dist/ (others build there). The folder
 * holds what the .vsix holds: package.json, package.nls.json, media/, dist/.
 */
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface BuiltExtension {
  dir: string;
  main: string;
  files: { name: string; bytes: number }[];
  cleanup(): void;
}

/** `repoRoot`: another checkout (e.g. the commit before a change) to build instead of this one. */
export function buildProductionExtension(repoRoot: string = REPO_ROOT): BuiltExtension {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orv-bench-ext-'));
  for (const name of ['package.json', 'package.nls.json', 'esbuild.js']) fs.copyFileSync(path.join(repoRoot, name), path.join(dir, name));
  fs.cpSync(path.join(repoRoot, 'media'), path.join(dir, 'media'), { recursive: true });
  // esbuild resolves through these to the checkout's sources and packages.
  fs.symlinkSync(path.join(repoRoot, 'src'), path.join(dir, 'src'));
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  cp.execFileSync(process.execPath, ['esbuild.js', '--production'], { cwd: dir, stdio: 'inherit' });
  fs.unlinkSync(path.join(dir, 'src'));
  fs.unlinkSync(path.join(dir, 'node_modules'));
  fs.unlinkSync(path.join(dir, 'esbuild.js'));
  const files = fs
    .readdirSync(path.join(dir, 'dist'))
    .filter((f) => f.endsWith('.js'))
    .map((name) => ({ name, bytes: fs.statSync(path.join(dir, 'dist', name)).size }));
  return { dir, main: path.join(dir, 'dist', 'extension.js'), files, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
