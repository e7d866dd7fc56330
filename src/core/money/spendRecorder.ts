/**
 * Writes this window's jobs into the spend ledger: a line whenever what a job counts changes (submitted,
 * refused, its cost reported, …), and at start the jobs of this month the ledger does not have yet. Lines are
 * appended one at a time, in order. When a job's cost arrives, the log compares it with the estimate, so the
 * approximate token rule can be corrected from real figures.
 */
import { describeError } from '../api/errors';
import type { JobRecord } from '../jobs/jobRecord';
import type { JobStore } from '../jobs/jobStore';
import type { Clock } from '../shared/clock';
import { Disposable } from '../shared/disposable';
import { Emitter, type Event } from '../shared/emitter';
import { type Logger, nullLogger } from '../shared/logger';
import { formatUsd } from '../pricing/estimateCost';
import type { SpendLedger } from './ledger';
import { monthKey, spendEntryOf, spendKey, type SpendEntry } from './spendEntry';

export interface SpendRecorderOptions {
  ledger: SpendLedger;
  store: Pick<JobStore, 'all' | 'onDidChange'>;
  clock: Clock;
  logger?: Logger;
}

export class SpendRecorder extends Disposable {
  /** The last key written (or found in the ledger) per job. */
  private readonly written = new Map<string, string>();
  /** Jobs whose cost is known (its comparison with the estimate is logged once). */
  private readonly costKnown = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private readonly logger: Logger;
  private readonly appended = this._register(new Emitter<SpendEntry>());
  /** A line was appended (views refresh their totals). */
  readonly onDidAppend: Event<SpendEntry> = this.appended.event;

  constructor(private readonly options: SpendRecorderOptions) {
    super();
    this.logger = options.logger ?? nullLogger;
    this._register(options.store.onDidChange((e) => e.changed.forEach((r) => this.record(r))));
  }

  /** Seeds what the ledger holds for this month and writes this month's jobs it lacks. */
  async start(): Promise<void> {
    const month = monthKey(this.options.clock.now());
    try {
      for (const [id, entry] of await this.options.ledger.readMonth(month)) {
        this.written.set(id, spendKey(entry));
        if (entry.costUsd !== undefined) this.costKnown.add(id);
      }
    } catch (error) {
      this.logger.warn(`Could not read the spend ledger: ${describeError(error)}`);
    }
    for (const record of this.options.store.all()) {
      if (monthKey(record.createdAt) === month) this.record(record);
    }
    await this.settled();
  }

  /** Resolves when every line asked for so far is written. */
  settled(): Promise<void> {
    return this.queue;
  }

  private record(record: JobRecord): void {
    const entry = spendEntryOf(record);
    const key = spendKey(entry);
    if (this.written.get(entry.id) === key) return;
    this.written.set(entry.id, key);
    if (entry.costUsd !== undefined && !this.costKnown.has(entry.id)) {
      this.costKnown.add(entry.id);
      if (entry.estimateUsd !== undefined && entry.estimateUsd > 0) this.logCostRatio(record, entry, entry.costUsd, entry.estimateUsd);
    }
    this.queue = this.queue.then(async () => {
      try {
        await this.options.ledger.append(entry);
        this.appended.fire(entry);
      } catch (error) {
        this.written.delete(entry.id);
        this.logger.warn(`Could not write the spend ledger: ${describeError(error)}`);
      }
    });
  }

  /** Logs how the reported cost compares with the estimate (for a token-priced model, how good the rule is). */
  private logCostRatio(record: JobRecord, entry: SpendEntry, costUsd: number, estimateUsd: number): void {
    const ratio = (costUsd / estimateUsd).toFixed(3);
    const rule = entry.approximate ? ' by the token rule' : '';
    this.logger.info(`Job ${record.jobId ?? entry.id} (${entry.model}) cost ${formatUsd(costUsd)}, estimated ${entry.approximate ? '≈' : ''}${formatUsd(estimateUsd)}${rule}: cost/estimate ${ratio}.`);
  }
}
