/**
 * Budgets and results: each bench checks its figures against the budgets of docs/performance.md, prints one
 * PASS/FAIL line per budget and keeps the figures as JSON in bench/results/<bench>.json (gitignored).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './hostSession';

export const MiB = 1024 * 1024;

export interface Check {
  budget: string;
  figure: number;
  unit: string;
  limit: number;
  /** 'max': the figure must not exceed the limit; 'min': it must reach it. */
  kind: 'max' | 'min';
  pass: boolean;
  detail?: string;
}

export class BudgetReport {
  readonly checks: Check[] = [];

  constructor(readonly bench: string) {}

  atMost(budget: string, figure: number, limit: number, unit: string, detail?: string): void {
    this.add({ budget, figure, unit, limit, kind: 'max', pass: figure <= limit, ...(detail ? { detail } : {}) });
  }

  atLeast(budget: string, figure: number, limit: number, unit: string, detail?: string): void {
    this.add({ budget, figure, unit, limit, kind: 'min', pass: figure >= limit, ...(detail ? { detail } : {}) });
  }

  /** A budget that could not be measured (the run went wrong): a FAIL without a figure. */
  unmeasured(budget: string, why: string): void {
    this.checks.push({ budget, figure: NaN, unit: '', limit: NaN, kind: 'max', pass: false, detail: why });
    process.stdout.write(`FAIL  ${budget}: not measured; ${why}\n`);
  }

  get failed(): boolean {
    return this.checks.some((c) => !c.pass);
  }

  /** Writes bench/results/<bench>.json: the machine, the checks and the raw figures. */
  save(data: unknown): string {
    const dir = path.join(REPO_ROOT, 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${this.bench}.json`);
    fs.writeFileSync(file, JSON.stringify({ machine: machine(), checks: this.checks, data }, null, 2) + '\n');
    return file;
  }

  private add(check: Check): void {
    this.checks.push(check);
    const figure = `${round(check.figure)} ${check.unit}`.trim();
    const limit = `${check.kind === 'max' ? '≤' : '≥'} ${round(check.limit)} ${check.unit}`.trim();
    process.stdout.write(`${check.pass ? 'PASS' : 'FAIL'}  ${check.budget}: ${figure} (budget ${limit})${check.detail ? `; ${check.detail}` : ''}\n`);
  }
}

function round(n: number): string {
  return Number.isFinite(n) ? String(Number(n.toPrecision(3))) : String(n);
}

/** The machine and the host versions, for the results file. */
export function machine(): Record<string, string | number> {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memGiB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    codeServer: codeServerVersion(),
    loadavg: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    at: new Date().toISOString(),
  };
}

function codeServerVersion(): string {
  try {
    const file = path.join(REPO_ROOT, '.vscode-test', 'code-server-4.100.3', 'node_modules', 'code-server', 'package.json');
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? NaN : sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `--name value` from the command line, or the fallback. */
export function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** Runs a bench's main(): exit code 1 on a failed budget or an error. */
export function runBench(main: () => Promise<BudgetReport>): void {
  main().then(
    (report) => process.exit(report.failed ? 1 : 0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
