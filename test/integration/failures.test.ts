import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { JobState } from '../../src/core/jobs/jobRecord';
import { cleanUpJobsAfterEach, errorText, generate, generateArgs, getApi, jobIds, listFiles, useFake, videosFolder, waitForJob } from './helpers';

/** Runs the command and returns the error it rejects with (failing when it resolves). */
async function rejection(args: Record<string, unknown>): Promise<Error> {
  try {
    const result = await vscode.commands.executeCommand('openrouterVideo.generate', args);
    assert.fail(`Generate Video resolved (${String(result)}) instead of rejecting`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    assert.ok(error instanceof Error, `rejected with a non-Error: ${String(error)}`);
    return error;
  }
}

describe('Jobs that fail, and requests that are refused', () => {
  const suite = useFake();
  cleanUpJobsAfterEach();

  const remoteFailures: { title: string; status: string; error?: string; state: JobState; expectedError: string }[] = [
    { title: 'failed', status: 'failed', error: 'Content policy violation', state: 'failed', expectedError: 'Content policy violation' },
    { title: 'expired', status: 'expired', error: 'Job exceeded maximum time to live (custom text 7f3a)', state: 'expired', expectedError: 'Job exceeded maximum time to live (custom text 7f3a)' },
    // "dead" is OpenRouter's other failure status; the fake's default reason for it.
    { title: 'dead', status: 'dead', state: 'failed', expectedError: 'Job died unexpectedly and will not complete' },
  ];

  for (const c of remoteFailures) {
    it(`${/^[aeiou]/.test(c.title) ? 'an' : 'a'} ${c.title} job ends ${c.state} with OpenRouter's error verbatim and no file`, async () => {
      const { fake } = suite;
      const filesBefore = listFiles(videosFolder());
      fake.queueScript({ statuses: ['pending', c.status], ...(c.error !== undefined ? { error: c.error } : {}) });

      const jobId = await generate(generateArgs(`A ${c.title} job, integration test`));
      const api = await getApi();
      const record = await waitForJob(jobId);

      assert.equal(record.state, c.state);
      assert.equal(record.remoteStatus, c.status);
      assert.equal(errorText(record), c.expectedError, 'the record holds OpenRouter\'s error verbatim');
      const listed = api.getJobs().find((r) => r.jobId === jobId);
      assert.equal(listed?.state, c.state, 'getJobs() shows the same state');
      assert.equal(errorText(listed), c.expectedError);
      assert.deepEqual(record.outputs.filter((o) => o.file), [], 'no output recorded');
      assert.deepEqual(listFiles(videosFolder()), filesBefore, 'no file saved');
      assert.equal(fake.requestsTo('content').length, 0, 'no download was attempted');
      assert.equal(fake.requestsTo('submit').length, 1, 'one POST, never resubmitted');
    });
  }

  it('a request the model does not support (duration 5 on veo-3.1-lite) rejects with a clear message and sends no POST', async () => {
    const { fake } = suite;
    const before = await jobIds();
    const error = await rejection(generateArgs('Five seconds, integration test', { duration: 5 }));
    assert.match(error.message, /Nothing was submitted/);
    assert.match(error.message, /duration/i);
    assert.match(error.message, /\b5\b/);
    assert.match(error.message, /4.*6.*8|8.*4.*6/, 'names the supported durations');
    assert.equal(fake.requestsTo('submit').length, 0, 'no POST /videos');
    assert.deepEqual(
      (await getApi()).getJobs().filter((r) => !before.has(r.clientId)),
      [],
      'no job recorded',
    );
  });

  it('a 402 on submit rejects with a message about credits and records the job as rejected', async () => {
    const { fake } = suite;
    fake.inject({ route: 'submit', status: 402 });
    const before = await jobIds();
    const error = await rejection(generateArgs('No credits left, integration test'));
    assert.match(error.message, /credits/i);
    assert.equal(fake.requestsTo('submit').length, 1, 'the one POST got the 402 (not retried)');
    assert.equal(fake.submitCount(), 0, 'no job was created');
    const created = (await getApi()).getJobs().filter((r) => !before.has(r.clientId));
    assert.equal(created.length, 1, 'the refused job stays in the list with its reason');
    assert.equal(created[0]?.state, 'rejected');
    assert.equal(created[0]?.jobId, undefined);
    assert.match(errorText(created[0]), /credits/i);
  });

  it('an unknown model rejects with a clear message and sends no POST', async () => {
    const { fake } = suite;
    const before = await jobIds();
    const error = await rejection(generateArgs('Unknown model, integration test', { model: 'acme/no-such-video-model' }));
    assert.match(error.message, /no video model "acme\/no-such-video-model"/);
    assert.equal(fake.requestsTo('submit').length, 0, 'no POST /videos');
    assert.deepEqual(
      (await getApi()).getJobs().filter((r) => !before.has(r.clientId)),
      [],
      'no job recorded',
    );
  });

  it('an argument of the wrong type rejects before anything is sent', async () => {
    const { fake } = suite;
    const error = await rejection(generateArgs('Wrong types, integration test', { duration: '4' }));
    assert.match(error.message, /duration \(a number\)/);
    assert.match(error.message, /Nothing was submitted/);
    assert.equal(fake.requestsTo('submit').length, 0);
  });
});
