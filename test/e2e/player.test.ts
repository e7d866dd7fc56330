import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { enterPrompt, pickVeoLiteAndGenerate, stepSuite } from './generateFlow';
import type { Frame } from 'playwright-core';
import { eventually, notificationToast, pickQuickPickItem, REPO_ROOT, runCommand, videosIn, waitForFrameWith, waitForQuickInput } from './workbench';

/** The player's <video> as the page sees it. */
function videoState(frame: Frame): Promise<{ paused: boolean; time: number; loop: boolean; checked: boolean }> {
  return frame.evaluate(`(() => {
    const video = document.querySelector('video');
    return { paused: video.paused, time: video.currentTime, loop: video.loop, checked: document.querySelector('#loop').checked };
  })()`);
}

const PROMPT = 'A brass band marches through a village square, player test';
/** A 1 s, 160×90 H.264 clip with AAC audio (test/fixtures/media/make-clips.sh). */
const AAC_CLIP = fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'media', 'aac.mp4'));

/**
 * The player as a person uses it: a finished job opens in it; it says that the clip's AAC audio cannot
 * play inside VS Code; Continue from Last Frame captures the last frame in the webview, saves it beside
 * the video and submits a new job with it as the first frame.
 */
describe('The player, end to end in the workbench', function () {
  this.timeout(180_000);
  // The fake serves the AAC clip; Veo 3.1 Lite's $0.20 estimate is under the default confirmAboveUsd (1).
  const suite = stepSuite({ name: 'player', script: { completeAfterMs: 3_000, body: AAC_CLIP } });

  it('a finished job opens in the player, which says its AAC audio cannot play here', async function () {
    const { page } = suite;
    await enterPrompt(page, PROMPT);
    await pickVeoLiteAndGenerate(page);
    const saved = notificationToast(page, /Video saved: videos\/.+\.mp4/);
    await saved.waitFor({ state: 'visible', timeout: 60_000 });
    await saved.getByRole('button', { name: 'Open' }).click();

    const frame = await waitForFrameWith(page, '#details dd[data-detail="prompt"]', 30_000);
    assert.equal(await frame.locator('dd[data-detail="prompt"]').innerText(), PROMPT);
    assert.match(await frame.locator('dd[data-detail="codecs"]').innerText(), /avc1 160×90 · AAC/);
    const note = frame.locator('#audio-note');
    await note.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await note.innerText(), /This clip's audio \(AAC\) can't play inside VS Code\./);
    await note.getByRole('button', { name: 'Open in System Player' }).waitFor({ state: 'visible' });
  });

  it('plays with the keys, loops on request, and comes back where it was after its tab was hidden', async function () {
    const { page } = suite;
    const frame = await waitForFrameWith(page, '#details dd[data-detail="prompt"]', 30_000);
    await frame.locator('video').focus();
    await page.keyboard.press('ArrowLeft'); // back one second: the start of the 1 s clip, paused
    await eventually('← to pause near the start', async () => {
      const s = await videoState(frame);
      return s.paused && s.time < 0.5;
    });
    await page.keyboard.press(' ');
    await eventually('space to play', async () => !(await videoState(frame)).paused, 5_000, 20);
    await page.keyboard.press(' ');
    await eventually('space to pause', async () => (await videoState(frame)).paused, 5_000, 20);
    const paused = await videoState(frame);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('.');
    await page.keyboard.press('.');
    await eventually('two frames forward from the start', async () => Math.abs((await videoState(frame)).time - 2 / 24) < 0.01);
    assert.ok(paused.paused);

    await frame.locator('#loop').check();
    await eventually('the loop to be on', async () => (await videoState(frame)).loop);

    // Hidden (another editor in front) and shown again: a new webview, in the same state.
    await runCommand(page, 'Preferences: Open User Settings');
    await eventually('the hidden player to let its webview go', () => frame.isDetached(), 15_000);
    await page.locator('.tabs-container .tab').filter({ hasText: '.mp4' }).first().click();
    const again = await waitForFrameWith(page, '#details dd[data-detail="prompt"]', 30_000);
    await eventually('the position and loop to be restored', async () => {
      const s = await videoState(again);
      return s.loop && s.checked && s.paused && Math.abs(s.time - 2 / 24) < 0.01;
    }, 15_000);
  });

  it('Continue from Last Frame saves <video>.last.png and submits it as the first frame', async function () {
    const { page, fake, workspace } = suite;
    const video = videosIn(workspace).find((f) => f.endsWith('.mp4'))!;
    const frame = await waitForFrameWith(page, '#actions button', 30_000);
    await frame.getByRole('button', { name: 'Continue from Last Frame', exact: true }).click();

    await waitForQuickInput(page, 'Continue from Last Frame');
    const png = await eventually('the last frame beside the video', () => fs.existsSync(`${video}.last.png`) && fs.readFileSync(`${video}.last.png`));
    assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'a PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [160, 90], 'the frame at the video size');

    // The prompt box is prefilled with the job's prompt: Enter keeps it. The same model takes first frames,
    // so the flow goes straight to the settings, with the frame as the first frame image.
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, 'Generate Video with Google: Veo 3.1 Lite');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: path.basename(`${video}.last.png`) }).waitFor({ state: 'visible', timeout: 10_000 });
    await pickQuickPickItem(page, '', 'Generate');

    await eventually('the second submit', () => fake.requestsTo('submit').length === 2);
    const body = JSON.parse(fake.requestsTo('submit')[1]!.body) as { model: string; prompt: string; frame_images?: { frame_type: string; image_url: { url: string } }[] };
    assert.equal(body.model, 'google/veo-3.1-lite');
    assert.equal(body.prompt, PROMPT);
    assert.equal(body.frame_images?.length, 1);
    assert.equal(body.frame_images?.[0]?.frame_type, 'first_frame');
    assert.equal(body.frame_images?.[0]?.image_url.url, `data:image/png;base64,${png.toString('base64')}`);
  });
});
