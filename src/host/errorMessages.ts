/**
 * The one place where core errors become words: each reason code's sentence, through `l10n.t`. Every
 * sentence says what happened and what to do next. Kept free of a runtime `vscode` import (the caller
 * passes `vscode.l10n`), so the unit tier words every code (test/unit/errorMessages.test.ts).
 */
import { OpenRouterError, type ErrorInfo, type ErrorKind, type ErrorParams, type OpenRouterErrorInit, type Reason } from '../core/api/errors';

/** The part of `vscode.l10n` used here. */
export interface L10n {
  t(message: string, args: Record<string, string | number | boolean>): string;
  t(message: string, ...args: (string | number | boolean)[]): string;
}

type Words = (l10n: L10n, p: Params) => string;

/** Params as the sentences read them: missing ones are empty strings, never "undefined". */
type Params = Readonly<Record<string, string | number | boolean>>;

/** OpenRouter's own words, when it gave any, as the start of a sentence. */
function said(l10n: L10n, p: Params): string {
  return p['said'] !== ''
    ? l10n.t('OpenRouter said: "{said}".', { said: p['said'] ?? '' })
    : l10n.t('OpenRouter answered HTTP {status}.', { status: p['status'] ?? '' });
}

const SENTENCES: { readonly [R in Reason]: Words } = {
  // ---- Shared
  cancelled: (l10n) => l10n.t('Cancelled.'),
  recorded: (_l10n, p) => String(p['text']),
  worded: (_l10n, p) => String(p['text']),
  // ---- HTTP answers (api/)
  keyRejected: (l10n, p) => `${said(l10n, p)} ${l10n.t('Check your API key: run "OpenRouter Video: Set API Key".')}`,
  keyForbidden: (l10n, p) => `${said(l10n, p)} ${l10n.t('This key is not allowed to do that; check its permissions at https://openrouter.ai/keys.')}`,
  noCredits: (l10n, p) => `${said(l10n, p)} ${l10n.t('Add credits at https://openrouter.ai/credits, then try again.')}`,
  rateLimited: (l10n, p) =>
    `${said(l10n, p)} ${p['seconds'] !== '' ? l10n.t('Wait {seconds} s and try again.', { seconds: p['seconds'] ?? '' }) : l10n.t('Wait a moment and try again.')}`,
  requestRefused: (l10n, p) => `${said(l10n, p)} ${l10n.t('Change the request and try again.')}`,
  notFound: (l10n, p) =>
    `${said(l10n, p)} ${l10n.t('The model or job does not exist (any more); refresh the models list or check the job id.')}`,
  requestTimeout: (l10n, p) => `${said(l10n, p)} ${l10n.t('Try again in a moment.')}`,
  serverError: (l10n, p) => `${said(l10n, p)} ${l10n.t('OpenRouter or the provider is having trouble; try again in a moment.')}`,
  unexpectedStatus: (l10n, p) => `${said(l10n, p)} ${l10n.t('Unexpected status; see the log for details.')}`,
};

function normalise(params: ErrorParams | undefined): Params {
  return new Proxy(
    {},
    {
      get: (_target, key: string) => {
        const value = params?.[key];
        return value === undefined ? '' : value;
      },
    },
  ) as Params;
}

/** The sentence for a reason code and its params. */
export function wordReason(l10n: L10n, reason: Reason, params?: ErrorParams): string {
  return SENTENCES[reason](l10n, normalise(params));
}

/** The sentence for an error a job record keeps. */
export function wordErrorInfo(l10n: L10n, info: ErrorInfo): string {
  return wordReason(l10n, info.reason, info.params);
}

/** One sentence for anything thrown: a core error's words, else the error's own message. */
export function errorMessage(l10n: L10n, error: unknown): string {
  if (OpenRouterError.is(error) && error.reason in SENTENCES) {
    return wordReason(l10n, error.reason, error.params);
  }
  return error instanceof Error ? error.message : String(error);
}

/** An error the host raises with a sentence it has already worded (`l10n.t`). */
export function hostError(kind: ErrorKind, text: string, init: OpenRouterErrorInit = {}): OpenRouterError {
  return new OpenRouterError(kind, 'worded', { text }, init);
}
