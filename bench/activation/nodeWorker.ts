/**
 * Activation in plain Node, fresh process: `vscode` is a stub (bench/lib/vscodeStub.ts), so this measures the
 * extension's own cost without the extension host's RPCs.
 *   node out/bench/activation/nodeWorker.js <extensionDir> <storageDir> [<workspaceDir>]
 * Prints JSON: requireMs, activateMs (call → resolved), totalMs, and which dist/ files were loaded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { recordVmScripts } from '../lib/vmScripts';
import { fakeExtensionContext, installVscodeStub, stubState } from '../lib/vscodeStub';

async function main(): Promise<void> {
  const [extDir, storageDir, workspace] = process.argv.slice(2);
  if (!extDir || !storageDir) throw new Error('usage: nodeWorker.js <extensionDir> <storageDir> [<workspaceDir>]');
  installVscodeStub();
  if (workspace) stubState.workspaceFolder = workspace;
  const packageJSON = JSON.parse(fs.readFileSync(path.join(extDir, 'package.json'), 'utf8')) as unknown;
  const context = fakeExtensionContext(storageDir, packageJSON);
  const main = path.join(extDir, 'dist', 'extension.js');
  // dist/composition.js is compiled through node:vm (with its code cache), not the CommonJS loader: record it.
  const compiled = recordVmScripts();


  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(main) as { activate(ctx: unknown): Promise<unknown>; deactivate(): unknown };
  const t1 = performance.now();
  await ext.activate(context);
  const t2 = performance.now();
  // Let anything activate() left running settle, then see what it loaded.
  await new Promise((r) => setTimeout(r, 200));
  const distDir = path.join(extDir, 'dist') + path.sep;
  const loaded = [...Object.keys(require.cache), ...compiled]
    .filter((f) => f.startsWith(distDir))
    .map((f) => ({ name: path.relative(extDir, f), bytes: fs.statSync(f).size }));
  const undiciLoaded = Object.keys(require.cache).some((f) => /undici/.test(f));
  const commands = stubState.commands.size;
  ext.deactivate();
  for (const d of (context.subscriptions as { dispose(): unknown }[]).splice(0)) d.dispose();
  process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, totalMs: t2 - t0, loaded, undiciLoaded, commands }) + '\n');
  // Store flush etc. may keep the loop alive for a moment; do not wait for it.
  setTimeout(() => process.exit(0), 50).unref();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
