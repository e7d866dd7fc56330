/**
 * The money soak: 100 jobs through two hosts (two windows) sharing one job store and one output folder, against
 * the fake OpenRouter over loopback, with faults chosen per job by a seeded PRNG: submit answers lost after
 * OpenRouter took the job, submits reset before it did, transient 404s on status checks, connections reset mid
 * download, 404s for longer than the not-found limit (the job becomes `unknown`), and a far-future Retry-After.
 * Each window follows the other's writes to the store, as the extension's windows do. When the run settles,
 * the user does what the product offers (Recover Job by ID for a lost answer, Watch Again, Download Again) in a reloaded window. Then:
 * 0 duplicate submits, 0 completed jobs without their saved video, 0 files outside the output folder, no
 * key or credential in any file written.
 *
 * Reproduce: OPENROUTER_VIDEO_SOAK_SEED=<seed> OPENROUTER_VIDEO_SOAK_JOBS=<n> npx mocha --no-config --timeout 600000 --exit out/test/unit/moneySoak.test.js
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { VideoModel } from '../../src/core/api/schemas';
import { downloadOutput } from '../../src/core/download/downloader';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import { stateIs } from '../../src/core/jobs/jobStates';
import { planSubmit } from '../../src/core/jobs/submitPlan';
import { FakeOpenRouter, fixtureModels, generatedBytes, type FakeJob, type Fault } from '../fake-openrouter/fakeOpenRouter';
import { seededRandom } from '../helpers/seededRandom';
import { FAST_POLL, openCoreWindow, type CoreWindow } from './helpers/coreWindow';
import { TestLogger } from './helpers/testLogger';
import { until } from './helpers/waiting';

const SEED = Number(process.env.OPENROUTER_VIDEO_SOAK_SEED ?? 20261206);
const JOBS = Number(process.env.OPENROUTER_VIDEO_SOAK_JOBS ?? 100);
const BATCH = 10;
const MODEL_ID = 'google/veo-3.1';
const veo = fixtureModels().find((m) => (m as { id?: string }).id === MODEL_ID) as VideoModel;
const KiB = 1024;
/** The not-found limit, short like the poll timings: a transient 404 run stays well under it, a lost one outlasts it. */
const NOT_FOUND_LIMIT_MS = 300;
/** 404s for a lost job's status checks: more than both windows make within the limit (one every 20–50 ms each). */
const LOST_404_ANSWERS = 60;

type Scenario = 'clean' | 'lostAnswer' | 'submitReset' | 'transient404' | 'lost404' | 'contentReset' | 'farRetryAfter';

/** Weights; the far-future Retry-After comes only in the last batches (it holds its window for good). */
const SCENARIOS: [Scenario, number][] = [
  ['clean', 4],
  ['lostAnswer', 2],
  ['submitReset', 1],
  ['transient404', 3],
  ['lost404', 1],
  ['contentReset', 2],
];

interface Planned {
  index: number;
  host: 0 | 1;
  scenario: Scenario;
  prompt: string;
  size: number;
}

function plan(seed: number, count: number): Planned[] {
  const rand = seededRandom(seed);
  const total = SCENARIOS.reduce((sum, [, w]) => sum + w, 0);
  const out: Planned[] = [];
  for (let index = 0; index < count; index++) {
    let scenario: Scenario = 'clean';
    if (index >= count - BATCH && index % BATCH === 3) {
      scenario = 'farRetryAfter';
    } else {
      let pick = rand() * total;
      for (const [name, weight] of SCENARIOS) {
        pick -= weight;
        if (pick < 0) {
          scenario = name;
          break;
        }
      }
    }
    const host = rand() < 0.5 ? 0 : 1;
    out.push({ index, host, scenario, prompt: `Soak job ${index} (${scenario})`, size: (32 + Math.floor(rand() * 96)) * KiB });
  }
  return out;
}

/** A window: its own client, gate, poller and service over the shared store file. */
function openWindow(fake: FakeOpenRouter, storePath: string, out: string, logger: TestLogger): Promise<CoreWindow> {
  return openCoreWindow({
    fake,
    storePath,
    logger,
    // As the extension opens it (composition.ts): a change another window writes is merged as soon as it is seen.
    store: { followOtherWriters: true },
    client: { userAgent: 'money-soak', retryBaseMs: 10 },
    poll: { ...FAST_POLL, watchLimitMs: 6_000, notFoundLimitMs: NOT_FOUND_LIMIT_MS },
    service: {
      download: (a, request) => downloadOutput(a, { ...request, backoffMs: 10 }),
      readImage: async () => {
        throw new Error('no images in the soak');
      },
      defaultTargetFolder: () => out,
    },
  });
}

