import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { enterPrompt, stepSuite } from './generateFlow';
import { eventually, focusedQuickPickRow, pickQuickPickItem, quickInputBox, runCommand, waitForQuickInput } from './workbench';

const PROMPT = 'A kite festival on a windy beach, draft test';
const NEW_PROMPT = 'A red kite climbing over the dunes at noon, draft test';
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** The quick pick row whose label is exactly `label` (the summary has both "Prompt" and "Open as Prompt File"). */
function row(page: Page, label: string): Locator {
  return page.locator('.quick-input-widget .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) });
}

/** Types `filter` into the summary and presses Enter once the focused row is the one labelled exactly `label`. */
async function pickRow(page: Page, filter: string, label: string): Promise<void> {
  await quickInputBox(page).fill(filter);
  await focusedQuickPickRow(page)
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) })
    .waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Enter');
}

/** The summary titled for `model` is showing (with its rows loaded), its filter empty. */
async function summaryFor(page: Page, model: string): Promise<void> {
  await waitForQuickInput(page, `Generate Video with ${model}`);
  await row(page, 'Prompt').waitFor({ state: 'visible', timeout: 30_000 });
}

/**
 * The Generate Video flow keeps what was typed and picked: Escape in the summary keeps the draft and the next
 * Generate Video offers it back; the Prompt and Model rows change either without starting over; a reference
 * image picked in the flow reaches OpenRouter; a submit clears the draft and lists the prompt as recent.
 */
