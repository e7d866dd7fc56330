import * as vscode from 'vscode';
import { OpenRouterError } from '../core/api/errors';
import { errorMessage } from './errorMessages';
import { Commands } from '../ids';
import type { Logger } from '../core/shared/logger';

export interface ErrorActions {
  retry?: () => unknown;
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
  const setKey = vscode.l10n.t('Set API Key');
  const addCredits = vscode.l10n.t('Add Credits');
  const retry = vscode.l10n.t('Retry');
  const showLog = vscode.l10n.t('Show Log');
  const openSettings = vscode.l10n.t('Open Settings');
  const items: string[] = [];
  const kind = OpenRouterError.is(error) ? error.kind : undefined;
  if (kind === 'auth') items.push(setKey);
  if (kind === 'payment') items.push(addCredits);
  if (kind === 'insecure') items.push(openSettings);
  if (actions.retry && (kind === 'rateLimited' || kind === 'server' || kind === 'network' || kind === 'timeout' || kind === 'payment' || kind === 'auth')) {
    items.push(retry);
  }
  items.push(showLog);
  const choice = await vscode.window.showErrorMessage(message, ...items);
  if (choice === setKey) {
    await vscode.commands.executeCommand(Commands.setApiKey);
  } else if (choice === addCredits) {
    await vscode.env.openExternal(vscode.Uri.parse('https://openrouter.ai/credits'));
  } else if (choice === openSettings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'openrouterVideo');
  } else if (choice === retry) {
    await actions.retry?.();
  } else if (choice === showLog) {
    await vscode.commands.executeCommand(Commands.showLog);
  }
}
