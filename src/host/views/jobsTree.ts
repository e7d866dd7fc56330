import vscode = require('vscode');
import { isActive, type JobRecord } from '../../core/jobs/jobRecord';
import { stateIs } from '../../core/jobs/jobStates';
import { ContextKeys, Views } from '../../ids';
import type { JobStoreReader } from '../hostContext';
import { jobTooltip, jobTreeItem } from './jobPresenter';

/**
 * The Jobs view: displays the store, never fetches. Refreshes only changed nodes; while jobs are
 * busy and the view is visible, a one-second tick updates their elapsed time.
 */
export class JobsTreeProvider implements vscode.TreeDataProvider<string>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly view: vscode.TreeView<string>;
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly store: JobStoreReader) {
    this.view = vscode.window.createTreeView(Views.jobs, { treeDataProvider: this, showCollapseAll: false });
    this.disposables.push(
      this.view,
      this.changed,
      store.onDidChange((e) => {
        if (e.removed.length > 0 || e.changed.some((r) => !this.known.has(r.clientId))) {
          this.changed.fire(undefined);
        } else {
          for (const r of e.changed) this.changed.fire(r.clientId);
        }
        this.updateState();
      }),
      this.view.onDidChangeVisibility(() => this.updateTicker()),
      { dispose: () => this.stopTicker() },
    );
    this.updateState();
  }

  private known = new Set<string>();

  getChildren(element?: string): string[] {
    if (element) return [];
    const ids = this.store.all().map((r) => r.clientId);
    this.known = new Set(ids);
    return ids;
  }

  getTreeItem(clientId: string): vscode.TreeItem {
    const record = this.store.get(clientId);
    if (!record) {
      return new vscode.TreeItem(vscode.l10n.t('(removed)'));
    }
    return jobTreeItem(record, Date.now());
  }

  /** Tooltips are built on hover only. */
  resolveTreeItem(item: vscode.TreeItem, clientId: string): vscode.TreeItem {
    const record = this.store.get(clientId);
    if (record) item.tooltip = jobTooltip(record);
    return item;
  }

  getParent(): undefined {
    return undefined;
  }

  async reveal(clientId: string): Promise<void> {
    await vscode.commands.executeCommand(`${Views.jobs}.focus`);
    if (this.store.get(clientId)) {
      await this.view.reveal(clientId, { select: true, focus: false });
    }
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** Text beside the view's title (today's spend). */
  setDescription(text: string | undefined): void {
    this.view.description = text;
  }

  /** Whether the view is visible now, and when that changes (spend in view refreshes only while it is). */
  get visible(): boolean {
    return this.view.visible;
  }

  readonly onDidChangeVisibility = (listener: (visible: boolean) => void): vscode.Disposable => this.view.onDidChangeVisibility((e) => listener(e.visible));

  private updateState(): void {
    const all = this.store.all();
    const unopened = all.filter((r) => r.state === 'saved' && !r.opened).length;
    this.view.badge = unopened > 0 ? { value: unopened, tooltip: vscode.l10n.t('{0} new video(s) not opened yet', unopened) } : undefined;
    void vscode.commands.executeCommand('setContext', ContextKeys.hasJobs, all.length > 0);
    void vscode.commands.executeCommand('setContext', ContextKeys.activeJobs, all.some(isActive));
    this.updateTicker();
  }

  private busyRecords(): JobRecord[] {
    return this.store.all().filter((r) => stateIs(r.state, 'busy'));
  }

  private updateTicker(): void {
    const needed = this.view.visible && this.busyRecords().length > 0;
    if (needed && !this.ticker) {
      this.ticker = setInterval(() => {
        const busy = this.busyRecords();
        if (busy.length === 0) {
          this.stopTicker();
          return;
        }
        for (const r of busy) this.changed.fire(r.clientId);
      }, 1000);
    } else if (!needed) {
      this.stopTicker();
    }
  }

  private stopTicker(): void {
    if (this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}
