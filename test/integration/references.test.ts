import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cleanUpJobsAfterEach, errorText, generate, useFake, waitForJob, workspaceFolder } from './helpers';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const DATA_URL = `data:image/png;base64,${PNG.toString('base64')}`;
/** HeyGen Video 1 takes reference images (its prices name reference input). */
const MODEL = 'heygen/heygen-video-1';
const PROMPT_FILE = 'prompts/references.video.md';

type Body = { model: string; input_references?: { type: string; image_url: { url: string } }[]; provider?: unknown };

function lastSubmit(fake: { requestsTo(route: 'submit'): { body: string }[] }): Body {
  const submits = fake.requestsTo('submit');
  return JSON.parse(submits[submits.length - 1]!.body) as Body;
}

describe('Reference images (input_references) in the real host', () => {
  const suite = useFake();
  cleanUpJobsAfterEach();
  const inWorkspace = (name: string) => path.join(workspaceFolder(), name);
  let outsideDir: string;

  before(() => {
    fs.mkdirSync(inWorkspace('refs'), { recursive: true });
    fs.writeFileSync(inWorkspace('refs/style.png'), PNG);
    outsideDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-references-'));
    fs.writeFileSync(path.join(outsideDir, 'private.png'), PNG);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(inWorkspace('refs'), { recursive: true, force: true });
    fs.rmSync(inWorkspace(PROMPT_FILE), { force: true });
    fs.rmSync(outsideDir, { recursive: true, force: true });
  });

  it('a Generate Video argument sends them inlined, and the sidecar names them for Run Again', async () => {
    const { fake } = suite;
    fake.queueScript({ statuses: ['pending', 'completed'] });
    const jobId = await generate({ prompt: 'A kite in the style of the reference, integration test', model: MODEL, duration: 5, resolution: '480p', aspectRatio: '16:9', inputReferences: ['refs/style.png'] });
    const record = await waitForJob(jobId);
    assert.equal(record.state, 'saved', errorText(record));
    const body = lastSubmit(fake);
    assert.equal(body.model, MODEL);
    assert.deepEqual(body.input_references, [{ type: 'image_url', image_url: { url: DATA_URL } }]);
    const sidecar = JSON.parse(fs.readFileSync(`${record.outputs[0]!.file!}.json`, 'utf8')) as { rerun: { inputReferences?: string[] }; request: { inputReferences?: { path: string }[] } };
    assert.deepEqual(sidecar.rerun.inputReferences, ['refs/style.png']);
    assert.deepEqual(sidecar.request.inputReferences?.map((r) => r.path), ['refs/style.png']);
  });

  it('an argument image outside the workspace is refused, with nothing sent', async () => {
    const { fake } = suite;
    const outside = path.join(outsideDir, 'private.png');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('openrouterVideo.generate', { prompt: 'x', model: MODEL, duration: 5, resolution: '480p', inputReferences: [outside] })),
      (error: unknown) => error instanceof Error && error.message.startsWith(`The image "${outside}" is not inside an open workspace folder`),
    );
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('openrouterVideo.generate', { prompt: 'x', model: MODEL, inputReferences: 'refs/style.png' })),
      (error: unknown) => error instanceof Error && /inputReferences \(a list of strings\)/.test(error.message),
    );
    assert.equal(fake.requestsTo('submit').length, 0, 'no POST /videos');
  });

  it("a prompt file's input_references and provider options are sent", async () => {
    const { fake } = suite;
    fake.queueScript({ statuses: ['completed'] });
    fs.mkdirSync(inWorkspace('prompts'), { recursive: true });
    fs.writeFileSync(
      inWorkspace(PROMPT_FILE),
      ['---', 'model: minimax/hailuo-3', 'duration: 5', 'input_references: [refs/style.png]', 'provider: { minimax: { aigc_watermark: false } }', '---', 'A kite over the dunes, prompt file with references', ''].join('\n'),
    );
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(inWorkspace(PROMPT_FILE)));
    await vscode.window.showTextDocument(document);
    const jobIds = await vscode.commands.executeCommand<string[]>('openrouterVideo.generateFromFile', { uri: document.uri.toString() });
    assert.equal(jobIds.length, 1);
    const record = await waitForJob(jobIds[0]!);
    assert.equal(record.state, 'saved', errorText(record));
    const body = lastSubmit(fake);
    assert.equal(body.model, 'minimax/hailuo-3');
    assert.deepEqual(body.input_references, [{ type: 'image_url', image_url: { url: DATA_URL } }]);
    assert.deepEqual(body.provider, { options: { minimax: { parameters: { aigc_watermark: false } } } });
  });
});
