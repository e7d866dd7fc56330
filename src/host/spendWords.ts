/**
 * How money reads: the over-budget sentence, what a submit counts against the budget, and what is left.
 * Kept free of a runtime `vscode` import (the caller passes `vscode.l10n`), so the unit tier checks the words.
 */
import type { BudgetLeft } from '../core/money/budget';
import type { BudgetCharge } from '../core/money/budgetCharge';
import { formatUsd } from '../core/pricing/estimateCost';
import type { L10n, Params } from './wordParts';

/** A money param as `$1.20`, or `?` when it is missing. */
function usd(value: string | number | boolean | undefined): string {
  const n = Number(value);
  return value === undefined || value === '' || !Number.isFinite(n) ? '?' : formatUsd(n);
}

/** `$0.40`, `≈$0.40`: an amount, marked when approximate. */
export function wordAmount(amount: number, approximate: boolean | undefined): string {
  return approximate ? `≈${formatUsd(amount)}` : formatUsd(amount);
}

/** What a submit counts against the budget, as a clause: "this video would cost about $0.60 (approximate)". */
function wordCharge(l10n: L10n, p: Params): string {
  const cost = usd(p['costUsd']);
  switch (p['basis']) {
    case 'approximate':
      return l10n.t('this video would cost about {cost} (an approximate estimate)', { cost });
    case 'ceiling':
      return l10n.t("its cost cannot be estimated, so it counts as {cost}: the model's highest price, {price}/s × {seconds} s", {
        cost,
        price: usd(p['perSecondUsd']),
        seconds: p['seconds'] === '' ? '?' : p['seconds'] ?? '?',
      });
    case 'uncounted':
      return l10n.t('its cost cannot be estimated in advance; it counts as {cost} until OpenRouter reports it', { cost });
    default:
      return l10n.t('this video would cost {cost}', { cost });
  }
}

/** The sentence of `overBudget`. */
export function wordOverBudget(l10n: L10n, p: Params): string {
  const facts = { charge: wordCharge(l10n, p), spent: usd(p['spentUsd']), limit: usd(p['limitUsd']) };
  return p['limit'] === 'monthly'
    ? l10n.t(
        'Nothing was submitted: {charge}, and {spent} of your {limit} monthly budget is already spent this month. To spend more, raise "openrouterVideo.budget.monthlyUsd" in your user settings (0 means no limit).',
        facts,
      )
    : l10n.t(
        'Nothing was submitted: {charge}, and {spent} of your {limit} daily budget is already spent today. To spend more today, raise "openrouterVideo.budget.dailyUsd" in your user settings (0 means no limit).',
        facts,
      );
}

/** How a submit counts against the budget, for a confirmation: "" for a plain estimate. */
export function wordChargeNote(l10n: L10n, charge: BudgetCharge): string {
  switch (charge.basis) {
    case 'ceiling':
      return l10n.t("The cost cannot be estimated, so the budget counts it as {cost} (the model's highest price, {price}/s × {seconds} s) until OpenRouter reports it.", {
        cost: formatUsd(charge.usd),
        price: formatUsd(charge.perSecondUsd ?? 0),
        seconds: charge.seconds ?? 0,
      });
    case 'uncounted':
      return charge.usd > 0
        ? l10n.t('The cost cannot be estimated, so the budget counts its minimum charge, {cost}, until OpenRouter reports it.', { cost: formatUsd(charge.usd) })
        : l10n.t('The cost cannot be estimated, so the budget counts it only once OpenRouter reports it.');
    default:
      return '';
  }
}

/** "Budget left: $17.60 today, $80.00 this month." or "" when no limit is set. */
export function wordBudgetLeft(l10n: L10n, left: BudgetLeft): string {
  if (left.dailyLeftUsd !== undefined && left.monthlyLeftUsd !== undefined) {
    return l10n.t('Budget left: {day} today, {month} this month.', { day: formatUsd(left.dailyLeftUsd), month: formatUsd(left.monthlyLeftUsd) });
  }
  if (left.dailyLeftUsd !== undefined) return l10n.t('Budget left today: {day} of {limit}.', { day: formatUsd(left.dailyLeftUsd), limit: formatUsd(left.limits.dailyUsd) });
  if (left.monthlyLeftUsd !== undefined) return l10n.t('Budget left this month: {month} of {limit}.', { month: formatUsd(left.monthlyLeftUsd), limit: formatUsd(left.limits.monthlyUsd) });
  return '';
}

/** What the status bar and the Jobs view show of spend: undefined when nothing was spent today and no key limit is known. */
export interface SpendLabels {
  /** "$2.40 today" or "$2.40 today · $7.60 left on key". */
  short: string;
  /** A line or two for a tooltip: spend, budget left, key limit. */
  detail: string;
}

/** The labels for today's spend and, when the key has a limit, what is left of it. */
export function wordSpendLabels(l10n: L10n, left: BudgetLeft, keyLeftUsd: number | undefined): SpendLabels | undefined {
  if (left.todayUsd <= 0 && keyLeftUsd === undefined) return undefined;
  const parts: string[] = [];
  if (left.todayUsd > 0) parts.push(l10n.t('{spent} today', { spent: formatUsd(left.todayUsd) }));
  if (keyLeftUsd !== undefined) parts.push(l10n.t('{left} left on key', { left: formatUsd(keyLeftUsd) }));
  const lines = [l10n.t('Spent with OpenRouter Video: {today} today, {month} this month.', { today: formatUsd(left.todayUsd), month: formatUsd(left.monthUsd) })];
  const budget = wordBudgetLeft(l10n, left);
  if (budget !== '') lines.push(budget);
  if (keyLeftUsd !== undefined) lines.push(l10n.t('Your OpenRouter key has {left} left of its limit.', { left: formatUsd(keyLeftUsd) }));
  return { short: parts.join(' · '), detail: lines.join('\n') };
}
