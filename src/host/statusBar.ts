import vscode = require('vscode');
import { isActive } from '../core/jobs/jobRecord';
import type { JobStore } from '../core/jobs/jobStore';
import { Views } from '../ids';

/** A status bar item while jobs are running: how many; a click focuses the Jobs view. */
export class JobsStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: JobStore) {
    this.item = vscode.window.createStatusBarItem('openrouterVideo.activeJobs', vscode.StatusBarAlignment.Left, 10);
    this.item.name = vscode.l10n.t('OpenRouter Video jobs');
    this.item.command = `${Views.jobs}.focus`;
    this.subscription = store.onDidChange(() => this.update());
    this.update();
  }

  private update(): void {
    const active = this.store.all().filter((r) => isActive(r) || r.state === 'downloading' || r.state === 'submitting').length;
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
