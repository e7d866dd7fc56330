/**
 * Soak: many jobs through the extension's public API in the real extension host, with faults chosen per
 * job by a seeded PRNG (429s on submit/poll/content, 5xx bursts, resets with and without Range, slow
 * answers, malformed/HTML answers, unknown statuses, failed/expired/dead jobs, a submit whose connection
 * drops). Faults on poll and content are global in the fake, so they land on whichever job asks next;
 * faults on submit are injected right before that job's POST. The invariants hold whatever lands where:
 * every job OpenRouter completed ends saved exactly once (after at most one "Download Again" by the
 * user for a download that kept breaking), byte-identical; no request is accepted twice; no file lost.
 *
 * Reproduce: OPENROUTER_VIDEO_SOAK_SEED=<seed> OPENROUTER_VIDEO_SOAK_JOBS=<n> OPENROUTER_VIDEO_TEST_GREP=Soak npm run test:integration
 * The figures it prints go into RELIABILITY.md.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import { generatedBytes, sampleMp4, type ContentBehaviour, type Fault, type JobScript } from '../fake-openrouter/fakeOpenRouter';
import { filesEndingWith, request } from './faultHelpers';
import { errorText, getApi, removeJobs, useFake, workspaceFolder } from './helpers';
import { seededRandom } from '../helpers/seededRandom';

const KiB = 1024;


type Scenario =
  | 'clean'
  | 'submit429'
  | 'poll429'
  | 'content429'
  | 'poll5xx'
  | 'resetRanges'
  | 'resetNoRanges'
  | 'downloadBreaks'
  | 'slowAnswers'
  | 'malformedPoll'
  | 'htmlPoll'
  | 'unknownStatus'
  | 'failed'
  | 'expired'
  | 'dead'
  | 'submitReset';

const SCENARIOS: [Scenario, number][] = [
  ['clean', 2],
  ['submit429', 2],
  ['poll429', 2],
  ['content429', 2],
  ['poll5xx', 3],
  ['resetRanges', 3],
  ['resetNoRanges', 2],
  ['downloadBreaks', 1],
  ['slowAnswers', 2],
  ['malformedPoll', 1],
  ['htmlPoll', 1],
  ['unknownStatus', 1],
  ['failed', 1],
  ['expired', 1],
  ['dead', 1],
  ['submitReset', 1],
];

interface Plan {
  index: number;
  scenario: Scenario;
  prompt: string;
  script: JobScript;
  /** Injected right before this job's POST. */
  submitFaults: Fault[];
  /** Injected (poll/content faults, content behaviour) when the job is submitted. */
  otherFaults: Fault[];
  content?: ContentBehaviour;
  /** 429 answers this job's submit gets (each one is a POST that was refused, not a job). */
  refusedPosts: number;
}

