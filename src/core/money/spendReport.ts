/** Spend tables for "Show Spending": by day and by model, from ledger entries (plain data; the host words it). */
import { dayKey, isProvisional, spendOf, sumUsd, type SpendEntry } from './spendEntry';

export interface SpendRow {
  /** `YYYY-MM-DD` (by day) or a model id (by model). */
  key: string;
  jobs: number;
  usd: number;
  /** Some of it is an estimate or a ceiling (a job's cost is not reported yet). */
  provisional: boolean;
  /** Some of it is an approximate (token-rule) estimate. */
  approximate: boolean;
}

function rowsBy(entries: readonly SpendEntry[], keyOf: (e: SpendEntry) => string): SpendRow[] {
  const groups = new Map<string, SpendEntry[]>();
  for (const e of entries) {
    const key = keyOf(e);
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.entries()].map(([key, list]) => {
    const counted = list.filter((e) => spendOf(e) > 0 || isProvisional(e) || e.costUsd !== undefined);
    return {
      key,
      jobs: counted.length,
      usd: sumUsd(list.map(spendOf)),
      provisional: list.some((e) => isProvisional(e) && spendOf(e) > 0),
      approximate: list.some((e) => isProvisional(e) && e.approximate === true),
    };
  });
}

/** Spend per local day, newest first (days with no billed job left out). */
export function spendByDay(entries: readonly SpendEntry[]): SpendRow[] {
  return rowsBy(entries, (e) => dayKey(e.at))
    .filter((r) => r.jobs > 0)
    .sort((a, b) => b.key.localeCompare(a.key));
}

/** Spend per model, largest first. */
export function spendByModel(entries: readonly SpendEntry[]): SpendRow[] {
  return rowsBy(entries, (e) => e.model)
    .filter((r) => r.jobs > 0)
    .sort((a, b) => b.usd - a.usd || a.key.localeCompare(b.key));
}
