import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { jobContextValue, jobTooltip } from '../../src/host/views/jobPresenter';
import { Commands } from '../../src/ids';
import { cleanUpJobsAfterEach, errorText, extension, extensionLogText, getApi, sampleMp4, useFake, waitFor, waitForJob, workspaceFolder } from './helpers';

const STORYBOARD = 'prompts/storyboard.video.md';
const BROKEN = 'prompts/broken.video.md';

async function open(relative: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspaceFolder(), relative)));
  await vscode.window.showTextDocument(document);
  return document;
}

/** The file's diagnostics from this extension, once at least `count` are there (or none, with 0, after the first check). */
async function diagnostics(document: vscode.TextDocument, count: number): Promise<vscode.Diagnostic[]> {
  const ours = () => vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'OpenRouter Video');
  if (count === 0) {
    // A clean file has no diagnostics at all: wait until its lenses (computed from the same check) are there.
    await waitFor('the file is checked', async () => ((await lenses(document)).length > 0 ? true : undefined));
    return ours();
  }
  return waitFor(`${count} diagnostics on ${document.uri.path}`, () => (ours().length >= count ? ours() : undefined));
}

async function lenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri)) ?? [];
}

async function completions(document: vscode.TextDocument, position: vscode.Position): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
  return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

/** Whether the Jobs view's item menu shows `command` for an item whose context value is `contextValue`. */
function menuShows(command: string, contextValue: string): boolean {
  const menus = (extension().packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } }).contributes.menus['view/item/context'] ?? [];
  return menus.some((m) => {
    if (m.command !== command) return false;
    const token = /viewItem =~ \/\\b(\w+)\\b\//.exec(m.when ?? '')?.[1];
    return token !== undefined && contextValue.split(' ').includes(token);
  });
}

