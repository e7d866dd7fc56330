/**
 * Every reason code the core can raise has a sentence, and every sentence reads as one: no placeholder left,
 * no "undefined", ends as a sentence. Table-driven over `REASONS`, so a new code is covered the day it is added.
 */
import * as assert from 'node:assert/strict';
import { OpenRouterError, REASONS, errorFromStatus, type ErrorParams } from '../../src/core/api/errors';
import { errorMessage, wordReason, type L10n } from '../../src/host/errorMessages';

/** `vscode.l10n.t`'s substitution: `{name}` from an object, `{0}` from positional args. */
const l10n: L10n = {
  t(message: string, ...args: unknown[]): string {
    const first = args[0];
    if (args.length === 1 && typeof first === 'object' && first !== null) {
      const named = first as Record<string, unknown>;
      return message.replace(/\{(\w+)\}/g, (whole, key: string) => (key in named ? String(named[key]) : whole));
    }
    return message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));
  },
} as L10n;

/** Params rich enough for any sentence: every name a sentence may use gets a recognisable value. */
const FULL: ErrorParams = new Proxy({}, { get: (_t, key) => (typeof key === 'string' ? `<${key}>` : undefined), has: () => true });

describe('errorMessages: every reason code in words', () => {
  for (const reason of REASONS) {
    // `recorded` and `worded` are their one param, so only the full case applies to them.
    const cases = reason === 'recorded' || reason === 'worded' ? [['with every param', FULL]] : [['with every param', FULL], ['with no params', {}]];
    for (const [label, params] of cases as [string, ErrorParams][]) {
      it(`${reason} (${label}) reads as a sentence`, () => {
        const text = wordReason(l10n, reason, params);
        assert.ok(text.trim().length > 0, 'empty sentence');
        assert.doesNotMatch(text, /\{\w+\}/, `a placeholder is left in: ${text}`);
        assert.doesNotMatch(text, /\bundefined\b|\bNaN\b|\[object Object\]/, `a missing value shows: ${text}`);
        assert.match(text.trim(), /[.!?)">]$/, `not a sentence: ${text}`);
      });
    }
  }

  it('words an HTTP error with OpenRouter\'s own message and what to do', () => {
    const text = errorMessage(l10n, errorFromStatus(402, 'Insufficient credits'));
    assert.equal(text, 'OpenRouter said: "Insufficient credits". Add credits at https://openrouter.ai/credits, then try again.');
  });

  it('falls back to the message of an error that is not the core\'s', () => {
    assert.equal(errorMessage(l10n, new Error('plain')), 'plain');
    assert.equal(errorMessage(l10n, new OpenRouterError('io', 'recorded', { text: 'Kept as written.' })), 'Kept as written.');
  });
});
