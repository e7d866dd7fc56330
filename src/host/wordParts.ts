/** Small pieces the sentence tables share (errorMessages.ts and its neighbours). No runtime `vscode` import. */

/** The part of `vscode.l10n` the sentence tables use (the host passes `vscode.l10n`; unit tests a stand-in). */
export interface L10n {
  t(message: string, args: Record<string, string | number | boolean>): string;
  t(message: string, ...args: (string | number | boolean)[]): string;
}

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
