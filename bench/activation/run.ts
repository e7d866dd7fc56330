/**
 * Activation and size.
 *  1. Production bundles (`node esbuild.js --production`) built into a temp extension folder.
 *  2. Plain Node, fresh process per run, `vscode` stubbed: require(dist/extension.js) + activate().
 *  3. The real VS Code 1.100.3 extension host (code-server + headless Chromium), fresh server per run:
 *     - 'startup': a workspace with no resume marker: is the extension active once the workbench settled?
 *       (and, as a control, a workspace with the marker: it must be);
 *     - 'activate': bench/activation/hostProbe.ts times require + activate() from inside the host and checks
 *       that client.js (undici) is not loaded at activation nor by drawing the Jobs view.
 *
 *   node out/bench/activation/run.js [--node-runs 21] [--host-runs 9] [--no-host] [--baseline <checkout>]
 *
 * --baseline builds another checkout too (e.g. a worktree of the commit before a change) and alternates the
 * runs of both (this, baseline, this, …), so the two are compared under the same load.
 */
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fmt, machine, summarise, writeResult } from '../lib/stats';
import { buildProductionExtension, REPO_ROOT, type BuiltExtension } from './build';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const EXT_ID = 'openrouter-video.openrouter-video';
const MARKER = path.join('.vscode', '.openrouter-video-active');

interface NodeRun {
  requireMs: number;
  activateMs: number;
  totalMs: number;
  loaded: { name: string; bytes: number }[];
  undiciLoaded: boolean;
  commands: number;
}

function nodeRuns(ext: BuiltExtension, runs: number): NodeRun[] {
  const results: NodeRun[] = [];
  const worker = path.join(__dirname, 'nodeWorker.js');
  for (let i = 0; i < runs; i++) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'orv-bench-act-'));
    fs.mkdirSync(path.join(tmp, 'storage'));
    fs.mkdirSync(path.join(tmp, 'ws'));
    try {
      const out = cp.execFileSync(process.execPath, [worker, ext.dir, path.join(tmp, 'storage'), path.join(tmp, 'ws')], { encoding: 'utf8' });
      results.push(JSON.parse(out.trim().split('\n').pop()!) as NodeRun);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return results;
}

interface HostResult {
  mode: string;
  error?: string;
  [key: string]: unknown;
}

/** `reuseRoot`: start again on the user data, extensions and workspace folders of an earlier run (a later start). */
async function hostRun(ext: BuiltExtension, mode: 'startup' | 'activate', withMarker: boolean, reuseRoot?: string): Promise<HostResult> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startCodeServer } = require(path.join(REPO_ROOT, 'scripts', 'codeServer.js')) as {
    startCodeServer(o: Record<string, unknown>): Promise<{ workbenchUrl(o: Record<string, unknown>): string; stop(): Promise<void> }>;
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CHROMIUM, ensureTestHost } = require(path.join(REPO_ROOT, 'scripts', 'setup-test-host.js')) as { CHROMIUM: string; ensureTestHost(): void };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  ensureTestHost();
  const root = reuseRoot ?? fs.mkdtempSync(path.join(os.tmpdir(), 'orv-bench-host-'));
  const workspace = path.join(root, 'workspace');
  if (!fs.existsSync(workspace)) fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  if (withMarker) {
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(workspace, MARKER), 'bench\n');
  }
  const server = await startCodeServer({
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    env: { ORV_BENCH_MODE: mode, ORV_BENCH_EXT_ID: EXT_ID, OPENROUTER_API_KEY: 'sk-or-v1-bench-not-a-key', ORV_BENCH_LINGER_MS: '2500', ...(process.env.ORV_BENCH_CPU_PROFILE ? { ORV_BENCH_CPU_PROFILE: process.env.ORV_BENCH_CPU_PROFILE } : {}) },
    // Nothing listens on port 9: the extension can never reach a real API from a bench.
    settings: { 'openrouterVideo.apiBaseUrl': 'http://127.0.0.1:9/api/v1' },
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    let result: HostResult | undefined;
    let resolveExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown) => {
      const text = Array.isArray(args) ? args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') : String(args);
      const m = /BENCH_RESULT (.*)$/s.exec(text);
      if (m) result = JSON.parse(m[1]!) as HostResult;
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(Number(code)));
    await page.goto(
      server.workbenchUrl({
        folder: workspace,
        extensionDevelopmentPath: ext.dir,
        extensionTestsPath: path.join(__dirname, 'hostProbe.js'),
      }),
    );
    const timeout = new Promise<number>((resolve) => setTimeout(() => resolve(-1), 120_000).unref());
    const code = await Promise.race([exited, timeout]);
    if (code !== 0 || !result) return { mode, error: `exit ${code}, result ${JSON.stringify(result)}` };
    const cacheDir = path.join(root, 'user-data', 'User', 'globalStorage', EXT_ID, 'code-cache');
    return { ...result, withMarker, codeCacheAfter: fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : [] };
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    if (!reuseRoot) fs.rmSync(root, { recursive: true, force: true });
  }
}

