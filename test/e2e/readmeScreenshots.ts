/**
 * The README screenshots, taken as a person would work in the sandbox: `npm run screenshots`
 * (scripts/screenshots.js) starts the fake OpenRouter serving its sandbox clips and code-server with
 * the extension installed as a user would have it (so no "[Extension Development Host]" title), sets
 * the environment `e2eEnvironment()` reads, and calls `takeReadmeScreenshots`. Not a test: mocha never
 * loads it (it is not a *.test.js file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import {
  closeWorkbench,
  eventually,
  jobRows,
  launchBrowser,
  notificationToast,
  openWorkbench,
  pickQuickPickItem,
  goToLine,
  quickInputBox,
  runCommand,
  screenshot,
  showOpenRouterVideoViews,
  videosIn,
  waitForFrameWith,
  waitForQuickInput,
} from './workbench';

export interface ScreenshotOptions {
  /** The workbench URL (the sandbox workspace, the extension installed). */
  workbenchUrl: string;
  /** The workspace the workbench has open: the shots' prompt files are written into it first. */
  workspace: string;
  /** Where the images go (media/screenshots/ for the README). */
  outDir: string;
  /** Whether the installed extension contributes the gallery view (`openrouterVideo.gallery`). */
  hasGallery: boolean;
  /** Only these files (e.g. ['player.png']); all when empty. Steps a later shot needs still run. */
  only: string[];
}

export interface ScreenshotReport {
  written: string[];
  skipped: { file: string; reason: string }[];
}

/** The prompt typed into Generate Video. */
export const PALETTE_PROMPT = 'A paper boat drifts down a rain-soaked street at dusk, neon reflections rippling in the puddles';
const PROMPT_FILE = 'prompts/greenhouse.video.md';

/** The sandbox workspace's storyboard: one shot's duration (5) is one Veo 3.1 Lite does not offer, for the squiggle. */
const STORYBOARD = [
  '---',
  'model: google/veo-3.1-lite',
  'resolution: 720p',
  'generate_audio: false',
  '---',
  'Two shots for the greenhouse page: a wide opener and a vertical close-up for phones.',
  '',
  '## Greenhouse at sunrise',
  '```yaml',
  'duration: 8',
  'aspect_ratio: "16:9"',
  '```',
  'A slow dolly-in on a glass greenhouse at sunrise, mist drifting over the seed beds.',
  '',
  '## Dew on the glass',
  '```yaml',
  'duration: 5',
  'aspect_ratio: "9:16"',
  '```',
  'Dew running down a pane of glass, macro, shallow depth of field, warm backlight.',
  '',
].join('\n');

/** The workspace's README: the line the selection shot selects. */
const README = [
  '# Greenhouse',
  '',
  "The greenhouse site's videos: prompts in `prompts/`, results in `videos/`.",
  '',
  'Next up, for the blog header:',
  '',
  PALETTE_PROMPT + '.',
  '',
].join('\n');

/** Writes the files the shots open into the (empty) sandbox workspace, before the window opens. */
export function prepareWorkspace(workspace: string): void {
  fs.mkdirSync(path.join(workspace, 'prompts'), { recursive: true });
  fs.writeFileSync(path.join(workspace, PROMPT_FILE), STORYBOARD);
  fs.writeFileSync(path.join(workspace, 'README.md'), README);
}

/** Puts the cursor at the end of a line (1-based) with Go to Line and End. */
async function endOfLine(page: Page, line: number): Promise<void> {
  await goToLine(page, line);
  await page.keyboard.press('End');
}

/** Notifications: Clear All, so a shot shows the view rather than old toasts. */
async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
}

/** The player's frame once its video has a picture, paused a little way in (a clip's first frame can be plain). */
async function playerShowingFrame(page: Page): Promise<Frame> {
  const frame = await waitForFrameWith(page, '#details dd[data-detail="prompt"]', 30_000);
  await eventually('the player to load its video', () => frame.evaluate(`document.querySelector('video').readyState >= 2`), 30_000);
  await frame.evaluate(`(() => { const v = document.querySelector('video'); v.pause(); v.currentTime = Math.min(2.5, v.duration / 2); })()`);
  await eventually('the player to show the frame', () => frame.evaluate(`(() => { const v = document.querySelector('video'); return !v.seeking && v.readyState >= 2; })()`), 15_000);
  return frame;
}

/** Opens `file` with Quick Open and waits for `text` in its editor. */
async function quickOpen(page: Page, file: string, text: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await quickInputBox(page).waitFor({ state: 'visible', timeout: 30_000 });
  await quickInputBox(page).fill(file);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: path.basename(file) }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Enter');
  await page.locator('.editor-instance .monaco-editor .view-lines').first().getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout: 30_000 });
}