function faultsFor(p: Planned): { submit: Fault[]; other: Fault[] } {
  switch (p.scenario) {
    case 'lostAnswer':
      return { submit: [{ route: 'submit', dropAnswer: true }], other: [] };
    case 'submitReset':
      return { submit: [{ route: 'submit', reset: true }], other: [] };
    case 'transient404':
      return { submit: [], other: [{ route: 'poll', status: 404, times: 1 + (p.index % 3) }] };
    case 'contentReset':
    case 'lost404': // its 404s are injected for its own job id once the submit is answered
      return { submit: [], other: [] };
    case 'farRetryAfter':
      return { submit: [], other: [{ route: 'poll', retryAfter: 1_000_000_000 }] };
    case 'clean':
      return { submit: [], other: [] };
  }
}

/** Every file under `dir`, as paths relative to it. */
async function walk(dir: string, base = dir): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(full, base)));
    else found.push(path.relative(base, full));
  }
  return found.sort();
}

/** How many records are in each state. */
function tally(records: readonly JobRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of records) counts[r.state] = (counts[r.state] ?? 0) + 1;
  return counts;
}

function promptOf(job: FakeJob): string {
  return String((job.request as { prompt?: unknown }).prompt);
}

describe('Money soak: two windows, one store, seeded faults', function () {
  this.timeout(600_000);
  let fake: FakeOpenRouter;
  let root: string;

  before(async () => {
    fake = await FakeOpenRouter.start();
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'money-soak-'));
  });
  after(async () => {
    await fake.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  it(`${JOBS} jobs (seed ${SEED}): no second bill, no written-off job, nothing outside the folder, no key on disk`, async () => {
    const storePath = path.join(root, 'storage', 'jobs.json');
    const out = path.join(root, 'workspace', 'videos');
    await fs.mkdir(out, { recursive: true });
    const logger = new TestLogger();
    const plans = plan(SEED, JOBS);
    let windows = [await openWindow(fake, storePath, out, logger), await openWindow(fake, storePath, out, logger)];

    /** The jobs whose status checks answer 404 beyond the not-found limit (a lost submit answer leaves none). */
    const lostJobs: string[] = [];
    // The run: batches of jobs submitted together from both windows; faults injected right before each job.
    for (let start = 0; start < plans.length; start += BATCH) {
      const batch = plans.slice(start, start + BATCH);
      await Promise.all(
        batch.map(async (p) => {
          const { submit, other } = faultsFor(p);
          fake.queueScript({ completeAfterMs: 30 + (p.index % 7) * 40, body: { size: p.size } });
          if (p.scenario === 'contentReset') fake.setContent({ resetAfterBytes: Math.floor(p.size / 3), resetTimes: 2 });
          for (const f of other) fake.inject(f);
          for (const f of submit) fake.inject(f);
          const window = windows[p.host]!;
          const record = await window.service
            .submit(await planSubmit(veo, { model: MODEL_ID, prompt: p.prompt, duration: 4, resolution: '720p', aspectRatio: '16:9' }), out)
            .catch(() => undefined);
          if (p.scenario === 'lost404' && record?.jobId !== undefined) {
            fake.inject({ route: 'poll', jobId: record.jobId, status: 404, times: LOST_404_ANSWERS });
            lostJobs.push(record.jobId);
          }
        }),
      );
    }
    const settledEverywhere = () => windows.every((w) => w.store.all().every((r) => !stateIs(r.state, 'busy')));
    /** Waits until no record is busy in either window; on timeout, names what is still busy where. */
    const settle = (what: string) =>
      until(what, settledEverywhere, 300_000, 50).catch((error: unknown) => {
        const busy = windows.flatMap((w, i) => w.store.all().filter((r) => stateIs(r.state, 'busy')).map((r) => `window ${i}: ${r.request.prompt} ${r.state}`));
        throw new Error(`${String(error)}; still busy: ${busy.join('; ')}`);
      });
    await settle('every job to settle in both windows');

    // A reload: both windows start again over the same store, then the user acts on what is left.
    await Promise.all(windows.map((w) => w.close()));
    fake.clearFaults();
    fake.setContent({});
    windows = [await openWindow(fake, storePath, out, logger), await openWindow(fake, storePath, out, logger)];
    await Promise.all(windows.map((w) => w.service.resumeAll()));
    await settle('resumed jobs to settle');
    const user = windows[0]!;
    const actions = { recovered: 0, watchedAgain: 0, downloadedAgain: 0 };
    const leftForUser = tally(user.store.all());
    for (const record of user.store.all()) {
      if (record.state === 'submitUnknown') {
        const taken = [...fake.jobs.values()].find((j) => promptOf(j) === record.request.prompt);
        if (taken) {
          await user.service.recover(taken.id, { adopt: record.clientId });
          actions.recovered++;
        }
      } else if (stateIs(record.state, 'resumable')) {
        await user.service.watch(record.clientId);
        actions.watchedAgain++;
      } else if (record.state === 'downloadFailed') {
        await user.service.download(record.clientId);
        actions.downloadedAgain++;
      }
    }
    await settle('the user’s actions to settle');
    const finalRecords: readonly JobRecord[] = windows[0]!.store.all();
    await Promise.all(windows.map((w) => w.close()));

    // 0 duplicate submits: no prompt reached OpenRouter twice, and each job OpenRouter took is on record once.
    const byPrompt = new Map<string, string[]>();
    for (const job of fake.jobs.values()) byPrompt.set(promptOf(job), [...(byPrompt.get(promptOf(job)) ?? []), job.id]);
    const duplicates = [...byPrompt].filter(([, ids]) => ids.length > 1);
    assert.deepEqual(duplicates, [], 'prompts submitted more than once');
    for (const job of fake.jobs.values()) {
      const records = finalRecords.filter((r) => r.jobId === job.id);
      assert.equal(records.length, 1, `job ${job.id} (${promptOf(job)}) is on record ${records.length} times`);
    }

    // 0 completed jobs without their saved video, byte for byte.
    const unsaved: string[] = [];
    for (const job of fake.jobs.values()) {
      // What OpenRouter says of the job now (a job nobody polled since it finished still says pending in the fake).
      const answer = await fetch(`${fake.baseUrl}/videos/${job.id}`, { headers: { Authorization: `Bearer ${fake.apiKey}` } });
      if (((await answer.json()) as { status?: string }).status !== 'completed') continue;
      const record = finalRecords.find((r) => r.jobId === job.id)!;
      const file = record.outputs[0]?.file;
      if (record.state !== 'saved' || file === undefined) {
        unsaved.push(`${promptOf(job)}: ${record.state}`);
        continue;
      }
      const bytes = await fs.readFile(file);
      const size = (job.script.body as { size: number }).size;
      assert.ok(bytes.equals(generatedBytes(size, 0, size)), `${file} differs from what OpenRouter served`);
    }
    assert.deepEqual(unsaved, [], 'completed jobs without a saved video');

    // 0 files outside the output folder (the storage folder holds the store only), nothing left half-done.
    const files = await walk(root);
    const strays = files.filter((f) => !f.startsWith(`storage${path.sep}`) && !/^workspace[\\/]videos[\\/][^\\/]+\.mp4(\.json)?$/.test(f));
    assert.deepEqual(strays, [], 'files outside the output folder, or left behind');

    // 0 duplicate downloads: one video in the folder per saved output on record.
    const videos = files.filter((f) => f.endsWith('.mp4'));
    const savedOutputs = finalRecords.flatMap((r) => r.outputs.filter((o) => o.file !== undefined));
    assert.equal(videos.length, savedOutputs.length, 'videos in the folder beyond the saved outputs on record');

    // No key or credential in any file written.
    for (const file of files) {
      const text = await fs.readFile(path.join(root, file), 'latin1');
      assert.ok(!text.includes(fake.apiKey) && !/sk-or-|Bearer\s+[^[\s]/i.test(text), `${file} holds a key or credential`);
    }

    // The unknown state and its Watch Again were reached: a lost job's 404s outlast the not-found limit.
    const wentUnknown = finalRecords.filter((r) => r.history.some((h) => h.status === 'unknown')).length;
    if (lostJobs.length > 0) assert.ok(wentUnknown > 0, `none of ${lostJobs.length} jobs became unknown after 404s beyond the not-found limit`);

    console.log(
      `      money soak seed ${SEED}: ${plans.length} jobs, ${fake.jobs.size} taken by OpenRouter, ${fake.requestsTo('submit').length} POSTs, ` +
        `${videos.length} videos; left for the user ${JSON.stringify(leftForUser)}, user actions ${JSON.stringify(actions)}, ` +
        `${wentUnknown} went unknown (${lostJobs.length} lost to 404s); final states ${JSON.stringify(tally(finalRecords))}`,
    );
  });
});
