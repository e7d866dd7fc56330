/**
 * A window reload, emulated in-process: a real `workbench.action.reloadWindow` ends the extension host
 * and with it this test run (the e2e tier reloads the real page). What a reload does to the extension
 * is: `deactivate()`; the process goes away, so only the disk remains (the job store's jobs.json in the
 * workspace storage folder); then `activate()` with the same secrets and storage folders, which VS Code
 * does once start-up has finished (`onStartupFinished`). helpers.ts captures the ExtensionContext VS Code
 * passed to activate() and `reactivate()` replays that (see the comment there). Between the two lives the
 * test checks the disk, and changes the job on the fake as OpenRouter would while the window is away.
 * Throughout, nothing is written into the workspace but the video and its sidecar: no `.vscode` folder,
 * no marker file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import {
  cleanUpJobsAfterEach,
  exportsFollowReactivation,
  generate,
  generateArgs,
  getApi,
  jobStoreFile,
  listFiles,
  reactivate,
  sampleMp4,
  skipEachUnlessReactivationWorks,
  sleep,
  useFake,
  videosFolder,
  waitFor,
  waitForJob,
  workspaceFolder,
} from './helpers';

function jobsOnDisk(file: string): JobRecord[] {
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { jobs: JobRecord[] }).jobs;
}

/** What the workspace holds outside its videos folder: every file, and whether there is a .vscode folder. */
function outsideVideos(): { files: string[]; dotVscode: boolean } {
  const videos = videosFolder() + path.sep;
  return {
    files: listFiles(workspaceFolder()).filter((f) => !f.startsWith(videos)),
    dotVscode: fs.existsSync(path.join(workspaceFolder(), '.vscode')),
  };
}

describe('Window reload (deactivate, then activate with the same context)', () => {
  const suite = useFake();
  cleanUpJobsAfterEach();

  skipEachUnlessReactivationWorks();

  it('a window reload mid-poll resumes and saves once', async () => {
    const { fake } = suite;
    const untouched = outsideVideos();
    fake.queueScript({ statuses: ['pending'] }); // pending until the test completes it
    const prompt = 'A reload in the middle of polling, integration test';
    const jobId = await generate(generateArgs(prompt));
    const before = await getApi();

    // While pending: the record is on disk with OpenRouter's id, polling runs, and the workspace is as it was.
    const store = jobStoreFile();
    await waitFor('the pending job with its id in jobs.json', () => jobsOnDisk(store).find((j) => j.jobId === jobId && j.state === 'pending'));
    await waitFor('two polls', () => fake.requestsTo('poll').length >= 2);
    assert.deepEqual(outsideVideos(), untouched, 'nothing written into the workspace while the job runs (no .vscode folder)');

    const after = await reactivate(async () => {
      // The old window is gone: what a new one finds is the disk.
      await sleep(200);
      const onDisk = jobsOnDisk(store).find((j) => j.jobId === jobId);
      assert.ok(onDisk, 'the job survives the reload in jobs.json');
      assert.equal(onDisk.state, 'pending');
      assert.equal(onDisk.request.model, 'google/veo-3.1-lite');
      assert.deepEqual(outsideVideos(), untouched, 'the job survives the reload in storage only, not in the workspace');
      // Nothing polls while no window runs.
      const polls = fake.requestsTo('poll').length;
      await sleep(600);
      assert.equal(fake.requestsTo('poll').length, polls, 'the deactivated extension stopped polling');
      // OpenRouter finishes the job meanwhile.
      fake.setJobStatus(jobId, 'completed');
    });
    assert.notEqual(after, before, 'a new activation');
    assert.ok(await exportsFollowReactivation(), 'ext.exports follows the new activation (for the suites after this one)');

    const record = await waitForJob(jobId);
    assert.equal(record.state, 'saved', `ended ${record.state}: ${record.error?.reason ?? ''}`);
    assert.equal(record.downloadAttempts, 1);
    const file = record.outputs[0]?.file;
    assert.ok(file && fs.readFileSync(file).equals(sampleMp4()), 'the video is saved, byte-identical');

    // Saved once: one submit, one download, one video file for this job.
    assert.equal(fake.requestsTo('submit').length, 1, 'never resubmitted');
    assert.equal(fake.requestsTo('content').length, 1, 'downloaded once');
    const videos = listFiles(videosFolder()).filter((f) => path.basename(f).startsWith('a-reload-in-the-middle-of-polling'));
    assert.deepEqual(
      videos.map((f) => path.basename(f)).sort(),
      [path.basename(file), `${path.basename(file)}.json`].sort(),
      'one video and its sidecar',
    );
    assert.equal(after.getJobs().filter((r) => r.jobId === jobId).length, 1, 'one record for the job');
    assert.deepEqual(outsideVideos(), untouched, 'nothing written into the workspace but the video and its sidecar');
    assert.ok((await getApi()).getJobs().some((r) => r.jobId === jobId && r.state === 'saved'), 'the latest activation sees the saved job');
  });

  it('a window reload mid-download downloads again after the reload and saves one file', async () => {
    const { fake } = suite;
    const untouched = outsideVideos();
    fake.queueScript({ statuses: ['completed'] });
    fake.setContent({ stallAfterBytes: 1000 }); // the first download hangs part-way
    const jobId = await generate(generateArgs('A reload in the middle of a download, integration test'));
    const store = jobStoreFile();
    await waitFor('the download to start', () => fake.requestsTo('content').length === 1);
    await waitFor('the job downloading in jobs.json', () => jobsOnDisk(store).find((j) => j.jobId === jobId && j.state === 'downloading'));

    await reactivate(async () => {
      await sleep(200);
      const onDisk = jobsOnDisk(store).find((j) => j.jobId === jobId);
      assert.ok(onDisk, 'the job survives the reload in jobs.json');
      assert.ok(
        onDisk.state === 'downloading' || (onDisk.state === 'downloadFailed' && onDisk.error?.kind === 'cancelled'),
        `recorded as an interrupted download (${onDisk.state}, ${onDisk.error?.kind ?? '-'})`,
      );
      assert.equal(onDisk.outputs.filter((o) => o.savedAt).length, 0);
    });

    const record = await waitForJob(jobId);
    assert.equal(record.state, 'saved', `ended ${record.state}: ${record.error?.reason ?? ''}`);
    const file = record.outputs[0]?.file;
    assert.ok(file && fs.readFileSync(file).equals(sampleMp4()), 'the video is saved, byte-identical');
    assert.equal(fake.requestsTo('submit').length, 1, 'never resubmitted');
    assert.equal(fake.requestsTo('content').length, 2, 'the interrupted download and one more');
    const mine = listFiles(videosFolder()).filter((f) => path.basename(f).startsWith('a-reload-in-the-middle-of-a-download'));
    assert.deepEqual(
      mine.map((f) => path.basename(f)).sort(),
      [path.basename(file), `${path.basename(file)}.json`].sort(),
      'one video and its sidecar, no .part',
    );
    assert.deepEqual(outsideVideos(), untouched, 'nothing written into the workspace but the video and its sidecar');
  });
});