describe('Prompt files (*.video.md)', () => {
  const suite = useFake();
  cleanUpJobsAfterEach();
  after(async () => {
    // Later suites start without these editors (and their checks) open.
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('underlines what the validator refuses, with the supported values and a quick fix', async () => {
    const document = await open(BROKEN);
    const found = await diagnostics(document, 3);
    const byCode = new Map(found.map((d) => [String(d.code), d]));
    assert.deepEqual([...byCode.keys()].sort(), ['durationNotOffered', 'imageMissing', 'unknownKey']);
    const duration = byCode.get('durationNotOffered')!;
    assert.equal(document.getText(duration.range), '5');
    assert.match(duration.message, /4, 6 or 8/);
    assert.equal(document.getText(byCode.get('imageMissing')!.range), 'images/missing.png');
    assert.equal(document.getText(byCode.get('unknownKey')!.range), 'colour');

    let offered = '';
    const fix = await waitFor('a quick fix for the duration', async () => {
      const actions = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', document.uri, duration.range)) ?? [];
      offered = actions.map((a) => `${a.title} [${'kind' in a ? a.kind?.value : 'command'}]`).join(', ');
      return actions.find((a): a is vscode.CodeAction => 'edit' in a && a.edit !== undefined && a.title === 'Change to 4');
    }).catch((error: unknown) => {
      throw new Error(`${String(error)}; offered: ${offered || 'nothing'}`);
    });
    assert.ok(fix.edit);
    const edits = fix.edit.get(document.uri);
    assert.equal(edits[0]?.newText, '4');

    // The lens refuses to run: it sends the user to the problems.
    const top = await lenses(document);
    assert.match(top[0]?.command?.title ?? '', /Fix 3 problems/);
    // And so does the command, submitting nothing.
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('openrouterVideo.generateFromFile', { uri: document.uri.toString() })),
      /Nothing was submitted/,
    );
    assert.equal(suite.fake.submitCount(), 0);
  });

  it('opens a storyboard clean, completes from the catalogue, prices each shot, and generates one video per shot', async () => {
    const { fake } = suite;
    fake.queueScript({ statuses: ['completed'] });
    fake.queueScript({ statuses: ['completed'] });
    const document = await open(STORYBOARD);
    assert.deepEqual(await diagnostics(document, 0), []);

    // Completion: model ids after `model:`, the model's durations after `duration:`.
    const modelLine = document.lineAt(1);
    const models = await completions(document, modelLine.range.end);
    assert.ok(models.includes('google/veo-3.1-lite') && models.includes('kwaivgi/kling-video-o1'), `model ids offered: ${models.slice(0, 5).join(', ')}…`);
    const durations = await completions(document, document.lineAt(2).range.end);
    assert.deepEqual(
      durations.filter((d) => /^\d+$/.test(d)),
      ['4', '6', '8'],
    );

    // Lenses: all shots with the total above the front matter, one per shot with its own estimate.
    const found = await lenses(document);
    const titles = found.map((l) => l.command?.title ?? '');
    assert.ok(titles.includes('▶ Generate all 2 shots · ≈ $0.30'), titles.join(' | '));
    assert.ok(titles.includes('▶ Generate · ≈ $0.12'), titles.join(' | '));
    assert.ok(titles.includes('▶ Generate · ≈ $0.18'), titles.join(' | '));

    const jobIds = await vscode.commands.executeCommand<string[]>('openrouterVideo.generateFromFile', { uri: document.uri.toString() });
    assert.equal(jobIds.length, 2, 'one job per shot');
    assert.equal(fake.submitCount(), 2);
    const bodies = fake.requestsTo('submit').map((r) => JSON.parse(r.body ?? '{}') as { prompt: string; duration: number });
    assert.deepEqual(
      bodies.map((b) => b.duration),
      [4, 6],
    );
    assert.match(bodies[0]?.prompt ?? '', /^Wide aerial of a small harbour/);
    assert.match(bodies[1]?.prompt ?? '', /^A lighthouse beam/);

    for (const [shot, jobId] of jobIds.entries()) {
      const record = await waitForJob(jobId);
      assert.equal(record.state, 'saved', `ended ${record.state}: ${errorText(record)}`);
      const file = record.outputs[0]?.file;
      assert.ok(file && fs.readFileSync(file).equals(sampleMp4()), 'the saved video');
      assert.match(path.basename(file), shot === 0 ? /^storyboard-harbour-at-dawn-/ : /^storyboard-lighthouse-/);
      const sidecar = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as { source?: { promptFile: string; shot: number; shotName?: string } };
      assert.deepEqual(sidecar.source, { promptFile: STORYBOARD, shot, shotName: shot === 0 ? 'Harbour at dawn' : 'Lighthouse' });
    }

    // After the run, each shot's lens leads to its newest video.
    const after = await waitFor('result lenses', async () => {
      const titlesNow = (await lenses(document)).filter((l) => l.command?.command === 'openrouterVideo.jobs.open');
      return titlesNow.length === 2 ? titlesNow : undefined;
    });
    assert.ok(after.every((l) => /^✓ .* ago · Open$/.test(l.command?.title ?? '')));
    const api = await getApi();
    assert.equal(api.getJobs().filter((r) => jobIds.includes(r.jobId ?? '')).length, 2);
  });

  it('generates one shot when asked for it', async () => {
    const { fake } = suite;
    fake.queueScript({ statuses: ['completed'] });
    const document = await open(STORYBOARD);
    const jobIds = await vscode.commands.executeCommand<string[]>('openrouterVideo.generateFromFile', { uri: document.uri.toString(), shot: 1 });
    assert.equal(jobIds.length, 1);
    const record = await waitForJob(jobIds[0]!);
    assert.deepEqual(record.source, { promptFile: STORYBOARD, shot: 1, shotName: 'Lighthouse' });
    assert.equal(fake.submitCount(), 1);
  });

  it('follows the image a prompt file names: created on disk clears its diagnostic, deleted brings it back, renamed into place clears it', async function () {
    // The editor's file watcher reports a change made on disk after a moment (a deletion after several seconds).
    this.timeout(120_000);
    const name = `follow-${Date.now()}`;
    const promptFile = path.join(workspaceFolder(), 'prompts', `${name}.video.md`);
    const image = path.join(workspaceFolder(), 'images', `${name}.png`);
    const elsewhere = path.join(workspaceFolder(), 'images', `${name}-draft.png`);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4830000000049454e44ae426082', 'hex');
    await fs.promises.writeFile(promptFile, `---\nmodel: google/veo-3.1-lite\nduration: 4\nfirst_frame: images/${name}.png\n---\nA kite over a beach.\n`);
    // The folder exists before the image is written into it: a file made at once in a folder made at once may be
    // missed by the workspace watcher (inotify watches a new folder only once it has seen it), which is not what
    // this test is about.
    await fs.promises.mkdir(path.dirname(image), { recursive: true });
    const missing = (document: vscode.TextDocument) =>
      vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'OpenRouter Video' && d.code === 'imageMissing');
    try {
      const document = await open(path.relative(workspaceFolder(), promptFile));
      const [first] = await waitFor('the missing image underlined', () => (missing(document).length === 1 ? missing(document) : undefined));
      assert.equal(document.getText(first!.range), `images/${name}.png`);

      await fs.promises.writeFile(image, png);
      await waitFor('the diagnostic gone once the image exists', () => missing(document).length === 0, 30_000);
      assert.deepEqual(await diagnostics(document, 0), [], 'and no other problem');

      await fs.promises.rm(image);
      await waitFor('the diagnostic back once the image is deleted', () => missing(document).length === 1, 30_000);

      await fs.promises.writeFile(elsewhere, png);
      await fs.promises.rename(elsewhere, image);
      await waitFor('the diagnostic gone once an image is renamed into place', () => missing(document).length === 0, 30_000);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await fs.promises.rm(promptFile, { force: true });
      await fs.promises.rm(image, { force: true });
      await fs.promises.rm(elsewhere, { force: true });
      await fs.promises.rmdir(path.dirname(image)).catch(() => undefined);
    }
  });

  // Run Again from the file is in test/e2e/promptFile.test.ts: its confirmation is a modal dialog, which the
  // extension host under test refuses to show.
  it('leads a job back to its prompt file: the Jobs view names the file and shot, Open Prompt File goes to the shot', async function () {
    this.timeout(90_000);
    const { fake } = suite;
    const name = `leads-back-${Date.now()}`;
    const relative = `prompts/${name}.video.md`;
    const file = path.join(workspaceFolder(), 'prompts', `${name}.video.md`);
    const text = (await fs.promises.readFile(path.join(workspaceFolder(), STORYBOARD), 'utf8')).replace(/\n+$/, '\n');
    await fs.promises.writeFile(file, text);
    try {
      fake.queueScript({ statuses: ['completed'] });
      const document = await open(relative);
      const [jobId] = await vscode.commands.executeCommand<string[]>('openrouterVideo.generateFromFile', { uri: document.uri.toString(), shot: 1 });
      const first = await waitForJob(jobId!);
      assert.equal(first.state, 'saved', `ended ${first.state}: ${errorText(first)}`);
      assert.deepEqual(first.source, { promptFile: relative, shot: 1, shotName: 'Lighthouse' });

      // The Jobs view's item names the file and shot, and its menu offers Open Prompt File. The tooltip's
      // Markdown is read without the escapes and non-breaking spaces `appendText` adds.
      const tooltip = jobTooltip(first).value.replace(/\\(.)/g, '$1').replace(/&nbsp;/g, ' ');
      assert.ok(tooltip.includes(`${relative} › Lighthouse`), tooltip);
      assert.ok(menuShows(Commands.jobsOpenPromptFile, jobContextValue(first)), `Open Prompt File is offered (${jobContextValue(first)})`);

      // Open Prompt File: the file, with the cursor on the shot's heading.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand(Commands.jobsOpenPromptFile, first.clientId);
      const editor = await waitFor('the prompt file in the editor', () => vscode.window.activeTextEditor?.document.uri.fsPath === file && vscode.window.activeTextEditor);
      assert.equal(editor.document.lineAt(editor.selection.active.line).text, '## Lighthouse');

      // With the file gone, Open Prompt File says so (a message; the command resolves) and opens nothing.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await fs.promises.rm(file);
      await vscode.commands.executeCommand(Commands.jobsOpenPromptFile, first.clientId);
      await waitFor('the error in the log', () => extensionLogText().includes(`The prompt file ${relative} was moved or deleted.`));
      assert.equal(vscode.window.activeTextEditor, undefined);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await fs.promises.rm(file, { force: true });
    }
  });

  it('creates a commented template and opens it', async () => {
    const uri = await vscode.commands.executeCommand<string>('openrouterVideo.newPromptFile');
    const created = vscode.Uri.parse(uri);
    try {
      assert.match(created.path, /prompts\/new-video(-\d+)?\.video\.md$/);
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), created.toString());
      const text = vscode.window.activeTextEditor?.document.getText() ?? '';
      assert.match(text, /^---\n# Settings use the API names/);
      const document = vscode.window.activeTextEditor!.document;
      assert.deepEqual(await diagnostics(document, 0), [], 'the template has no problem');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.workspace.fs.delete(created);
    }
  });
});
