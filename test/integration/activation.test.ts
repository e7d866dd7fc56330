import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'openrouter-video.openrouter-video';

describe('Extension activation', () => {
  it('is installed as a development extension', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not among ${vscode.extensions.all.length} extensions`);
    assert.equal(ext.packageJSON.name, 'openrouter-video');
  });

  it('activates by itself once start-up has finished, before anything asks for it', async () => {
    // The first test to run: no suite has activated the extension, run one of its commands or opened its views.
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const deadline = Date.now() + 20_000;
    while (!ext.isActive && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(ext.isActive, true, 'active within 20 s of the test run starting (onStartupFinished)');
  });

  it('activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('openrouterVideo.showLog'), 'openrouterVideo.showLog is not registered');
  });

  it('runs "Show Log"', async () => {
    await vscode.commands.executeCommand('openrouterVideo.showLog');
  });

  it('talks to the fake OpenRouter, never the real one', () => {
    const base = vscode.workspace.getConfiguration('openrouterVideo').inspect<string>('apiBaseUrl');
    const fakeUrl = process.env.OPENROUTER_VIDEO_FAKE_URL;
    assert.ok(fakeUrl, 'the runner passes OPENROUTER_VIDEO_FAKE_URL to the extension host');
    assert.equal(base?.globalValue, fakeUrl);
  });
});
