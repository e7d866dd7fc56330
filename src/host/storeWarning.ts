/**
 * Tells the user when the jobs file could not be used as it was: the store set it (or the records that did not
 * fit) aside, so the Jobs view would otherwise just start empty and jobs in flight would stop being watched
 * without a word. The warning says what happened and what to do, and offers to open the kept file.
 */
import path = require('node:path');
import vscode = require('vscode');
import type { JobStoreLoadReport } from '../core/jobs/jobStore';
import type { Logger } from '../core/shared/logger';

/** The sentence for a load report, or `undefined` when nothing was set aside. */
export function storeWarningText(report: Readonly<JobStoreLoadReport>, storeFile: string): string | undefined {
  const { setAsideReason: reason, setAsidePath: kept } = report;
  if (reason === undefined) {
    return undefined;
  }
  const where = kept ?? storeFile;
  const recover = vscode.l10n.t('Open it to find the job ids, and run "Recover Job by ID" for each job you still want to watch and download.');
  if (kept === undefined) {
    // The copy failed: the live file still holds the text, until the next change replaces it.
    return (
      vscode.l10n.t(
        'The jobs list {0} could not be read, and no copy of it could be kept (see the log). Copy the file somewhere safe now: the next job you start replaces it.',
        where,
      ) +
      ' ' +
      recover
    );
  }
  switch (reason) {
    case 'newer-version':
      return vscode.l10n.t(
        'The jobs list was written by a newer version of OpenRouter Video, so this version starts with an empty Jobs view and no longer watches those jobs. The file was kept unchanged as {0}. Update the extension to see them again, or open the file and run "Recover Job by ID" for each job you need.',
        where,
      );
    case 'corrupt':
      return (
        vscode.l10n.t(
          'The jobs list could not be read (the file is damaged), so the Jobs view starts empty and earlier jobs are no longer watched. The file was kept as {0}.',
          where,
        ) +
        ' ' +
        recover
      );
    case 'invalid-records':
      return (
        vscode.l10n.t('{0} job(s) in the jobs list could not be read and are not listed. The original file was kept as {1}.', report.dropped, where) +
        ' ' +
        recover
      );
  }
}

/**
 * Shows the warning for `report` (when something was set aside), logs it, and opens the kept file when the user
 * asks. Resolves once the warning is answered or dismissed.
 */
export async function warnAboutSetAsideJobs(report: Readonly<JobStoreLoadReport>, storeFile: string, logger: Logger): Promise<void> {
  const text = storeWarningText(report, storeFile);
  if (text === undefined) {
    return;
  }
  logger.warn(text);
  const open = vscode.l10n.t('Open File');
  const choice = await vscode.window.showWarningMessage(text, open);
  if (choice === open) {
    const file = report.setAsidePath ?? storeFile;
    await vscode.window.showTextDocument(vscode.Uri.file(path.resolve(file)), { preview: false });
  }
}
