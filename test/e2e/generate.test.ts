import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { enterPrompt, pickVeoLiteAndGenerate, stepSuite } from './generateFlow';
import {
  eventually,
  hoverUntil,
  jobRows,
  notificationToast,
  readmeScreenshot,
  runCommand,
  sampleVideo,
  showOpenRouterVideoViews,
  videosIn,
  waitForFrameWith,
} from './workbench';

const PROMPT = 'A paper boat drifts down a rain-soaked street at dusk, neon reflections in the puddles';

/**
 * The whole flow as a person does it, in a fresh workspace: F1 → Generate Video → prompt → model →
 * accept the suggested settings → confirm the cost → progress notification → the MP4 in videos/ →
 * the Jobs view shows it saved → clicking the row opens the video.
 */
describe('Generate Video, end to end in the workbench', function () {
  this.timeout(120_000);
  // Jobs complete 3 s after submit, so the extension's first poll (~5 s) finds the video ready.
  // Veo 3.1 Lite's default request is estimated at $0.20: ask above $0.10 so the confirmation shows.
  // The steps build on each other: after a failure the rest are skipped (see stepSuite).
  const suite = stepSuite({ name: 'generate', script: { completeAfterMs: 3_000 }, settings: { 'openrouterVideo.confirmAboveUsd': 0.1 } });

  it('prompt → model → settings → cost confirmation → progress notification', async function () {
    const { page, fake } = suite;
    await enterPrompt(page, PROMPT, 'generate-prompt.png');

    // The model quick pick (busy while the catalogue loads, then grouped by provider) → Veo 3.1 Lite →
    // the settings quick pick, whose first item accepts the suggested settings.
    await pickVeoLiteAndGenerate(page, 'generate-model-pick.png');

    // The modal cost confirmation, since $0.20 > confirmAboveUsd 0.1.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), /Generate a video with Google: Veo 3\.1 Lite\?[\s\S]*Estimated cost: \$0\.20/);
    assert.equal(fake.submitCount(), 0, 'nothing is submitted before the cost is confirmed');
    await dialog.getByRole('button', { name: 'Submit' }).click();

    const progress = notificationToast(page, /Generating video with Google: Veo 3\.1 Lite/);
    await progress.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(fake.submitCount(), 1);
    // Meanwhile the Jobs view lists the job as queued (its row's label is "<prompt>, <state>, <details>").
    await showOpenRouterVideoViews(page);
    await jobRows(page).and(page.locator('[aria-label*=", Queued, "]')).filter({ hasText: PROMPT.slice(0, 30) }).waitFor({ state: 'visible', timeout: 30_000 });
    // (workbench.reduceMotion is on, so the toast is drawn without its fade-in.)
    await page.locator('.monaco-list[aria-label="Models"] .monaco-list-row', { hasText: 'Alibaba' }).waitFor({ state: 'visible', timeout: 30_000 });
    if (await progress.isVisible()) await readmeScreenshot(page, 'generate-notification.png');
    const body = JSON.parse(fake.requestsTo('submit')[0]!.body) as Record<string, unknown>;
    assert.equal(body.model, 'google/veo-3.1-lite');
    assert.equal(body.prompt, PROMPT);
  });

  it('saves the MP4 in videos/, byte-identical to what OpenRouter served, and says so', async function () {
    const { page, fake, workspace } = suite;
    const saved = notificationToast(page, /Video saved: videos\/.+\.mp4/);
    await saved.waitFor({ state: 'visible', timeout: 60_000 });
    const files = videosIn(workspace);
    assert.equal(files.length, 1, `one video in videos/: ${files.join(', ')}`);
    assert.ok(fs.readFileSync(files[0]!).equals(sampleVideo()), 'the saved MP4 is byte-identical to the served one');
    assert.match(await saved.innerText(), new RegExp(path.basename(files[0]!).replace(/\./g, '\\.')));
    await saved.getByRole('button', { name: 'Open' }).waitFor({ state: 'visible' });
    await saved.getByRole('button', { name: 'Reveal' }).waitFor({ state: 'visible' });
    assert.equal(fake.requestsTo('content').length, 1);
  });

  it('the Jobs view shows the job as saved', async function () {
    const { page, workspace } = suite;
    await showOpenRouterVideoViews(page);
    const row = jobRows(page).filter({ hasText: PROMPT.slice(0, 30) });
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    // The row's accessible label is "<prompt>, <state>, <details>"; its icon is the pass icon.
    await eventually('the Jobs row to say Saved', async () => /, Saved, veo-3\.1-lite · 4s · 720p · \$0\.40 · /.test((await row.getAttribute('aria-label')) ?? ''));
    await row.locator('.codicon-pass-filled').waitFor({ state: 'visible' });

    // Its tooltip names the saved file.
    const hover = await hoverUntil(page, row, /Saved:\s+videos\//);
    // (The tooltip's text parts are markdown-escaped: their spaces are non-breaking.)
    const tooltip = (await hover.innerText()).replace(/\u00a0/g, ' ');
    assert.match(tooltip, /Model: Google: Veo 3\.1 Lite \(google\/veo-3\.1-lite\)/);
    assert.match(tooltip, new RegExp(`Saved: videos/${path.basename(videosIn(workspace)[0]!).replace(/\./g, '\\.')}`));
    await page.mouse.move(900, 400);
    await hover.waitFor({ state: 'hidden', timeout: 15_000 });
  });

  it("the status bar and the Jobs view's title show today's spend", async function () {
    const { page } = suite;
    await showOpenRouterVideoViews(page);
    // The job's reported cost ($0.40, the fake's default) is today's spend in this fresh profile, at least.
    const description = page.locator('.pane-header').filter({ hasText: /jobs/i }).locator('.description');
    await eventually("the Jobs view's title to show today's spend", async () => /^\$\d+\.\d{2,} today$/.test(((await description.first().innerText().catch(() => '')) ?? '').trim()));
    const item = page.locator('.statusbar-item').filter({ hasText: /\$\d+\.\d{2,} today/ });
    await item.first().waitFor({ state: 'visible', timeout: 15_000 });
  });

  it('clicking the row opens the video in the player, with its prompt and cost beside it', async function () {
    const { page, workspace } = suite;
    const file = path.basename(videosIn(workspace)[0]!);
    await jobRows(page).filter({ hasText: PROMPT.slice(0, 30) }).click();
    const tab = page.locator('.tabs-container .tab').filter({ hasText: file });
    await tab.waitFor({ state: 'visible', timeout: 30_000 });
    // The player's webview: the <video> plays the saved file; the details come from the sidecar and the job.
    const frame = await waitForFrameWith(page, '#details dd[data-detail="prompt"]', 30_000);
    assert.match((await frame.locator('video').first().getAttribute('src')) ?? '', /\.mp4/);
    assert.equal(await frame.locator('dd[data-detail="prompt"]').innerText(), PROMPT);
    assert.equal(await frame.locator('dd[data-detail="cost"]').innerText(), '$0.40');
    assert.match(await frame.locator('dd[data-detail="model"]').innerText(), /google\/veo-3\.1-lite/);
    for (const action of ['Run Again', 'Extend', 'Continue from Last Frame', 'Copy Prompt', 'Reveal', 'Open in System Player']) {
      await frame.getByRole('button', { name: action, exact: true }).waitFor({ state: 'visible', timeout: 10_000 });
    }
    // The fixture has no audio track: no AAC note.
    assert.equal(await frame.locator('#audio-note').isVisible(), false);
    // Dismiss the notifications so the screenshot shows the view and the video.
    await runCommand(page, 'Notifications: Clear All Notifications');
    await readmeScreenshot(page, 'jobs-view.png');
  });
});
