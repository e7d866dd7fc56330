/**
 * The "Show Spending" document: a read-only Markdown table of spend by day and by model (from the ledger, across
 * workspaces), shown in the Markdown preview. It lives under its own URI scheme, so nothing is written anywhere.
 * The Markdown is built by `spendingMarkdown` (no runtime `vscode` import), so the unit tier checks it.
 */
import type { BudgetLeft } from '../core/money/budget';
import { spendByDay, spendByModel, type SpendRow } from '../core/money/spendReport';
import type { SpendEntry } from '../core/money/spendEntry';
import { formatUsd } from '../core/pricing/estimateCost';
import type { L10n } from './wordParts';

/** A table cell's text: Markdown table syntax in a model id is escaped. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

function amount(row: SpendRow): string {
  return `${row.approximate ? '≈' : ''}${formatUsd(row.usd)}${row.provisional ? '*' : ''}`;
}

function table(header: [string, string, string], rows: readonly SpendRow[], keyText: (row: SpendRow) => string): string {
  const lines = [`| ${header.join(' | ')} |`, '|---|---:|---:|'];
  for (const row of rows) lines.push(`| ${cell(keyText(row))} | ${row.jobs} | ${amount(row)} |`);
  return lines.join('\n');
}

export interface SpendingFacts {
  left: BudgetLeft;
  /** The months shown (`YYYY-MM`, oldest first) and their entries. */
  months: readonly string[];
  entries: readonly SpendEntry[];
  /** What is left of the OpenRouter key's own limit, when it has one and it is known. */
  keyLeftUsd?: number;
}

/** The document's Markdown. */
export function spendingMarkdown(l10n: L10n, facts: SpendingFacts): string {
  const { left } = facts;
  const daily = left.limits.dailyUsd > 0 ? l10n.t('{spent} of your {limit} daily budget', { spent: formatUsd(left.todayUsd), limit: formatUsd(left.limits.dailyUsd) }) : l10n.t('{spent} (no daily limit)', { spent: formatUsd(left.todayUsd) });
  const monthly = left.limits.monthlyUsd > 0 ? l10n.t('{spent} of your {limit} monthly budget', { spent: formatUsd(left.monthUsd), limit: formatUsd(left.limits.monthlyUsd) }) : l10n.t('{spent} (no monthly limit)', { spent: formatUsd(left.monthUsd) });
  const out = [
    `# ${l10n.t('OpenRouter Video spending')}`,
    '',
    `- ${l10n.t('Today ({day}): {amount}', { day: left.day, amount: daily })}`,
    `- ${l10n.t('This month ({month}): {amount}', { month: left.month, amount: monthly })}`,
  ];
  if (facts.keyLeftUsd !== undefined) out.push(`- ${l10n.t('Left on your OpenRouter key: {left}', { left: formatUsd(facts.keyLeftUsd) })}`);
  out.push(
    '',
    l10n.t(
      'Spend counts the cost OpenRouter reports for each job of yours, in every workspace. Amounts marked * include the estimate of a job whose cost is not reported yet (≈: an approximate estimate of a token-priced model). Raise or remove the limits with the settings "openrouterVideo.budget.dailyUsd" and "openrouterVideo.budget.monthlyUsd".',
    ),
    '',
  );
  const first = facts.months[0] ?? left.month;
  const last = facts.months[facts.months.length - 1] ?? left.month;
  const span = first === last ? first : `${first} – ${last}`;
  const days = spendByDay(facts.entries);
  const models = spendByModel(facts.entries);
  out.push(`## ${l10n.t('By day ({span})', { span })}`, '');
  out.push(days.length > 0 ? table([l10n.t('Day'), l10n.t('Jobs'), l10n.t('Spend')], days, (r) => r.key) : l10n.t('No spend yet.'), '');
  out.push(`## ${l10n.t('By model ({span})', { span })}`, '');
  out.push(models.length > 0 ? table([l10n.t('Model'), l10n.t('Jobs'), l10n.t('Spend')], models, (r) => r.key) : l10n.t('No spend yet.'), '');
  return out.join('\n');
}
