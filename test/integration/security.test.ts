import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startFakeOpenRouter, type FakeOpenRouter } from '../fake-openrouter/fakeOpenRouter';
import {
  answerNextInputBox,
  cleanUpJobsAfterEach,
  ENV_KEY,
  errorText,
  extensionLogFolders,
  extensionStorageFolders,
  filesContaining,
  generate,
  generateArgs,
  jobStoreFile,
  listFiles,
  sampleMp4,
  useFake,
  userDataFolder,
  waitFor,
  waitForJob,
  workspaceFolder,
} from './helpers';
import { readSettings } from '../../src/host/settings';

/** A key only this suite uses, so finding it anywhere means the extension wrote it. */
const KEY = `sk-or-v1-integration-secret-${crypto.randomBytes(12).toString('hex')}`;

describe('Security: the key stays secret, and requests go only where they should', () => {
  const suite = useFake({ apiKeys: [KEY] });
  cleanUpJobsAfterEach();

  it('the key never appears in a file the extension writes (videos, sidecars, .vscode, jobs.json, its log)', async () => {
    const { fake } = suite;
    try {
      const shown = answerNextInputBox(KEY);
      assert.equal(await vscode.commands.executeCommand('openrouterVideo.setApiKey'), true);
      await shown;
      fake.queueScript({ statuses: ['pending', 'completed'] });
      const jobId = await generate(generateArgs('A key that must stay secret, integration test'));
      const record = await waitForJob(jobId);
      assert.equal(record.state, 'saved');
      // A refused submit writes an error into the record too.
      fake.inject({ route: 'submit', status: 401 });
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('openrouterVideo.generate', generateArgs('A refused one, integration test'))));
      assert.ok(
        fake.requestsTo('submit').every((r) => r.headers.authorization === `Bearer ${KEY}`),
        'the stored key is the one in use (so it is the one to look for)',
      );

      const store = jobStoreFile();
      await waitFor('jobs.json to hold the job', () => fs.readFileSync(store, 'utf8').includes(jobId));
      const files = [
        ...listFiles(workspaceFolder()),
        ...extensionStorageFolders().flatMap(listFiles),
        ...extensionLogFolders().flatMap(listFiles),
        path.join(userDataFolder(), 'User', 'settings.json'),
      ].filter((f) => fs.existsSync(f));

      // The scan covers what the extension wrote: the video, its sidecar, the store, the log.
      const file = record.outputs[0]?.file;
      assert.ok(file && files.includes(file) && files.includes(`${file}.json`), 'the video and its sidecar are scanned');
      assert.ok(files.includes(store), `jobs.json is scanned (${store})`);
      assert.ok(filesContaining(files, jobId).some((f) => f.endsWith('.log')), 'the log (which names the job) is scanned');

      assert.deepEqual(filesContaining(files, KEY), [], 'files holding the stored key');
      assert.deepEqual(filesContaining(files, ENV_KEY), [], 'files holding the environment key');
      assert.deepEqual(filesContaining(files, 'Bearer '), [], 'files holding an Authorization value');
    } finally {
      await vscode.commands.executeCommand('openrouterVideo.clearApiKey');
    }
  });

  it('a video on the storage origin is downloaded without the key (no Authorization reaches storage)', async () => {
    const { fake } = suite;
    fake.queueScript({ statuses: ['pending', 'completed'], contentOrigin: 'storage' });
    const jobId = await generate(generateArgs('A video served from storage, integration test'));
    const record = await waitForJob(jobId);
    assert.equal(record.state, 'saved', `ended ${record.state}: ${errorText(record)}`);
    const file = record.outputs[0]?.file;
    assert.ok(file && fs.readFileSync(file).equals(sampleMp4()), 'saved, byte-identical');

    const storage = fake.requests.filter((r) => r.server === 'storage');
    assert.ok(storage.length >= 1, 'the video came from the storage server');
    assert.ok(storage.every((r) => r.path === `/files/${jobId}/0.mp4`), storage.map((r) => r.path).join(', '));
    assert.deepEqual(
      storage.map((r) => r.headers.authorization),
      storage.map(() => undefined),
      'no Authorization header reached the storage server',
    );
    assert.ok(storage.every((r) => r.headers.cookie === undefined));
    assert.ok(
      storage.every((r) => r.headers['http-referer'] === undefined && r.headers['x-openrouter-title'] === undefined),
      'no attribution headers to a third-party origin either',
    );
    assert.equal(fake.requestsTo('content').length, 0, 'not fetched from the API content route instead');
  });

  it('a polling_url on a foreign origin is refused: nothing is sent there, and the job still finishes', async () => {
    const { fake } = suite;
    fake.queueScript({ statuses: ['pending', 'completed'], pollingUrl: 'foreign' });
    const jobId = await generate(generateArgs('A job with a foreign polling URL, integration test'));
    const record = await waitForJob(jobId);

    assert.equal(record.state, 'saved', `ended ${record.state}: ${errorText(record)}`);
    assert.deepEqual(
      fake.requests.filter((r) => r.server === 'storage').map((r) => `${r.method} ${r.url}`),
      [],
      'no request (for polling or anything else) went to the foreign origin',
    );
    const polls = fake.requestsTo('poll');
    assert.ok(polls.length >= 2, 'polled by job id on the API origin instead');
    assert.ok(polls.every((r) => r.server === 'api' && r.path === `/api/v1/videos/${jobId}`));
    assert.equal(fake.requestsTo('submit').length, 1);
  });

  describe('frame images named in a command argument', () => {
    /** A 1×1 PNG. */
    const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    let outsideDir: string;
    let outside: string;
    const inWorkspace = (name: string) => path.join(workspaceFolder(), name);
    before(() => {
      outsideDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-workspace-'));
      outside = path.join(outsideDir, 'private.png');
      fs.writeFileSync(outside, PNG);
      fs.mkdirSync(inWorkspace('img'), { recursive: true });
      fs.writeFileSync(inWorkspace('img/start.png'), PNG);
      fs.symlinkSync(outside, inWorkspace('img/link.png'));
    });
    after(() => {
      fs.rmSync(outsideDir, { recursive: true, force: true });
      fs.rmSync(inWorkspace('img'), { recursive: true, force: true });
    });

    const refusal = (ref: string) =>
      `The image "${ref}" is not inside an open workspace folder, so it was not sent. An image named in a command argument must be in the workspace; pick other images in Generate Video's settings list. Nothing was submitted.`;

    for (const [title, ref] of [
      ['an absolute path outside the workspace', () => outside],
      ['a file: URI outside the workspace', () => vscode.Uri.file(outside).toString()],
      ['a symlink inside the workspace that points out of it', () => 'img/link.png'],
    ] as const) {
      it(`is refused, with nothing sent: ${title}`, async () => {
        const { fake } = suite;
        const given = ref();
        await assert.rejects(Promise.resolve(vscode.commands.executeCommand('openrouterVideo.generate', generateArgs('An image from outside, integration test', { firstFrame: given }))), (error: unknown) => {
          assert.ok(error instanceof Error);
          assert.equal(error.message, refusal(given));
          return true;
        });
        assert.equal(fake.requestsTo('submit').length, 0, 'no POST /videos');
      });
    }

    it('inside the workspace is sent, and its sidecar names it by its workspace-relative path only', async () => {
      const { fake } = suite;
      fake.queueScript({ statuses: ['pending', 'completed'] });
      const jobId = await generate(generateArgs('An image from the workspace, integration test', { firstFrame: inWorkspace('img/start.png') }));
      const record = await waitForJob(jobId);
      assert.equal(record.state, 'saved', errorText(record));
      const body = JSON.parse(fake.requestsTo('submit')[0]!.body) as { frame_images?: { image_url: { url: string } }[] };
      assert.match(body.frame_images?.[0]?.image_url.url ?? '', /^data:image\/png;base64,/);
      const sidecarText = fs.readFileSync(`${record.outputs[0]!.file!}.json`, 'utf8');
      const sidecar = JSON.parse(sidecarText) as { request: { frames: { path: string }[] }; rerun: { firstFrame?: string } };
      assert.equal(sidecar.request.frames[0]?.path, 'img/start.png');
      assert.equal(sidecar.rerun.firstFrame, 'img/start.png');
      assert.ok(!sidecarText.includes(workspaceFolder()) && !sidecarText.includes(os.homedir()), 'no absolute path of this machine');
    });
  });

  describe('a workspace .vscode/settings.json', () => {
    let decoy: FakeOpenRouter;
    let settingsFile: string;
    let previous: string | undefined;

    before(async () => {
      decoy = await startFakeOpenRouter({ apiKeys: [ENV_KEY, KEY] });
      settingsFile = path.join(workspaceFolder(), '.vscode', 'settings.json');
      previous = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : undefined;
    });
    after(async () => {
      if (previous === undefined) fs.rmSync(settingsFile, { force: true });
      else fs.writeFileSync(settingsFile, previous);
      await waitFor('the workspace settings to be gone', () => vscode.workspace.getConfiguration('openrouterVideo').inspect<string>('defaultModel')?.workspaceValue === undefined);
      await decoy.close();
    });

    it('cannot redirect requests (openrouterVideo.apiBaseUrl is read from user settings only)', async () => {
      const { fake } = suite;
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      fs.writeFileSync(
        settingsFile,
        JSON.stringify({ 'openrouterVideo.apiBaseUrl': decoy.baseUrl, 'openrouterVideo.defaultModel': 'decoy/marker' }, null, 2),
      );
      // VS Code has read the file once the other (workspace-scoped) setting shows up.
      await waitFor('VS Code to read .vscode/settings.json', () => vscode.workspace.getConfiguration('openrouterVideo').inspect<string>('defaultModel')?.workspaceValue === 'decoy/marker');

      fake.queueScript({ statuses: ['pending', 'completed'] });
      const jobId = await generate(generateArgs('A workspace that tries to redirect the key, integration test'));
      const record = await waitForJob(jobId);
      assert.equal(record.state, 'saved');
      assert.equal(fake.requestsTo('submit').length, 1, 'the POST went to the user-configured API');
      assert.ok(fake.requestsTo('poll').length >= 1 && fake.requestsTo('content').length === 1);
      assert.deepEqual(
        decoy.requests.map((r) => `${r.method} ${r.url}`),
        [],
        'nothing reached the URL in the workspace settings',
      );
      assert.equal(vscode.workspace.getConfiguration('openrouterVideo').inspect<string>('apiBaseUrl')?.globalValue, fake.baseUrl);
    });

    it('cannot raise the cost above which Generate Video asks (openrouterVideo.confirmAboveUsd is read from user settings only)', async () => {
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      fs.writeFileSync(settingsFile, JSON.stringify({ 'openrouterVideo.confirmAboveUsd': 1000, 'openrouterVideo.defaultModel': 'decoy/marker' }, null, 2));
      await waitFor('VS Code to read .vscode/settings.json', () => vscode.workspace.getConfiguration('openrouterVideo').inspect<string>('defaultModel')?.workspaceValue === 'decoy/marker');
      const user = vscode.workspace.getConfiguration('openrouterVideo').inspect<number>('confirmAboveUsd');
      assert.equal(readSettings().confirmAboveUsd, user?.globalValue ?? user?.defaultValue, 'the user\'s value (or the default), not the workspace\'s 1000');
    });
  });
});
