import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPalette, openWorkbench, runCommand, screenshot, waitForOutputChannel } from './workbench';

describe('Command palette', function () {
  let browser: Browser;
  let page: Page;

  before(async function () {
    browser = await launchBrowser();
    page = await openWorkbench(browser);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      const file = await screenshot(page, `palette-${this.currentTest.title.replace(/\W+/g, '-')}-failed.png`);
      console.log(`    screenshot: ${file}`);
    }
  });

  after(async function () {
    await browser?.close();
  });

  it('finds "OpenRouter Video: Show Log"', async function () {
    await openPalette(page, 'OpenRouter Video: Show Log');
    await page.keyboard.press('Escape');
  });

  it('runs it: the Output panel shows the "OpenRouter Video" log', async function () {
    await runCommand(page, 'OpenRouter Video: Show Log');
    await waitForOutputChannel(page, 'OpenRouter Video');
    await screenshot(page, 'palette-show-log.png');
  });
});
