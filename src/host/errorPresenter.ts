import vscode = require('vscode');
import { OpenRouterError } from '../core/api/errors';
import { errorActions, type ErrorAction } from './errorActions';
import { errorMessage } from './errorMessages';
import { Commands } from '../ids';
import type { Logger } from '../core/shared/logger';

export interface ErrorActions {
  /** Runs the same thing again (offered only where that cannot bill twice: see errorActions.ts). */
  retry?: () => unknown;
  /** Looks a job up by id and attaches it to the record of a submit whose outcome is unknown. */
  recoverJob?: () => unknown;
  /** Submits anew, after a warning that OpenRouter may already have the job. */
  submitAgain?: () => unknown;
}

export function isCancellation(error: unknown): boolean {
  return (
    OpenRouterError.is(error, 'cancelled') ||
    error instanceof vscode.CancellationError ||
    (error instanceof Error && error.name === 'AbortError')
  );
}

/** One short message with the actions that help; the full error goes to the log. */
export async function showError(error: unknown, logger: Logger, context: string, actions: ErrorActions = {}): Promise<void> {
  if (isCancellation(error)) {
    logger.info(`${context}: cancelled`);
    return;
  }
  logger.error(`${context} failed`, error);
  const message = errorMessage(vscode.l10n, error);
  const labels: Record<ErrorAction, string> = {
    setKey: vscode.l10n.t('Set API Key'),
    addCredits: vscode.l10n.t('Add Credits'),
    openSettings: vscode.l10n.t('Open Settings'),
    retry: vscode.l10n.t('Retry'),
    recoverJob: vscode.l10n.t('Recover Job by ID…'),
    submitAgain: vscode.l10n.t('Submit Again…'),
    showLog: vscode.l10n.t('Show Log'),
  };
  const offered = new Set((['retry', 'recoverJob', 'submitAgain'] as const).filter((a) => actions[a] !== undefined));
  const shown = errorActions(error, offered);
  const kind = OpenRouterError.is(error) ? error.kind : undefined;
  const choice = await vscode.window.showErrorMessage(message, ...shown.map((a) => labels[a]));
  const action = shown.find((a) => labels[a] === choice);
  switch (action) {
    case 'setKey':
      return void (await vscode.commands.executeCommand(Commands.setApiKey));
    case 'addCredits':
      return void (await vscode.env.openExternal(vscode.Uri.parse('https://openrouter.ai/credits')));
    case 'openSettings':
      return void (await vscode.commands.executeCommand('workbench.action.openSettings', kind === 'budget' ? 'openrouterVideo.budget' : 'openrouterVideo'));
    case 'showLog':
      return void (await vscode.commands.executeCommand(Commands.showLog));
    case 'retry':
    case 'recoverJob':
    case 'submitAgain':
      return void (await actions[action]?.());
    case undefined:
      return;
  }
}
