import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cleanUpJobsAfterEach, errorText, generate, generateArgs, getApi, MODEL, useFake, videosFolder, waitFor, waitForJob } from './helpers';

const PLAYER = 'openrouterVideo.player';

/** The custom editor tabs of the player showing `file`. */
function playerTabs(file: string): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === PLAYER && t.input.uri.fsPath === file);
}

async function closePlayers(): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === PLAYER);
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
}

/** A saved job of MODEL (its video and sidecar in videos/). */
async function savedJob(prompt: string): Promise<{ jobId: string; file: string }> {
  const jobId = await generate(generateArgs(prompt));
  const record = await waitForJob(jobId);
  assert.equal(record.state, 'saved', `ended ${record.state}: ${errorText(record)}`);
  const file = record.outputs[0]?.file;
  assert.ok(file && fs.existsSync(file));
  return { jobId, file };
}

/** The sentence a command run with an argument rejects with. */
async function rejection(running: Thenable<unknown>): Promise<string> {
  try {
    await running;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  assert.fail('the command resolved, but it should have been refused');
}

describe('Player and Extend (openrouterVideo.player, openrouterVideo.jobs.extend)', () => {
  const suite = useFake();
  cleanUpJobsAfterEach();
  afterEach(closePlayers);

  it('vscode.openWith opens a saved video in the player custom editor', async () => {
    const { file } = await savedJob('A lighthouse at dusk, player test');
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), PLAYER);
    const tab = await waitFor('the player tab', () => playerTabs(file)[0]);
    assert.ok(tab.input instanceof vscode.TabInputCustom);
    assert.equal(tab.input.viewType, PLAYER);
    assert.equal(path.basename(tab.input.uri.fsPath), path.basename(file));
    assert.equal(tab.isActive, true);
  });

  it('Open Video (the Jobs view and the notification) uses the player', async () => {
    const { jobId, file } = await savedJob('A kite over a field, open test');
    const record = (await getApi()).getJobs().find((r) => r.jobId === jobId)!;
    await vscode.commands.executeCommand('openrouterVideo.jobs.open', record.clientId);
    await waitFor('the player tab of Open Video', () => playerTabs(file)[0]);
  });

  it('Extend sends previous_job_id, resolves to the new job and saves its video', async () => {
    const { fake } = suite;
    const first = await savedJob('A paper plane takes off, extend test');
    const next = await vscode.commands.executeCommand<string>('openrouterVideo.jobs.extend', first.jobId, { prompt: 'It glides over the roofs' });
    assert.match(String(next), /^[A-Za-z0-9]{20}$/);
    assert.notEqual(next, first.jobId);
    assert.equal(fake.jobs.get(next)?.previousJobId, first.jobId, 'the fake recorded previous_job_id');
    const body = JSON.parse(fake.requestsTo('submit').at(-1)?.body ?? '{}') as Record<string, unknown>;
    assert.equal(body.previous_job_id, first.jobId);
    assert.equal(body.model, MODEL, 'the same model');
    assert.equal(body.prompt, 'It glides over the roofs');
    assert.equal(body.frame_images, undefined);

    const record = await waitForJob(next);
    assert.equal(record.state, 'saved', `ended ${record.state}: ${errorText(record)}`);
    const file = record.outputs[0]?.file;
    assert.ok(file && fs.existsSync(file) && path.dirname(file) === videosFolder());
    const sidecar = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as { request: { previousJobId?: string } };
    assert.equal(sidecar.request.previousJobId, first.jobId, 'the sidecar says which job it extends');
  });

  it('Extend of a model that cannot continue says so (400), and nothing runs', async () => {
    const { fake } = suite;
    const first = await savedJob('A snail on a leaf, 400 test');
    fake.setNoContinuation([MODEL]);
    const text = await rejection(vscode.commands.executeCommand('openrouterVideo.jobs.extend', first.jobId, { prompt: 'It climbs' }));
    assert.match(text, new RegExp(`The model ${MODEL} cannot extend job ${first.jobId}`));
    assert.match(text, /Nothing was started; use Run Again or Continue from Last Frame instead\./);
    assert.equal(fake.jobs.size, 1, 'no new job on OpenRouter');
  });

  it('Extend of a job OpenRouter has not completed says so (409), and nothing runs', async () => {
    const { fake } = suite;
    const first = await savedJob('A kettle boils, 409 test');
    fake.setJobStatus(first.jobId, 'in_progress');
    const text = await rejection(vscode.commands.executeCommand('openrouterVideo.jobs.extend', first.jobId, { prompt: 'Steam rises' }));
    assert.match(text, new RegExp(`Job ${first.jobId} is not completed on OpenRouter, so it cannot be extended yet`));
    assert.equal(fake.jobs.size, 1);
    const rejected = (await getApi()).getJobs().find((r) => r.request.previousJobId === first.jobId);
    assert.equal(rejected?.state, 'rejected', 'the refused extend is on record as rejected (nothing billed)');
  });
});
