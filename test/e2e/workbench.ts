/**
 * Helpers for e2e tests: the real VS Code workbench (code-server) in Debian's Chromium, driven with
 * playwright-core as a person would. scripts/run-host-tests.js e2e starts code-server and the fake
 * OpenRouter, then runs mocha over out/test/e2e with the environment read by `e2eEnvironment()`.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { startFakeOpenRouter, type FakeOpenRouter, type JobScript } from '../fake-openrouter/fakeOpenRouter';

/** The repository root (this file runs from out/test/e2e/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Chromium's path and flags, shared with scripts/run-host-tests.js. */
const chromiumConfig = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../scripts/chromium.json'), 'utf8')) as { executablePath: string; args: string[] };
export const CHROMIUM_PATH = chromiumConfig.executablePath;
export const CHROMIUM_ARGS = chromiumConfig.args;

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
  /** Where failure screenshots and other test output go (test-results/e2e). */
  screenshots: string;
  /** The extension folder the workbench loads (a symlink to the repository, see scripts/run-host-tests.js). */
  extensionPath: string;
  /** The runner's temp folder (removed after a passing run): tests put their own workspaces and servers here. */
  tempRoot: string;
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
    screenshots: process.env.OPENROUTER_VIDEO_RESULTS_DIR ?? path.resolve('test-results', 'e2e'),
    extensionPath: process.env.OPENROUTER_VIDEO_EXTENSION_DEV_PATH ?? REPO_ROOT,
    tempRoot: path.dirname(need('OPENROUTER_VIDEO_WORKSPACE')),
  };
}

/**
 * `OPENROUTER_VIDEO_SCREENSHOTS=1`: the tests save the moments the README pictures, as previews, into
 * `<results>/readme/`. The README's own images come from `npm run screenshots` (readmeScreenshots.ts),
 * which shows the extension as installed; a test window says "[Extension Development Host]".
 */
export const UPDATE_SCREENSHOTS = process.env.OPENROUTER_VIDEO_SCREENSHOTS === '1';

/** Writes `<results>/readme/<file>` when UPDATE_SCREENSHOTS is on; otherwise does nothing. */
export async function readmeScreenshot(page: Page, file: string): Promise<void> {
  if (!UPDATE_SCREENSHOTS) return;
  console.log(`      wrote ${await screenshot(page, path.join('readme', file))}`);
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
  await waitForWorkbench(page, timeoutMs);
  return page;
}

/** Waits until the workbench in `page` is usable (after a goto or a reload). */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  // The status bar appears once the workbench is restored; the explorer shows the folder once the remote is connected.
  await page.locator('.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ state: 'attached', timeout: timeoutMs });
}

/**
 * Closes the window the way a person closing the tab would: the workbench shuts down and code-server
 * ends that window's extension host. (Closing the browser alone leaves the extension host running
 * on the server for reconnection, still holding the workspace's storage.)
 */
export async function closeWorkbench(page: Page | undefined): Promise<void> {
  if (!page || page.isClosed()) return;
  await page.close({ runBeforeUnload: true }).catch(() => undefined);
}

/**
 * A fresh copy of test/fixtures/workspace in the runner's temp folder, so a test starts with no
 * jobs (the job store lives in the workspace's storage) and sees only its own videos.
 */
export function freshWorkspace(name: string): string {
  // <temp>/<name>-XXXXXX/workspace: a path of its own (VS Code keys workspace storage by it), shown as "workspace".
  const folder = path.join(fs.mkdtempSync(path.join(e2eEnvironment().tempRoot, `${name}-`)), 'workspace');
  fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'), folder, { recursive: true });
  return folder;
}

/** The workbench URL for `folder` on code-server at `serverUrl`, with the extension loaded for development. */
export function workbenchUrlFor(folder: string, serverUrl = e2eEnvironment().serverUrl): string {
  const authority = new URL(serverUrl).host;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${path.resolve(e2eEnvironment().extensionPath)}`],
    ['skipWelcome', 'true'],
  ];
  return `${serverUrl}/?folder=${encodeURIComponent(path.resolve(folder))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
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

/**
 * Runs a command by its palette title ("OpenRouter Video: Show Log"): F1, type, Enter. Waits until
 * the palette closes, or, with `opens`, until the command's own quick input titled `opens` shows
 * (the widget is reused, so it may never be seen hidden in between).
 */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000, opens?: string | RegExp): Promise<void> {
  await openPalette(page, title, timeoutMs);
  // The first row is the best match; make sure it is the command asked for before running it.
  const first = page.locator('.quick-input-widget .monaco-list-row').first();
  const label = (await first.getAttribute('aria-label')) ?? (await first.innerText());
  if (!label.includes(title)) {
    throw new Error(`The command palette's first entry for "${title}" is "${label}"`);
  }
  await page.keyboard.press('Enter');
  if (opens !== undefined) {
    await waitForQuickInput(page, opens, timeoutMs);
  } else {
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: timeoutMs });
  }
}