function plan(seed: number, count: number): Plan[] {
  const rand = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  const totalWeight = SCENARIOS.reduce((n, [, w]) => n + w, 0);
  const plans: Plan[] = [];
  for (let index = 0; index < count; index++) {
    let r = rand() * totalWeight;
    const scenario = SCENARIOS.find(([, w]) => (r -= w) < 0)![0];
    const script: JobScript = {
      statuses: pick([['completed'], ['pending', 'completed'], ['pending', 'in_progress', 'completed']]),
      body: rand() < 0.25 ? undefined : { size: int(64, 1024) * KiB },
      contentOrigin: rand() < 0.25 ? 'storage' : 'api',
      outputs: rand() < 0.1 ? 2 : 1,
    };
    const p: Plan = { index, scenario, prompt: `soak ${seed} #${index} ${scenario}`, script, submitFaults: [], otherFaults: [], refusedPosts: 0 };
    switch (scenario) {
      case 'submit429':
        p.refusedPosts = int(1, 2);
        p.submitFaults.push({ route: 'submit', retryAfter: 1, times: p.refusedPosts });
        break;
      case 'poll429':
        p.otherFaults.push({ route: 'poll', retryAfter: 1, times: int(1, 5) });
        break;
      case 'content429':
        p.otherFaults.push({ route: 'content', retryAfter: 1, times: int(1, 2) });
        break;
      case 'poll5xx':
        for (let n = int(1, 6); n > 0; n--) p.otherFaults.push({ route: 'poll', status: pick([500, 502, 503]) });
        break;
      case 'resetRanges':
      case 'resetNoRanges':
        script.body = { size: int(256, 1536) * KiB };
        p.content = { ranges: scenario === 'resetRanges', resetAfterBytes: int(16, 200) * KiB, resetTimes: int(1, 2) };
        break;
      case 'downloadBreaks':
        // As many resets as the downloader makes attempts (4): that download fails and stays downloadable.
        script.body = { size: int(256, 1024) * KiB };
        p.content = { ranges: rand() < 0.5, resetAfterBytes: int(16, 128) * KiB, resetTimes: 4 };
        break;
      case 'slowAnswers':
        p.otherFaults.push({ route: pick(['poll', 'content'] as const), stallMs: int(300, 1500) });
        break;
      case 'malformedPoll':
        p.otherFaults.push({ route: 'poll', body: '{"id":"soak","status":"pend', times: int(1, 2) });
        break;
      case 'htmlPoll':
        p.otherFaults.push({ route: 'poll', status: 200, body: '<html><head><title>502 Bad Gateway</title></head></html>', contentType: 'text/html' });
        break;
      case 'unknownStatus':
        script.statuses = ['queued', 'rendering', 'completed'];
        break;
      case 'failed':
        script.statuses = ['pending', 'failed'];
        script.error = `Content policy violation (soak ${seed} #${index})`;
        break;
      case 'expired':
        script.statuses = ['pending', 'expired'];
        break;
      case 'dead':
        script.statuses = ['in_progress', 'dead'];
        break;
      case 'submitReset':
        p.submitFaults.push({ route: 'submit', reset: true });
        break;
      case 'clean':
        break;
    }
    plans.push(p);
  }
  return plans;
}

function expectedBytes(script: JobScript): Buffer {
  const body = script.body;
  if (body === undefined) return sampleMp4();
  if (Buffer.isBuffer(body)) return body;
  return generatedBytes(body.size, 0, body.size);
}

