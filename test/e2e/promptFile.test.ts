import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stepSuite } from './generateFlow';
import { clickMenuItem, eventually, goToLine, jobRows, notificationToast, quickInputBox, readmeScreenshot, sampleVideo, showOpenRouterVideoViews, videosIn } from './workbench';
import type { Page } from 'playwright-core';

const FILE = 'prompts/e2e.video.md';

/** Puts the cursor at the end of a line (1-based) with Go to Line and End, as a person would with the keyboard. */
async function endOfLine(page: Page, line: number): Promise<void> {
  await goToLine(page, line);
  await page.keyboard.press('End');
}

/**
 * A prompt file, as a person uses one: open it, type the model id with completion, see the squiggle on a
 * duration the model does not offer, fix it with the quick fix, click the lens, get the video; edit the file
 * and run the job again from the Jobs view (as the file reads now, or as it was once the file is gone).
 */
describe('A prompt file in the editor: completion, squiggle, quick fix, lens', function () {
  this.timeout(120_000);
  const suite = stepSuite({
    name: 'promptfile',
    script: { completeAfterMs: 3_000 },
    settings: { 'openrouterVideo.confirmAboveUsd': undefined },
    prepare(workspace) {
      fs.mkdirSync(path.join(workspace, 'prompts'), { recursive: true });
      fs.writeFileSync(path.join(workspace, FILE), ['---', 'model: ', 'duration: 5', 'resolution: 720p', 'generate_audio: false', '---', 'A paper boat drifts down a rain-soaked street at dusk.', ''].join('\n'));
    },
  });

  it('opens the file and completes the model id from the catalogue', async function () {
    const { page } = suite;
    await page.keyboard.press('Control+P');
    await quickInputBox(page).waitFor({ state: 'visible', timeout: 30_000 });
    await quickInputBox(page).fill('e2e.video.md');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'e2e.video.md' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Enter');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-lines').getByText('A paper boat', { exact: false }).waitFor({ state: 'visible', timeout: 30_000 });
    await editor.locator('.view-lines').click();

    await endOfLine(page, 2);
    await page.keyboard.type('google/veo-3.1-li');
    const suggestion = page.locator('.suggest-widget .monaco-list-row', { hasText: 'google/veo-3.1-lite' }).first();
    await eventually('the suggestion google/veo-3.1-lite', async () => {
      if (!(await suggestion.isVisible())) {
        await page.keyboard.press('Control+Space');
        await suggestion.waitFor({ state: 'visible', timeout: 3_000 }).catch(() => undefined);
      }
      return suggestion.isVisible();
    });
    await page.keyboard.press('Enter');
    await editor.locator('.view-line', { hasText: 'model: google/veo-3.1-lite' }).waitFor({ state: 'visible', timeout: 10_000 });
  });

  it('underlines the duration Veo 3.1 Lite does not offer and fixes it with the quick fix', async function () {
    const { page } = suite;
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.squiggly-error').first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.codelens-decoration a', { hasText: 'Fix 1 problem' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await readmeScreenshot(page, 'prompt-file.png');
    await endOfLine(page, 3);
    await page.keyboard.press('ArrowLeft');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Change to 4' }).first();
    await eventually('the quick fix "Change to 4"', async () => {
      await page.keyboard.press('Control+.');
      await fix.waitFor({ state: 'visible', timeout: 3_000 }).catch(() => undefined);
      if (await fix.isVisible()) return true;
      await page.keyboard.press('Escape');
      return false;
    });
    // The preferred fix has the focus; Enter applies it (a pointer block covers the menu for the mouse).
    await page.locator('.action-widget .monaco-list-row.focused', { hasText: 'Change to 4' }).waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Enter');
    await editor.locator('.view-line', { hasText: 'duration: 4' }).waitFor({ state: 'visible', timeout: 10_000 });
    await eventually('no squiggle', async () => (await editor.locator('.squiggly-error').count()) === 0);
  });

  it('clicks the lens with the estimate and gets the video, its sidecar naming the file', async function () {
    const { page, fake, workspace } = suite;
    const lens = page.locator('.codelens-decoration a', { hasText: '▶ Generate · ≈ $0.12' }).first();
    await lens.waitFor({ state: 'visible', timeout: 30_000 });
    await lens.click();
    await notificationToast(page, /Video saved: videos\/.+\.mp4/).waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(fake.submitCount(), 1);
    const body = JSON.parse(fake.requestsTo('submit')[0]!.body) as Record<string, unknown>;
    assert.equal(body.model, 'google/veo-3.1-lite');
    assert.equal(body.duration, 4);
    const files = videosIn(workspace);
    assert.equal(files.length, 1);
    assert.ok(fs.readFileSync(files[0]!).equals(sampleVideo()));
    const sidecar = await eventually('the sidecar', () => fs.existsSync(`${files[0]}.json`) && (JSON.parse(fs.readFileSync(`${files[0]}.json`, 'utf8')) as { source?: { promptFile: string; shot: number } }));
    assert.deepEqual(sidecar.source, { promptFile: FILE, shot: 0 });
  });

  it('runs the job again from the Jobs view as the file reads now, after its Run Again confirmation', async function () {
    const { page, fake } = suite;
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await endOfLine(page, 7);
    await page.keyboard.press('Shift+Home');
    await page.keyboard.type('A paper boat sails out to sea under a full moon.');
    await page.keyboard.press('Control+S');
    await editor.locator('.view-line', { hasText: 'under a full moon' }).waitFor({ state: 'visible', timeout: 10_000 });
    await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });

    await showOpenRouterVideoViews(page);
    const row = jobRows(page).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    const menu = page.locator('.context-view .monaco-menu');
    await row.click({ button: 'right' });
    await menu.locator('.action-item', { hasText: 'Open Prompt File' }).waitFor({ state: 'visible', timeout: 10_000 });
    await clickMenuItem(page, 'Run Again');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), /From prompts\/e2e\.video\.md as it reads now/);
    await dialog.getByRole('button', { name: 'Run Again' }).click();
    await eventually('the second submit', () => fake.submitCount() === 2);
    const body = JSON.parse(fake.requestsTo('submit')[1]!.body) as Record<string, unknown>;
    assert.equal(body.prompt, 'A paper boat sails out to sea under a full moon.');
    assert.equal(body.duration, 4);
  });

  it('runs the first job again as it was once the file is deleted', async function () {
    const { page, fake, workspace } = suite;
    fs.rmSync(path.join(workspace, FILE));
    const row = jobRows(page).filter({ has: page.locator('.label-name', { hasText: 'A paper boat drifts' }) }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await row.click({ button: 'right' });
    await clickMenuItem(page, 'Run Again');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.doesNotMatch(await dialog.innerText(), /as it reads now/);
    await dialog.getByRole('button', { name: 'Run Again' }).click();
    await eventually('the third submit', () => fake.submitCount() === 3);
    const body = JSON.parse(fake.requestsTo('submit')[2]!.body) as Record<string, unknown>;
    assert.equal(body.prompt, 'A paper boat drifts down a rain-soaked street at dusk.');
  });
});
