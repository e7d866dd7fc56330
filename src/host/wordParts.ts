/** Small pieces the sentence tables share (errorMessages.ts, downloadWords.ts). No runtime `vscode` import. */
import type { L10n } from './errorMessages';

/** Params as the sentences read them: missing ones are empty strings, never "undefined". */
export type Params = Readonly<Record<string, string | number | boolean>>;

/** One reason code's sentence. */
export type Words = (l10n: L10n, p: Params) => string;

/** A param, or `fallback` when it is missing. */
export function orElse(value: string | number | boolean | undefined, fallback: string | number): string | number | boolean {
  return value === undefined || value === '' ? fallback : value;
}

/** " (code)" for an error code, or nothing. */
export function inParens(value: string | number | boolean | undefined): string {
  return value === undefined || value === '' ? '' : ` (${String(value)})`;
}