describe('Soak: seeded random faults across many jobs (public API, real extension host)', function () {
  const suite = useFake();
  const seed = Number(process.env.OPENROUTER_VIDEO_SOAK_SEED) || 20261121;
  const count = Number(process.env.OPENROUTER_VIDEO_SOAK_JOBS) || 50;
  const concurrency = 8;
  const deadlineMs = 150_000;
  this.timeout(deadlineMs + 60_000);

  let folder = '';
  let jobsBefore = new Set<string>();
  before(async () => {
    jobsBefore = new Set((await getApi()).getJobs().map((r) => r.clientId));
    folder = path.join(workspaceFolder(), `soak-${seed}`);
    fs.rmSync(folder, { recursive: true, force: true });
  });
  let failed = false;
  afterEach(function () {
    failed ||= this.currentTest?.state === 'failed';
  });
  after(async () => {
    if (failed) {
      console.log(`      (soak failed: its videos are kept in ${folder})`);
      return;
    }
    await removeJobs((await getApi()).getJobs().filter((r) => !jobsBefore.has(r.clientId)));
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it(`${count} jobs (seed ${process.env.OPENROUTER_VIDEO_SOAK_SEED || 20261121}): every completed job saved once, byte-identical; 0 duplicates; 0 lost`, async () => {
    const { fake } = suite;
    const api = await getApi();
    const plans = plan(seed, count);
    const started = Date.now();
    const records = new Map<number, JobRecord>();
    const submitErrors = new Map<number, string>();

    // Submits run one at a time (so a submit fault meets its own POST); jobs then run concurrently.
    let submitting: Promise<unknown> = Promise.resolve();
    const runOne = async (p: Plan): Promise<void> => {
      const turn = submitting.then(async () => {
        // Scripts go one per accepted submit, so a submit that will be dropped gets none.
        if (p.scenario !== 'submitReset') fake.queueScript(p.script);
        for (const f of p.submitFaults) fake.inject(f);
        for (const f of p.otherFaults) fake.inject(f);
        if (p.content) fake.setContent(p.content);
        try {
          const record = await api.submit(request(p.prompt), { targetFolder: folder });
          records.set(p.index, record);
        } catch (error) {
          submitErrors.set(p.index, error instanceof Error ? error.message : String(error));
          const record = api.getJobs().find((r) => r.request.prompt === p.prompt);
          if (record) records.set(p.index, record);
        }
      });
      submitting = turn.catch(() => undefined);
      await turn;
      const record = records.get(p.index);
      if (record?.jobId) records.set(p.index, await api.waitForJob(record.clientId));
    };
    const queue = [...plans];
    const workers = Array.from({ length: concurrency }, async () => {
      for (let p = queue.shift(); p; p = queue.shift()) await runOne(p);
    });
    const timedOut = await Promise.race([
      Promise.all(workers).then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), deadlineMs)),
    ]);
    const firstPassMs = Date.now() - started;
    if (timedOut) {
      const open = api.getJobs().filter((r) => !jobsBefore.has(r.clientId) && ['pending', 'in_progress', 'downloading', 'submitting'].includes(r.state));
      assert.fail(`the soak did not settle within ${deadlineMs / 1000} s; still open: ${open.map((r) => `${r.request.prompt} (${r.state})`).join('; ')}`);
    }

    // Faults no request met (poll/content faults land on whichever job asks next; late ones may find none).
    // The fake keeps them private; read for the report only.
    const internals = fake as unknown as { faults: { left: number }[]; resetsLeft: number };
    const unconsumed = internals.faults.reduce((n, f) => n + (Number.isFinite(f.left) ? f.left : 0), 0) + internals.resetsLeft;

    // What a user would do for a download that kept breaking: Download Again, once, with the faults gone.
    fake.clearFaults();
    fake.setContent({});
    const current = (p: Plan) => api.getJobs().find((r) => r.request.prompt === p.prompt);
    const retried: number[] = [];
    for (const p of plans) {
      const r = current(p);
      if (r?.state === 'downloadFailed') {
        retried.push(p.index);
        await vscode.commands.executeCommand('openrouterVideo.jobs.download', r.clientId);
        await api.waitForJob(r.clientId);
      }
    }

    // ---- the figures ---------------------------------------------------------------------------
    const fakeJobs = [...fake.jobs.values()];
    const acceptedByPrompt = new Map<string, number>();
    for (const j of fakeJobs) {
      const prompt = (j.request as { prompt?: string }).prompt ?? '';
      acceptedByPrompt.set(prompt, (acceptedByPrompt.get(prompt) ?? 0) + 1);
    }
    const duplicates = [...acceptedByPrompt.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
    const completed = fakeJobs.filter((j) => j.status === 'completed');
    const byState = new Map<string, number>();
    let savedOk = 0;
    let outputsSaved = 0;
    const lost: string[] = [];
    const wrongBytes: string[] = [];
    for (const p of plans) {
      const r = current(p);
      byState.set(r?.state ?? '(no record)', (byState.get(r?.state ?? '(no record)') ?? 0) + 1);
    }
    for (const j of completed) {
      const prompt = (j.request as { prompt?: string }).prompt ?? '';
      const p = plans.find((x) => x.prompt === prompt);
      const r = api.getJobs().find((x) => x.jobId === j.id);
      if (!p || !r || r.state !== 'saved') {
        lost.push(`${prompt} (${r?.state ?? 'no record'}: ${errorText(r)})`);
        continue;
      }
      assert.deepEqual(j.script.statuses, p.script.statuses, `${prompt}: the fake ran the planned script`);
      const want = expectedBytes(j.script);
      const outputs = r.outputs.filter((o) => o.file);
      const good = outputs.length === (j.script.outputs ?? 1) && outputs.every((o) => fs.existsSync(o.file!) && fs.readFileSync(o.file!).equals(want));
      if (good) savedOk++;
      else wrongBytes.push(prompt);
      outputsSaved += outputs.length;
    }
    const mp4s = filesEndingWith(folder, '.mp4');
    const parts = filesEndingWith(folder, '.part');
    const posts = fake.requestsTo('submit').length;
    const refusedPosts = plans.reduce((n, p) => n + p.refusedPosts, 0);
    const storageWithKey = fake.requestsTo('storage').filter((r) => r.headers.authorization !== undefined).length;
    const scenarioCounts = new Map<Scenario, number>();
    for (const p of plans) scenarioCounts.set(p.scenario, (scenarioCounts.get(p.scenario) ?? 0) + 1);

    const report = [
      `soak: seed ${seed}, ${count} jobs, concurrency ${concurrency}, ${((Date.now() - started) / 1000).toFixed(1)} s (first pass ${(firstPassMs / 1000).toFixed(1)} s)`,
      `soak: faults planned: ${[...scenarioCounts.entries()].map(([s, n]) => `${s} ${n}`).join(', ')}; injected answers no request met: ${unconsumed}`,
      `soak: accepted by OpenRouter ${fakeJobs.length}; completed by OpenRouter ${completed.length}; saved byte-identical ${savedOk} ` +
        `(${savedOk - retried.filter((i) => current(plans[i]!)?.state === 'saved').length} on their own, ${retried.filter((i) => current(plans[i]!)?.state === 'saved').length} after one Download Again); ` +
        `outputs saved ${outputsSaved}; .mp4 files ${mp4s.length}; .part files left ${parts.length}`,
      `soak: final states: ${[...byState.entries()].map(([s, n]) => `${s} ${n}`).join(', ')}`,
      `soak: POST /videos ${posts} (= ${count} jobs + ${refusedPosts} answered 429, ${fake.submitCount()} accepted); polls ${fake.requestsTo('poll').length}; ` +
        `video GETs ${fake.requestsTo('content').length + fake.requestsTo('storage').length}; storage requests carrying the key ${storageWithKey}`,
      `soak: duplicates submitted ${duplicates}; files lost ${lost.length}; wrong bytes ${wrongBytes.length}`,
    ];
    for (const line of report) console.log(`      ${line}`);

    assert.equal(duplicates, 0, 'no request accepted twice');
    assert.deepEqual(lost, [], 'every job OpenRouter completed is saved');
    assert.deepEqual(wrongBytes, [], 'every saved video is byte-identical, all outputs');
    const recorded = new Set(api.getJobs().flatMap((r) => r.outputs.map((o) => o.file && path.basename(o.file))));
    const extra = mp4s.filter((f) => !recorded.has(f));
    assert.deepEqual(extra, [], `one file per saved output, no extra copies (${mp4s.length} files, ${outputsSaved} outputs)`);
    assert.equal(mp4s.length, outputsSaved, 'one file per saved output');
    assert.deepEqual(parts, [], 'no partial files left');
    assert.equal(posts, count + refusedPosts, 'one POST per job, plus only the ones answered 429 (never a retry after an unclear answer)');
    assert.equal(storageWithKey, 0, 'the key never went to the storage origin');
    for (const p of plans) {
      const r = current(p);
      assert.ok(r, `job ${p.index} is in the list`);
      if (p.scenario === 'submitReset') {
        assert.equal(r.state, 'submitUnknown', `${p.prompt}: an unclear submit is kept as submitUnknown, not retried`);
        assert.equal(acceptedByPrompt.get(p.prompt) ?? 0, 0);
      } else if (p.scenario === 'failed' || p.scenario === 'dead') {
        assert.equal(r.state, 'failed', `${p.prompt}`);
        if (p.script.error) assert.equal(errorText(r), p.script.error, 'the error text verbatim');
      } else if (p.scenario === 'expired') {
        assert.equal(r.state, 'expired', `${p.prompt}`);
      } else {
        assert.equal(r.state, 'saved', `${p.prompt}: ${errorText(r)} (submit: ${submitErrors.get(p.index) ?? 'ok'})`);
      }
    }
  });
});