/** The quick input's text box (command palette, input boxes and quick picks share one widget). */
export function quickInputBox(page: Page): Locator {
  return page.locator('.quick-input-widget input.input');
}

/** Waits until the quick input shows with the title `title` (an input box or a quick pick of the extension). */
export async function waitForQuickInput(page: Page, title: string | RegExp, timeoutMs = 30_000): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title').filter({ hasText: title }).waitFor({ state: 'visible', timeout: timeoutMs });
  await quickInputBox(page).waitFor({ state: 'visible', timeout: timeoutMs });
}

/** The quick pick row that has keyboard focus (the one Enter accepts). */
export function focusedQuickPickRow(page: Page): Locator {
  return page.locator('.quick-input-widget .monaco-list-row.focused');
}

/**
 * Types `filter` into an open quick pick and presses Enter once the focused row is the one starting
 * with `label` (so Enter never accepts a row the list showed a moment before it filtered).
 */
export async function pickQuickPickItem(page: Page, filter: string, label: string, timeoutMs = 30_000): Promise<void> {
  await quickInputBox(page).fill(filter);
  await focusedQuickPickRow(page)
    .filter({ has: page.locator('.label-name', { hasText: label }) })
    .waitFor({ state: 'visible', timeout: timeoutMs });
  await page.keyboard.press('Enter');
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

/** The notification toast whose message matches `text`. */
export function notificationToast(page: Page, text: string | RegExp): Locator {
  return page.locator('.notifications-toasts .notification-toast').filter({ has: page.locator('.notification-list-item-message', { hasText: text }) });
}

/** Clicks the "OpenRouter Video" icon in the activity bar (the badge on it would intercept a click on the icon itself). */
export async function showOpenRouterVideoViews(page: Page, timeoutMs = 30_000): Promise<void> {
  const item = page.locator('.activitybar .action-item').filter({ has: page.locator('.action-label[aria-label^="OpenRouter Video"]') });
  const container = page.locator('[id="workbench.view.extension.openrouterVideo"]');
  if (!(await container.isVisible())) {
    await item.click({ timeout: timeoutMs });
  }
  await container.locator('.pane-header', { hasText: 'Jobs' }).waitFor({ state: 'visible', timeout: timeoutMs });
}

/** The Jobs view's welcome content (shown instead of the tree while it applies). */
export function jobsWelcome(page: Page): Locator {
  return page.locator('[id="workbench.view.extension.openrouterVideo"] .pane').filter({ has: page.locator('.pane-header', { hasText: 'Jobs' }) }).locator('.welcome-view-content');
}

/** The Jobs view's rows; each row's aria-label is "<prompt>, <state>, <model · duration · … · elapsed>". */
export function jobRows(page: Page): Locator {
  return page.locator('.monaco-list[aria-label="Jobs"] .monaco-list-row');
}

/**
 * Hovers `target` until the hover widget matching `text` shows, and returns it. A hover that a
 * re-render of the row cancels is tried again, as a person would move the mouse away and back.
 */
export async function hoverUntil(page: Page, target: Locator, text: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
  const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: text });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await target.hover({ timeout: Math.max(1, deadline - Date.now()) });
    try {
      await hover.first().waitFor({ state: 'visible', timeout: Math.max(1, Math.min(4_000, deadline - Date.now())) });
      return hover.first();
    } catch (err) {
      if (Date.now() >= deadline) throw new Error(`No hover with ${String(text)} after ${timeoutMs / 1000} s`, { cause: err });
      await page.mouse.move(0, 0);
    }
  }
}

/** The first frame (webviews are nested iframes) in which `selector` matches, once one does. */
export async function waitForFrameWith(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
    }
    if (Date.now() >= deadline) throw new Error(`No frame of the page has ${selector} after ${timeoutMs / 1000} s`);
    await page.waitForTimeout(250);
  }
}

