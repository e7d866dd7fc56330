import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { posterKey } from '../../src/core/gallery/posterKey';
import { enterPrompt, pickVeoLiteAndGenerate, stepSuite } from './generateFlow';
import { clickMenuItem, e2eEnvironment, eventually, jobRows, quickInputBox, readmeScreenshot, runCommand, showOpenRouterVideoViews, videosIn, waitForFrameWith, waitForQuickInput } from './workbench';

const PROMPT = 'A lantern festival over a river at night, gallery test';

/** The Gallery view's webview (its page has the #groups list), once the view has loaded it. */
async function galleryFrame(page: Page, timeoutMs = 30_000): Promise<Frame> {
  await showOpenRouterVideoViews(page);
  return waitForFrameWith(page, 'main#groups', timeoutMs);
}

/** Generate Video with PROMPT on Veo 3.1 Lite ($0.20 estimated: under the default confirmAboveUsd), until it is saved. */
async function generateAndWait(page: Page, saves: number, workspace: string): Promise<void> {
  await enterPrompt(page, PROMPT);
  await pickVeoLiteAndGenerate(page);
  await eventually(`video ${saves} saved in videos/`, () => videosIn(workspace).length === saves, 60_000);
}

/** The poster file name of `video` as it is on disk now. */
function posterName(video: string): string {
  const info = fs.statSync(video);
  return `${posterKey(video, info.size, info.mtimeMs)}.jpg`;
}

/**
 * The extension's poster folders beside its job store: `<user data>/User/workspaceStorage/<hash>/<extension>/gallery-posters`
 * (one per workspace the user data has seen; the suite's window has one).
 */
function posterFolders(): string[] {
  const root = path.join(e2eEnvironment().userDataDir, 'User', 'workspaceStorage');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).flatMap((hash) => {
    const owner = path.join(root, hash, 'openrouter-video.openrouter-video', 'gallery-posters');
    return fs.existsSync(owner) ? [owner] : [];
  });
}

