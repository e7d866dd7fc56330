import path = require('node:path');
import vscode = require('vscode');
import { isSavedVideoName } from '../../core/download/savedVideoName';
import { Editors } from '../../ids';

const PLAYER_VIEW_TYPES: ReadonlySet<string> = new Set(Object.values(Editors));

/**
 * Opens a video in the player. A tab already showing it is brought forward; otherwise the video opens under the
 * view type the Explorer would pick for its name, so a click in the Explorer and Open Video never give two tabs.
 */
export async function openInPlayer(uri: vscode.Uri): Promise<void> {
  const open = vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .find((tab) => tab.input instanceof vscode.TabInputCustom && PLAYER_VIEW_TYPES.has(tab.input.viewType) && tab.input.uri.toString() === uri.toString());
  if (open && open.input instanceof vscode.TabInputCustom) {
    await vscode.commands.executeCommand('vscode.openWith', uri, open.input.viewType, { viewColumn: open.group.viewColumn });
    return;
  }
  await vscode.commands.executeCommand('vscode.openWith', uri, isSavedVideoName(path.basename(uri.fsPath)) ? Editors.savedVideo : Editors.player);
}
