/**
 * The code-server plumbing every bench shares: a production build of the extension in a temporary folder, and
 * one session of the real VS Code extension host (code-server + headless Chromium) that runs a probe module
 * inside the host and collects what it reports.
 *
 * A probe is a module with `run(): Promise<void>`, loaded as `extensionTestsPath` (as the integration tests
 * are); bench/lib/probe.ts has its side: the plan it is given, and its results, which travel as console lines
 * that the workbench forwards to `codeAutomationLog`.
 */
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const EXTENSION_ID = 'openrouter-video.openrouter-video';

/** How a probe's result lines start (bench/lib/probe.ts writes them). */
export const RESULT_PREFIX = 'BENCH_RESULT ';

export interface BuiltExtension {
  dir: string;
  cleanup(): void;
}

/**
 * The production bundle (`node esbuild.js --production`, what `vscode:prepublish` runs) built into a temporary
 * extension folder holding what the .vsix holds, so a bench never touches the checkout's dist/.
 * `ORV_BENCH_EXTENSION=<dir>` measures an extension folder built elsewhere instead.
 */
export function buildProductionExtension(repoRoot: string = REPO_ROOT): BuiltExtension {
  const given = process.env.ORV_BENCH_EXTENSION;
  if (given) return { dir: path.resolve(given), cleanup: () => undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orv-bench-ext-'));
  for (const name of ['package.json', 'package.nls.json', 'esbuild.js']) fs.copyFileSync(path.join(repoRoot, name), path.join(dir, name));
  fs.cpSync(path.join(repoRoot, 'media'), path.join(dir, 'media'), { recursive: true });
  // esbuild resolves through these links to the checkout's sources and packages.
  const links = ['src', 'node_modules', 'tsconfig.json'].filter((name) => fs.existsSync(path.join(repoRoot, name)));
  for (const name of links) fs.symlinkSync(path.join(repoRoot, name), path.join(dir, name));
  try {
    cp.execFileSync(process.execPath, ['esbuild.js', '--production'], { cwd: dir, stdio: 'inherit' });
  } finally {
    for (const name of [...links, 'esbuild.js']) fs.rmSync(path.join(dir, name), { force: true });
  }
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface HostSessionOptions {
  extensionDir: string;
  /** Compiled probe module (an absolute path under out/bench/). */
  probe: string;
  /** Passed to the probe as ORV_BENCH_PLAN. */
  plan?: unknown;
  /** Extra environment of code-server, and so of the extension host. */
  env?: Record<string, string>;
  /** User settings seeded before the host starts. */
  settings?: Record<string, unknown>;
  timeoutMs?: number;
  /** Called with each result as it arrives (for progress lines). */
  onResult?(value: unknown): void;
}

interface CodeServerModule {
  startCodeServer(o: Record<string, unknown>): Promise<{ workbenchUrl(o: Record<string, unknown>): string; stop(): Promise<void> }>;
}

/**
 * One window of the real workbench on a fresh copy of test/fixtures/workspace, with fresh user data (so an
 * empty job store), the extension loaded for development and the probe as its tests module. Resolves with the
 * probe's results once its `run()` resolved; rejects with the transcript's tail otherwise (and keeps the
 * session's folder, with code-server.log).
 */
export async function runHostSession(options: HostSessionOptions): Promise<unknown[]> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { startCodeServer } = require(path.join(REPO_ROOT, 'scripts', 'codeServer.js')) as CodeServerModule;
  const { CHROMIUM, ensureTestHost } = require(path.join(REPO_ROOT, 'scripts', 'setup-test-host.js')) as { CHROMIUM: string; ensureTestHost(): void };
  const chromiumArgs = (require(path.join(REPO_ROOT, 'scripts', 'chromium.json')) as { args: string[] }).args;
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  /* eslint-enable @typescript-eslint/no-require-imports */
  ensureTestHost();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'orv-bench-host-'));
  const workspace = path.join(root, 'workspace');
  fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  const server = await startCodeServer({
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    logFile: path.join(root, 'code-server.log'),
    env: { ORV_BENCH_PLAN: JSON.stringify(options.plan ?? {}), ...options.env },
    settings: options.settings ?? {},
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: chromiumArgs });
  const results: unknown[] = [];
  const transcript: string[] = [];
  let failed = true;
  try {
    const page = await browser.newPage();
    let resolveExit: (code: number | string) => void = () => undefined;
    const exited = new Promise<number | string>((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown) => {
      const text = Array.isArray(args) ? args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') : String(args);
      const at = text.indexOf(RESULT_PREFIX);
      if (at < 0) {
        transcript.push(text);
        return;
      }
      const value = JSON.parse(text.slice(at + RESULT_PREFIX.length)) as unknown;
      results.push(value);
      options.onResult?.(value);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(Number(code)));
    page.on('crash', () => resolveExit('the page crashed'));
    await page.goto(server.workbenchUrl({ folder: workspace, extensionDevelopmentPath: options.extensionDir, extensionTestsPath: options.probe }));
    const timeoutMs = options.timeoutMs ?? 180_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no exit within ${timeoutMs / 1000} s`), timeoutMs)));
    const code = await Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
    if (code !== 0) {
      const tail = transcript.filter((t) => !/open-vsx|marketplace|vsda|Service Worker/i.test(t)).slice(-15).join('\n');
      throw new Error(`The probe ${path.basename(options.probe)} ended with ${String(code)} (kept ${root}). Last lines:\n${tail}`);
    }
    failed = false;
    return results;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    if (!failed) fs.rmSync(root, { recursive: true, force: true });
  }
}
