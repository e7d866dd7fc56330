/** How an over-budget refusal and the budget left read, and the button it offers (Open Settings, never Retry). */
import * as assert from 'node:assert/strict';
import { OpenRouterError } from '../../src/core/api/errors';
import { errorActions } from '../../src/host/errorActions';
import { errorMessage } from '../../src/host/errorMessages';
import type { SpendEntry } from '../../src/core/money/spendEntry';
import { spendingMarkdown } from '../../src/host/spendingReport';
import { wordBudgetLeft, wordChargeNote, wordSpendLabels } from '../../src/host/spendWords';
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

describe('spend in view', () => {
  const budget = { ...LEFT, limits: { dailyUsd: 20, monthlyUsd: 0 }, dailyLeftUsd: 17.6, leftUsd: 17.6 };

  it('the status bar and the Jobs view show today\'s spend, and the key\'s limit beside it when known', () => {
    assert.deepEqual(wordSpendLabels(l10n, budget, undefined), {
      short: '$2.40 today',
      detail: 'Spent with OpenRouter Video: $2.40 today, $10.00 this month.\nBudget left today: $17.60 of $20.00.',
    });
    assert.equal(wordSpendLabels(l10n, budget, 7.6)?.short, '$2.40 today · $7.60 left on key');
    assert.equal(wordSpendLabels(l10n, { ...budget, todayUsd: 0 }, undefined), undefined, 'nothing spent today: nothing shown');
  });

  it('Show Spending tables spend by day and by model, marking estimates', () => {
    const at = (day: number, hour = 12) => new Date(2026, 11, day, hour).getTime();
    const entries: SpendEntry[] = [
      { id: 'a', at: at(5), updated: 1, model: 'google/veo-3.1', state: 'saved', costUsd: 1.6, estimateUsd: 1.6 },
      { id: 'b', at: at(5, 18), updated: 1, model: 'bytedance/seedance-2.0', state: 'in_progress', estimateUsd: 0.6048, approximate: true },
      { id: 'c', at: at(3), updated: 1, model: 'google/veo-3.1', state: 'saved', costUsd: 0.8 },
      { id: 'd', at: at(3), updated: 1, model: 'google/veo-3.1', state: 'rejected', estimateUsd: 0.8 },
    ];
    const md = spendingMarkdown(l10n, { left: { ...budget, todayUsd: 2.2048, monthUsd: 3.0048 }, months: ['2026-12'], entries });
    assert.match(md, /- Today \(2026-12-05\): \$2\.2048 of your \$20\.00 daily budget/);
    assert.match(md, /- This month \(2026-12\): \$3\.0048 \(no monthly limit\)/);
    assert.match(md, /## By day \(2026-12\)\n\n\| Day \| Jobs \| Spend \|\n\|---\|---:\|---:\|\n\| 2026-12-05 \| 2 \| ≈\$2\.2048\* \|\n\| 2026-12-03 \| 1 \| \$0\.80 \|/);
    assert.match(md, /\| google\/veo-3\.1 \| 2 \| \$2\.40 \|\n\| bytedance\/seedance-2\.0 \| 1 \| ≈\$0\.6048\* \|/);
  });
});
