/**
 * The language model tools in the real extension host, called as a chat agent calls them (`vscode.lm`), against
 * the fake OpenRouter. Without a chat request token VS Code calls `prepareInvocation` and asks its confirmation
 * in a modal dialog, which the workbench answers "yes" by itself under extension tests; so these tests reach
 * `invoke` after the confirmation was built, as an accepted chat confirmation would.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fixtureModels } from '../fake-openrouter/fakeOpenRouter';
import { cleanUpJobsAfterEach, ENV_KEY, getApi, MODEL, sampleMp4, useFake, waitFor, workspaceFolder } from './helpers';

const TOOLS = ['openrouterVideo_listModels', 'openrouterVideo_generate', 'openrouterVideo_getJob'];
/** A model the captured catalogue does not have: only the live listing can name it. */
const LIVE_ONLY = 'acme/live-only-video-1';
/** A 1×1 PNG. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

function liveModels(): unknown[] {
  const models = fixtureModels();
  const lite = models.find((m) => (m as { id?: string }).id === MODEL) as Record<string, unknown>;
  return [...models, { ...lite, id: LIVE_ONLY, canonical_slug: LIVE_ONLY, name: 'Acme: Live Only Video 1' }];
}

function textOf(result: vscode.LanguageModelToolResult): string {
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

function invoke(name: string, input: object, token?: vscode.CancellationToken): Thenable<vscode.LanguageModelToolResult> {
  return vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, token);
}

/** The error message an invocation is refused with. */
async function refusal(name: string, input: object): Promise<string> {
  try {
    const result = await invoke(name, input);
    assert.fail(`${name} was not refused; it returned: ${textOf(result)}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return error instanceof Error ? error.message : String(error);
  }
}

async function setToolsEnabled(value: boolean | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('openrouterVideo').update('agentTools.enabled', value, vscode.ConfigurationTarget.Global);
}

/** Runs `body` with `openrouterVideo.budget.dailyUsd` set in the user settings, then puts the setting back. */
async function withDailyBudget(usd: number, body: () => Promise<void>): Promise<void> {
  const config = () => vscode.workspace.getConfiguration('openrouterVideo');
  const previous = config().inspect<number>('budget.dailyUsd')?.globalValue;
  await config().update('budget.dailyUsd', usd, vscode.ConfigurationTarget.Global);
  try {
    await body();
  } finally {
    await config().update('budget.dailyUsd', previous, vscode.ConfigurationTarget.Global);
  }
}

const STORYBOARD = 'prompts/storyboard.video.md';

describe('Language model tools (vscode.lm)', () => {
  const suite = useFake({ models: liveModels() });
  cleanUpJobsAfterEach();

  before(async () => {
    await getApi();
  });

  it('vscode.lm.tools lists the three tools with their input schemas', async () => {
    const tools = await waitFor('the three tools in vscode.lm.tools', () => {
      const found = vscode.lm.tools.filter((t) => TOOLS.includes(t.name));
      return found.length === TOOLS.length && found;
    });
    const byName = new Map(tools.map((t) => [t.name, t]));
    const schema = (name: string) => byName.get(name)?.inputSchema as { properties: Record<string, { type: string }>; required?: string[] };
    assert.deepEqual(Object.keys(schema('openrouterVideo_listModels').properties).sort(), ['maxPricePerSecond', 'needsAudio', 'needsFirstFrame', 'text']);
    const generate = schema('openrouterVideo_generate');
    assert.equal(generate.required, undefined, 'either model and prompt, or promptFile and shot');
    for (const key of ['prompt', 'model', 'duration', 'resolution', 'aspectRatio', 'size', 'generateAudio', 'seed', 'firstFrame', 'lastFrame', 'inputReferences', 'outputDirectory', 'promptFile', 'shot']) {
      assert.ok(generate.properties[key], `generate's schema has ${key}`);
    }
    assert.equal(generate.properties.duration?.type, 'integer');
    assert.equal(generate.properties.shot?.type, 'integer');
    assert.deepEqual(schema('openrouterVideo_getJob').required, ['id']);
    for (const t of tools) assert.ok(t.description.length > 80, `${t.name} has its model description`);
  });

  it('openrouterVideo_listModels includes a model only the live catalogue has, and filters', async () => {
    const all = textOf(await invoke('openrouterVideo_listModels', {}));
    assert.match(all, /^31 of 31 OpenRouter video models\./);
    assert.ok(all.includes(`- ${LIVE_ONLY} (Acme: Live Only Video 1)`), 'the live-only model is listed');
    const filtered = textOf(await invoke('openrouterVideo_listModels', { text: 'acme' }));
    assert.match(filtered, /^1 of 31 OpenRouter video models \(filter: text "acme"\)/);
    assert.ok(suite.fake.requestsTo('models').length <= 1, 'the catalogue is fetched once, then shared');
  });

  it('openrouterVideo_generate saves a video and returns its workspace path, sidecar, job id and cost', async () => {
    const { fake } = suite;
    fake.queueScript({ statuses: ['pending', 'completed'], costUsd: 0.2 });
    const result = textOf(await invoke('openrouterVideo_generate', { prompt: 'A paper lantern over a night market, agent tool test', model: MODEL, duration: 4, generateAudio: false }));

    const video = /^video: (.+\.mp4)$/m.exec(result)?.[1];
    const sidecar = /^sidecar: (.+\.mp4\.json)$/m.exec(result)?.[1];
    const jobId = /^job id: (\S+)$/m.exec(result)?.[1];
    assert.ok(video && sidecar && jobId, `the result names the video, sidecar and job id:\n${result}`);
    assert.match(video, /^videos\/[^/]+\.mp4$/, 'workspace-relative, forward slashes');
    assert.ok(fs.readFileSync(path.join(workspaceFolder(), video)).equals(sampleMp4()), 'the saved MP4 is the one the fake served');
    assert.ok(fs.existsSync(path.join(workspaceFolder(), sidecar)));
    assert.match(result, /^cost: \$0\.20 \(as charged by OpenRouter\)$/m);
    assert.ok(fake.jobs.has(jobId), 'the job id is the one the fake issued');
    assert.equal(fake.submitCount(), 1, 'submitted exactly once');
    assert.ok(!result.includes(ENV_KEY), 'the key is never in a result');

    const body = JSON.parse(fake.requestsTo('submit')[0]?.body ?? '{}') as Record<string, unknown>;
    assert.deepEqual(
      { model: body.model, duration: body.duration, resolution: body.resolution, aspect_ratio: body.aspect_ratio, generate_audio: body.generate_audio },
      { model: MODEL, duration: 4, resolution: '720p', aspect_ratio: '16:9', generate_audio: false },
      "the settings left out take the model's defaults",
    );

    const job = textOf(await invoke('openrouterVideo_getJob', { id: jobId }));
    assert.match(job, new RegExp(`^job id: ${jobId}\\nstate: saved \\(`));
    assert.ok(job.includes(`video: ${video}`), job);
    assert.match(job, /^cost: \$0\.20 /m);
    const clientId = (await getApi()).getJobs().find((r) => r.jobId === jobId)?.clientId ?? '';
    assert.equal(textOf(await invoke('openrouterVideo_getJob', { id: clientId })), job, 'the local id finds the same job');
    assert.match(await refusal('openrouterVideo_getJob', { id: 'no-such-job' }), /No video job "no-such-job" is listed in this workspace/);
  });

  it('sends a first-frame image from the workspace', async () => {
    const { fake } = suite;
    const image = path.join(workspaceFolder(), 'agent-frame.png');
    fs.writeFileSync(image, Buffer.from(PNG_1X1, 'base64'));
    try {
      const result = textOf(await invoke('openrouterVideo_generate', { prompt: 'From this frame', model: MODEL, firstFrame: 'agent-frame.png', duration: 4, generateAudio: false }));
      assert.match(result, /^video: videos\/.+\.mp4$/m, result);
      const body = JSON.parse(fake.requestsTo('submit')[0]?.body ?? '{}') as { frame_images?: { frame_type: string; image_url: { url: string } }[] };
      assert.equal(body.frame_images?.length, 1);
      assert.equal(body.frame_images?.[0]?.frame_type, 'first_frame');
      assert.match(body.frame_images?.[0]?.image_url.url ?? '', /^data:image\/png;base64,/);
    } finally {
      fs.rmSync(image, { force: true });
    }
  });

  it('sends reference images from the workspace to a model that takes them, and refuses one outside it', async () => {
    const { fake } = suite;
    const image = path.join(workspaceFolder(), 'agent-reference.png');
    fs.writeFileSync(image, Buffer.from(PNG_1X1, 'base64'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'orv-outside-'));
    try {
      // HeyGen Video 1 takes reference images (its prices name reference input).
      const request = { prompt: 'A mascot in the style of the reference, agent tool test', model: 'heygen/heygen-video-1', duration: 5, resolution: '480p', aspectRatio: '16:9' };
      assert.match(await refusal('openrouterVideo_generate', { ...request, inputReferences: [path.join(outside, 'private.png')] }), /outside the workspace folder/);
      assert.match(await refusal('openrouterVideo_generate', { ...request, inputReferences: 'agent-reference.png' }), /inputReferences \(a list of strings\)/);
      assert.equal(fake.requestsTo('submit').length, 0, 'nothing was submitted for the refused inputs');
      const result = textOf(await invoke('openrouterVideo_generate', { ...request, inputReferences: ['agent-reference.png'] }));
      assert.match(result, /^video: videos\/.+\.mp4$/m, result);
      const body = JSON.parse(fake.requestsTo('submit')[0]?.body ?? '{}') as { input_references?: { type: string; image_url: { url: string } }[]; frame_images?: unknown };
      assert.deepEqual(body.input_references, [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_1X1}` } }]);
      assert.equal(body.frame_images, undefined);
    } finally {
      fs.rmSync(image, { force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses an unsupported duration with the supported values, and sends nothing', async () => {
    const message = await refusal('openrouterVideo_generate', { prompt: 'Too long', model: MODEL, duration: 7 });
    assert.match(message, /Nothing was submitted/);
    assert.match(message, /\b7\b/, `names the value asked for: ${message}`);
    assert.match(message, /4, 6 or 8 s/, `names the supported durations: ${message}`);
    assert.equal(suite.fake.requestsTo('submit').length, 0, 'no request reached the fake');
  });

  it("refuses a request over the daily budget with the budget's words, sending nothing", async () => {
    await withDailyBudget(0.05, async () => {
      const message = await refusal('openrouterVideo_generate', { prompt: 'Over the budget, agent tool test', model: MODEL, duration: 4, generateAudio: false });
      assert.match(message, /^Nothing was submitted: this video would cost \$0\.12, and \$[0-9.]+ of your \$0\.05 daily budget is already spent today\./, message);
      assert.match(message, /raise "openrouterVideo\.budget\.dailyUsd" in your user settings/);
    });
    assert.equal(suite.fake.requestsTo('submit').length, 0, 'no request reached the fake');
  });

  it('runs one shot of a prompt file and saves the video with the file and shot in its sidecar', async () => {
    const { fake } = suite;
    fake.queueScript({ statuses: ['pending', 'completed'], costUsd: 0.18 });
    const result = textOf(await invoke('openrouterVideo_generate', { promptFile: STORYBOARD, shot: 1 }));
    const video = /^video: (.+\.mp4)$/m.exec(result)?.[1];
    const sidecar = /^sidecar: (.+\.mp4\.json)$/m.exec(result)?.[1];
    assert.ok(video && sidecar, `the result names the video and sidecar:\n${result}`);
    assert.match(video, /^videos\/storyboard-lighthouse-[^/]*\.mp4$/);
    assert.ok(fs.readFileSync(path.join(workspaceFolder(), video)).equals(sampleMp4()), 'the saved MP4 is the one the fake served');
    const written = JSON.parse(fs.readFileSync(path.join(workspaceFolder(), sidecar), 'utf8')) as { source?: unknown };
    assert.deepEqual(written.source, { promptFile: STORYBOARD, shot: 1, shotName: 'Lighthouse' });
    assert.equal(fake.submitCount(), 1, 'submitted exactly once');
    const body = JSON.parse(fake.requestsTo('submit')[0]?.body ?? '{}') as { model?: string; prompt?: string; duration?: number };
    assert.equal(body.model, 'google/veo-3.1-lite', "the file's model");
    assert.equal(body.duration, 6, "the shot's own duration");
    assert.match(body.prompt ?? '', /^A lighthouse beam sweeps/);
  });

  it('refuses a prompt file with problems, a file of several shots without one named, and a missing shot, sending nothing', async () => {
    const broken = await refusal('openrouterVideo_generate', { promptFile: 'prompts/broken.video.md' });
    assert.match(broken, /^Nothing was submitted: the prompt file has 3 problem\(s\)/, broken);
    assert.match(await refusal('openrouterVideo_generate', { promptFile: STORYBOARD }), /would make 2 videos; the tool makes one per call\. Give "shot"/);
    assert.match(await refusal('openrouterVideo_generate', { promptFile: STORYBOARD, shot: 5 }), /has no shot 5 \(it has 2, counted from 0\)/);
    assert.match(await refusal('openrouterVideo_generate', { promptFile: STORYBOARD, shot: 0, model: MODEL }), /With "promptFile", give only "shot"/);
    assert.match(await refusal('openrouterVideo_generate', { promptFile: '../outside.video.md' }), /outside the workspace folder/);
    assert.equal(suite.fake.requestsTo('submit').length, 0, 'no request reached the fake');
  });

  it('refuses an unknown model, an unknown field and an image outside the workspace, sending nothing', async () => {
    assert.match(await refusal('openrouterVideo_generate', { prompt: 'x', model: 'acme/none' }), /no video model "acme\/none".*openrouterVideo_listModels/);
    assert.match(await refusal('openrouterVideo_generate', { prompt: 'x', model: MODEL, fileName: 'a.mp4' }), /Unknown input field\(s\): fileName\./);
    const outside = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orv-outside-')), 'frame.png');
    fs.writeFileSync(outside, 'not really a png');
    try {
      assert.match(await refusal('openrouterVideo_generate', { prompt: 'x', model: MODEL, firstFrame: outside }), /outside the workspace folder/);
      // A link inside the workspace that leads out counts as outside (real paths).
      const link = path.join(workspaceFolder(), 'agent-link');
      fs.symlinkSync(path.dirname(outside), link, 'dir');
      try {
        assert.match(await refusal('openrouterVideo_generate', { prompt: 'x', model: MODEL, firstFrame: 'agent-link/frame.png' }), /"agent-link\/frame\.png" is outside the workspace folder/);
      } finally {
        fs.rmSync(link, { force: true });
      }
      assert.match(await refusal('openrouterVideo_generate', { prompt: 'x', model: MODEL, outputDirectory: '../elsewhere' }), /The output folder "\.\.\/elsewhere" must be a folder inside the workspace folder/);
    } finally {
      fs.rmSync(path.dirname(outside), { recursive: true, force: true });
    }
    assert.equal(suite.fake.requestsTo('submit').length, 0, 'no request reached the fake');
  });

  it('a cancelled wait leaves the job submitted once and watched', async () => {
    const { fake } = suite;
    fake.queueScript({ statuses: ['pending'] });
    const cts = new vscode.CancellationTokenSource();
    const api = await getApi();
    const before = new Set(api.getJobs().map((r) => r.clientId));
    const pending = invoke('openrouterVideo_generate', { prompt: 'A slow one, agent tool test', model: MODEL, duration: 4, generateAudio: false }, cts.token);
    const record = await waitFor('the job to be accepted', () => api.getJobs().find((r) => !before.has(r.clientId) && r.jobId !== undefined && r.state === 'pending'));
    cts.cancel();
    // VS Code answers a cancelled invocation with a cancellation error, whatever the tool returns.
    await assert.rejects(Promise.resolve(pending), (error: Error) => error.name === 'Canceled' || /cancel/i.test(error.message));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = api.getJobs().find((r) => r.clientId === record.clientId);
    assert.equal(after?.state, 'pending', 'still watched (in the Jobs view) after the wait was cancelled');
    assert.ok(fake.requestsTo('poll').some((r) => r.path.endsWith(`/${record.jobId}`)), 'the poller keeps checking it');
    assert.equal(fake.submitCount(), 1, 'never resubmitted');
    cts.dispose();
  });

  it('with openrouterVideo.agentTools.enabled off, the tools leave vscode.lm.tools and refuse a direct call', async () => {
    await setToolsEnabled(false);
    try {
      await waitFor('the tools to leave vscode.lm.tools', () => !vscode.lm.tools.some((t) => TOOLS.includes(t.name)));
      assert.match(await refusal('openrouterVideo_listModels', {}), /turned off \(setting openrouterVideo\.agentTools\.enabled\)/);
      assert.match(await refusal('openrouterVideo_generate', { prompt: 'x', model: MODEL }), /turned off/);
      assert.equal(suite.fake.requestsTo('submit').length, 0);
    } finally {
      await setToolsEnabled(undefined);
    }
    await waitFor('the tools to come back', () => vscode.lm.tools.filter((t) => TOOLS.includes(t.name)).length === TOOLS.length);
  });
});
