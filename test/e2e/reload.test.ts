import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { FakeOpenRouter } from '../fake-openrouter/fakeOpenRouter';
import {
  LIGHT_THEME,
  closeWorkbench,
  e2eEnvironment,
  eventually,
  freshWorkspace,
  jobRows,
  launchBrowser,
  notificationToast,
  openWorkbench,
  pickQuickPickItem,
  quickInputBox,
  runCommand,
  sampleVideo,
  screenshot,
  setUserSettings,
  showOpenRouterVideoViews,
  startScriptedFake,
  videosIn,
  waitForQuickInput,
  waitForWorkbench,
  workbenchUrlFor,
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
 * A real window reload while a job is running: the new window's extension host starts because of
 * the `.vscode/.openrouter-video-active` marker (nothing else activates the extension here), resumes
 * the job from its store and downloads the video exactly once; the job is never submitted again.
 */
describe('Reloading the window while a job runs', function () {
  this.timeout(120_000);
  let browser: Browser;
  let page: Page;
  let fake: FakeOpenRouter;
  let restoreFake: () => Promise<void>;
  let workspace: string;
  let marker: string;

  before(async function () {
    // Long enough that the job is still pending when the window reloads.
    ({ fake, restore: restoreFake } = await startScriptedFake({ completeAfterMs: 15_000 }));
    setUserSettings({ ...LIGHT_THEME, 'openrouterVideo.confirmAboveUsd': undefined });
    workspace = freshWorkspace('reload');
    marker = path.join(workspace, '.vscode', '.openrouter-video-active');
    browser = await launchBrowser();
    page = await openWorkbench(browser, workbenchUrlFor(workspace));
  });

  let failed: string | undefined;
  beforeEach(function () {
    if (failed) {
      console.log(`      skipped: the step "${failed}" failed`);
      this.skip();
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      failed = this.currentTest.title;
      if (page) console.log(`    screenshot: ${await screenshot(page, `reload-${this.currentTest.title.replace(/\W+/g, '-')}-failed.png`)}`);
      console.log(`    fake requests: ${fake.requests.map((r) => `${r.method} ${r.url} (+${r.at - (fake.requests[0]?.at ?? 0)} ms)`).join(', ')}`);
    }
  });

  after(async function () {
    await closeWorkbench(page);
    await browser?.close();
    await restoreFake?.();
  });

  it('submits a job; while it runs the resume marker exists', async function () {
    await runCommand(page, 'OpenRouter Video: Generate Video', 30_000, 'Generate Video');
    await quickInputBox(page).fill(PROMPT);
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, 'Pick a video model');
    await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
    await pickQuickPickItem(page, 'Veo 3.1 Lite', 'Veo 3.1 Lite');
    await waitForQuickInput(page, 'Generate Video with Google: Veo 3.1 Lite');
    await pickQuickPickItem(page, '', 'Generate');
    await notificationToast(page, /Generating video with Google: Veo 3\.1 Lite/).waitFor({ state: 'visible', timeout: 30_000 });
    await eventually('the fake to record the submit', () => fake.submitCount() === 1);
    await eventually('the resume marker', () => fs.existsSync(marker), 10_000);
    assert.equal(fake.requestsTo('content').length, 0);
    assert.equal(fake.jobs.size, 1);
    assert.equal([...fake.jobs.values()][0]!.status, 'pending');
  });

  it('reloads the window before the job completes; the new window resumes it and saves the video once', async function () {
    await page.reload();
    await waitForWorkbench(page);
    // The job was still pending when the old window went away.
    assert.equal(fake.requestsTo('content').length, 0, 'not downloaded before the reload');

    // Nothing here activates the extension except the marker; the resumed job finishes on its own.
    await notificationToast(page, /Video saved: videos\/.+\.mp4/).waitFor({ state: 'visible', timeout: 90_000 });
    const files = videosIn(workspace);
    assert.equal(files.length, 1, `exactly one video: ${files.join(', ')}`);
    assert.ok(fs.readFileSync(files[0]!).equals(sampleVideo()));
    await eventually('the resume marker to be removed', () => !fs.existsSync(marker), 15_000);
  });

  it('was submitted once and downloaded once; the Jobs view shows one saved job', async function () {
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
