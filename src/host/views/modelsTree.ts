import vscode = require('vscode');
import type { VideoModel } from '../../core/api/schemas';
import { audioControl, frameTypes, providerOf, shortName, sortedDurations, sortedResolutions, supportsTextToVideo } from '../../core/models/modelCapabilities';
import { Commands, Views } from '../../ids';
import { errorMessage } from '../errorMessages';
import type { ModelCatalog } from '../modelCatalog';
import { summariseModel } from '../modelWords';

type Node = { kind: 'provider'; slug: string; name: string } | { kind: 'model'; model: VideoModel } | { kind: 'message'; text: string; error?: boolean };

/** Describes a model's capabilities and prices, for tooltips. */
export function modelTooltip(model: VideoModel): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**`);
  md.appendText(model.name);
  md.appendMarkdown(`**  \n\`${model.id}\`\n\n`);
  if (model.description) {
    md.appendText(model.description);
    md.appendMarkdown('\n\n');
  }
  const list = (v: readonly (string | number)[] | null | undefined) => (v && v.length > 0 ? v.join(', ') : vscode.l10n.t('not supported'));
  const rows: [string, string][] = [
    [vscode.l10n.t('Text to video'), supportsTextToVideo(model) ? vscode.l10n.t('yes') : vscode.l10n.t('no')],
    [vscode.l10n.t('Durations (s)'), list(sortedDurations(model))],
    [vscode.l10n.t('Resolutions'), list(sortedResolutions(model))],
    [vscode.l10n.t('Aspect ratios'), list(model.supported_aspect_ratios)],
    [vscode.l10n.t('Sizes'), list(model.supported_sizes)],
    [vscode.l10n.t('Frame images'), list(frameTypes(model).map((f) => (f === 'first_frame' ? 'first' : 'last')))],
    [vscode.l10n.t('Audio'), audioControl(model)],
    [vscode.l10n.t('Seed'), model.seed === true ? vscode.l10n.t('yes') : vscode.l10n.t('no')],
    [vscode.l10n.t('Provider options'), list(model.allowed_passthrough_parameters)],
  ];
  for (const [k, v] of rows) {
    md.appendMarkdown(`${k}: `);
    md.appendText(v);
    md.appendMarkdown('  \n');
  }
  const skus = Object.entries(model.pricing_skus ?? {});
  if (skus.length > 0) {
    md.appendMarkdown(`\n${vscode.l10n.t('Prices (pricing_skus)')}:  \n`);
    for (const [k, v] of skus) {
      md.appendMarkdown('- ');
      md.appendText(`${k}: ${v}`);
      md.appendMarkdown('\n');
    }
  }
  return md;
}

/** The Models view: the live catalogue grouped by provider. It displays the catalogue; the catalogue fetches. */
export class ModelsTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;
  private readonly subscriptions: vscode.Disposable[] = [];
  private requested = false;

  constructor(private readonly catalog: ModelCatalog) {
    this.view = vscode.window.createTreeView(Views.models, { treeDataProvider: this, showCollapseAll: true });
    this.subscriptions.push(this.view, this.changed, catalog.onDidChange(() => this.changed.fire(undefined)));
  }

  getChildren(element?: Node): Node[] {
    const state = this.catalog.current;
    if (!element) {
      if (state.kind === 'idle') {
        if (!this.requested) {
          this.requested = true;
          // The first time the view is shown, load the catalogue in the background; the view updates on change.
          void this.catalog.list().catch(() => undefined);
        }
        return [{ kind: 'message', text: vscode.l10n.t('Loading models…') }];
      }
      if (state.kind === 'loading') return [{ kind: 'message', text: vscode.l10n.t('Loading models…') }];
      if (state.kind === 'error') {
        return [{ kind: 'message', text: errorMessage(vscode.l10n, state.error), error: true }];
      }
      const providers = new Map<string, string>();
      for (const m of state.models) {
        const p = providerOf(m);
        if (!providers.has(p.slug)) providers.set(p.slug, p.displayName);
      }
      return [...providers.entries()]
        .sort((a, b) => a[1].localeCompare(b[1]))
        .map(([slug, name]) => ({ kind: 'provider', slug, name }));
    }
    if (element.kind === 'provider' && state.kind === 'ready') {
      return state.models
        .filter((m) => providerOf(m).slug === element.slug)
        .sort((a, b) => shortName(a).localeCompare(shortName(b)))
        .map((model) => ({ kind: 'model', model }));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'provider') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `provider:${node.slug}`;
      item.contextValue = 'provider';
      item.iconPath = new vscode.ThemeIcon('organization');
      return item;
    }
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(node.text);
      item.iconPath = new vscode.ThemeIcon(node.error ? 'error' : 'loading~spin');
      item.tooltip = node.text;
      if (node.error) {
        item.command = { command: Commands.modelsRefresh, title: vscode.l10n.t('Refresh Models') };
        item.description = vscode.l10n.t('click to retry');
      }
      return item;
    }
    const m = node.model;
    const item = new vscode.TreeItem(shortName(m), vscode.TreeItemCollapsibleState.None);
    item.id = `model:${m.id}`;
    item.description = summariseModel(vscode.l10n, m);
    item.tooltip = modelTooltip(m);
    item.iconPath = new vscode.ThemeIcon(supportsTextToVideo(m) ? 'device-camera-video' : 'circle-slash');
    item.contextValue = supportsTextToVideo(m) ? 'model textToVideo' : 'model';
    return item;
  }

  getParent(node: Node): Node | undefined {
    if (node.kind === 'model') {
      const p = providerOf(node.model);
      return { kind: 'provider', slug: p.slug, name: p.displayName };
    }
    return undefined;
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0).reverse()) d.dispose();
  }
}
