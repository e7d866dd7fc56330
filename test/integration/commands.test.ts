import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extension, getApi } from './helpers';

interface Manifest {
  contributes: { commands: { command: string }[]; views?: Record<string, { id: string }[]>; viewsContainers?: Record<string, { id: string }[]> };
}

/**
 * Commands VS Code itself registers for every contributed view and view container
 * (`<view>.focus`, `<view>.resetViewLocation`, …, `workbench.view.extension.<container>`).
 * They share the extension's prefix but are not the extension's.
 */
const WORKBENCH_VIEW_COMMAND_SUFFIXES = ['focus', 'resetViewLocation', 'toggleVisibility', 'removeView', 'open'];

describe('Commands: manifest and registrations agree', () => {
  let manifest: Manifest;
  let registered: string[];

  before(async () => {
    await getApi();
    manifest = extension().packageJSON as Manifest;
    registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('openrouterVideo.'));
  });

  it('every contributed command is registered in the running host', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 10, `only ${contributed.length} commands in package.json contributes.commands`);
    const missing = contributed.filter((c) => !registered.includes(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('every registered openrouterVideo.* command is contributed', () => {
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    const views = Object.values(manifest.contributes.views ?? {})
      .flat()
      .map((v) => v.id);
    const workbenchMade = (c: string) => views.some((v) => WORKBENCH_VIEW_COMMAND_SUFFIXES.some((s) => c === `${v}.${s}`));
    const extra = registered.filter((c) => !contributed.has(c) && !workbenchMade(c));
    assert.deepEqual(extra, [], `registered but not in package.json: ${extra.join(', ')}`);
  });

  it('contributes each command once, with a title', () => {
    const all = extension().packageJSON.contributes.commands as { command: string; title?: string }[];
    const ids = all.map((c) => c.command);
    assert.deepEqual(ids.filter((c, i) => ids.indexOf(c) !== i), [], 'duplicate command ids in package.json');
    assert.deepEqual(all.filter((c) => !c.title).map((c) => c.command), [], 'commands without a title');
  });
});
