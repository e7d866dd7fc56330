import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { stepSuite } from './generateFlow';
import { eventually, notificationToast, pickQuickPickItem, quickInputBox, REPO_ROOT, videosIn, waitForFrameWith, waitForQuickInput } from './workbench';

const PROMPT = 'The sun sinks behind the green hills, animate test';
const CHANGED = 'The sun rises over the green hills, animate test';
/** A 1 s, 160×90 H.264 clip without audio (test/fixtures/media/make-clips.sh): the fake serves it for every job. */
const CLIP = fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'media', 'silent.mp4'));
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface SubmitBody {
  model: string;
  prompt?: string;
  frame_images?: { frame_type: string; image_url: { url: string } }[];
}

/**
 * Right-clicks `file` in the Explorer and clicks the menu item `item`. Right after the window opens the menu may
 * not have the extensions' items yet, and it can close by itself while the workbench settles (a focus change):
 * as a person would, each attempt closes the menu if it is open and right-clicks again.
 */
async function explorerMenu(page: Page, file: string, item: string): Promise<void> {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).first();
  const menu = page.locator('.context-view .monaco-menu');
  const entry = menu.locator('.action-item', { hasText: item });
  const deadline = Date.now() + 45_000;
  for (let attempt = 1; ; attempt++) {
    try {
      await row.waitFor({ state: 'visible', timeout: 10_000 });
      await row.click({ button: 'right', timeout: 5_000 });
      await menu.locator('.action-item', { hasText: 'Copy Path' }).first().waitFor({ state: 'visible', timeout: 10_000 });
      await entry.first().waitFor({ state: 'visible', timeout: 2_000 });
      await entry.first().click({ timeout: 2_000 });
      // A click the menu took closes it; one dropped while it settled leaves it open, and the attempt starts again.
      await menu.waitFor({ state: 'hidden', timeout: 2_000 });
      return;
    } catch (err) {
      const items = await menu.locator('.action-item').allInnerTexts().catch(() => []);
      if (Date.now() >= deadline) throw new Error(`The Explorer's menu on ${file} never offered "${item}" (${attempt} attempts); it shows ${JSON.stringify(items)}`, { cause: err });
      console.log(`      attempt ${attempt}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)} (menu: ${items.length} items); right-clicking again`);
      // Escape closes an open menu; with no menu open it is not pressed.
      if (await menu.isVisible()) {
        await page.keyboard.press('Escape');
        await menu.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
      }
    }
  }
}

function submitBody(suite: { fake: { requestsTo(route: 'submit'): { body: string }[] } }, index: number): SubmitBody {
  return JSON.parse(suite.fake.requestsTo('submit')[index]!.body) as SubmitBody;
}

/**
 * Animate Image as a person does it: right-click a PNG in the Explorer → Animate Image → describe the motion →
 * pick a model that takes first frames → accept the settings; the video is saved and the request carried the
 * image as its first frame. Then, from the player: Run Again with Changes, Use Frame as First Frame… and Open
 * Prompt File (on a video a prompt file made); and the image editor's title offers Animate Image as well.
 */