/**
 * The session: Generate Video from the palette (prompt, model list, progress), the result in the player,
 * a storyboard prompt file with its lenses and a squiggle, fixed and generated, the Jobs view, Generate Video
 * from Selection in the editor's context menu, and the gallery when the extension has one.
 */
export async function takeReadmeScreenshots(options: ScreenshotOptions): Promise<ScreenshotReport> {
  const report: ScreenshotReport = { written: [], skipped: [] };
  const wanted = (file: string) => options.only.length === 0 || options.only.includes(file);
  const shoot = async (page: Page, file: string, keepPointer = false) => {
    if (!wanted(file)) return;
    // No tooltip from the last click; then let the workbench finish drawing (hover fades) before the picture.
    if (!keepPointer) await page.mouse.move(1270, 400);
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(options.outDir, file) });
    report.written.push(file);
    console.log(`  wrote ${path.join(path.relative(process.cwd(), options.outDir) || '.', file)}`);
  };

  const browser = await launchBrowser();
  let page: Page | undefined;
  try {
    page = await openWorkbench(browser, options.workbenchUrl);
    await showOpenRouterVideoViews(page);
    await page.locator('.monaco-list[aria-label="Models"] .monaco-list-row', { hasText: 'Alibaba' }).waitFor({ state: 'visible', timeout: 60_000 });

    // Generate Video from the palette: the prompt, the model list, the progress notification.
    await runCommand(page, 'OpenRouter Video: Generate Video', 30_000, 'Generate Video');
    await quickInputBox(page).fill(PALETTE_PROMPT);
    await page.keyboard.press('Home'); // the box shows the prompt's start, not its end
    await shoot(page, 'generate-prompt.png');
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, 'Pick a video model');
    await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
    await shoot(page, 'generate-model-pick.png');
    await pickQuickPickItem(page, 'Veo 3.1 Lite', 'Veo 3.1 Lite');
    await waitForQuickInput(page, 'Generate Video with Google: Veo 3.1 Lite');
    await pickQuickPickItem(page, '', 'Generate');
    const progress = notificationToast(page, /Generating video with Google: Veo 3\.1 Lite/);
    await progress.waitFor({ state: 'visible', timeout: 30_000 });
    await jobRows(page).and(page.locator('[aria-label*=", Queued, "], [aria-label*=", Generating, "]')).first().waitFor({ state: 'visible', timeout: 30_000 });
    await shoot(page, 'generate-notification.png');

    // The result in the player, its provenance beside it; the sidebar closed so the player has the window.
    const saved = notificationToast(page, /Video saved: videos\/.+\.mp4/);
    await saved.waitFor({ state: 'visible', timeout: 90_000 });
    await saved.getByRole('button', { name: 'Open' }).click();
    await playerShowingFrame(page);
    await clearNotifications(page);
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await shoot(page, 'player.png');
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');

    // The storyboard: a squiggle under the duration Veo 3.1 Lite does not offer, and the lenses saying so.
    await runCommand(page, 'View: Show Explorer');
    await quickOpen(page, PROMPT_FILE, 'Greenhouse at sunrise');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.squiggly-error').first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.codelens-decoration a', { hasText: 'Fix 1 problem' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    // Markdown's colours (the grammar loads a moment after the text shows), and the file's lens in view.
    await editor.locator('.view-line span[class*="mtk"]:not(.mtk1)').first().waitFor({ state: 'visible', timeout: 30_000 });
    await editor.locator('.view-lines').hover();
    await page.mouse.wheel(0, -2000);
    await shoot(page, 'prompt-file.png');
    await endOfLine(page, 17);

    // Fixed with the quick fix, then every shot generated from the file's lens.
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: /Change to \d/ }).first();
    await page.keyboard.press('ArrowLeft');
    await eventually('the quick fix for the duration', async () => {
      await page!.keyboard.press('Control+.');
      await fix.waitFor({ state: 'visible', timeout: 3_000 }).catch(() => undefined);
      if (await fix.isVisible()) return true;
      if (await page!.locator('.action-widget').isVisible()) await page!.keyboard.press('Escape');
      return false;
    });
    await page.locator('.action-widget .monaco-list-row.focused').waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+S');
    const generateAll = page.locator('.codelens-decoration a', { hasText: /Generate all 2 shots/ }).first();
    await generateAll.waitFor({ state: 'visible', timeout: 30_000 });
    // The file's own lens sits above line 1: scroll to the very top, so no tab covers it.
    await editor.locator('.view-lines').hover();
    await page.mouse.wheel(0, -2000);
    await generateAll.click();
    await eventually('the storyboard videos', () => videosIn(options.workspace).length >= 3, 120_000, 500);

    // The Jobs view with the three saved jobs, one of them open in the player.
    await showOpenRouterVideoViews(page);
    const rows = jobRows(page);
    await eventually('three saved jobs', async () => (await page!.locator('.monaco-list[aria-label="Jobs"] .monaco-list-row[aria-label*=", Saved, "]').count()) >= 3, 60_000);
    await rows.filter({ hasText: 'Greenhouse' }).first().click();
    await playerShowingFrame(page);
    await clearNotifications(page);
    await shoot(page, 'jobs-view.png');


    // Generate Video from Selection in the editor's context menu.
    if (wanted('selection-context-menu.png')) {
      try {
        await selectionMenu(page);
        await shoot(page, 'selection-context-menu.png', true);
        await page.keyboard.press('Escape'); // the context menu is open
      } catch (err) {
        report.skipped.push({ file: 'selection-context-menu.png', reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
      }
    }
    // The gallery, when this build of the extension has one (last: it widens the sidebar).
    if (!options.hasGallery) {
      report.skipped.push({ file: 'gallery.png', reason: 'the installed extension contributes no openrouterVideo.gallery view (package.json)' });
    } else if (wanted('gallery.png')) {
      await showOpenRouterVideoViews(page);
      const container = page.locator('[id="workbench.view.extension.openrouterVideo"]');
      const header = (name: string) => container.locator('.pane-header', { hasText: new RegExp(`^\\s*${name}`, 'i') }).first();
      await header('Gallery').waitFor({ state: 'visible', timeout: 30_000 });
      // The gallery gets the sidebar's height: Jobs and Models collapsed, the gallery expanded.
      for (const name of ['Jobs', 'Models']) {
        if ((await header(name).getAttribute('aria-expanded')) === 'true') await header(name).click();
      }
      if ((await header('Gallery').getAttribute('aria-expanded')) !== 'true') await header('Gallery').click();
      const frame = await waitForFrameWith(page, 'main#groups button.card', 60_000);
      await eventually('a poster on every card', () =>
        frame.evaluate(`(() => {
          const cards = [...document.querySelectorAll('button.card')];
          return cards.length >= 3 && cards.every((card) => [...card.querySelectorAll('img.poster')].some((img) => img.complete && img.naturalWidth > 0) || card.querySelector('canvas.poster'));
        })()`),
        60_000,
        500,
      );
      // A card with the focus rather than the pane header clicked last, and a sidebar wide enough for takes side by side.
      await frame.locator('button.card').first().focus();
      const sidebar = await page.locator('.part.sidebar').boundingBox();
      if (sidebar) {
        const y = sidebar.y + sidebar.height / 2;
        await page.mouse.move(sidebar.x + sidebar.width, y);
        await page.mouse.down();
        await page.mouse.move(sidebar.x + 640, y, { steps: 8 });
        await page.mouse.up();
      }
      await shoot(page, 'gallery.png');
    }
  } catch (err) {
    if (page) {
      const failed = await screenshot(page, 'screenshots-failed.png').catch(() => undefined);
      if (failed) console.log(`  the window when it failed: ${failed}`);
    }
    throw err;
  } finally {
    await closeWorkbench(page);
    await browser.close();
  }
  return report;
}

