import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { enterPrompt, pickVeoLiteAndGenerate, stepSuite } from './generateFlow';
import {
  e2eEnvironment,
  eventually,
  jobRows,
  notificationToast,
  sampleVideo,
  showOpenRouterVideoViews,
  videosIn,
  waitForWorkbench,
} from './workbench';

const PROMPT = 'A lighthouse beam sweeping over a stormy sea at night';

/** The extension's log of every extension host code-server started (one per window), oldest session first. */
function extensionLogs(): { file: string; text: string }[] {
  const root = path.join(e2eEnvironment().userDataDir, 'logs');
  const out: { file: string; text: string }[] = [];
  for (const session of fs.existsSync(root) ? fs.readdirSync(root).sort() : []) {
    for (const host of fs.readdirSync(path.join(root, session))) {
      const file = path.join(root, session, host, 'openrouter-video.openrouter-video', 'OpenRouter Video.log');
      if (fs.existsSync(file)) out.push({ file, text: fs.readFileSync(file, 'utf8') });
    }
  }
  return out;
}

/**
 * A real window reload while a job is running: the new window's extension host activates the extension
 * once start-up has finished (`onStartupFinished`; nothing else activates it here), resumes the job from
 * its store and downloads the video exactly once; the job is never submitted again. Nothing is written
 * into the workspace but the video and its sidecar: no `.vscode` folder.
 */
describe('Reloading the window while a job runs', function () {
  this.timeout(120_000);
  // Jobs complete 15 s after submit: long enough that the job is still pending when the window reloads.
  let dotVscode: string;
  const suite = stepSuite({
    name: 'reload',
    script: { completeAfterMs: 15_000 },
    settings: { 'openrouterVideo.confirmAboveUsd': undefined },
    prepare(workspace) {
      dotVscode = path.join(workspace, '.vscode');
    },
  });

  it('submits a job; while it runs nothing is written into the workspace', async function () {
    const { page, fake } = suite;
    await enterPrompt(page, PROMPT);
    await pickVeoLiteAndGenerate(page);
    await notificationToast(page, /Generating video with Google: Veo 3\.1 Lite/).waitFor({ state: 'visible', timeout: 30_000 });
    await eventually('the fake to record the submit', () => fake.submitCount() === 1);
    // Once the job is on record and polled, the extension has had every chance to write into the workspace.
    await eventually('the first poll', () => fake.requestsTo('poll').length >= 1, 10_000);
    assert.equal(fs.existsSync(dotVscode), false, 'no .vscode folder in the workspace');
    assert.equal(fake.requestsTo('content').length, 0);
    assert.equal(fake.jobs.size, 1);
    assert.equal([...fake.jobs.values()][0]!.status, 'pending');
  });

  it('reloads the window before the job completes; the new window resumes it and saves the video once', async function () {
    const { page, fake, workspace } = suite;
    await page.reload();
    await waitForWorkbench(page);
    // The job was still pending when the old window went away.
    assert.equal(fake.requestsTo('content').length, 0, 'not downloaded before the reload');

    // Nothing here activates the extension but start-up; the resumed job finishes on its own.
    await notificationToast(page, /Video saved: videos\/.+\.mp4/).waitFor({ state: 'visible', timeout: 90_000 });
    const files = videosIn(workspace);
    assert.equal(files.length, 1, `exactly one video: ${files.join(', ')}`);
    assert.ok(fs.readFileSync(files[0]!).equals(sampleVideo()));
    assert.equal(fs.existsSync(dotVscode), false, 'no .vscode folder in the workspace');
  });

  it('was submitted once and downloaded once; the Jobs view shows one saved job', async function () {
    const { page, fake, workspace } = suite;
    await showOpenRouterVideoViews(page);
    const rows = jobRows(page);
    await rows.first().waitFor({ state: 'visible', timeout: 30_000 });
    await eventually('the Jobs row to say Saved', async () => /, Saved, /.test((await rows.first().getAttribute('aria-label')) ?? ''));
    assert.equal(await rows.count(), 1);
    assert.equal(fake.submitCount(), 1, 'never resubmitted');
    assert.equal(fake.requestsTo('submit').length, 1);
    assert.equal(fake.requestsTo('content').length, 1, 'downloaded exactly once');
    assert.equal(videosIn(workspace).length, 1);
    assert.deepEqual(
      fs.readdirSync(path.join(workspace, 'videos')).filter((f) => f.endsWith('.part')),
      [],
      'no partial download left behind',
    );
  });

  it("the download was the reloaded window's extension host's, not the old one's", async function () {
    const { fake } = suite;
    // Each window's extension host logs to user-data/logs/<session>/exthost<N>/; find this job in them.
    const jobId = [...fake.jobs.keys()][0]!;
    const logs = extensionLogs().filter((l) => l.text.includes(jobId));
    const submitter = logs.filter((l) => l.text.includes(`accepted by OpenRouter as ${jobId}`));
    const saver = logs.filter((l) => new RegExp(`Saved output \\d+ of job ${jobId}`).test(l.text));
    assert.equal(submitter.length, 1, `one log of the submitting window: ${logs.map((l) => l.file).join(', ')}`);
    assert.equal(saver.length, 1, `one log of the saving window: ${logs.map((l) => l.file).join(', ')}`);
    assert.notEqual(saver[0]!.file, submitter[0]!.file, 'saved by the extension host of the reloaded window');
    assert.match(saver[0]!.text, /activated \(1 job\(s\) on record\)/);
  });
});
