/**
 * Runs inside the real extension host: opens a storyboard of `shots` shots, then edits one shot's seed at a
 * time and measures what a person waits for after each keystroke: the lenses (VS Code's
 * `vscode.executeCodeLensProvider`, which checks the new version: parse, check, cost) and the diagnostics
 * (from the edit until the extension's diagnostics change, less its typing pause). Updates alternate which of
 * the two is asked first, so each figure includes the check of a version nobody has checked yet; the lenses are
 * then asked again at once, which times the round trip through the workbench alone.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitForQuietHost } from '../../test/integration/hostMeter';
import { extension, probePlan, report } from '../lib/probe';

export interface PromptFilesPlan {
  shots: number;
  /** The storyboard's text. */
  text: string;
  updates: number;
  /** The extension's pause after typing before it checks, plus VS Code's delay of the diagnostics event (both subtracted from the diagnostics figure). */
  debounceMs: number;
}

export interface PromptFilesResult {
  update: number;
  /** What was measured on a version nobody had checked yet. */
  first: 'lenses' | 'diagnostics';
  /** The lenses of the new version, asked for right after the edit. */
  lensesMs: number;
  /** The same asked again at once: the round trip through the workbench without a check. */
  lensesAgainMs: number;
  lensCount: number;
  diagnosticsMs: number;
}

function ours(uri: vscode.Uri): number {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'OpenRouter Video').length;
}

/** Resolves (with the time) once the extension's diagnostics of `uri` number `count`. */
function diagnosticsReach(uri: vscode.Uri, count: number): Promise<number> {
  return new Promise((resolve) => {
    const subscription = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString()) || ours(uri) !== count) return;
      subscription.dispose();
      resolve(performance.now());
    });
  });
}

async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
}

export async function run(): Promise<void> {
  const { shots, text, updates, debounceMs } = probePlan<PromptFilesPlan>();
  await extension().activate();
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder');
  const file = path.join(folder.uri.fsPath, 'prompts', 'bench.video.md');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const editor = await vscode.window.showTextDocument(document);
  // The first check loads the catalogue: wait for it, then for a quiet host.
  const ready = Date.now() + 60_000;
  while ((await lenses(document.uri)).length < shots + 1) {
    if (Date.now() > ready) throw new Error('the storyboard never got its lenses');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await waitForQuietHost();

  const seeds: string[] = Array.from({ length: shots }, (_, i) => String(i));
  for (let update = 0; update < updates; update++) {
    // Every other update makes one seed a fraction (one problem) and the next makes it whole again, so each
    // update changes the diagnostics and the moment they reflect it can be seen.
    const shot = (update >> 1) % shots;
    const target = document.getText().split('\n').indexOf(`seed: ${seeds[shot]}`);
    if (target < 0) throw new Error(`shot ${shot + 1} has lost its seed line`);
    const broken = update % 2 === 0;
    seeds[shot] = broken ? `${shot}.5` : String(shot + 1000 * (update + 1));
    const diagnostics = diagnosticsReach(document.uri, broken ? 1 : 0);
    const first: PromptFilesResult['first'] = update % 4 < 2 ? 'lenses' : 'diagnostics';
    await editor.edit((b) => b.replace(document.lineAt(target).range, `seed: ${seeds[shot]}`));
    const afterEdit = performance.now();
    const timeLenses = async () => {
      const started = performance.now();
      const count = (await lenses(document.uri)).length;
      return { ms: performance.now() - started, count };
    };
    let fresh: { ms: number; count: number };
    let diagnosticsAt: number;
    if (first === 'lenses') {
      fresh = await timeLenses();
      diagnosticsAt = await diagnostics;
    } else {
      diagnosticsAt = await diagnostics;
      fresh = await timeLenses();
    }
    const again = await timeLenses();
    const result: PromptFilesResult = {
      update,
      first,
      lensesMs: fresh.ms,
      lensesAgainMs: again.ms,
      lensCount: fresh.count,
      diagnosticsMs: diagnosticsAt - afterEdit - debounceMs,
    };
    report(result);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}