/** Resolves once `check()` returns a value other than undefined/false; fails with `what` after the timeout. */
export async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The .mp4 files in `<workspace>/videos` (none when the folder does not exist yet). */
export function videosIn(workspace: string): string[] {
  const dir = path.join(workspace, 'videos');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.mp4')).map((f) => path.join(dir, f)) : [];
}

/** The fake's sample video, which every completed job of the fake serves by default. */
export function sampleVideo(): Buffer {
  return fs.readFileSync(path.join(REPO_ROOT, 'test', 'fake-openrouter', 'fixtures', 'sample.mp4'));
}

/**
 * A fake OpenRouter in this (mocha) process, accepting the key the extension host has, pointed at
 * through the user setting as a person editing settings.json would. `restore()` puts the runner's
 * fake back and closes this one.
 */
export async function startScriptedFake(defaultScript: JobScript): Promise<{ fake: FakeOpenRouter; restore(): Promise<void> }> {
  const env = e2eEnvironment();
  const fake = await startFakeOpenRouter({ apiKeys: [env.apiKey], defaultScript });
  setUserSettings({ 'openrouterVideo.apiBaseUrl': fake.baseUrl });
  return {
    fake,
    restore: async () => {
      setUserSettings({ 'openrouterVideo.apiBaseUrl': env.fakeUrl });
      await fake.close();
    },
  };
}

/** The light theme the README screenshots use, without animations; user settings, so set them before opening a window. */
export const LIGHT_THEME = { 'workbench.colorTheme': 'Default Light Modern', 'workbench.reduceMotion': 'on' } as const;

interface CodeServerModule {
  startCodeServer(options: {
    userDataDir: string;
    extensionsDir?: string;
    env?: Record<string, string>;
    settings?: Record<string, unknown>;
    logFile?: string;
  }): Promise<{ url: string; userDataDir: string; stop(): Promise<void> }>;
}

/** scripts/codeServer.js, for a test that needs a code-server of its own (e.g. one without OPENROUTER_API_KEY). */
export function codeServerModule(): CodeServerModule {
  return createRequire(__filename)(path.join(REPO_ROOT, 'scripts', 'codeServer.js')) as CodeServerModule;
}

/** A screenshot of the whole window into the screenshots folder (or an absolute path). */
export async function screenshot(page: Page, file: string): Promise<string> {
  const target = path.isAbsolute(file) ? file : path.join(e2eEnvironment().screenshots, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  await page.screenshot({ path: target });
  return target;
}

/**
 * Registers an afterEach hook (call it in a `describe` body): after a failed test, a screenshot of
 * `page()` (when there is one) as `<prefix>-<test title>-failed.png`, its path logged.
 */
export function screenshotFailedTests(prefix: string, page: () => Page | undefined): void {
  afterEach(async function () {
    const current = page();
    if (this.currentTest?.state === 'failed' && current) {
      console.log(`    screenshot: ${await screenshot(current, `${prefix}-${this.currentTest.title.replace(/\W+/g, '-')}-failed.png`)}`);
    }
  });
}

/**
 * Changes user settings the way a person editing settings.json would; the workbench picks the
 * change up. Use it to point the extension at a fake a test started itself.
 */
export function setUserSettings(patch: Record<string, unknown>, userDataDir = e2eEnvironment().userDataDir): void {
  const file = path.join(userDataDir, 'User', 'settings.json');
  const current = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const next: Record<string, unknown> = { ...current, ...patch };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete next[key];
  }
  fs.writeFileSync(file, JSON.stringify(next, null, 2) + '\n');
}

/**
 * Clicks `item` in the open context menu. The workbench can drop a click that lands while the menu is still
 * settling (the item is highlighted and the menu stays open): a click the menu took closes it, so while the menu
 * is still open the item is clicked again.
 */
export async function clickMenuItem(page: Page, item: string): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  const entry = menu.locator('.action-item', { hasText: item }).first();
  await entry.waitFor({ state: 'visible', timeout: 10_000 });
  for (let attempt = 1; attempt <= 5; attempt++) {
    await entry.click({ timeout: 5_000 });
    if (await menu.waitFor({ state: 'hidden', timeout: 2_000 }).then(() => true, () => false)) return;
    console.log(`      the menu kept "${item}" open after click ${attempt}; clicking it again`);
  }
  throw new Error(`The context menu never took the click on "${item}"`);
}

/** Moves the cursor to a line (1-based) with Go to Line, as a person would with the keyboard. */
export async function goToLine(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Control+G');
  await quickInputBox(page).waitFor({ state: 'visible', timeout: 10_000 });
  await quickInputBox(page).fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}
