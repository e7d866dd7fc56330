import * as vscode from 'vscode';
import { stateIs } from '../core/jobs/jobStates';
import { Views } from '../ids';
import type { JobStoreReader } from './hostContext';

/** A status bar item while jobs are busy (submitting, generating, saving): how many; a click focuses the Jobs view. */
export class JobsStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: JobStoreReader) {
    this.item = vscode.window.createStatusBarItem('openrouterVideo.activeJobs', vscode.StatusBarAlignment.Left, 10);
    this.item.name = vscode.l10n.t('OpenRouter Video jobs');
    this.item.command = `${Views.jobs}.focus`;
    this.subscription = store.onDidChange(() => this.update());
    this.update();
  }

  private update(): void {
    const active = this.store.all().filter((r) => stateIs(r.state, 'busy')).length;
    if (active === 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(sync~spin) ${active === 1 ? vscode.l10n.t('1 video') : vscode.l10n.t('{0} videos', active)}`;
    this.item.tooltip = vscode.l10n.t('{0} OpenRouter video job(s) running. Click to show the Jobs view.', active);
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