/** The cached poster of `video`, once there is one. */
function cachedPoster(video: string): string | undefined {
  return posterFolders()
    .map((folder) => path.join(folder, posterName(video)))
    .find((file) => fs.existsSync(file));
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

/**
 * The Gallery view as a person uses it: empty at first with a Generate Video button; a saved video shows up
 * at once as a poster (captured once, then loaded from the cache beside the job store) with its prompt, model,
 * cost and date; a second take of the same prompt sits beside it; the filter narrows the list and is kept
 * when the view is hidden and shown again; a click (or Enter on a focused card) opens the player.
 */
describe('The Gallery view, end to end in the workbench', function () {
  this.timeout(180_000);
  // Jobs complete 3 s after submit; the fake serves its 2 s, 320×180 H.264 sample with a reported cost of $0.40.
  const suite = stepSuite({ name: 'gallery', script: { completeAfterMs: 3_000 } });
  let before: string[] = [];

  it('is empty at first and offers Generate Video', async function () {
    const { page, workspace } = suite;
    before = filesUnder(workspace);
    const frame = await galleryFrame(page);
    const empty = frame.locator('#empty');
    await empty.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await empty.innerText(), /No saved videos yet/);
    await frame.getByRole('button', { name: 'Generate Video' }).click();
    // Generate Video asks for the prompt; the next step types it there.
    await waitForQuickInput(page, 'Generate Video');
  });

  it('shows a saved video at once: its poster from the cache, prompt, model and cost', async function () {
    const { page, workspace } = suite;
    await quickInputBox(page).fill(PROMPT);
    await page.keyboard.press('Enter');
    await pickVeoLiteAndGenerate(page);
    await eventually('the video saved in videos/', () => videosIn(workspace).length === 1, 60_000);
    const video = videosIn(workspace)[0]!;

    // The first video's folder becomes one the webview may load from: its page loads again, with the card.
    await showOpenRouterVideoViews(page);
    const frame = await waitForFrameWith(page, 'main#groups button.card', 30_000);
    const card = frame.locator('button.card').first();
    await card.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await card.locator('.title').innerText(), PROMPT);
    assert.equal(await card.locator('.model').innerText(), 'Google: Veo 3.1 Lite');
    await eventually('the reported cost on the card', async () => (await card.locator('.cost').innerText()) === '$0.40');
    assert.match((await card.getAttribute('aria-label')) ?? '', /A lantern festival.*Google: Veo 3\.1 Lite, \$0\.40, .*Press Enter to open it in the player\./);

    // The webview captured a frame, the extension cached it beside its job store, and the card shows the file.
    const poster = await eventually('the poster cached beside the job store', () => cachedPoster(video), 30_000);
    const jpeg = fs.readFileSync(poster);
    assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
    const img = card.locator('img.poster');
    await img.waitFor({ state: 'attached', timeout: 30_000 });
    assert.match((await img.getAttribute('src')) ?? '', new RegExp(`gallery-posters/${path.basename(poster)}`));
    await eventually('the poster image to load', () => img.evaluate((el) => (el as unknown as { complete: boolean; naturalWidth: number }).naturalWidth === 320));
    // Nothing but the video and its sidecar was written into the workspace.
    const added = filesUnder(workspace).filter((f) => !before.includes(f)).sort();
    assert.deepEqual(added, [path.relative(workspace, video), `${path.relative(workspace, video)}.json`].sort());
  });

  it('puts a second take of the same prompt beside the first', async function () {
    const { page, workspace } = suite;
    await generateAndWait(page, 2, workspace);
    const frame = await galleryFrame(page);
    const takes = frame.locator('section.takes');
    await takes.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await takes.locator('h3 .heading').innerText(), PROMPT);
    assert.equal(await takes.locator('h3 .count').innerText(), '2 takes');
    assert.equal(await takes.locator('button.card').count(), 2);
    // Side by side: one row, the two cards at the same height.
    const [a, b] = await Promise.all([0, 1].map((i) => takes.locator('button.card').nth(i).boundingBox()));
    assert.ok(a && b && Math.abs(a.y - b.y) < 2 && b.x > a.x, `side by side: ${JSON.stringify([a, b])}`);
    await eventually('both posters drawn', async () => (await takes.locator('img.poster, canvas.poster').count()) === 2);
    await runCommand(page, 'Notifications: Clear All Notifications');
    await readmeScreenshot(page, 'gallery.png');
  });

  it('filters by prompt, and keeps the filter when the view is hidden and shown again', async function () {
    const { page } = suite;
    let frame = await galleryFrame(page);
    await frame.locator('#search').fill('no such words');
    await frame.locator('#no-match').waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await frame.locator('button.card').count(), 0);
    await frame.locator('#search').fill('LANTERN');
    await frame.locator('button.card').first().waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await frame.locator('button.card').count(), 2);
    assert.deepEqual(await frame.locator('#model option').allInnerTexts(), ['All models', 'Google: Veo 3.1 Lite (2)']);

    // Another view container in front: the webview goes, and comes back with its filter on Show Gallery.
    await runCommand(page, 'View: Show Explorer');
    await eventually('the hidden gallery to let its webview go', () => frame.isDetached(), 15_000);
    await runCommand(page, 'OpenRouter Video: Show Gallery');
    frame = await waitForFrameWith(page, 'main#groups', 30_000);
    await eventually('the filter to be restored', async () => (await frame.locator('#search').inputValue()) === 'LANTERN', 15_000);
    await frame.locator('button.card').first().waitFor({ state: 'visible', timeout: 15_000 });
  });

  it('a click on a poster opens the player, and so does Enter on one reached with the keys', async function () {
    const { page, workspace } = suite;
    const [older, newer] = videosIn(workspace).sort((x, y) => fs.statSync(x).mtimeMs - fs.statSync(y).mtimeMs);
    const frame = await galleryFrame(page);
    await frame.locator('button.card').first().click();
    await page.locator('.tabs-container .tab').filter({ hasText: path.basename(newer!) }).waitFor({ state: 'visible', timeout: 30_000 });
    const player = await waitForFrameWith(page, '#details dd[data-detail="prompt"]', 30_000);
    assert.equal(await player.locator('dd[data-detail="prompt"]').innerText(), PROMPT);

    const gallery = await galleryFrame(page);
    // Tab reaches the posters; the arrow keys move between them.
    await gallery.locator('button.card').first().focus();
    await page.keyboard.press('ArrowRight');
    await eventually('the second poster focused', () => gallery.locator('button.card').nth(1).evaluate((el) => el.ownerDocument.activeElement === el));
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab').filter({ hasText: path.basename(older!) }).waitFor({ state: 'visible', timeout: 30_000 });
  });

  it('drops a video at once when its job is removed from the Jobs view, and its cached poster', async function () {
    const { page, workspace } = suite;
    const [older, newer] = videosIn(workspace).sort((x, y) => fs.statSync(x).mtimeMs - fs.statSync(y).mtimeMs);
    const olderPoster = await eventually('the older take\'s poster cached', () => cachedPoster(older!), 15_000);
    const frame = await galleryFrame(page);
    await frame.locator('#search').fill('');
    await frame.locator('section.takes button.card').nth(1).waitFor({ state: 'visible', timeout: 15_000 });
    // Right-click the older job's row (the list is newest first) → Remove from List.
    await jobRows(page).nth(1).click({ button: 'right' });
    await clickMenuItem(page, 'Remove from List');
    await eventually('one card left, no takes group', async () => (await frame.locator('button.card').count()) === 1 && (await frame.locator('section.takes').count()) === 0, 15_000);
    await eventually('the removed take\'s poster deleted', () => !fs.existsSync(olderPoster), 15_000);
    assert.ok(cachedPoster(newer!), 'the poster of the video still shown stays');
    assert.ok(fs.existsSync(older!), 'the video itself stays in the workspace');
  });
});
