/**
 * Helpers for e2e tests: the real VS Code workbench (code-server) in Debian's Chromium, driven with
 * playwright-core as a person would. scripts/run-host-tests.js e2e starts code-server and the fake
 * OpenRouter, then runs mocha over out/test/e2e with the environment read by `e2eEnvironment()`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface E2eEnvironment {
  /** The workbench URL: the temp workspace with the extension loaded for development. */
  workbenchUrl: string;
  /** code-server's origin, http://127.0.0.1:<port>. */
  serverUrl: string;
  /** The temp copy of test/fixtures/workspace the workbench has open. */
  workspace: string;
  /** code-server's user data dir (User/settings.json is the user settings file). */
  userDataDir: string;
  /** The runner's fake OpenRouter (its base URL, /api/v1) and the key it accepts. */
  fakeUrl: string;
  apiKey: string;
  /** Where screenshots go (test-results/e2e). */
  screenshots: string;
}

export function e2eEnvironment(): E2eEnvironment {
  const need = (name: string): string => {
    const value = process.env[name];
    if (!value) {
      throw new Error(`${name} is not set: run the e2e tests with \`npm run test:e2e\` (scripts/run-host-tests.js e2e).`);
    }
    return value;
  };
  return {
    workbenchUrl: need('OPENROUTER_VIDEO_WORKBENCH_URL'),
    serverUrl: need('OPENROUTER_VIDEO_SERVER_URL'),
    workspace: need('OPENROUTER_VIDEO_WORKSPACE'),
    userDataDir: need('OPENROUTER_VIDEO_USER_DATA_DIR'),
    fakeUrl: need('OPENROUTER_VIDEO_FAKE_URL'),
    apiKey: need('OPENROUTER_API_KEY'),
    screenshots: process.env.OPENROUTER_VIDEO_SCREENSHOTS ?? path.resolve('test-results', 'e2e'),
  };
}

/** Debian's Chromium, headless; never a browser Playwright would download. */
export function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: apt-get install -y chromium`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Opens the workbench in a new page and waits until it is usable. */
export async function openWorkbench(browser: Browser, url = e2eEnvironment().workbenchUrl, timeoutMs = 60_000): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  // The status bar appears once the workbench is restored; the explorer shows the folder once the remote is connected.
  await page.locator('.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ state: 'attached', timeout: timeoutMs });
  return page;
}

/**
 * The command palette (F1) with `text` typed in; resolves once `text` shows up as a palette entry.
 * Right after the workbench loads, the extension host may not have registered the extension's
 * commands yet; the palette does not refresh its list by itself, so the text is typed again until
 * the entry appears (as a person would).
 */
export async function openPalette(page: Page, text: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: text }).first();
  if (!(await input.isVisible())) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
  }
  for (;;) {
    await input.fill('>');
    await input.fill(`>${text}`);
    try {
      await row.waitFor({ state: 'visible', timeout: Math.max(1, Math.min(2_000, deadline - Date.now())) });
      return;
    } catch (err) {
      if (Date.now() >= deadline) {
        const rows = await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts();
        throw new Error(`The command palette shows no "${text}" after ${timeoutMs / 1000} s; it shows: ${JSON.stringify(rows)}`, { cause: err });
      }
    }
  }
}

/** Runs a command by its palette title ("OpenRouter Video: Show Log"): F1, type, Enter. */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  await openPalette(page, title, timeoutMs);
  // The first row is the best match; make sure it is the command asked for before running it.
  const first = page.locator('.quick-input-widget .monaco-list-row').first();
  const label = (await first.getAttribute('aria-label')) ?? (await first.innerText());
  if (!label.includes(title)) {
    throw new Error(`The command palette's first entry for "${title}" is "${label}"`);
  }
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** Waits until `text` (a string or pattern) is visible somewhere in the workbench (optionally inside `within`). */
export async function waitForText(page: Page, text: string | RegExp, timeoutMs = 20_000, within = '.monaco-workbench'): Promise<void> {
  await page.locator(within).getByText(text).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Waits until the Output panel is open and shows the channel called `name` (its channel picker names it). */
export async function waitForOutputChannel(page: Page, name: string, timeoutMs = 20_000): Promise<void> {
  const picker = page.locator('.part.panel select').filter({ has: page.locator('option:checked', { hasText: name }) });
  await picker.first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** A screenshot of the whole window into the screenshots folder (or an absolute path). */
export async function screenshot(page: Page, file: string): Promise<string> {
  const target = path.isAbsolute(file) ? file : path.join(e2eEnvironment().screenshots, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  await page.screenshot({ path: target });
  return target;
}

/**
 * Changes user settings the way a person editing settings.json would; the workbench picks the
 * change up. Use it to point the extension at a fake a test started itself.
 */
export function setUserSettings(patch: Record<string, unknown>): void {
  const file = path.join(e2eEnvironment().userDataDir, 'User', 'settings.json');
  const current = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const next: Record<string, unknown> = { ...current, ...patch };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete next[key];
  }
  fs.writeFileSync(file, JSON.stringify(next, null, 2) + '\n');
}