describe('Animate Image from the Explorer, and the player actions that build on a take', function () {
  this.timeout(180_000);
  let still: Buffer;
  // Veo 3.1 Lite's $0.20 estimate is under the default confirmAboveUsd (1): no cost confirmation.
  const suite = stepSuite({
    name: 'animate',
    script: { completeAfterMs: 3_000, body: CLIP },
    prepare(workspace) {
      still = fs.readFileSync(path.join(workspace, 'still.png'));
      // A video a prompt file's second shot made, with its sidecar.
      fs.writeFileSync(path.join(workspace, 'lighthouse.mp4'), CLIP);
      const sidecar = {
        format: 'openrouter-video/sidecar',
        formatVersion: 1,
        job: { id: 'LighthouseJob0000001', clientId: 'lighthouse' },
        model: { id: 'google/veo-3.1-lite', name: 'Google: Veo 3.1 Lite' },
        request: { prompt: 'A lighthouse beam sweeps across low fog at night, slow push-in.', model: 'google/veo-3.1-lite', duration: 6 },
        rerun: { prompt: 'A lighthouse beam sweeps across low fog at night, slow push-in.', model: 'google/veo-3.1-lite', duration: 6 },
        source: { promptFile: 'prompts/storyboard.video.md', shot: 1, shotName: 'Lighthouse' },
      };
      fs.writeFileSync(path.join(workspace, 'lighthouse.mp4.json'), JSON.stringify(sidecar, null, 2));
    },
  });

  it('right-click a PNG in the Explorer → Animate Image', async function () {
    await explorerMenu(suite.page, 'still.png', 'Animate Image');
    await waitForQuickInput(suite.page, 'Animate Image');
  });

  it('describe the motion, pick a model that takes first frames, generate: the image is the first frame', async function () {
    const { page, fake, workspace } = suite;
    await quickInputBox(page).fill(PROMPT);
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, 'Pick a model that takes a first frame');
    await pickQuickPickItem(page, 'Veo 3.1 Lite', 'Veo 3.1 Lite');
    await waitForQuickInput(page, 'Generate Video with Google: Veo 3.1 Lite');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'still.png' }).waitFor({ state: 'visible', timeout: 10_000 });
    await pickQuickPickItem(page, '', 'Generate');

    await eventually('the submit', () => fake.requestsTo('submit').length === 1);
    const body = submitBody(suite, 0);
    assert.equal(body.model, 'google/veo-3.1-lite');
    assert.equal(body.prompt, PROMPT);
    assert.deepEqual(body.frame_images?.map((f) => f.frame_type), ['first_frame']);
    assert.equal(body.frame_images?.[0]?.image_url.url, `data:image/png;base64,${still.toString('base64')}`);

    await notificationToast(page, /Video saved: videos\/.+\.mp4/).waitFor({ state: 'visible', timeout: 60_000 });
    const [video] = videosIn(workspace);
    assert.ok(video && fs.readFileSync(video).equals(CLIP));
    const sidecar = JSON.parse(fs.readFileSync(`${video}.json`, 'utf8')) as { rerun: { firstFrame?: string; prompt?: string } };
    assert.equal(sidecar.rerun.firstFrame, 'still.png');
    assert.equal(sidecar.rerun.prompt, PROMPT);
  });

  it('Run Again with Changes from the player: the prompt prefilled, the same first frame', async function () {
    const { page, fake } = suite;
    await notificationToast(page, /Video saved: videos\/.+\.mp4/).getByRole('button', { name: 'Open' }).click();
    const frame = await waitForFrameWith(page, '#details dd[data-detail="prompt"]', 30_000);
    assert.equal(await frame.locator('dd[data-detail="prompt"]').innerText(), PROMPT);
    await frame.getByRole('button', { name: 'Run Again with Changes', exact: true }).click();

    await waitForQuickInput(page, 'Run Again with Changes');
    assert.equal(await quickInputBox(page).inputValue(), PROMPT);
    await quickInputBox(page).fill(CHANGED);
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, 'Generate Video with Google: Veo 3.1 Lite');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'still.png' }).waitFor({ state: 'visible', timeout: 10_000 });
    await pickQuickPickItem(page, '', 'Generate');

    await eventually('the second submit', () => fake.requestsTo('submit').length === 2);
    const body = submitBody(suite, 1);
    assert.equal(body.model, 'google/veo-3.1-lite');
    assert.equal(body.prompt, CHANGED);
    assert.equal(body.frame_images?.[0]?.frame_type, 'first_frame');
    assert.equal(body.frame_images?.[0]?.image_url.url, `data:image/png;base64,${still.toString('base64')}`);
  });

  it('Use Frame as First Frame… saves <video>.frame-<seconds>.png and submits it as the first frame', async function () {
    const { page, fake, workspace } = suite;
    const video = videosIn(workspace).sort()[0]!;
    const frame = await waitForFrameWith(page, '#actions button', 30_000);
    await frame.getByRole('button', { name: 'Use Frame as First Frame…', exact: true }).click();

    await waitForQuickInput(page, 'Use Frame as First Frame');
    const name = await eventually('the frame beside the video', () =>
      fs.readdirSync(path.dirname(video)).find((f) => f.startsWith(`${path.basename(video)}.frame-`) && /\.frame-\d+(\.\d{1,2})?\.png$/.test(f)),
    );
    const png = fs.readFileSync(path.join(path.dirname(video), name));
    assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE), 'a PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [160, 90], 'the frame at the video size');

    // The prompt box is prefilled with the video's prompt; the same model takes first frames, so the settings follow.
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, 'Generate Video with Google: Veo 3.1 Lite');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).waitFor({ state: 'visible', timeout: 10_000 });
    await pickQuickPickItem(page, '', 'Generate');

    await eventually('the third submit', () => fake.requestsTo('submit').length === 3);
    const body = submitBody(suite, 2);
    assert.equal(body.prompt, PROMPT);
    assert.equal(body.frame_images?.[0]?.frame_type, 'first_frame');
    assert.equal(body.frame_images?.[0]?.image_url.url, `data:image/png;base64,${png.toString('base64')}`);
  });

  it("Open Prompt File opens a prompt file's video's shot at its heading", async function () {
    const { page } = suite;
    await explorerMenu(page, 'lighthouse.mp4', 'Open With');
    await pickQuickPickItem(page, 'OpenRouter Video Player', 'OpenRouter Video Player');
    const frame = await waitForFrameWith(page, '#details dd[data-detail="shot"]', 30_000);
    assert.equal(await frame.locator('dd[data-detail="promptFile"]').innerText(), 'prompts/storyboard.video.md');
    assert.equal(await frame.locator('dd[data-detail="shot"]').innerText(), '2 · Lighthouse');
    await frame.getByRole('button', { name: 'Open Prompt File', exact: true }).click();

    await page.locator('.tabs-container .tab.active', { hasText: 'storyboard.video.md' }).waitFor({ state: 'visible', timeout: 30_000 });
    // "## Lighthouse" is line 13 of test/fixtures/workspace/prompts/storyboard.video.md.
    await page.locator('.statusbar').getByText('Ln 13, Col 1').waitFor({ state: 'visible', timeout: 10_000 });
  });

  it("an image's editor title offers Animate Image too", async function () {
    const { page, fake } = suite;
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'still.png' }).first().click();
    await page.locator('.tabs-container .tab.active', { hasText: 'still.png' }).waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.editor-actions .action-label[aria-label*="Animate Image"]').first().click({ timeout: 30_000 });
    await waitForQuickInput(page, 'Animate Image');
    // The prompt box is open: Escape cancels this take, and nothing more is sent.
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    assert.equal(fake.requestsTo('submit').length, 3);
  });
});
