import vscode = require('vscode');
import { OpenRouterError } from '../../core/api/errors';
import { hostError } from '../errorMessages';
import type { HostContext } from '../hostContext';

function describeLimit(remaining: number | null | undefined, limit: number | null | undefined): string {
  if (remaining === null || remaining === undefined) {
    return limit === null || limit === undefined ? vscode.l10n.t('no spending limit') : vscode.l10n.t('limit ${0}', limit.toFixed(2));
  }
  return vscode.l10n.t('${0} of its limit left', remaining.toFixed(2));
}

/**
 * Asks for a key in a password box, checks it against GET /key, and stores it in secret storage. The command
 * takes no key as an argument (`argumentGiven` is only logged): a keybinding, task or other extension could
 * otherwise swap in its own key, and the user's prompts, images and spending would go to that account.
 */
export async function setApiKey(ctx: HostContext, argumentGiven = false): Promise<boolean> {
  if (argumentGiven) ctx.logger.warn('Set API Key was called with an argument; it is ignored, and the key is asked for.');
  const typed = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: vscode.l10n.t('OpenRouter API Key'),
    prompt: vscode.l10n.t('Paste an OpenRouter API key (from https://openrouter.ai/keys). It is kept in VS Code\'s secret storage.'),
    password: true,
    placeHolder: 'sk-or-v1-…',
    validateInput: (v) => (v.trim().length === 0 ? vscode.l10n.t('Paste your key, or press Escape to cancel.') : /\s/.test(v.trim()) ? vscode.l10n.t('A key has no spaces in it; check what was pasted.') : undefined),
  });
  const key = typed?.trim();
  if (!key) {
    return false;
  }
  const api = await ctx.api.withKey(key);
  try {
    const info = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the key with OpenRouter…') },
      () => api.getKeyInfo(),
    );
    await ctx.credentials.setKey(key);
    const label = info.label ? `"${info.label}"` : vscode.l10n.t('(no label)');
    void vscode.window.showInformationMessage(
      vscode.l10n.t('OpenRouter key {0} saved: {1}.', label, describeLimit(info.limit_remaining, info.limit)),
    );
    return true;
  } catch (error) {
    if (OpenRouterError.is(error, 'auth')) {
      throw hostError('auth', vscode.l10n.t('OpenRouter did not accept this key ({0}). Nothing was saved; copy the key again from https://openrouter.ai/keys.', error.serverMessage ?? String(error.status)), { status: error.status, serverMessage: error.serverMessage });
    }
    throw error;
  } finally {
    await api.dispose();
  }
}

export async function clearApiKey(ctx: HostContext): Promise<void> {
  await ctx.credentials.clearKey();
  const env = await ctx.credentials.source();
  void vscode.window.showInformationMessage(
    env === 'environment'
      ? vscode.l10n.t('The stored OpenRouter key was removed. OPENROUTER_API_KEY from the environment is still used.')
      : vscode.l10n.t('The OpenRouter key was removed from this machine.'),
  );
}
