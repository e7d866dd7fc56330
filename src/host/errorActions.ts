/**
 * Which buttons an error's message offers. Kept free of a runtime `vscode` import so the unit tier checks the
 * rule that matters most for money: a submit whose outcome is unknown (OpenRouter may have taken, and billed,
 * the job) never offers a plain Retry; it offers to look the job up, or to submit again after a warning.
 */
import { OpenRouterError } from '../core/api/errors';

export type ErrorAction = 'setKey' | 'addCredits' | 'openSettings' | 'retry' | 'recoverJob' | 'submitAgain' | 'showLog';

/** What the caller can do again: run the same command (`retry`), adopt the job by id, or submit anew. */
export type OfferedAction = 'retry' | 'recoverJob' | 'submitAgain';

const RETRYABLE_KINDS: ReadonlySet<string> = new Set(['rateLimited', 'server', 'network', 'timeout', 'payment', 'auth']);

/** Whether a submit's outcome is unknown: OpenRouter may have accepted (and billed) the job. */
export function isUnknownSubmit(error: unknown): boolean {
  return OpenRouterError.is(error) && (error.reason === 'submitUnknown' || error.reason === 'submitInterrupted');
}

/** The buttons for `error`, from what the caller offers, in the order shown. */
export function errorActions(error: unknown, offered: ReadonlySet<OfferedAction>): ErrorAction[] {
  const kind = OpenRouterError.is(error) ? error.kind : undefined;
  const actions: ErrorAction[] = [];
  if (isUnknownSubmit(error)) {
    if (offered.has('recoverJob')) actions.push('recoverJob');
    if (offered.has('submitAgain')) actions.push('submitAgain');
    return [...actions, 'showLog'];
  }
  if (kind === 'auth') actions.push('setKey');
  if (kind === 'payment') actions.push('addCredits');
  if (kind === 'insecure' || kind === 'budget') actions.push('openSettings');
  if (offered.has('retry') && kind !== undefined && RETRYABLE_KINDS.has(kind)) actions.push('retry');
  return [...actions, 'showLog'];
}
