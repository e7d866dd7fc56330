import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { answerNextInputBox, cleanUpJobsAfterEach, errorText, extensionLogText, MODEL, useFake, waitFor, waitForJob, workspaceFolder } from './helpers';

interface Shown {
  title: string | undefined;
  items: vscode.QuickPickItem[];
}

/**
 * Answers the extension's next quick picks in order, as a person picking would (this tier cannot click in the
 * workbench; the e2e tier does): each answer gets the items shown and returns the one to pick. The tests and
 * the extension share this extension's `vscode` API object. Resolves `shown` with what each pick offered.
 */
function answerQuickPicks(...answers: ((items: vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined)[]): { shown: Shown[]; restore(): void } {
  const window = vscode.window as unknown as { showQuickPick: (items: unknown, options?: vscode.QuickPickOptions) => Promise<unknown> };
  const original = window.showQuickPick;
  const shown: Shown[] = [];
  window.showQuickPick = async (items: unknown, options?: vscode.QuickPickOptions) => {
    const list = (await (items as Thenable<vscode.QuickPickItem[]>)).filter((i) => i.kind !== vscode.QuickPickItemKind.Separator);
    shown.push({ title: options?.title, items: list });
    const answer = answers.shift();
    if (answers.length === 0) window.showQuickPick = original;
    return answer?.(list);
  };
  return { shown, restore: () => (window.showQuickPick = original) };
}

/** The ids of the fake's models that take `frameType`. */
function modelsTaking(frameType: string): string[] {
  const file = path.join(__dirname, '..', '..', '..', 'test', 'fake-openrouter', 'fixtures', 'videos-models.json');
  const { data } = JSON.parse(fs.readFileSync(file, 'utf8')) as { data: { id: string; supported_frame_images?: string[] | null }[] };
  return data.filter((m) => (m.supported_frame_images ?? []).includes(frameType)).map((m) => m.id).sort();
}

interface SubmitBody {
  model: string;
  prompt?: string;
  frame_images?: { frame_type: string; image_url: { url: string } }[];
}

describe('Animate Image and Use as Last Frame (openrouterVideo.animateImage, openrouterVideo.useAsLastFrame)', () => {
  const suite = useFake();
  cleanUpJobsAfterEach();
  const image = () => path.join(workspaceFolder(), 'still.png');

  it('Animate Image on a workspace PNG offers only models that take a first frame and sends the image as the first frame', async () => {
    const { fake } = suite;
    const png = fs.readFileSync(image());
    const asked = answerNextInputBox('The sun sets behind the hills');
    const picks = answerQuickPicks(
      (models) => models.find((m) => m.description === MODEL),
      (settings) => settings[0], // Generate: the suggested settings
    );
    let jobId: string | undefined;
    try {
      jobId = await vscode.commands.executeCommand<string>('openrouterVideo.animateImage', vscode.Uri.file(image()));
    } finally {
      picks.restore();
    }
    assert.equal((await asked)?.title, 'Animate Image');
    const [models, settings] = picks.shown;
    assert.match(models?.title ?? '', /^Pick a model that takes a first frame$/);
    // The model used last is listed first as well.
    assert.deepEqual([...new Set(models?.items.map((i) => i.description))].sort(), modelsTaking('first_frame'), 'exactly the models that take a first frame');
    assert.equal(settings?.title, 'Generate Video with Google: Veo 3.1 Lite');
    assert.equal(settings?.items.find((i) => i.label === 'First frame image')?.description, 'still.png');

    assert.ok(jobId, 'the command resolves with the job id');
    const body = JSON.parse(fake.requestsTo('submit').at(-1)?.body ?? '{}') as SubmitBody;
    assert.equal(body.model, MODEL);
    assert.equal(body.prompt, 'The sun sets behind the hills');
    assert.deepEqual(body.frame_images?.map((f) => f.frame_type), ['first_frame']);
    assert.equal(body.frame_images?.[0]?.image_url.url, `data:image/png;base64,${png.toString('base64')}`);
    const record = await waitForJob(jobId);
    assert.equal(record.state, 'saved', `ended ${record.state}: ${errorText(record)}`);
    const sidecar = JSON.parse(fs.readFileSync(`${record.outputs[0]!.file!}.json`, 'utf8')) as { rerun: { firstFrame?: string } };
    assert.equal(sidecar.rerun.firstFrame, 'still.png', 'the sidecar names the image by its workspace path');
  });

  it('Use as Last Frame asks for a prompt and sends the image as the last frame', async () => {
    const { fake } = suite;
    const asked = answerNextInputBox('A hot-air balloon drifts into view');
    const picks = answerQuickPicks(
      (models) => models.find((m) => m.description === MODEL),
      (settings) => settings[0],
    );
    let jobId: string | undefined;
    try {
      jobId = await vscode.commands.executeCommand<string>('openrouterVideo.useAsLastFrame', vscode.Uri.file(image()));
    } finally {
      picks.restore();
    }
    const options = await asked;
    assert.equal(options?.title, 'Use as Last Frame');
    assert.equal(await options?.validateInput?.('  '), 'Write a prompt, or press Escape to cancel.', 'a last frame needs a prompt');
    assert.deepEqual([...new Set(picks.shown[0]?.items.map((i) => i.description))].sort(), modelsTaking('last_frame'));
    assert.ok(jobId);
    const body = JSON.parse(fake.requestsTo('submit').at(-1)?.body ?? '{}') as SubmitBody;
    assert.equal(body.prompt, 'A hot-air balloon drifts into view');
    assert.deepEqual(body.frame_images?.map((f) => f.frame_type), ['last_frame']);
  });

  it('refuses an image outside the workspace before asking anything, and sends nothing', async () => {
    const { fake } = suite;
    const outside = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orv-animate-')), 'outside.png');
    fs.copyFileSync(image(), outside);
    const window = vscode.window as { showInputBox: typeof vscode.window.showInputBox };
    const original = window.showInputBox;
    let asked = false;
    window.showInputBox = async () => {
      asked = true;
      return undefined;
    };
    const submits = fake.requestsTo('submit').length;
    try {
      for (const command of ['openrouterVideo.animateImage', 'openrouterVideo.useAsLastFrame']) {
        // Run from a menu, the command shows its error (the wrapper) and resolves.
        assert.equal(await vscode.commands.executeCommand(command, vscode.Uri.file(outside)), undefined);
      }
      assert.equal(await vscode.commands.executeCommand('openrouterVideo.animateImage', vscode.Uri.file(path.join(workspaceFolder(), 'README.md'))), undefined);
    } finally {
      window.showInputBox = original;
      fs.rmSync(path.dirname(outside), { recursive: true, force: true });
    }
    assert.equal(asked, false, 'no prompt was asked');
    assert.equal(fake.requestsTo('submit').length, submits, 'nothing was sent');
    await waitFor('the refusals in the log', () => {
      const log = extensionLogText();
      return (log.match(/The image "[^"]*outside\.png" is not inside an open workspace folder, so it was not sent\./g) ?? []).length >= 2 && log.includes('"README.md" is not a PNG, JPEG or WebP image.');
    });
  });
});
