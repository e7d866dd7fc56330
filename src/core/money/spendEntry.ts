/**
 * One job as the spend ledger keeps it, and what it counts: the job's own cost once OpenRouter reports it;
 * nothing for a job that provably was not billed (refused, or failed on OpenRouter's side without a cost);
 * otherwise (running, saving, outcome unknown, stopped, stale) its estimate or budget ceiling.
 * Days and months are the user's local calendar, from the time the job's record was made (so a job never moves
 * to another day or month file when OpenRouter accepts it a moment later).
 */
import * as z from 'zod/mini';
import type { JobRecord } from '../jobs/jobRecord';
import { once } from '../shared/once';

export interface SpendEntry {
  /** The job's local client id (the ledger folds its lines by it). */
  id: string;
  /** When its record was made, just before the submit (ms): decides its day and month, and never changes. */
  at: number;
  /** The record's `updatedAt`: of two lines for one job, the newer record wins. */
  updated: number;
  /** Model id. */
  model: string;
  /** The job's local state (jobStates.ts), as text. */
  state: string;
  estimateUsd?: number;
  /** The estimate is approximate (a token-priced model). */
  approximate?: boolean;
  /** What it counts when there is no estimate (see budgetCharge.ts). */
  ceilingUsd?: number;
  /** OpenRouter's `usage.cost`, once known. */
  costUsd?: number;
}

/** Built on first use (see once.ts). */
export const spendEntrySchema = once(() => {
  const money = z.optional(z.number().check(z.nonnegative()));
  return z.object({
    id: z.string().check(z.minLength(1)),
    at: z.number(),
    updated: z.number(),
    model: z.string(),
    state: z.string(),
    estimateUsd: money,
    approximate: z.optional(z.boolean()),
    ceilingUsd: money,
    costUsd: money,
  });
});

/** States in which a job without a reported cost was not billed. */
const NOT_BILLED: ReadonlySet<string> = new Set(['rejected', 'failed', 'cancelled', 'expired']);

/** What an entry counts now (USD). */
export function spendOf(entry: Pick<SpendEntry, 'state' | 'costUsd' | 'estimateUsd' | 'ceilingUsd'>): number {
  if (entry.costUsd !== undefined) return entry.costUsd;
  if (NOT_BILLED.has(entry.state)) return 0;
  return entry.estimateUsd ?? entry.ceilingUsd ?? 0;
}

/** Whether the entry's amount is still a guess (an estimate or a ceiling, not OpenRouter's figure). */
export function isProvisional(entry: Pick<SpendEntry, 'state' | 'costUsd'>): boolean {
  return entry.costUsd === undefined && !NOT_BILLED.has(entry.state);
}

/** The ledger entry of a job record. */
export function spendEntryOf(record: JobRecord): SpendEntry {
  const entry: SpendEntry = {
    id: record.clientId,
    at: record.createdAt,
    updated: record.updatedAt,
    model: record.request.model,
    state: record.state,
  };
  if (record.estimatedCostUsd !== undefined) entry.estimateUsd = record.estimatedCostUsd;
  if (record.estimateApproximate) entry.approximate = true;
  if (record.ceilingUsd !== undefined) entry.ceilingUsd = record.ceilingUsd;
  if (record.costUsd !== undefined) entry.costUsd = record.costUsd;
  return entry;
}

/** The part of an entry that changes what it counts: a new ledger line is written only when it changes. */
export function spendKey(entry: SpendEntry): string {
  return JSON.stringify([spendOf(entry), isProvisional(entry), entry.costUsd ?? null, entry.estimateUsd ?? null, entry.ceilingUsd ?? null, entry.at]);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `YYYY-MM-DD` of a time, in local time. */
export function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `YYYY-MM` of a time, in local time. */
export function monthKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
}

/** Sums amounts without float noise (to 1e-6 USD). */
export function sumUsd(amounts: Iterable<number>): number {
  let micro = 0;
  for (const a of amounts) micro += Math.round(a * 1_000_000);
  return micro / 1_000_000;
}
