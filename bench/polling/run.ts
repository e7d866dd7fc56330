/**
 * Polling bench: the real JobPoller + JobStore (FileStorage in a temp dir) + the real HTTP client against the
 * fake OpenRouter in its own process, in real time with the schedule scaled down 5× (first poll 1 s, interval
 * 1 s ×1.5 up to 6 s, ±10 % jitter; the product uses 5 s / 5 s / 30 s). Real time because the network, the fake's
 * completion clock and the client's timers are real; 5× keeps the request rate of 200 jobs (≤ ~200/s) within what
 * the product would see with 1,000 jobs, rather than the 25× overload a 200 ms schedule would create.
 *
 * Scenario A: 200 jobs, completions spread over 2–40 s. Scenario B: 50 jobs, the fake answers 429 with
 * Retry-After: 2 to three polls in a row a few seconds in.
 *
 *   node out/bench/polling/run.js [--jobs 200] [--scenario A|B|AB]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createVideoApi } from '../../src/core/api/openRouterClient';
import type { VideoApi } from '../../src/core/api/videoApi';
import type { Clock, TimerHandle } from '../../src/core/shared/clock';
import { FileStorage } from '../../src/core/jobs/fileStorage';
import { JobPoller, type JobPollerSettings } from '../../src/core/jobs/jobPoller';
import { JobStore } from '../../src/core/jobs/jobStore';
import { FakeHostClient, wallNow, type LoggedRequest } from '../lib/fakeHost';
import { fmt, machine, sleep, summarise, writeResult } from '../lib/stats';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const SCHEDULE: Required<Pick<JobPollerSettings, 'firstDelayMs' | 'intervalMs' | 'maxIntervalMs' | 'backoffFactor' | 'jitter' | 'maxConcurrent'>> = {
  firstDelayMs: 1_000,
  intervalMs: 1_000,
  maxIntervalMs: 6_000,
  backoffFactor: 1.5,
  jitter: 0.1,
  maxConcurrent: 4,
};

/** Poll times (ms after tracking starts) with every delay at its shortest (jitter −10 %). */
function earliestSchedule(untilMs: number): number[] {
  const times: number[] = [];
  let t = SCHEDULE.firstDelayMs * (1 - SCHEDULE.jitter);
  let interval = SCHEDULE.intervalMs;
  while (t < untilMs) {
    times.push(t);
    t += interval * (1 - SCHEDULE.jitter);
    interval = Math.min(interval * SCHEDULE.backoffFactor, SCHEDULE.maxIntervalMs);
  }
  return times;
}

/** The most polls a job completing `completeMs` after tracking starts may see: those before it, plus the one that sees it. */
function requestBound(completeMs: number): number {
  return earliestSchedule(completeMs).length + 1;
}

/** The longest the schedule may wait (+10 % jitter) before poll number `k` (0-based) of a job: one polling interval. */
function gapBefore(k: number): number {
  const nominal = k === 0 ? SCHEDULE.firstDelayMs : Math.min(SCHEDULE.intervalMs * SCHEDULE.backoffFactor ** (k - 1), SCHEDULE.maxIntervalMs);
  return nominal * (1 + SCHEDULE.jitter);
}

/** A Clock that counts the poller's (and store's) timers. */
class CountingClock implements Clock {
  live = new Set<TimerHandle>();
  maxLive = 0;
  created = 0;
  now(): number {
    return Date.now();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    this.created++;
    const handle: TimerHandle = setTimeout(() => {
      this.live.delete(handle);
      fn();
    }, ms) as unknown as TimerHandle;
    this.live.add(handle);
    this.maxLive = Math.max(this.maxLive, this.live.size);
    return handle;
  }
  clearTimeout(handle: TimerHandle): void {
    this.live.delete(handle);
    clearTimeout(handle as unknown as NodeJS.Timeout);
  }
}