interface Measured {
  label: string;
  ext: BuiltExtension;
  node: NodeRun[];
  startup: HostResult[];
  /** First start on a fresh user-data folder (no code cache yet). */
  activate: HostResult[];
  /** The next start on the same folders (the code cache the first one wrote). */
  activateLater: HostResult[];
}

function hostRows(label: string, runs: HostResult[]): string[] {
  const hs = (k: string) => summarise(runs.map((r) => Number(r[k])));
  return [
    `| extension host, ${label}: require(dist/extension.js) | ${fmt(hs('requireMs'), 1, ' ms')} | |`,
    `| … VS Code's own work between that and the activate() call | ${fmt(hs('hostGapMs'), 1, ' ms')} | |`,
    `| … activate() call → resolved (loads dist/composition.js) | ${fmt(hs('activateMs'), 1, ' ms')} | |`,
    `| … the extension's own work (load + activate()) | ${fmt(hs('loadPlusActivateMs'), 1, ' ms')} | |`,
    `| **… first module load → end of activate()** | ${fmt(hs('firstLoadToActivateEndMs'), 1, ' ms')} | ≤ 20 ms |`,
  ];
}

function report(m: Measured): { lines: string[]; data: Record<string, unknown> } {
  const { ext, node, startup, activate, activateLater } = m;
  const nodeLoaded = node[0]!.loaded;
  const ns = (k: 'requireMs' | 'activateMs' | 'totalMs') => summarise(node.map((r) => r[k]));
  const ok = activate.filter((r) => !r.error);
  const hs = (k: string) => summarise(ok.map((r) => Number(r[k])));
  const atActivation = (ok[0]?.loadedAtActivation as { name: string; bytes: number }[] | undefined) ?? [];
  const afterView = (ok[0]?.loadedAfterJobsView as { name: string; bytes: number }[] | undefined) ?? [];
  const kib = (list: { bytes: number }[]) => (list.reduce((a, f) => a + f.bytes, 0) / 1024).toFixed(1);
  const by = ok.map((r) => (r.clientLoadedBy as string | undefined) ?? '').filter((x) => x !== '');
  const lines = [
    `**${m.label}** — production bundles: ${ext.files.map((f) => `\`dist/${f.name}\` ${(f.bytes / 1024).toFixed(1)} KiB`).join(', ')}.`,
    '',
    '| measure | median (min–max) | target |',
    '|---|---|---|',
    `| plain Node (${node.length} runs): require(dist/extension.js) | ${fmt(ns('requireMs'), 1, ' ms')} | |`,
    `| plain Node: activate() | ${fmt(ns('activateMs'), 1, ' ms')} | |`,
    `| plain Node: load + activate() | ${fmt(ns('totalMs'), 1, ' ms')} | ≤ 20 ms |`,
    ...hostRows(`first start (${ok.length} runs, no code cache yet)`, ok),
    ...hostRows(`later start (${activateLater.filter((r) => !r.error).length} runs, same folders)`, activateLater.filter((r) => !r.error)),
    `| code cache written by the first start / found by the later one | ${ok.filter((r) => ((r.codeCacheAfter as string[] | undefined) ?? []).length > 0).length} of ${ok.length} | |`,
    `| VS Code's marks: willLoadExtensionCode → didLoadExtensionCode / willActivate → didActivate | ${fmt(hs('vscodeLoadMs'), 0, ' ms')} / ${fmt(hs('vscodeActivateMs'), 0, ' ms')} | |`,
    `| secret storage read during activate() (an RPC to the workbench) | ${fmt(summarise(ok.flatMap((r) => (r.secretCalls as number[] | undefined) ?? [])), 1, ' ms')} | |`,
    `| code loaded at activation (plain Node / host) | ${nodeLoaded.map((f) => `${f.name} ${(f.bytes / 1024).toFixed(1)} KiB`).join(', ')} / ${atActivation.map((f) => f.name).join(', ') || 'n/a'} (${kib(atActivation)} KiB) | ≤ 150 KB |`,
    `| client.js (undici) loaded at activation / after opening the view container | ${atActivation.some((f) => f.name.includes('client')) ? 'yes' : 'no'} / ${afterView.some((f) => f.name.includes('client')) ? `yes, ${fmt(hs('clientLoadedAfterActivateMs'), 0, ' ms')} after activate(), by: ${by[0] ?? '?'}` : 'no'} (plain Node: undici ${node.some((r) => r.undiciLoaded) ? 'loaded' : 'not loaded'}) | no / only when first needed |`,
    `| active after start-up, workspace without marker (${startup.filter((r) => !r.withMarker).length} runs) | ${startup.filter((r) => !r.withMarker).map((r) => String(r.activeAfterSettle)).join(', ')}; files loaded: ${startup.filter((r) => !r.withMarker).map((r) => (r.loaded as unknown[] | undefined)?.length ?? 'n/a').join(', ')} | false; 0 |`,
    `| control: active after start-up with the marker | ${startup.filter((r) => r.withMarker).map((r) => `${String(r.activeAfterSettle)} (VS Code: load → activated ${Number(r.vscodeActivationMs).toFixed(0)} ms)`).join(', ')} | true |`,
  ];
  return { lines, data: { label: m.label, sizes: Object.fromEntries(ext.files.map((f) => [f.name, f.bytes])), node, startup, activate, activateLater } };
}

