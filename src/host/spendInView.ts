/**
 * Spend in view: today's spend in the status bar item and beside the Jobs view's title, the OpenRouter key's
 * remaining limit beside it (where the key has one), and the "Show Spending" document.
 *
 * Totals are read again when this window's jobs change, when the ledger gets a line, when the window gains focus
 * (another window may have spent meanwhile) and when a budget setting changes. The key's limit
 * (`GET /key` → `limit_remaining`) is asked at most once a minute, and only while the Jobs view is visible.
 */
import vscode = require('vscode');
import { describeError } from '../core/api/errors';
import type { SpendBudget } from '../core/money/budget';
import type { SpendRecorder } from '../core/money/spendRecorder';
import type { ApiProvider } from './apiProvider';
import type { JobStoreReader } from './hostContext';
import type { HostLogger } from './log';
import { onDidChangeSettings } from './settings';
import { spendingMarkdown } from './spendingReport';
import { wordSpendLabels } from './spendWords';
import type { JobsStatusBar } from './statusBar';
import type { JobsTreeProvider } from './views/jobsTree';

/** The scheme of the read-only spending document. */
export const SPENDING_SCHEME = 'openrouter-video-spending';
const SPENDING_URI = vscode.Uri.from({ scheme: SPENDING_SCHEME, path: '/Spending.md' });

/** The key's limit is asked no more often than this. */
const KEY_REFRESH_MS = 60_000;
/** Several changes in a row read the totals once. */
const SETTLE_MS = 300;
/** How many months "Show Spending" covers. */
const REPORT_MONTHS = 3;

export interface SpendInViewDeps {
  budget: SpendBudget;
  recorder: SpendRecorder;
  store: JobStoreReader;
  api: Pick<ApiProvider, 'getKeyInfo'>;
  logger: HostLogger;
  statusBar: JobsStatusBar;
  jobsView: Pick<JobsTreeProvider, 'setDescription' | 'visible' | 'onDidChangeVisibility'>;
}

export class SpendInView implements vscode.Disposable, vscode.TextDocumentContentProvider {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly documentChanged = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.documentChanged.event;
  private document = '';
  private settleTimer: NodeJS.Timeout | undefined;
  private keyTimer: NodeJS.Timeout | undefined;
  private keyAskedAt = 0;
  private keyLeftUsd: number | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  private disposed = false;

  constructor(private readonly deps: SpendInViewDeps) {
    this.disposables.push(
      this.documentChanged,
      vscode.workspace.registerTextDocumentContentProvider(SPENDING_SCHEME, this),
      deps.recorder.onDidAppend(() => this.refreshSoon()),
      deps.store.onDidChange(() => this.refreshSoon()),
      vscode.window.onDidChangeWindowState((state) => {
        if (state.focused) this.refreshSoon();
      }),
      onDidChangeSettings((keys) => {
        if (keys.includes('budgetDailyUsd') || keys.includes('budgetMonthlyUsd')) this.refreshSoon();
      }),
      deps.jobsView.onDidChangeVisibility(() => this.updateKeyTimer()),
    );
    this.refreshSoon();
    this.updateKeyTimer();
  }

  provideTextDocumentContent(): string {
    return this.document;
  }

  /** Opens the spending tables in the Markdown preview (as plain Markdown when no preview is available). */
  async showSpending(): Promise<vscode.Uri> {
    const months = await this.deps.budget.recentMonths(REPORT_MONTHS);
    const entries = (await Promise.all(months.map((m) => this.deps.budget.monthEntries(m)))).flat();
    this.document = spendingMarkdown(vscode.l10n, { left: await this.deps.budget.remaining(), months, entries, keyLeftUsd: this.keyLeftUsd });
    this.documentChanged.fire(SPENDING_URI);
    const doc = await vscode.workspace.openTextDocument(SPENDING_URI);
    if (doc.languageId !== 'markdown') await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    try {
      await vscode.commands.executeCommand('markdown.showPreview', SPENDING_URI);
    } catch (error) {
      this.deps.logger.debug(`The Markdown preview is not available (${describeError(error)}); showing the Markdown.`);
      await vscode.window.showTextDocument(doc, { preview: true });
    }
    return SPENDING_URI;
  }

  private refreshSoon(): void {
    if (this.disposed || this.settleTimer) return;
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      void this.refresh();
    }, SETTLE_MS);
  }

  /** Reads the totals and updates the labels; a change during a read reads once more after it. */
  private refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        const left = await this.deps.budget.remaining();
        if (this.disposed) return;
        const labels = wordSpendLabels(vscode.l10n, left, this.keyLeftUsd);
        this.deps.statusBar.setSpend(labels);
        this.deps.jobsView.setDescription(labels?.short);
      } catch (error) {
        this.deps.logger.warn(`Could not read today's spend: ${describeError(error)}`);
      } finally {
        this.reading = undefined;
        if (this.again) {
          this.again = false;
          this.refreshSoon();
        }
      }
    })();
    return this.reading;
  }

  private updateKeyTimer(): void {
    const visible = this.deps.jobsView.visible && !this.disposed;
    if (visible && !this.keyTimer) {
      const wait = Math.max(0, this.keyAskedAt + KEY_REFRESH_MS - Date.now());
      const tick = () => {
        void this.askKeyLimit();
        this.keyTimer = setTimeout(tick, KEY_REFRESH_MS);
      };
      this.keyTimer = setTimeout(tick, wait);
    } else if (!visible && this.keyTimer) {
      clearTimeout(this.keyTimer);
      this.keyTimer = undefined;
    }
  }

  /** Asks OpenRouter what is left of the key's limit (none: the key has no limit, or it cannot be asked). */
  private async askKeyLimit(): Promise<void> {
    this.keyAskedAt = Date.now();
    let left: number | undefined;
    try {
      const info = await this.deps.api.getKeyInfo();
      left = typeof info.limit_remaining === 'number' && Number.isFinite(info.limit_remaining) ? Math.max(0, info.limit_remaining) : undefined;
    } catch (error) {
      this.deps.logger.debug(`The key's limit could not be read: ${describeError(error)}`);
    }
    if (left !== this.keyLeftUsd) {
      this.keyLeftUsd = left;
      this.refreshSoon();
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    if (this.keyTimer) clearTimeout(this.keyTimer);
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}
