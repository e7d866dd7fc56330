/**
 * The budget: the one check every submit passes (JobService.submit admits each plan through it), and what is
 * left of it for confirmations to show.
 *
 * Today's and this month's spend (the ledger across windows and workspaces, overlaid with this window's own
 * records, which may be newer than their last ledger line) plus what the submit counts (budgetCharge.ts) must
 * fit under each limit that is set (0 = none). Otherwise nothing is written or sent: the error carries what was
 * spent, what the submit counts and which limit it hit; the host words it and offers the setting.
 *
 * Admission holds this window's turn and the ledger's lock across windows: it reads the ledger afresh, decides,
 * writes the job's record and appends it to the ledger as a pending charge before the lock is released, so a
 * window admitting next counts it.
 */
import { describeError, OpenRouterError } from '../api/errors';
import type { JobRecord } from '../jobs/jobRecord';
import type { Clock } from '../shared/clock';
import { type Logger, nullLogger } from '../shared/logger';
import type { BudgetCharge } from './budgetCharge';
import { mergeEntry, type SpendLedger } from './ledger';
import { dayKey, monthKey, spendEntryOf, spendOf, sumUsd, type SpendEntry } from './spendEntry';

/** The limits in USD; 0 (or less) means no limit. */
export interface BudgetLimits {
  dailyUsd: number;
  monthlyUsd: number;
}

export interface SpendTotals {
  todayUsd: number;
  monthUsd: number;
  /** `YYYY-MM-DD` and `YYYY-MM` they are for (local time). */
  day: string;
  month: string;
}

/** What is left of each limit (undefined: no limit), and of the tighter one. */
export interface BudgetLeft extends SpendTotals {
  limits: BudgetLimits;
  dailyLeftUsd?: number;
  monthlyLeftUsd?: number;
  /** The smaller of the two; undefined when neither limit is set. */
  leftUsd?: number;
}

export type BudgetVerdict = { ok: true } | { ok: false; limit: 'daily' | 'monthly'; limitUsd: number; spentUsd: number };

/** Tolerance for float sums (well under a cent). */
const EPSILON = 1e-6;

/** Whether `chargeUsd` more fits under the limits (the daily one is checked first). */
export function budgetVerdict(totals: Pick<SpendTotals, 'todayUsd' | 'monthUsd'>, limits: BudgetLimits, chargeUsd: number): BudgetVerdict {
  if (limits.dailyUsd > 0 && totals.todayUsd + chargeUsd > limits.dailyUsd + EPSILON) {
    return { ok: false, limit: 'daily', limitUsd: limits.dailyUsd, spentUsd: totals.todayUsd };
  }
  if (limits.monthlyUsd > 0 && totals.monthUsd + chargeUsd > limits.monthlyUsd + EPSILON) {
    return { ok: false, limit: 'monthly', limitUsd: limits.monthlyUsd, spentUsd: totals.monthUsd };
  }
  return { ok: true };
}

export interface SpendBudgetOptions {
  ledger: SpendLedger;
  clock: Clock;
  /** Read at each check, so a changed setting applies at once. */
  limits: () => BudgetLimits;
  /** This window's own records as ledger entries (they may be ahead of the ledger's lines). */
  localEntries?: () => readonly SpendEntry[];
  logger?: Logger;
}

/** Something a submit carries that the budget counts. */
export interface Chargeable {
  readonly budget: BudgetCharge;
}

/** What an admitted submit reserved: its job's record, appended to the ledger as a pending charge. */
export interface Reserved {
  readonly record: JobRecord;
}

export class SpendBudget {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SpendBudgetOptions) {}

  /** A month's entries (`YYYY-MM`, default this month): the ledger's, overlaid with this window's newer ones. */
  async monthEntries(month = monthKey(this.options.clock.now())): Promise<SpendEntry[]> {
    const entries = await this.options.ledger.readMonth(month);
    for (const local of this.options.localEntries?.() ?? []) {
      if (monthKey(local.at) === month) mergeEntry(entries, local);
    }
    return [...entries.values()];
  }

  /** Today's and this month's spend. */
  async totals(): Promise<SpendTotals> {
    const now = this.options.clock.now();
    const day = dayKey(now);
    const entries = await this.monthEntries(monthKey(now));
    return {
      todayUsd: sumUsd(entries.filter((e) => dayKey(e.at) === day).map(spendOf)),
      monthUsd: sumUsd(entries.map(spendOf)),
      day,
      month: monthKey(now),
    };
  }

  /** The last `count` months that have spend (`YYYY-MM`, oldest first), this month always among them. */
  async recentMonths(count: number): Promise<string[]> {
    const months = new Set(await this.options.ledger.months());
    months.add(monthKey(this.options.clock.now()));
    return [...months].sort().slice(-count);
  }

  /** What is left of today's and this month's budget: for confirmations ("budget left") and views. */
  async remaining(): Promise<BudgetLeft> {
    const totals = await this.totals();
    const limits = this.options.limits();
    const left: BudgetLeft = { ...totals, limits };
    if (limits.dailyUsd > 0) left.dailyLeftUsd = Math.max(0, sumUsd([limits.dailyUsd, -totals.todayUsd]));
    if (limits.monthlyUsd > 0) left.monthlyLeftUsd = Math.max(0, sumUsd([limits.monthlyUsd, -totals.monthUsd]));
    const both = [left.dailyLeftUsd, left.monthlyLeftUsd].filter((x): x is number => x !== undefined);
    if (both.length > 0) left.leftUsd = Math.min(...both);
    return left;
  }

  /**
   * Throws `overBudget` when the plan's charge does not fit today's or this month's budget. Callers may check
   * early (before a confirmation); the binding check is the one `admit` runs at submit.
   */
  async check(plan: Chargeable): Promise<void> {
    const totals = await this.totals();
    const verdict = budgetVerdict(totals, this.options.limits(), plan.budget.usd);
    if (!verdict.ok) {
      throw new OpenRouterError('budget', 'overBudget', {
        limit: verdict.limit,
        limitUsd: verdict.limitUsd,
        spentUsd: verdict.spentUsd,
        costUsd: plan.budget.usd,
        basis: plan.budget.basis,
        seconds: plan.budget.seconds,
        perSecondUsd: plan.budget.perSecondUsd,
      });
    }
  }

  /**
   * Checks the plan and, when it fits, runs `reserve` (which writes the job's record) and appends that record to
   * the ledger, all before the next submit of any window is checked, so two quick submits cannot both fit one
   * remaining dollar. A ledger that cannot be locked leaves the check to this window alone; one that cannot take
   * the appended line hides only this job from other windows' checks (both logged): the record exists by then,
   * and its submit goes on.
   */
  admit<T extends Reserved>(plan: Chargeable, reserve: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const lock = await this.options.ledger.lock().catch((error: unknown) => {
        this.logger.warn(`Could not lock the spend ledger; the budget is checked in this window only: ${describeError(error)}`);
        return undefined;
      });
      try {
        await this.check(plan);
        const reserved = await reserve();
        await this.options.ledger.append(spendEntryOf(reserved.record)).catch((error: unknown) => {
          this.logger.warn(`Could not add job ${reserved.record.clientId} to the spend ledger: ${describeError(error)}`);
        });
        return reserved;
      } finally {
        await lock?.release();
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private get logger(): Logger {
    return this.options.logger ?? nullLogger;
  }
}
