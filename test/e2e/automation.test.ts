import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { enterPrompt, stepSuite } from './generateFlow';
import { e2eEnvironment, notificationToast, pickQuickPickItem, waitForQuickInput } from './workbench';

/** A request above the default confirmAboveUsd (1 USD): Veo 3.1, 8 s, 1080p, with audio. */
const PRICEY = { prompt: 'A keybinding asks for a pricey video', model: 'google/veo-3.1', duration: 8, resolution: '1080p', aspectRatio: '16:9', generateAudio: true };
const OUTSIDE_IMAGE = '/etc/hostname';

/**
 * Generate Video from a keybinding with arguments (as the README shows), and from a workspace whose
 * .vscode/settings.json picks the model: arguments may skip the questions, never the cost confirmation; an
 * image outside the workspace is refused; each error is shown once; a workspace's choice is named as such and
 * always confirmed.
 */
describe('Automation and workspace settings never skip the cost confirmation', function () {
  this.timeout(120_000);
  const keybindingsFile = () => path.join(e2eEnvironment().userDataDir, 'User', 'keybindings.json');
  let previousKeybindings: string | undefined;
  const suite = stepSuite({
    name: 'automation',
    script: { completeAfterMs: 3_000 },
    settings: { 'openrouterVideo.confirmAboveUsd': undefined, 'openrouterVideo.defaultModel': undefined },
    prepare(workspace) {
      const file = keybindingsFile();
      previousKeybindings = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
      fs.writeFileSync(
        file,
        JSON.stringify([
          { key: 'ctrl+alt+shift+k', command: 'openrouterVideo.generate', args: PRICEY },
          { key: 'ctrl+alt+shift+l', command: 'openrouterVideo.generate', args: { prompt: 'A keybinding sends a private image', model: 'google/veo-3.1-lite', firstFrame: OUTSIDE_IMAGE } },
        ]),
      );
      fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
      fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'openrouterVideo.defaultModel': 'google/veo-3.1-lite' }));
    },
  });
  after(() => {
    if (previousKeybindings === undefined) fs.rmSync(keybindingsFile(), { force: true });
    else fs.writeFileSync(keybindingsFile(), previousKeybindings);
  });

  async function focusWorkbench(): Promise<void> {
    const { page } = suite;
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'README.md' }).click({ timeout: 30_000 });
    await page.locator('.tabs-container .tab', { hasText: 'README.md' }).waitFor({ state: 'visible', timeout: 30_000 });
  }

  it('a keybinding with arguments above confirmAboveUsd asks, with the cost; cancelling submits nothing', async function () {
    const { page, fake } = suite;
    await focusWorkbench();
    await page.keyboard.press('Control+Alt+Shift+KeyK');
    const dialog = page.locator('.monaco-dialog-box');
    // The first command activates the extension and loads the catalogue: allow for a busy machine.
    await dialog.waitFor({ state: 'visible', timeout: 90_000 });
    const text = await dialog.innerText();
    assert.match(text, /Generate a video with Google: Veo 3\.1\?/);
    assert.match(text, /Asked for by a command argument/);
    const usd = Number(/Estimated cost: \$([0-9.]+)/.exec(text)?.[1]);
    assert.ok(usd > 1, `the estimate (${usd}) is above the default confirmAboveUsd`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 30_000 });
    assert.equal(fake.requestsTo('submit').length, 0, 'nothing submitted without the confirmation');
  });

  it('an image outside the workspace from a keybinding is refused, and the error is shown once', async function () {
    const { page, fake } = suite;
    await focusWorkbench();
    await page.keyboard.press('Control+Alt+Shift+KeyL');
    const message = /The image "\/etc\/hostname" is not inside an open workspace folder, so it was not sent\./;
    await notificationToast(page, message).first().waitFor({ state: 'visible', timeout: 90_000 });
    // A second copy (VS Code's own warning for a failed keybinding, beside the extension's error) would show by now.
    await page.waitForTimeout(2_000);
    assert.equal(await notificationToast(page, message).count(), 1, 'one notification, not an error and a warning');
    assert.equal(fake.requestsTo('submit').length, 0);
  });

  it("a model from the workspace's settings is named as such, and its cost is confirmed even below confirmAboveUsd", async function () {
    const { page, fake } = suite;
    await enterPrompt(page, 'A workspace picks the model');
    await waitForQuickInput(page, 'Pick a video model');
    const separator = page.locator('.quick-input-widget .quick-input-list-separator', { hasText: "From this workspace's settings" });
    await separator.first().waitFor({ state: 'visible', timeout: 30_000 });
    await pickQuickPickItem(page, 'Veo 3.1 Lite', 'Veo 3.1 Lite');
    await waitForQuickInput(page, 'Generate Video with Google: Veo 3.1 Lite');
    await pickQuickPickItem(page, '', 'Generate');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const text = await dialog.innerText();
    assert.match(text, /Model: Google: Veo 3\.1 Lite \(from this workspace's settings\)/);
    assert.match(text, /Estimated cost: \$0\.\d\d/, 'below the default confirmAboveUsd of $1, and asked all the same');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 30_000 });
    assert.equal(fake.requestsTo('submit').length, 0);
  });
});
