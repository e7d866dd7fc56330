import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  LIGHT_THEME,
  closeWorkbench,
  codeServerModule,
  e2eEnvironment,
  freshWorkspace,
  jobsWelcome,
  launchBrowser,
  notificationToast,
  openWorkbench,
  quickInputBox,
  runCommand,
  screenshotFailedTests,
  setUserSettings,
  showOpenRouterVideoViews,
  waitForQuickInput,
  workbenchUrlFor,
} from './workbench';

const NO_JOBS = 'No videos yet.';
const SIGNED_OUT = "Generate videos from a prompt with OpenRouter's video models.";

/** Waits until the Models view lists the catalogue, i.e. the extension has activated and set its context keys. */
async function waitForModels(page: Page): Promise<void> {
  await page.locator('.monaco-list[aria-label="Models"] .monaco-list-row', { hasText: 'Alibaba' }).waitFor({ state: 'visible', timeout: 60_000 });
}

describe('The Jobs view welcome', function () {
  this.timeout(120_000);

  describe('signed in (OPENROUTER_API_KEY), no jobs', function () {
    let browser: Browser;
    let page: Page;

    before(async function () {
      setUserSettings({ ...LIGHT_THEME });
      browser = await launchBrowser();
      // A fresh workspace: its job store is empty.
      page = await openWorkbench(browser, workbenchUrlFor(freshWorkspace('welcome')));
    });

    screenshotFailedTests('welcome', () => page);

    after(async function () {
      await closeWorkbench(page);
      await browser?.close();
    });

    it('says "No videos yet" with a Generate Video button, and the button starts Generate Video', async function () {
      await showOpenRouterVideoViews(page);
      await waitForModels(page);
      const welcome = jobsWelcome(page);
      await welcome.getByText(NO_JOBS).waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await welcome.getByText(SIGNED_OUT).count(), 0, 'not the signed-out welcome');
      const button = welcome.getByRole('button', { name: 'Generate Video' });
      await button.waitFor({ state: 'visible' });
      assert.equal(await welcome.getByRole('button', { name: 'Set API Key' }).count(), 0);

      await button.click();
      await waitForQuickInput(page, 'Generate Video');
      assert.match((await quickInputBox(page).getAttribute('placeholder')) ?? '', /golden retriever/);
      await page.keyboard.press('Escape');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    });
  });

  describe('signed out (a code-server without OPENROUTER_API_KEY)', function () {
    let browser: Browser;
    let page: Page;
    let server: { url: string; stop(): Promise<void> } | undefined;

    before(async function () {
      const env = e2eEnvironment();
      const root = fs.mkdtempSync(path.join(env.tempRoot, 'signed-out-'));
      // Its own server, so its extension host has no key in the environment (and the browser's secret
      // storage, per origin, has none either). It talks to the runner's fake, whose key is env.apiKey.
      server = await codeServerModule().startCodeServer({
        userDataDir: path.join(root, 'user-data'),
        extensionsDir: path.join(root, 'extensions'),
        logFile: path.join(root, 'code-server.log'),
        env: { OPENROUTER_API_KEY: '', OPENROUTER_VIDEO_FAKE_URL: env.fakeUrl },
        settings: { ...LIGHT_THEME, 'openrouterVideo.apiBaseUrl': env.fakeUrl },
      });
      browser = await launchBrowser();
      page = await openWorkbench(browser, workbenchUrlFor(freshWorkspace('signed-out'), server.url));
    });

    screenshotFailedTests('welcome', () => page);

    after(async function () {
      await closeWorkbench(page);
      await browser?.close();
      await server?.stop();
    });

    it('offers "Set API Key"', async function () {
      await showOpenRouterVideoViews(page);
      await waitForModels(page); // activated: the welcome now reflects the real context
      const welcome = jobsWelcome(page);
      await welcome.getByText(SIGNED_OUT).waitFor({ state: 'visible', timeout: 30_000 });
      await welcome.getByRole('button', { name: 'Set API Key' }).waitFor({ state: 'visible' });
      assert.equal(await welcome.getByText(NO_JOBS).count(), 0);
    });

    it('Set API Key (checked with OpenRouter, stored in secret storage) flips it to "No videos yet"', async function () {
      await runCommand(page, 'OpenRouter Video: Set API Key', 30_000, 'OpenRouter API Key');
      assert.equal(await quickInputBox(page).getAttribute('type'), 'password');
      await quickInputBox(page).fill(e2eEnvironment().apiKey);
      await page.keyboard.press('Enter');
      await notificationToast(page, /OpenRouter key .* saved/).waitFor({ state: 'visible', timeout: 30_000 });
      const welcome = jobsWelcome(page);
      await welcome.getByText(NO_JOBS).waitFor({ state: 'visible', timeout: 30_000 });
      await welcome.getByRole('button', { name: 'Generate Video' }).waitFor({ state: 'visible' });
      assert.equal(await welcome.getByText(SIGNED_OUT).count(), 0);
    });

    it('Clear API Key flips it back to "Set API Key"', async function () {
      await runCommand(page, 'OpenRouter Video: Clear API Key');
      await notificationToast(page, /The OpenRouter key was removed/).waitFor({ state: 'visible', timeout: 30_000 });
      const welcome = jobsWelcome(page);
      await welcome.getByRole('button', { name: 'Set API Key' }).waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await welcome.getByText(NO_JOBS).count(), 0);
    });
  });
});
