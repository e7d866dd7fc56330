import * as assert from 'node:assert/strict';
import { enterPrompt, pickVeoLiteAndGenerate, stepSuite } from './generateFlow';
import { notificationToast } from './workbench';

const PROMPT = 'A lighthouse keeper climbs the stairs at night, the submit answer is lost';

/**
 * A submit whose answer is lost (a 502 after the request went out): OpenRouter may have taken, and billed, the
 * job. The error never offers a plain Retry; it offers to look the job up, or to submit again after a warning
 * that says it may bill twice.
 */
describe('A submit whose answer is lost, in the workbench', function () {
  this.timeout(120_000);
  // Veo 3.1 Lite's default request ($0.20) is under the default confirmAboveUsd: no cost dialog.
  const suite = stepSuite({ name: 'submit-unknown', script: { completeAfterMs: 3_000 } });

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
});