function activeTimeouts(): number {
  const info = (process as unknown as { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo?.() ?? [];
  return info.filter((r) => r === 'Timeout').length;
}

interface ScenarioResult {
  name: string;
  jobs: number;
  text: string;
  data: Record<string, unknown>;
}

async function scenario(
  fake: FakeHostClient,
  name: string,
  completeAfter: number[],
  faultAtMs?: number,
): Promise<ScenarioResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orv-bench-polling-'));
  const clock = new CountingClock();
  const store = await JobStore.load(new FileStorage(path.join(dir, 'jobs.json')), undefined, clock);
  let apiLoads = 0;
  let api: VideoApi | undefined;
  const poller = new JobPoller({
    api: async () => {
      apiLoads++;
      api ??= createVideoApi({ baseUrl: fake.info.baseUrl, keyProvider: () => fake.info.apiKey, userAgent: 'bench' });
      return api;
    },
    store,
    clock,
    ...SCHEDULE,
  });
  const noticed = new Map<string, number>();
  poller.onDidReachTerminal(({ record }) => noticed.set(record.jobId!, wallNow()));

  // Nothing active: the poller is started with no jobs; no timer, no request.
  await fake.call({ cmd: 'clearLog' });
  poller.start();
  const idleTimersBefore = clock.live.size;
  await sleep(2_000);
  const idleBefore = await fake.log();
  const idleTimersAfter = clock.live.size;

  // 200 jobs: created in the fake (as if submitted), recorded in the store as `pending`, as JobService does.
  const cpu0 = process.cpuUsage();
  const t0 = wallNow();
  const jobs = await fake.createJobs(completeAfter.map((ms) => ({ script: { completeAfterMs: ms } })));
  const trackedAt = new Map<string, number>();
  await Promise.all(
    jobs.map(async (job) => {
      trackedAt.set(job.id, wallNow());
      await store.create({
        state: 'pending',
        jobId: job.id,
        pollingUrl: `${fake.info.baseUrl}/videos/${job.id}`,
        remoteStatus: 'pending',
        submittedAt: job.submittedAt,
        watchedSince: job.submittedAt,
        request: { model: 'google/veo-3.1-lite', prompt: 'bench' },
        targetFolder: dir,
      });
    }),
  );
  const completesAt = new Map(jobs.map((j, i) => [j.id, j.submittedAt + completeAfter[i]!]));

  let faultInjectedAt: number | undefined;
  const samples: { t: number; timeouts: number; pollerTimers: number; inFlight: number }[] = [];
  const deadline = t0 + Math.max(...completeAfter) + 60_000;
  while (noticed.size < jobs.length && wallNow() < deadline) {
    if (faultAtMs !== undefined && faultInjectedAt === undefined && wallNow() - t0 >= faultAtMs) {
      await fake.call({ cmd: 'inject', fault: { route: 'poll', status: 429, retryAfter: 2, times: 3 } });
      faultInjectedAt = wallNow();
    }
    samples.push({ t: wallNow() - t0, timeouts: activeTimeouts(), pollerTimers: clock.live.size, inFlight: poller.inFlightCount });
    await sleep(100);
  }
  const lastNoticed = wallNow();
  const cpu = process.cpuUsage(cpu0);
  // Nothing active again: wait and count requests and timers.
  await sleep(3_000);
  const idleAfterTimers = clock.live.size;
  const idleAfterTimeouts = activeTimeouts();
  const log = (await fake.log()).filter((e) => e.route === 'poll');
  const idleAfter = log.filter((e) => e.start > lastNoticed).length;
  const busyLog = log.filter((e) => e.start >= t0);

  poller.dispose();
  await store.dispose();
  await api?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });

  // ---- analysis
  const byJob = new Map<string, LoggedRequest[]>();
  for (const e of busyLog) {
    if (!e.jobId) continue;
    const list = byJob.get(e.jobId) ?? [];
    list.push(e);
    byJob.set(e.jobId, list);
  }
  let maxInFlightPerJob = 0;
  const perJob: number[] = [];
  const overBound: string[] = [];
  const delays: number[] = [];
  const delayOverInterval: number[] = [];
  const late: string[] = [];
  for (const job of jobs) {
    const list = (byJob.get(job.id) ?? []).sort((a, b) => a.start - b.start);
    perJob.push(list.length);
    // In flight per job: overlapping [start, end] intervals on the server.
    const events = list.flatMap((e) => [
      { t: e.start, d: 1 },
      { t: e.end ?? Infinity, d: -1 },
    ]);
    events.sort((a, b) => a.t - b.t || a.d - b.d);
    let cur = 0;
    for (const ev of events) {
      cur += ev.d;
      maxInFlightPerJob = Math.max(maxInFlightPerJob, cur);
    }
    const tracked = trackedAt.get(job.id)!;
    const completes = completesAt.get(job.id)!;
    const retries429 = list.filter((e) => e.status === 429).length;
    const bound = requestBound(completes - tracked) + retries429;
    if (list.length > bound) overBound.push(`${job.id}: ${list.length} > ${bound}`);
    const seen = noticed.get(job.id);
    if (seen !== undefined) {
      const delay = seen - completes;
      delays.push(delay);
      // The poll that noticed it is the job's last; the interval before it is the one in force at completion.
      const interval = gapBefore(list.length - 1 - retries429);
      delayOverInterval.push(delay / interval);
      if (delay > interval && retries429 === 0) late.push(`${job.id}: ${delay.toFixed(0)} ms > ${interval.toFixed(0)} ms`);
    }
  }
  // Overall concurrency on the server.
  const all = busyLog.flatMap((e) => [
    { t: e.start, d: 1 },
    { t: e.end ?? Infinity, d: -1 },
  ]);
  all.sort((a, b) => a.t - b.t || a.d - b.d);
  let cur = 0;
  let maxConcurrent = 0;
  for (const ev of all) {
    cur += ev.d;
    maxConcurrent = Math.max(maxConcurrent, cur);
  }
  // Retry-After: per job (the same job's next request) and per account (any request started before it expired).
  const r429 = busyLog.filter((e) => e.status === 429 && e.end !== undefined);
  const retryAfter = r429.map((e) => {
    const until = e.end! + Number(e.retryAfter ?? 0) * 1000;
    const sameJob = busyLog.find((x) => x.jobId === e.jobId && x.start > e.end!);
    // Requests that reach the server within a few ms of the 429's end were already on their way (sent with it,
    // e.g. released together from a previous wait); only those sent after the client had the 429 count.
    const IN_FLIGHT_MS = 10;
    const others = busyLog.filter((x) => x.start > e.end! + IN_FLIGHT_MS && x.start < until - 1);
    const alreadySent = busyLog.filter((x) => x.start > e.end! && x.start <= e.end! + IN_FLIGHT_MS).length;
    return {
      offsetsMs: others.map((x) => Math.round(x.start - e.end!)),
      alreadySent,
      jobNextAfterMs: sameJob ? sameJob.start - e.end! : undefined,
      retryAfterMs: Number(e.retryAfter ?? 0) * 1000,
      requestsBeforeExpiry: others.length,
      requestsBeforeExpirySameJob: others.filter((x) => x.jobId === e.jobId).length,
    };
  });
  const perJobS = summarise(perJob);
  const delayS = summarise(delays);
  const ratioS = summarise(delayOverInterval);
  const seconds = (lastNoticed - t0) / 1000;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const maxTimeouts = Math.max(...samples.map((s) => s.timeouts));
  const text = [
    `**${name}** — ${jobs.length} jobs, completions ${Math.min(...completeAfter) / 1000}–${Math.max(...completeAfter) / 1000} s after submit; all noticed after ${seconds.toFixed(1)} s; ${busyLog.length} polls`,
    '',
    '| measure | value | target |',
    '|---|---|---|',
    `| requests per job, median (min–max) | ${fmt(perJobS, 0)} | within the schedule's bound: ${overBound.length === 0 ? 'all within' : `${overBound.length} over`} |`,
    `| max requests in flight for one job (server side) | ${maxInFlightPerJob} | ≤ 1 |`,
    `| max requests in flight overall | ${maxConcurrent} | (cap ${SCHEDULE.maxConcurrent}) |`,
    `| requests while nothing is active (2 s before, 3 s after) | ${idleBefore.length} before, ${idleAfter} after | 0 |`,
    `| poller/store timers alive: idle before, max while busy, idle after | ${idleTimersBefore}/${idleTimersAfter}, ${clock.maxLive}, ${idleAfterTimers} | ≤ 1 + 1 (poll + lazy write) |`,
    `| process Timeout handles: max while busy, 3 s after idle | ${maxTimeouts}, ${idleAfterTimeouts} | |`,
    `| completion → noticed, ms median (min–max) | ${fmt(delayS, 0)} | ≤ one interval |`,
    `| same, as a fraction of the interval in force | ${fmt(ratioS, 2)} | ≤ 1 (${late.length} late) |`,
    `| CPU (poller + store + client) | ${cpuMs.toFixed(0)} ms = ${(cpuMs / busyLog.length).toFixed(2)} ms/request, ${((cpuMs / (seconds * 1000)) * 100).toFixed(1)} % of a core | |`,
    ...(r429.length > 0
      ? [
          `| 429 answers | ${r429.length} (Retry-After 2 s) | |`,
          `| same job's next request after a 429, ms | ${retryAfter.map((r) => (r.jobNextAfterMs ?? NaN).toFixed(0)).join(', ')} | ≥ 2000 |`,
          `| requests (any job) sent after a 429 arrived, before its Retry-After expired | ${retryAfter.map((r) => r.requestsBeforeExpiry).join(', ')} (already on the wire with it: ${retryAfter.map((r) => r.alreadySent).join(', ')}) | 0 (rate limits are per account) |`,
          `| jobs noticed later than one interval because the account was told to wait | ${late.length} | (expected: Retry-After wins) |`,
        ]
      : []),
  ].join('\n');
  return {
    name,
    jobs: jobs.length,
    text,
    data: {
      schedule: SCHEDULE,
      seconds,
      polls: busyLog.length,
      perJob: perJobS,
      overBound,
      maxInFlightPerJob,
      maxConcurrent,
      idleBefore: idleBefore.length,
      idleAfter,
      idleTimersBefore,
      idleTimersAfter,
      maxPollerTimers: clock.maxLive,
      idleAfterTimers,
      maxTimeouts,
      idleAfterTimeouts,
      timersCreated: clock.created,
      delay: delayS,
      delayOverInterval: ratioS,
      late,
      cpuMs,
      apiLoads,
      faultInjectedAt: faultInjectedAt !== undefined ? faultInjectedAt - t0 : undefined,
      retryAfter,
    },
  };
}

async function main(): Promise<void> {
  const n = Number(arg('jobs', '200'));
  const which = arg('scenario', 'AB');
  const fake = await FakeHostClient.start();
  const results: ScenarioResult[] = [];
  try {
    if (which.includes('A')) {
      // Completion times spread evenly over 2–40 s (a deterministic shuffle so neighbours differ).
      const times = Array.from({ length: n }, (_, i) => 2_000 + Math.round(((i * 7919) % n) * (38_000 / n)));
      results.push(await scenario(fake, `A: ${n} concurrent jobs`, times));
    }
    if (which.includes('B')) {
      const m = Math.max(10, Math.round(n / 4));
      const times = Array.from({ length: m }, (_, i) => 3_000 + Math.round(((i * 7919) % m) * (12_000 / m)));
      results.push(await scenario(fake, `B: ${m} jobs, 3 × 429 Retry-After: 2 at t = 2.5 s`, times, 2_500));
    }
  } finally {
    await fake.stop();
  }
  const file = writeResult('polling', { machine: machine(), results: results.map((r) => ({ name: r.name, jobs: r.jobs, ...r.data })) });
  process.stdout.write(results.map((r) => r.text).join('\n\n') + `\n(raw: ${file})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
