import vscode = require('vscode');
import type { JobRecord } from '../core/jobs/jobRecord';
import { stateIs } from '../core/jobs/jobStates';
import { Commands } from '../ids';
import { hostError, wordErrorInfo } from './errorMessages';
import { showError } from './errorPresenter';
import type { HostContext } from './hostContext';
import { stateLabel } from './views/jobPresenter';

/**
 * Shows one progress notification per job the user started in this window, and the outcome when a
 * job finishes. Jobs resumed after a reload report their outcome too, without a progress notification.
 */
export class JobNotifications implements vscode.Disposable {
  private readonly tracked = new Set<string>();
  /** Ends each open progress notification (with its timer and listener) when the extension is disposed. */
  private readonly closers = new Set<() => void>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly ctx: HostContext) {
    this.subscription = ctx.jobs.onDidFinish((record: JobRecord) => {
      if (!this.tracked.has(record.clientId)) void this.announce(record);
    });
  }

  /** Shows progress until the job reaches a final state; Cancel stops watching (the job may still be billed). */
  track(record: JobRecord): void {
    if (this.tracked.has(record.clientId)) return;
    this.tracked.add(record.clientId);
    const model = record.modelName ?? record.request.model;
    void vscode.window
      .withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Generating video with {0}', model),
          cancellable: true,
        },
        (progress, token) =>
          new Promise<JobRecord | undefined>((resolve) => {
            const started = record.submittedAt ?? Date.now();
            const report = (r: JobRecord) => {
              const elapsed = Math.round((Date.now() - started) / 1000);
              progress.report({ message: vscode.l10n.t('{0} · {1} s — this usually takes 30 s to a few minutes.', stateLabel(r.state), elapsed) });
            };
            report(record);
            const timer = setInterval(() => {
              const current = this.ctx.store.get(record.clientId);
              if (current) report(current);
            }, 1000);
            const sub = this.ctx.store.onDidChange((e) => {
              if (e.removed.includes(record.clientId)) finish(undefined);
              const r = e.changed.find((c) => c.clientId === record.clientId);
              if (!r) return;
              if (stateIs(r.state, 'settled')) finish(r);
              else report(r);
            });
            const cancel = token.onCancellationRequested(() => {
              void this.ctx.jobs.stopWatching(record.clientId);
              void vscode.window.showInformationMessage(
                vscode.l10n.t('Stopped watching. The job may still finish on OpenRouter and be billed; it stays in the Jobs view, where you can download it later.'),
              );
              finish(undefined);
            });
            const finish = (r: JobRecord | undefined) => {
              clearInterval(timer);
              sub.dispose();
              cancel.dispose();
              this.closers.delete(close);
              resolve(r);
            };
            const close = () => finish(undefined);
            this.closers.add(close);
            const now = this.ctx.store.get(record.clientId);
            if (now && stateIs(now.state, 'settled')) finish(now);
          }),
      )
      .then((final) => {
        this.tracked.delete(record.clientId);
        if (final) void this.announce(final);
      });
  }

  /** One message for a finished job: Open / Reveal on success, its error in words otherwise (OpenRouter's own verbatim). */
  async announce(record: JobRecord): Promise<void> {
    if (record.state === 'saved') {
      const file = record.outputs.find((o) => o.file)?.file;
      const open = vscode.l10n.t('Open');
      const reveal = vscode.l10n.t('Reveal');
      const where = file ? vscode.workspace.asRelativePath(file) : '';
      const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Video saved: {0}', where), open, reveal);
      if (choice === open) await vscode.commands.executeCommand(Commands.jobsOpen, record.clientId);
      if (choice === reveal) await vscode.commands.executeCommand(Commands.jobsReveal, record.clientId);
      return;
    }
    if (record.state === 'stopped') return;
    if (record.state === 'stale' || record.state === 'unknown') {
      // OpenRouter may still finish the job (and bill it): offer to look again, never to submit it again.
      const watch = vscode.l10n.t('Watch Again');
      const text =
        record.state === 'stale'
          ? vscode.l10n.t('A video job is taking unusually long, so it is no longer checked automatically. OpenRouter may still finish it: Watch Again checks on it.')
          : record.error
            ? wordErrorInfo(vscode.l10n, record.error)
            : stateLabel(record.state);
      const choice = await vscode.window.showWarningMessage(text, watch);
      if (choice === watch) await vscode.commands.executeCommand(Commands.jobsWatch, record.clientId);
      return;
    }
    const text = record.error ? wordErrorInfo(vscode.l10n, record.error) : stateLabel(record.state);
    const error = hostError(record.error?.kind ?? 'server', this.messageFor(record, text));
    await showError(error, this.ctx.logger, `Job ${record.jobId ?? record.clientId}`, {
      retry: record.state === 'downloadFailed' ? () => vscode.commands.executeCommand(Commands.jobsDownload, record.clientId) : () => vscode.commands.executeCommand(Commands.jobsRerun, record.clientId),
    });
  }

  private messageFor(record: JobRecord, text: string): string {
    switch (record.state) {
      case 'failed':
        return vscode.l10n.t('Video generation failed: {0}', text);
      case 'cancelled':
        return vscode.l10n.t('Video generation was cancelled: {0}', text);
      case 'expired':
        return vscode.l10n.t('Video generation expired: {0}', text);
      case 'downloadFailed':
        return vscode.l10n.t('The video was generated but could not be saved: {0}', text);
      default:
        return text;
    }
  }

  dispose(): void {
    this.subscription.dispose();
    for (const close of [...this.closers]) close();
  }
}
