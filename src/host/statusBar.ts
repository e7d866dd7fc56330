import vscode = require('vscode');
import { stateIs } from '../core/jobs/jobStates';
import { Views } from '../ids';
import type { JobStoreReader } from './hostContext';
import type { SpendLabels } from './spendWords';

/**
 * A status bar item while jobs are busy (submitting, generating, saving): how many, and today's spend when there
 * is any (then it stays when nothing is busy). A click focuses the Jobs view.
 */
export class JobsStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;
  private spend: SpendLabels | undefined;

  constructor(private readonly store: JobStoreReader) {
    this.item = vscode.window.createStatusBarItem('openrouterVideo.activeJobs', vscode.StatusBarAlignment.Left, 10);
    this.item.name = vscode.l10n.t('OpenRouter Video jobs');
    this.item.command = `${Views.jobs}.focus`;
    this.subscription = store.onDidChange(() => this.update());
    this.update();
  }

  /** Today's spend (and the key's limit) to show, or undefined for none. */
  setSpend(spend: SpendLabels | undefined): void {
    this.spend = spend;
    this.update();
  }

  private update(): void {
    const active = this.store.all().filter((r) => stateIs(r.state, 'busy')).length;
    const spend = this.spend;
    if (active === 0 && spend === undefined) {
      this.item.hide();
      return;
    }
    const running = active === 0 ? undefined : `$(sync~spin) ${active === 1 ? vscode.l10n.t('1 video') : vscode.l10n.t('{0} videos', active)}`;
    this.item.text = [running ?? '$(device-camera-video)', spend?.short].filter((x) => x !== undefined).join(' · ');
    const tooltip = [active > 0 ? vscode.l10n.t('{0} OpenRouter video job(s) running.', active) : undefined, spend?.detail, vscode.l10n.t('Click to show the Jobs view.')];
    this.item.tooltip = tooltip.filter((x) => x !== undefined).join('\n');
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
