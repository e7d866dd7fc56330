import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { enterPrompt, pickVeoLiteAndGenerate, stepSuite } from './generateFlow';
import { e2eEnvironment, notificationToast, runCommand } from './workbench';

const PROMPT = 'A lighthouse keeper climbs the stairs at night, the submit answer is lost';

/**
 * A submit whose answer is lost (a 502 after the request went out): OpenRouter may have taken, and billed, the
 * job. The error never offers a plain Retry; it offers to look the job up, or to submit again after a warning
 * that says it may bill twice, from the palette and from a keybinding with arguments alike.
 */
describe('A submit whose answer is lost, in the workbench', function () {
  this.timeout(120_000);
  // Veo 3.1 Lite's default request ($0.20) is under the default confirmAboveUsd: no cost dialog.
  const keybindingsFile = () => path.join(e2eEnvironment().userDataDir, 'User', 'keybindings.json');
  let previousKeybindings: string | undefined;
  const suite = stepSuite({
    name: 'submit-unknown',
    script: { completeAfterMs: 3_000 },
    prepare() {
      const file = keybindingsFile();
      previousKeybindings = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
      const args = { prompt: `${PROMPT}, from a keybinding`, model: 'google/veo-3.1-lite', duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: false };
      fs.writeFileSync(file, JSON.stringify([{ key: 'ctrl+alt+shift+u', command: 'openrouterVideo.generate', args }]));
    },
  });
  after(() => {
    if (previousKeybindings === undefined) fs.rmSync(keybindingsFile(), { force: true });
    else fs.writeFileSync(keybindingsFile(), previousKeybindings);
  });

  it('the error offers Recover Job by ID… and Submit Again…, and no Retry', async function () {
    const { page, fake } = suite;
    fake.inject({ route: 'submit', status: 502 });
    await enterPrompt(page, PROMPT);
    await pickVeoLiteAndGenerate(page);
    const toast = notificationToast(page, /OpenRouter may have accepted the job, and billed it\. It was NOT resubmitted\./);
    await toast.waitFor({ state: 'visible', timeout: 30_000 });
    await toast.getByRole('button', { name: 'Recover Job by ID…' }).waitFor({ state: 'visible' });
    await toast.getByRole('button', { name: 'Submit Again…' }).waitFor({ state: 'visible' });
    assert.equal(await toast.getByRole('button', { name: 'Retry' }).count(), 0, 'no button runs the paid command again as it was');
    assert.equal(fake.requestsTo('submit').length, 1, 'one POST, not retried');
  });

  it('Submit Again… first warns that it may bill twice; cancelling submits nothing', async function () {
    const { page, fake } = suite;
    const toast = notificationToast(page, /OpenRouter may have accepted the job/);
    await toast.getByRole('button', { name: 'Submit Again…' }).click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), /Submit this video job again\?[\s\S]*may bill you twice/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 30_000 });
    assert.equal(fake.requestsTo('submit').length, 1, 'nothing submitted without the confirmation');
  });

  it('from a keybinding with arguments, the same error shows once, with the same buttons', async function () {
    const { page, fake } = suite;
    await runCommand(page, 'Notifications: Clear All Notifications');
    const toasts = notificationToast(page, /OpenRouter may have accepted the job, and billed it\. It was NOT resubmitted\./);
    await toasts.first().waitFor({ state: 'hidden', timeout: 30_000 });
    fake.inject({ route: 'submit', status: 502 });
    await page.keyboard.press('Control+Alt+Shift+KeyU');
    await toasts.first().waitFor({ state: 'visible', timeout: 60_000 });
    await toasts.first().getByRole('button', { name: 'Recover Job by ID…' }).waitFor({ state: 'visible' });
    await toasts.first().getByRole('button', { name: 'Submit Again…' }).waitFor({ state: 'visible' });
    // VS Code's own message for a failed keybinding (the same sentence, without buttons) would show by now.
    await page.waitForTimeout(2_000);
    assert.equal(await toasts.count(), 1, 'one notification, with the buttons');
    assert.equal(fake.requestsTo('submit').length, 2, 'one POST for the keybinding, not retried');
  });
});
