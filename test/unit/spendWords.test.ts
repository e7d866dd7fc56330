/** How an over-budget refusal and the budget left read, and the button it offers (Open Settings, never Retry). */
import * as assert from 'node:assert/strict';
import { OpenRouterError } from '../../src/core/api/errors';
import { errorActions } from '../../src/host/errorActions';
import { errorMessage } from '../../src/host/errorMessages';
import { wordBudgetLeft, wordChargeNote } from '../../src/host/spendWords';
import { l10n } from './helpers/fakeL10n';

const LEFT = { todayUsd: 2.4, monthUsd: 10, day: '2026-12-05', month: '2026-12' };

describe('spendWords', () => {
  it('an over-budget refusal says what was spent, what this would cost, and how to raise the limit', () => {
    const error = new OpenRouterError('budget', 'overBudget', { limit: 'daily', limitUsd: 20, spentUsd: 19.5, costUsd: 0.8, basis: 'estimate' });
    assert.equal(
      errorMessage(l10n, error),
      'Nothing was submitted: this video would cost $0.80, and $19.50 of your $20.00 daily budget is already spent today. To spend more today, raise "openrouterVideo.budget.dailyUsd" in your user settings (0 means no limit).',
    );
    assert.deepEqual(errorActions(error, new Set(['retry'])), ['openSettings', 'showLog']);
  });

  it('a monthly refusal, an approximate estimate and a ceiling each say so', () => {
    const monthly = new OpenRouterError('budget', 'overBudget', { limit: 'monthly', limitUsd: 100, spentUsd: 99.7, costUsd: 0.6048, basis: 'approximate' });
    assert.match(errorMessage(l10n, monthly), /would cost about \$0\.6048 \(an approximate estimate\), and \$99\.70 of your \$100\.00 monthly budget .* raise "openrouterVideo\.budget\.monthlyUsd"/);
    const ceiling = new OpenRouterError('budget', 'overBudget', { limit: 'daily', limitUsd: 1, spentUsd: 0, costUsd: 1.2, basis: 'ceiling', seconds: 6, perSecondUsd: 0.2 });
    assert.match(errorMessage(l10n, ceiling), /cannot be estimated, so it counts as \$1\.20: the model's highest price, \$0\.20\/s × 6 s/);
  });

  it('budget left, and how a submit with no estimate counts', () => {
    assert.equal(wordBudgetLeft(l10n, { ...LEFT, limits: { dailyUsd: 20, monthlyUsd: 0 }, dailyLeftUsd: 17.6, leftUsd: 17.6 }), 'Budget left today: $17.60 of $20.00.');
    assert.equal(wordBudgetLeft(l10n, { ...LEFT, limits: { dailyUsd: 0, monthlyUsd: 0 } }), '');
    assert.equal(
      wordBudgetLeft(l10n, { ...LEFT, limits: { dailyUsd: 20, monthlyUsd: 50 }, dailyLeftUsd: 17.6, monthlyLeftUsd: 40, leftUsd: 17.6 }),
      'Budget left: $17.60 today, $40.00 this month.',
    );
    assert.equal(wordChargeNote(l10n, { usd: 0.8, basis: 'estimate' }), '');
    assert.match(wordChargeNote(l10n, { usd: 1, basis: 'ceiling', seconds: 5, perSecondUsd: 0.2 }), /counts it as \$1\.00 \(the model's highest price, \$0\.20\/s × 5 s\)/);
  });
});