/** README.md open, the sample prompt's line selected, the context menu open on it with the item hovered. */
async function selectionMenu(page: Page): Promise<void> {
  await runCommand(page, 'View: Show Explorer');
  await quickOpen(page, 'README.md', 'A paper boat');
  const editor = page.locator('.editor-instance .monaco-editor').first();
  const line = editor.locator('.view-line', { hasText: 'A paper boat' }).first();
  const menu = page.locator('.context-view .monaco-menu');
  const item = menu.locator('.action-item', { hasText: 'Generate Video from Selection' });
  const selected = page.locator('.statusbar').getByText(/\(\d+ selected\)/);
  const deadline = Date.now() + 45_000;
  for (;;) {
    try {
      // Ctrl+L selects the whole line (Markdown's word wrap may draw it on two rows).
      if (!(await selected.isVisible())) {
        await line.click();
        await page.keyboard.press('Home');
        await page.keyboard.press('Control+L');
        await selected.waitFor({ state: 'visible', timeout: 10_000 });
      }
      const box = await line.boundingBox();
      if (!box) throw new Error('the prompt line is not drawn');
      await page.mouse.click(box.x + 150, box.y + box.height / 2, { button: 'right' });
      await item.waitFor({ state: 'visible', timeout: 10_000 });
      await item.hover({ timeout: 2_000 });
      return;
    } catch (err) {
      if (Date.now() >= deadline) throw new Error('the editor context menu never offered "Generate Video from Selection"', { cause: err });
      if (await menu.isVisible()) {
        await page.keyboard.press('Escape');
        await menu.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
      }
    }
  }
}
