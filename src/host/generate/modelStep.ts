import vscode = require('vscode');
import type { VideoModel } from '../../core/api/schemas';
import { providerOf, shortName, supportsImageToVideo, supportsTextToVideo } from '../../core/models/modelCapabilities';
import { Settings, StateKeys } from '../../ids';
import { hostError } from '../errorMessages';
import type { HostContext } from '../hostContext';
import { summariseModel } from '../modelWords';
import { readSettings, setInWorkspace } from '../settings';

export interface ModelItem extends vscode.QuickPickItem {
  model?: VideoModel;
}

/**
 * Quick pick items for `models`: `first` under its own separator when given, then every model
 * grouped by provider, providers and models in name order.
 */
export function modelItems(models: readonly VideoModel[], first?: { model: VideoModel; label: string }): ModelItem[] {
  const toItem = (m: VideoModel): ModelItem => ({ label: shortName(m), description: m.id, detail: summariseModel(vscode.l10n, m), model: m });
  const items: ModelItem[] = [];
  if (first) items.push({ label: first.label, kind: vscode.QuickPickItemKind.Separator }, toItem(first.model));
  const byProvider = new Map<string, VideoModel[]>();
  for (const m of models) {
    const name = providerOf(m).displayName;
    byProvider.set(name, [...(byProvider.get(name) ?? []), m]);
  }
  for (const [name, list] of [...byProvider.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    items.push({ label: name, kind: vscode.QuickPickItemKind.Separator });
    for (const m of list.sort((a, b) => shortName(a).localeCompare(shortName(b)))) items.push(toItem(m));
  }
  return items;
}

/** The default model a workspace's settings name for `folder`, if they name one. */
export function workspaceDefaultModel(folder: vscode.WorkspaceFolder | undefined): string | undefined {
  if (!setInWorkspace(Settings.defaultModel, folder?.uri)) return undefined;
  const value = vscode.workspace.getConfiguration(Settings.section, folder?.uri).get<string>(Settings.defaultModel, '').trim();
  return value === '' ? undefined : value;
}

/**
 * The model quick pick, busy while the catalogue loads, grouped by provider, with the preferred model first
 * (`current`, else the workspace's or the user's default, else the last used).
 */
export async function pickModel(
  ctx: HostContext,
  needsTextToVideo: boolean,
  folder: vscode.WorkspaceFolder | undefined,
  token: vscode.CancellationToken,
  current?: string,
): Promise<VideoModel | undefined> {
  const quickPick = vscode.window.createQuickPick<ModelItem>();
  quickPick.title = vscode.l10n.t('Pick a video model');
  quickPick.placeholder = vscode.l10n.t('Type to filter by name, provider or id');
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  quickPick.ignoreFocusOut = true;
  quickPick.busy = true;
  quickPick.show();
  try {
    const pending = new Promise<VideoModel | undefined>((resolve) => {
      quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]?.model));
      quickPick.onDidHide(() => resolve(undefined));
      token.onCancellationRequested(() => resolve(undefined));
    });
    const models = await Promise.race([ctx.catalog.list(), pending.then(() => undefined)]);
    if (!models) return undefined;
    const usable = models.filter((m) => !needsTextToVideo || supportsTextToVideo(m)).filter((m) => supportsTextToVideo(m) || supportsImageToVideo(m));
    if (usable.length === 0) {
      throw hostError('notFound', vscode.l10n.t('OpenRouter lists no video model that can do this right now. Refresh the Models view later.'));
    }
    const fromWorkspace = workspaceDefaultModel(folder);
    const fromSetting = fromWorkspace ?? (readSettings().defaultModel || undefined);
    const preferred = current ?? fromSetting ?? ctx.extension.globalState.get<string>(StateKeys.lastModel) ?? '';
    const first = usable.find((m) => m.id === preferred);
    // Says where the first model comes from: a workspace's settings are the repository's choice, not the user's.
    const label =
      current !== undefined
        ? vscode.l10n.t('Current model')
        : fromWorkspace !== undefined
          ? vscode.l10n.t("From this workspace's settings")
          : fromSetting !== undefined
            ? vscode.l10n.t('Default model')
            : vscode.l10n.t('Last used');
    quickPick.items = modelItems(usable, first ? { model: first, label } : undefined);
    quickPick.busy = false;
    return await pending;
  } finally {
    quickPick.dispose();
  }
}
