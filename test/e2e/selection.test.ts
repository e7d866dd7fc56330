import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pickVeoLiteAndGenerate, stepSuite } from './generateFlow';
import { eventually, goToLine, notificationToast, readmeScreenshot, sampleVideo, videosIn } from './workbench';

/**
 * Generate Video from Selection, as a person does it: open README.md, select a line with the
 * keyboard, right-click → "Generate Video from Selection" → pick a model → accept the settings; the
 * selected text is the prompt (in the request and in the sidecar next to the saved video).
 */
describe('Generate Video from Selection, from the editor context menu', function () {
  this.timeout(120_000);
  let selected: string;
  let lineNumber: number;
  // Default confirmAboveUsd (1 USD): Veo 3.1 Lite's $0.20 is submitted without a confirmation.
  const suite = stepSuite({
    name: 'selection',
    script: { completeAfterMs: 3_000 },
    settings: { 'openrouterVideo.confirmAboveUsd': undefined },
    prepare(workspace) {
      const lines = fs.readFileSync(path.join(workspace, 'README.md'), 'utf8').split('\n');
      const index = lines.findIndex((l) => l.startsWith('A paper boat'));
      assert.ok(index >= 0, 'test/fixtures/workspace/README.md has the sample prompt line');
      selected = lines[index]!.trim();
      lineNumber = index + 1;
    },
  });

  it('the editor context menu on a selection offers "Generate Video from Selection"', async function () {
    const { page } = suite;
    // Open README.md from the Explorer.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'README.md' }).click();
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await page.locator('.tabs-container .tab', { hasText: 'README.md' }).waitFor({ state: 'visible', timeout: 30_000 });
    await editor.locator('.view-lines').getByText('A paper boat', { exact: false }).waitFor({ state: 'visible', timeout: 30_000 });

    const selection = page.locator('.statusbar').getByText(`(${selected.length + 1} selected)`);
    // Selects the sample prompt's line with the keyboard: Go to Line, then Expand Line Selection
    // (Ctrl+L: the whole line, which Markdown's word wrap shows on two rows).
    async function selectSampleLine(): Promise<void> {
      await editor.locator('.view-lines').click();
      await goToLine(page, lineNumber);
      await page.keyboard.press('Control+L');
      await selection.waitFor({ state: 'visible', timeout: 10_000 });
    }
    await selectSampleLine();

    // Right-click on the selected text (the highlight is drawn under the text, so click where the text is).
    // Right after the window opens, the menu may not have the extensions' items yet (the workbench
    // is still reading their manifests); as a person would, close it and right-click again.
    // The menu can also close by itself while the workbench settles (a focus change), and the line's element
    // is re-created when the editor re-renders: each attempt finds the line, right-clicks and clicks the item
    // afresh, and any step that does not happen in time starts the attempt again.
    const line = editor.locator('.view-line', { hasText: 'A paper boat' }).first();
    const menu = page.locator('.context-view .monaco-menu');
    const item = menu.locator('.action-item', { hasText: 'Generate Video from Selection' });
    const deadline = Date.now() + 45_000;

    for (let attempt = 1; ; attempt++) {
      try {
        // A click outside the highlight or a stray Escape collapses the selection: select again.
        if (!(await selection.isVisible())) await selectSampleLine();
        await line.waitFor({ state: 'visible', timeout: 5_000 });
        const box = await line.boundingBox();
        assert.ok(box, 'the line is drawn');
        await page.mouse.click(box.x + 150, box.y + box.height / 2, { button: 'right' });
        await menu.locator('.action-item', { hasText: 'Copy' }).waitFor({ state: 'visible', timeout: 10_000 });
        await item.waitFor({ state: 'visible', timeout: 2_000 });
        assert.match(await page.locator('.statusbar').innerText(), new RegExp(`\\(${selected.length + 1} selected\\)`), 'the right-click kept the selection');
        await item.hover({ timeout: 2_000 });
        await readmeScreenshot(page, 'selection-context-menu.png');
        await item.click({ timeout: 2_000 });
        // A click the menu took closes it; one dropped while it settled leaves it open, and the attempt starts again.
        await menu.waitFor({ state: 'hidden', timeout: 2_000 });
        break;
      } catch (err) {
        const items = await menu.locator('.action-item').allInnerTexts().catch(() => []);
        if (Date.now() >= deadline) throw new Error(`The editor context menu never offered "Generate Video from Selection" (${attempt} attempts); it shows ${JSON.stringify(items)}`, { cause: err });
        console.log(`      attempt ${attempt}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)} (menu: ${items.length} items); right-clicking again`);
        // Escape closes an open menu; with no menu it would cancel the selection instead.
        if (await menu.isVisible()) {
          await page.keyboard.press('Escape');
          await menu.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
        }
      }
    }
  });

  it('the selection becomes the prompt: the model quick pick opens directly, no prompt box', async function () {
    const { page, fake } = suite;
    await pickVeoLiteAndGenerate(page);
    await notificationToast(page, /Generating video with Google: Veo 3\.1 Lite/).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no cost confirmation below confirmAboveUsd');
    assert.equal(fake.submitCount(), 1);
    const body = JSON.parse(fake.requestsTo('submit')[0]!.body) as Record<string, unknown>;
    assert.equal(body.prompt, selected);
  });

  it('the video is saved with a sidecar whose prompt is the selection', async function () {
    const { page, workspace } = suite;
    await notificationToast(page, /Video saved: videos\/.+\.mp4/).waitFor({ state: 'visible', timeout: 60_000 });
    const files = videosIn(workspace);
    assert.equal(files.length, 1);
    assert.ok(fs.readFileSync(files[0]!).equals(sampleVideo()));
    const sidecar = await eventually('the sidecar', () => fs.existsSync(`${files[0]}.json`) && (JSON.parse(fs.readFileSync(`${files[0]}.json`, 'utf8')) as { request: { prompt?: string; model: string } }));
    assert.equal(sidecar.request.prompt, selected);
    assert.equal(sidecar.request.model, 'google/veo-3.1-lite');
  });
});
