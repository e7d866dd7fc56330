import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cleanUpJobsAfterEach, errorText, generate, generateArgs, getApi, MODEL, useFake, videosFolder, waitFor, waitForJob } from './helpers';

const PLAYER = 'openrouterVideo.player';
/** The same player, the default editor for the names of videos the extension saves. */
const SAVED_VIDEO = 'openrouterVideo.savedVideo';
const OURS = new Set([PLAYER, SAVED_VIDEO]);

function allTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs);
}

/** The custom editor tabs of the player (either view type) showing `file`. */
function playerTabs(file: string): vscode.Tab[] {
  return allTabs().filter((t) => t.input instanceof vscode.TabInputCustom && OURS.has(t.input.viewType) && t.input.uri.fsPath === file);
}

/** The view type of the active tab when it shows `file` (a text editor or anything else gives its kind). */
function activeEditorOf(file: string): string | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && input.uri.fsPath === file) return input.viewType;
  if (input instanceof vscode.TabInputText && input.uri.fsPath === file) return 'text';
  return undefined;
}

async function closePlayers(): Promise<void> {
  const tabs = allTabs().filter((t) => {
    const input = t.input as { uri?: vscode.Uri } | undefined;
    return input?.uri?.fsPath.endsWith('.mp4') === true;
  });
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
    const tab = await waitFor('the player tab of Open Video', () => playerTabs(file)[0]);
    assert.equal((tab.input as vscode.TabInputCustom).viewType, SAVED_VIDEO, 'the view type the Explorer picks for the name');
  });

  it('opening a saved video as the Explorer does (vscode.open) gives the player; other MP4 files keep VS Code\'s preview', async () => {
    const { file } = await savedJob('A fox in the snow, default editor test');
    const base = file.slice(0, -'.mp4'.length);
    const twins = [`${base}-out2.mp4`, `${base}-2.mp4`];
    const other = path.join(videosFolder(), 'holiday.mp4');
    for (const copy of [...twins, other]) fs.copyFileSync(file, copy);

    for (const saved of [file, ...twins]) {
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(saved));
      assert.equal(await waitFor(`the editor of ${path.basename(saved)}`, () => activeEditorOf(saved)), SAVED_VIDEO, path.basename(saved));
    }
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(other));
    const editor = await waitFor('the editor of holiday.mp4', () => activeEditorOf(other));
    assert.ok(!OURS.has(editor), `holiday.mp4 opened in ${editor}, not in the player`);
  });

  it('Open Video brings forward the player tab a click in the Explorer opened', async () => {
    const { jobId, file } = await savedJob('A bell rings, one tab test');
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
    await waitFor('the player tab of vscode.open', () => playerTabs(file)[0]);
    const other = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: '' }));
    try {
      const record = (await getApi()).getJobs().find((r) => r.jobId === jobId)!;
      await vscode.commands.executeCommand('openrouterVideo.jobs.open', record.clientId);
      assert.equal(await waitFor('the player tab active again', () => activeEditorOf(file)), SAVED_VIDEO);
      assert.equal(playerTabs(file).length, 1, 'one tab of the video');
    } finally {
      const untitled = allTabs().filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === other.document.uri.toString());
      await vscode.window.tabGroups.close(untitled);
    }
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
