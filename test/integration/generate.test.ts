import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanUpJobsAfterEach, ENV_KEY, errorText, generate, generateArgs, getApi, listFiles, MODEL, sampleMp4, useFake, videosFolder, waitForJob } from './helpers';

describe('Generate Video (openrouterVideo.generate with a full argument)', () => {
  const suite = useFake();
  cleanUpJobsAfterEach();

  it('submits once, polls, downloads once and saves the MP4 with its sidecar', async () => {
    const { fake } = suite;
    fake.queueScript({ statuses: ['pending', 'completed'] });
    const started = Date.now();

    const jobId = await generate(generateArgs('A paper boat on a rainy street, integration test'));
    assert.match(jobId, /^[A-Za-z0-9]{20}$/, 'resolves to OpenRouter\'s job id');
    assert.ok(fake.jobs.has(jobId), 'the id is the one the fake issued');

    const record = await waitForJob(jobId);
    assert.equal(record.state, 'saved', `ended ${record.state}: ${errorText(record)}`);
    assert.equal(record.jobId, jobId);
    assert.equal(record.request.model, MODEL);
    assert.equal(fake.jobs.get(jobId)?.status, 'completed');

    // The video: in <workspace>/videos/, byte-identical to the fixture the fake served.
    assert.equal(record.outputs.length, 1);
    const file = record.outputs[0]?.file;
    assert.ok(file, 'the record names the saved file');
    assert.equal(path.dirname(file), videosFolder());
    assert.match(path.basename(file), /\.mp4$/);
    assert.ok(fs.readFileSync(file).equals(sampleMp4()), 'the saved MP4 is byte-identical to fixtures/sample.mp4');

    // The sidecar beside it: model and job id, and never the key.
    const sidecar = `${file}.json`;
    assert.ok(fs.existsSync(sidecar), `${path.basename(sidecar)} exists`);
    const text = fs.readFileSync(sidecar, 'utf8');
    const json = JSON.parse(text) as { model: { id: string }; job: { id?: string }; request: { model: string }; rerun: { model: string } };
    assert.equal(json.model.id, MODEL);
    assert.equal(json.job.id, jobId);
    assert.equal(json.rerun.model, MODEL);
    assert.ok(!text.includes(ENV_KEY), 'the sidecar does not hold the API key');
    assert.doesNotMatch(text, /sk-or-|bearer/i);

    // Nothing half-written is left.
    assert.deepEqual(
      listFiles(videosFolder()).filter((f) => f.endsWith('.part')),
      [],
      'no .part file left in videos/',
    );

    // Exactly one submit and one content download reached OpenRouter; polling used the job's id.
    assert.equal(fake.requestsTo('submit').length, 1, 'one POST /videos');
    assert.equal(fake.submitCount(), 1);
    const content = fake.requestsTo('content');
    assert.equal(content.length, 1, `one content GET, got ${content.map((r) => r.url).join(', ')}`);
    assert.equal(content[0]?.path, `/api/v1/videos/${jobId}/content`);
    const polls = fake.requestsTo('poll');
    assert.ok(polls.length >= 2, `polled until completed (${polls.length} polls)`);
    assert.ok(polls.every((r) => r.path === `/api/v1/videos/${jobId}`));

    // Every API request carries the key and the attribution headers (README, "Privacy and network use").
    for (const r of [...fake.requestsTo('submit'), ...polls, ...content]) {
      assert.equal(r.headers.authorization, `Bearer ${ENV_KEY}`, `${r.method} ${r.path}: bearer`);
      assert.equal(r.headers['x-openrouter-categories'], 'ide-extension,video-gen', `${r.method} ${r.path}: categories`);
      assert.ok(r.headers['http-referer'] && r.headers['x-openrouter-title'], `${r.method} ${r.path}: HTTP-Referer and X-OpenRouter-Title`);
    }

    // The wire body carried the given parameters.
    const body = JSON.parse(fake.requestsTo('submit')[0]?.body ?? '{}') as Record<string, unknown>;
    assert.equal(body.model, MODEL);
    assert.equal(body.prompt, 'A paper boat on a rainy street, integration test');
    assert.equal(body.duration, 4);
    assert.equal(body.resolution, '720p');
    assert.equal(body.aspect_ratio, '16:9');
    assert.equal(body.generate_audio, false);
    console.log(`      (submit to saved in ${Date.now() - started} ms)`);
  });

  it('a saved job is not downloaded again by waiting on it twice', async () => {
    const { fake } = suite;
    fake.queueScript({ statuses: ['completed'] });
    const jobId = await generate(generateArgs('A lighthouse at dusk, integration test'));
    const api = await getApi();
    const first = await waitForJob(jobId);
    const second = await api.waitForJob(jobId);
    assert.equal(first.state, 'saved');
    assert.equal(second.state, 'saved');
    assert.equal(second.outputs[0]?.file, first.outputs[0]?.file);
    assert.equal(fake.requestsTo('content').length, 1, 'one content GET');
    assert.equal(fake.requestsTo('submit').length, 1, 'one POST /videos');
  });
});

describe('Download Again on a job that is no longer watched', () => {
  const suite = useFake();
  cleanUpJobsAfterEach();

  it('watches a stopped job again instead of refusing it, and saves it once OpenRouter completes it', async () => {
    const { fake } = suite;
    fake.queueScript({ statuses: ['pending'] });
    const jobId = await generate(generateArgs('A kite over a windy hill, stop and resume test'));
    await vscode.commands.executeCommand('openrouterVideo.jobs.stopWatching', jobId);
    const stopped = (await getApi()).getJobs().find((r) => r.jobId === jobId);
    assert.equal(stopped?.state, 'stopped');

    // Still pending at OpenRouter: Download Again has nothing to fetch yet, so it must watch the job again.
    await vscode.commands.executeCommand('openrouterVideo.jobs.download', jobId);
    const watched = (await getApi()).getJobs().find((r) => r.jobId === jobId);
    assert.ok(watched && ['pending', 'in_progress'].includes(watched.state), `watched again, not ${watched?.state}`);
    fake.setJobStatus(jobId, 'completed');
    const record = await waitForJob(jobId);
    assert.equal(record.state, 'saved', `ended ${record.state}: ${errorText(record)}`);
    assert.ok(fs.readFileSync(record.outputs[0]!.file!).equals(sampleMp4()));
    assert.equal(fake.submitCount(), 1, 'never resubmitted');
    assert.equal(fake.requestsTo('content').length, 1, 'downloaded once');
  });
});