describe('Generate Video keeps the draft, and changes it in the summary', function () {
  this.timeout(180_000);
  const suite = stepSuite({
    name: 'generate-draft',
    script: { completeAfterMs: 3_000 },
    // Every submit asks, so the test decides when the one submit happens.
    settings: { 'openrouterVideo.confirmAboveUsd': 0.01 },
    prepare: (workspace) => {
      fs.mkdirSync(path.join(workspace, 'images'), { recursive: true });
      fs.writeFileSync(path.join(workspace, 'images', 'style.png'), PNG);
      fs.mkdirSync(path.join(workspace, 'prompts'), { recursive: true });
    },
  });

  it('Escape in the summary keeps the draft; the next Generate Video offers it back as its first choice', async function () {
    const { page, fake } = suite;
    await enterPrompt(page, PROMPT);
    await waitForQuickInput(page, 'Pick a video model');
    await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
    await pickQuickPickItem(page, 'Veo 3.1 Lite', 'Veo 3.1 Lite');
    await summaryFor(page, 'Google: Veo 3.1 Lite');
    await pickRow(page, 'Duration', 'Duration');
    await waitForQuickInput(page, /^Duration$/);
    await pickQuickPickItem(page, '8 s', '8 s');
    await summaryFor(page, 'Google: Veo 3.1 Lite');
    assert.match(await row(page, 'Duration').innerText(), /8 s/);

    // The summary is showing and its filter is empty: Escape leaves the flow.
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 30_000 });
    assert.equal(fake.submitCount(), 0);

    await runCommand(page, 'OpenRouter Video: Generate Video', 30_000, 'Generate Video');
    const first = page.locator('.quick-input-widget .monaco-list-row').first();
    await first.filter({ hasText: `Continue the draft: ${PROMPT}` }).waitFor({ state: 'visible', timeout: 30_000 });
    await focusedQuickPickRow(page).filter({ hasText: 'Continue the draft' }).waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Enter');
    // Straight to the summary: the model and the duration chosen before are kept.
    await summaryFor(page, 'Google: Veo 3.1 Lite');
    assert.match(await row(page, 'Prompt').innerText(), new RegExp(PROMPT));
    assert.match(await row(page, 'Duration').innerText(), /8 s/);
  });

  it('the Prompt row changes the prompt in the summary', async function () {
    const { page } = suite;
    await pickRow(page, 'Prompt', 'Prompt');
    await waitForQuickInput(page, /^Prompt$/);
    assert.equal(await quickInputBox(page).inputValue(), PROMPT, 'the prompt box starts with the prompt');
    await quickInputBox(page).fill(NEW_PROMPT);
    await page.keyboard.press('Enter');
    await summaryFor(page, 'Google: Veo 3.1 Lite');
    await eventually('the Prompt row to show the new prompt', async () => (await row(page, 'Prompt').innerText()).includes(NEW_PROMPT));
  });

  it('the Model row changes the model and keeps the settings it still offers', async function () {
    const { page } = suite;
    await pickRow(page, 'Model', 'Model');
    await waitForQuickInput(page, 'Pick a video model');
    await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
    await pickQuickPickItem(page, 'HeyGen Video', 'HeyGen Video');
    await summaryFor(page, 'HeyGen: HeyGen Video');
    assert.match(await row(page, 'Prompt').innerText(), new RegExp(NEW_PROMPT));
    assert.match(await row(page, 'Duration').innerText(), /8 s/);
    await row(page, 'Reference images').waitFor({ state: 'visible', timeout: 10_000 });
  });

  it('a reference image picked in the flow is in the request OpenRouter receives', async function () {
    const { page, fake } = suite;
    await pickRow(page, 'Reference', 'Reference images');
    await waitForQuickInput(page, 'Reference images');
    await pickQuickPickItem(page, 'style', 'images/style.png');
    await summaryFor(page, 'HeyGen: HeyGen Video');
    assert.match(await row(page, 'Reference images').innerText(), /images\/style\.png/);

    await pickQuickPickItem(page, '', 'Generate');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), /Generate a video with HeyGen: HeyGen Video\?/);
    await dialog.getByRole('button', { name: 'Submit' }).click();
    await eventually('one submit', () => fake.submitCount() === 1);
    const body = JSON.parse(fake.requestsTo('submit')[0]!.body) as { model: string; prompt: string; duration: number; input_references?: { type: string; image_url: { url: string } }[] };
    assert.equal(body.model, 'heygen/heygen-video-1');
    assert.equal(body.prompt, NEW_PROMPT);
    assert.equal(body.duration, 8);
    assert.deepEqual(body.input_references, [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG.toString('base64')}` } }]);
  });

  it('after the submit the draft is gone, and the prompt is offered as a recent prompt that picking uses', async function () {
    const { page } = suite;
    await runCommand(page, 'OpenRouter Video: Generate Video', 30_000, 'Generate Video');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: NEW_PROMPT }).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Continue the draft' }).count(), 0);
    assert.match(await page.locator('.quick-input-widget').innerText(), /Recent prompts/);
    // The newest recent prompt is the first row; Enter uses it as the prompt.
    await focusedQuickPickRow(page).filter({ has: page.locator('.label-name', { hasText: NEW_PROMPT }) }).waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, 'Pick a video model');
    await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
    await pickQuickPickItem(page, 'Veo 3.1 Lite', 'Veo 3.1 Lite');
    await summaryFor(page, 'Google: Veo 3.1 Lite');
    assert.match(await row(page, 'Prompt').innerText(), new RegExp(NEW_PROMPT));
  });

  it('the Provider options row takes a JSON value, refuses bad JSON in words, and sends it under the provider', async function () {
    const { page, fake } = suite;
    await pickRow(page, 'Provider', 'Provider options');
    await waitForQuickInput(page, 'Provider options for Google: Veo 3.1 Lite');
    await pickQuickPickItem(page, 'negativePrompt', 'negativePrompt');
    await waitForQuickInput(page, /^negativePrompt$/);
    await quickInputBox(page).fill('blurry');
    await page.locator('.quick-input-widget .quick-input-message', { hasText: /not valid JSON.*double quotes/ }).waitFor({ state: 'visible', timeout: 30_000 });
    await quickInputBox(page).fill('"blurry, low quality"');
    await page.locator('.quick-input-widget .quick-input-message', { hasText: /not valid JSON/ }).waitFor({ state: 'hidden', timeout: 30_000 });
    await page.keyboard.press('Enter');
    await summaryFor(page, 'Google: Veo 3.1 Lite');
    assert.match(await row(page, 'Provider options').innerText(), /negativePrompt="blurry, low quality"/);

    await pickQuickPickItem(page, '', 'Generate');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Submit' }).click();
    await eventually('the second submit', () => fake.submitCount() === 2);
    const body = JSON.parse(fake.requestsTo('submit')[1]!.body) as { model: string; prompt: string; provider?: unknown };
    assert.equal(body.model, 'google/veo-3.1-lite');
    assert.equal(body.prompt, NEW_PROMPT);
    assert.deepEqual(body.provider, { options: { 'google-vertex': { parameters: { negativePrompt: 'blurry, low quality' } } } });
  });

  it('Open as Prompt File saves the draft as prompts/<first words>.video.md, opens it and submits nothing', async function () {
    const { page, workspace, fake } = suite;
    const submits = fake.submitCount();
    await enterPrompt(page, 'Lanterns over a harbour, prompt file draft');
    await waitForQuickInput(page, 'Pick a video model');
    await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
    await pickQuickPickItem(page, 'Veo 3.1 Lite', 'Veo 3.1 Lite');
    await summaryFor(page, 'Google: Veo 3.1 Lite');
    await pickQuickPickItem(page, 'Open as Prompt', 'Open as Prompt File');
    // The save dialog proposes prompts/<slug>.video.md in the workspace; Enter saves there.
    await waitForQuickInput(page, 'Save the draft as a prompt file');
    let proposed = '';
    await eventually('the proposed name', async () => (proposed = await quickInputBox(page).inputValue()).endsWith('prompts/lanterns-over-a-harbour-prompt-file.video.md'), 10_000).catch((error: unknown) => {
      throw new Error(`The save dialog proposes "${proposed}"`, { cause: error });
    });
    await page.keyboard.press('Enter');
    const file = path.join(workspace, 'prompts', 'lanterns-over-a-harbour-prompt-file.video.md');
    const text = await eventually('the prompt file', () => fs.existsSync(file) && fs.readFileSync(file, 'utf8'));
    assert.match(text, /^---\nmodel: google\/veo-3\.1-lite\nduration: 4\nresolution: 720p\naspect_ratio: "16:9"\ngenerate_audio: true\n---\nLanterns over a harbour, prompt file draft\n$/);
    await page.locator('.tab', { hasText: 'lanterns-over-a-harbour-prompt-file.video.md' }).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(fake.submitCount(), submits, 'nothing was submitted');
  });

  it('a long prompt offers Open as Prompt File in the prompt step; Escape keeps it as the draft', async function () {
    const { page } = suite;
    const long = `A slow dolly-in on a glass greenhouse at sunrise, ${'mist drifting over the beds, '.repeat(14)}long prompt test`;
    assert.ok(long.length > 400);
    await runCommand(page, 'OpenRouter Video: Generate Video', 30_000, 'Generate Video');
    await quickInputBox(page).fill(long);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Open as Prompt File' }).waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 30_000 });
    await runCommand(page, 'OpenRouter Video: Generate Video', 30_000, 'Generate Video');
    await page.locator('.quick-input-widget .monaco-list-row').first().filter({ hasText: 'Continue the draft: A slow dolly-in on a glass greenhouse' }).waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 30_000 });
  });
});