async function main(): Promise<void> {
  const nodeN = Number(arg('node-runs', '21'));
  const hostN = Number(arg('host-runs', '9'));
  const baselineDir = arg('baseline', '');
  const subjects: Measured[] = [{ label: 'this checkout', ext: buildProductionExtension(), node: [], startup: [], activate: [], activateLater: [] }];
  if (baselineDir) subjects.push({ label: `baseline (${baselineDir})`, ext: buildProductionExtension(path.resolve(baselineDir)), node: [], startup: [], activate: [], activateLater: [] });
  try {
    for (const s of subjects) {
      process.stderr.write(`  ${s.label}: ${s.ext.files.map((f) => `${f.name} ${(f.bytes / 1024).toFixed(1)} KiB`).join(', ')}\n`);
    }
    for (let i = 0; i < nodeN; i++) for (const s of subjects) s.node.push(...nodeRuns(s.ext, 1));
    if (!process.argv.includes('--no-host')) {
      for (const withMarker of process.argv.includes('--no-startup') ? [] : [false, false, true]) {
        for (const s of subjects) {
          const r = await hostRun(s.ext, 'startup', withMarker);
          s.startup.push(r);
          process.stderr.write(`  ${s.label} host startup (${withMarker ? 'marker' : 'no marker'}): active=${String(r.activeAfterSettle)} ${r.error ?? ''}\n`);
        }
      }
      for (let i = 0; i < hostN; i++) {
        for (const s of subjects) {
          // A first start on fresh folders, then the next start on the same ones.
          const root = fs.mkdtempSync(path.join(os.tmpdir(), 'orv-bench-host-'));
          try {
            for (const [list, when] of [[s.activate, 'first'], [s.activateLater, 'later']] as const) {
              const r = await hostRun(s.ext, 'activate', false, root);
              list.push(r);
              process.stderr.write(
                `  ${s.label} host activate #${i + 1} (${when} start): require ${Number(r.requireMs).toFixed(1)} ms + activate() ${Number(r.activateMs).toFixed(1)} ms ` +
                  `(first load → end of activate ${Number(r.firstLoadToActivateEndMs).toFixed(1)} ms; cache after: ${String((r.codeCacheAfter as string[] | undefined)?.length ?? 0)}) ${r.error ?? ''}\n`,
              );
            }
          } finally {
            fs.rmSync(root, { recursive: true, force: true });
          }
        }
      }
    }
    const reports = subjects.map(report);
    if (subjects.length === 2) {
      const ratio = (k: string, list: 'activate' | 'activateLater' = 'activate') => {
        const a = summarise(subjects[0]![list].filter((r) => !r.error).map((r) => Number(r[k]))).median;
        const b = summarise(subjects[1]![list].filter((r) => !r.error).map((r) => Number(r[k]))).median;
        return (a / b).toFixed(2);
      };
      const nodeRatio = (summarise(subjects[0]!.node.map((r) => r.totalMs)).median / summarise(subjects[1]!.node.map((r) => r.totalMs)).median).toFixed(2);
      reports[0]!.lines.push(
        '',
        `This checkout ÷ baseline, medians of alternating runs: plain Node load + activate() ×${nodeRatio}; extension host, first start: ` +
          `own work ×${ratio('loadPlusActivateMs')}, first load → end of activate() ×${ratio('firstLoadToActivateEndMs')}; later start: ` +
          `own work ×${ratio('loadPlusActivateMs', 'activateLater')}, first load → end of activate() ×${ratio('firstLoadToActivateEndMs', 'activateLater')}.`,
      );
    }
    const file = writeResult('activation', { machine: machine(), subjects: reports.map((r) => r.data) });
    process.stdout.write(reports.map((r) => r.lines.join('\n')).join('\n\n') + `\n(raw: ${file})\n`);
  } finally {
    for (const s of subjects) s.ext.cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
