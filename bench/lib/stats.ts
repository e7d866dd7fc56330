/** Small statistics and formatting helpers shared by the benches. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
}

export function summarise(values: readonly number[]): Summary {
  const sorted = [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { n: 0, median: NaN, min: NaN, max: NaN };
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { n, median, min: sorted[0]!, max: sorted[n - 1]! };
}

/** `12.3 (10.1–15.0)` with `digits` decimals. */
export function fmt(s: Summary, digits = 1, unit = ''): string {
  if (s.n === 0) return 'n/a';
  const f = (v: number) => v.toFixed(digits);
  return `${f(s.median)}${unit} (${f(s.min)}–${f(s.max)}${unit})`;
}

export const MiB = 1024 * 1024;
export const KiB = 1024;

/** Reads VmRSS / VmHWM (KiB) of a process from /proc. */
export function procMemory(pid: number | 'self' = 'self'): { rssKiB: number; hwmKiB: number } {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { rssKiB: get('VmRSS'), hwmKiB: get('VmHWM') };
}

/** Resets this process's peak RSS (VmHWM) to its current RSS (Linux ≥ 4.0). Returns false if not allowed. */
export function resetPeakRss(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Where benches write their JSON results (gitignored). */
export function resultsDir(): string {
  const dir = path.resolve(__dirname, '..', '..', '..', 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function writeResult(name: string, value: unknown): string {
  const file = path.join(resultsDir(), `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
  return file;
}

/** A description of the machine, for the report. */
export function machine(): Record<string, string | number> {
  const os = require('node:os') as typeof import('node:os');
  const cpus = os.cpus();
  let distro = '';
  try {
    distro = /PRETTY_NAME="([^"]+)"/.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
  } catch {
    // not Linux
  }
  return {
    os: distro || `${os.type()} ${os.release()}`,
    kernel: os.release(),
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memGiB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    loadavg: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    at: new Date().toISOString(),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
