import type { L10n } from '../../../src/host/errorMessages';

/** `vscode.l10n.t`'s substitution, English only: `{name}` from an object, `{0}` from positional args. */
export const l10n: L10n = {
  t(message: string, ...args: unknown[]): string {
    const first = args[0];
    if (args.length === 1 && typeof first === 'object' && first !== null) {
      const named = first as Record<string, unknown>;
      return message.replace(/\{(\w+)\}/g, (whole, key: string) => (key in named ? String(named[key]) : whole));
    }
    return message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));
  },
} as L10n;
