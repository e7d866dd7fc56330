/**
 * The spend ledger: every job's spend, across workspaces and windows, in the extension's global storage.
 *
 * One append-only JSON-lines file per month (`spend-YYYY-MM.jsonl`, by the job's submit time), one line per
 * change of what a job counts. Appends from several windows are safe without locks: each line is one
 * `appendFile` (O_APPEND, a single small write), and a reader folds the lines by job id, the newer record
 * winning (ties: the later line). A torn or foreign line is skipped.
 *
 * Admission to the budget is the one thing that needs more: `lock()` takes the ledger's lock file, held by one
 * window at a time while it reads the ledger, decides and appends the job it admits (budget.ts).
 */
import { promises as fs } from 'node:fs';
import path = require('node:path');
import { FileLock } from '../shared/lockFile';
import { type Logger, nullLogger } from '../shared/logger';
import { monthKey, spendEntrySchema, type SpendEntry } from './spendEntry';

const FILE = /^spend-(\d{4}-\d{2})\.jsonl$/;
/** Its owner touches the lock while it holds it, so only a window that died leaves it stale. */
const LOCK_STALE_MS = 10_000;
const LOCK_RETRY_MS = 20;

export class SpendLedger {
  private folderReady: Promise<void> | undefined;

  constructor(
    private readonly folder: string,
    private readonly logger: Logger = nullLogger,
  ) {}

  /** The file that holds a month's entries (`YYYY-MM`). */
  fileOf(month: string): string {
    return path.join(this.folder, `spend-${month}.jsonl`);
  }

  /** The lock between windows (see above); the caller releases it. */
  async lock(signal?: AbortSignal): Promise<FileLock> {
    await this.ensureFolder();
    return FileLock.acquire(path.join(this.folder, 'spend.lock'), { staleMs: LOCK_STALE_MS, retryMs: LOCK_RETRY_MS, signal });
  }

  /** Appends one line for the entry, to the file of its submit month. */
  async append(entry: SpendEntry): Promise<void> {
    await this.ensureFolder();
    await fs.appendFile(this.fileOf(monthKey(entry.at)), `${JSON.stringify(entry)}\n`, 'utf8');
  }

  private async ensureFolder(): Promise<void> {
    this.folderReady ??= fs.mkdir(this.folder, { recursive: true }).then(() => undefined);
    try {
      await this.folderReady;
    } catch (error) {
      this.folderReady = undefined;
      throw error;
    }
  }

  /** A month's entries (`YYYY-MM`), folded by job id. Empty when the month has no file. */
  async readMonth(month: string): Promise<Map<string, SpendEntry>> {
    let text: string;
    try {
      text = await fs.readFile(this.fileOf(month), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw error;
    }
    return foldLines(text, (line) => this.logger.warn(`Skipped an unreadable line in the spend ledger (${month}): ${line.slice(0, 80)}`));
  }

  /** The months that have a file, oldest first. */
  async months(): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.flatMap((n) => FILE.exec(n)?.[1] ?? []).sort();
  }
}

/** Folds ledger lines by job id: the newer record wins, and of equal ones the later line. */
export function foldLines(text: string, onBadLine: (line: string) => void = () => undefined): Map<string, SpendEntry> {
  const folded = new Map<string, SpendEntry>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      onBadLine(line);
      continue;
    }
    const result = spendEntrySchema().safeParse(parsed);
    if (!result.success) {
      onBadLine(line);
      continue;
    }
    mergeEntry(folded, result.data);
  }
  return folded;
}

/** Puts `entry` into `into` unless it holds a newer record of the same job. */
export function mergeEntry(into: Map<string, SpendEntry>, entry: SpendEntry): void {
  const held = into.get(entry.id);
  if (held === undefined || entry.updated >= held.updated) into.set(entry.id, entry);
}
