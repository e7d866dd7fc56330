/**
 * The set-up the Generate Video e2e suites share: a window of its own (fresh workspace, scripted
 * fake, user settings, browser) whose tests are steps of one story, and the quick-pick walk through
 * Generate Video as a person does it.
 */
import type { Browser, Page } from 'playwright-core';
import type { FakeOpenRouter, JobScript } from '../fake-openrouter/fakeOpenRouter';
import {
  LIGHT_THEME,
  closeWorkbench,
  focusedQuickPickRow,
  freshWorkspace,
  launchBrowser,
  openWorkbench,
  pickQuickPickItem,
  quickInputBox,
  readmeScreenshot,
  runCommand,
  screenshotFailedTests,
  setUserSettings,
  startScriptedFake,
  waitForQuickInput,
  workbenchUrlFor,
} from './workbench';

export interface StepSuite {
  /** Set by the suite's `before` hook; read them inside the tests. */
  browser: Browser;
  page: Page;
  fake: FakeOpenRouter;
  workspace: string;
}

export interface StepSuiteOptions {
  /** Names the fresh workspace and the failure screenshots (`<name>-<test>-failed.png`). */
  name: string;
  /** The scripted fake's default job script. */
  script: JobScript;
  /** User settings on top of LIGHT_THEME, set before the window opens (undefined removes a key); those set are removed afterwards. */
  settings?: Record<string, unknown>;
  /** Runs on the fresh workspace before the browser starts. */
  prepare?: (workspace: string) => void;
}

/**
 * Registers the hooks of a suite whose tests are steps of one story, in its own window: `before`
 * starts a scripted fake, sets the user settings, copies a fresh workspace and opens it in a new
 * browser; once a step fails the later ones are skipped (they would only fail for the same reason)
 * and the failure gets a screenshot and the fake's requests; `after` closes the window and the
 * browser, removes the settings and puts the runner's fake back. Call it in the `describe` body.
 */
export function stepSuite(options: StepSuiteOptions): StepSuite {
  const suite = {} as StepSuite;
  let restoreFake: (() => Promise<void>) | undefined;

  before(async function () {
    let fake: FakeOpenRouter;
    ({ fake, restore: restoreFake } = await startScriptedFake(options.script));
    suite.fake = fake;
    setUserSettings({ ...LIGHT_THEME, ...options.settings });
    suite.workspace = freshWorkspace(options.name);
    options.prepare?.(suite.workspace);
    suite.browser = await launchBrowser();
    suite.page = await openWorkbench(suite.browser, workbenchUrlFor(suite.workspace));
  });

  let failed: string | undefined;
  beforeEach(function () {
    if (failed) {
      console.log(`      skipped: the step "${failed}" failed`);
      this.skip();
    }
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = this.currentTest.title;
  });
  screenshotFailedTests(options.name, () => suite.page);
  afterEach(function () {
    if (this.currentTest?.state !== 'failed' || !suite.fake) return;
    const requests = suite.fake.requests;
    console.log(`    fake requests: ${requests.map((r) => `${r.method} ${r.url} (+${r.at - (requests[0]?.at ?? 0)} ms)`).join(', ')}`);
  });

  after(async function () {
    await closeWorkbench(suite.page);
    await suite.browser?.close();
    // Remove what was set; keys set to undefined (removed) are left alone.
    const set = Object.entries(options.settings ?? {}).filter(([, value]) => value !== undefined);
    if (set.length) setUserSettings(Object.fromEntries(set.map(([key]) => [key, undefined])));
    await restoreFake?.();
  });

  return suite;
}

/**
 * F1 → "OpenRouter Video: Generate Video" → types `prompt` and presses Enter once the prompt step's
 * focused row is the text typed (the step also lists the kept draft and recent prompts, so Enter never
 * takes a row shown before the typing reached it). With `screenshot`, writes that README screenshot of
 * the filled-in prompt step first (see readmeScreenshot).
 */
export async function enterPrompt(page: Page, prompt: string, screenshot?: string): Promise<void> {
  await runCommand(page, 'OpenRouter Video: Generate Video', 30_000, 'Generate Video');
  await quickInputBox(page).fill(prompt);
  await focusedQuickPickRow(page)
    .filter({ has: page.locator('.label-name', { hasText: prompt.slice(0, 60) }) })
    .waitFor({ state: 'visible', timeout: 30_000 });
  if (screenshot) await readmeScreenshot(page, screenshot);
  await page.keyboard.press('Enter');
}

/**
 * The model quick pick (waits until the catalogue has loaded) → Veo 3.1 Lite → the settings quick
 * pick → its first item, which accepts the suggested settings. With `screenshot`, writes that README
 * screenshot of the loaded model list first.
 */
export async function pickVeoLiteAndGenerate(page: Page, screenshot?: string): Promise<void> {
  await waitForQuickInput(page, 'Pick a video model');
  await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
  if (screenshot) await readmeScreenshot(page, screenshot);
  await pickQuickPickItem(page, 'Veo 3.1 Lite', 'Veo 3.1 Lite');
  await waitForQuickInput(page, 'Generate Video with Google: Veo 3.1 Lite');
  await pickQuickPickItem(page, '', 'Generate');
}
