/**
 * Download bench: the extension's downloader vs `curl -s -o` (and curl then `sync FILE`: the extension fsyncs the
 * file before naming it, curl does not) vs the OpenRouter guide's
 * `Buffer.from(await res.arrayBuffer())` + writeFile (and a plain undici → fs stream.pipeline), on the same
 * generated body served by the fake OpenRouter on loopback in its own process. Runs alternate
 * (ext, curl, guide, pipeline, ext, …); each is a fresh process; files are deleted between runs.
 *
 *   node out/bench/download/run.js [--sizes 64,1024] [--runs64 7] [--runs1024 3] [--modes ext,curl,curl-sync,guide,pipeline]
 *                                  [--baseline <checkout>]
 *
 * --baseline adds the mode `ext-base`: the same worker from another (compiled) checkout, e.g. the commit
 * before a change, alternating with the others; `ext-base-go` and `ext-base-go-1s` are its go modes (the baseline's
 * worker must know BENCH_WAIT_FOR_GO, i.e. be from this commit or later).
 *
 * Every run starts by deleting the previous run's file and syncing (`freePrevious`). curl starts right after that;
 * a Node worker starts its process after it, so that by its download that process's own start-up has run in
 * between. The go modes take the start-up out: `ext-go` is `ext` whose worker is started first and waits, idle, until
 * the previous file is freed, then starts at once, as curl does (the extension host is a long-lived process: no
 * download follows its start-up by a few milliseconds).
 *
 * Diagnostics of the machine (not in the default modes): `ext-freed`, `ext-freed-1s`, `ext-kept` (see worker.ts),
 * `curl-1s` (curl started 1 s after the previous run's file was freed, instead of at once), `ext-go-1s` (the
 * same for `ext-go`), `ext-go-1s-busy` (`ext-go-1s` with 10 ms of CPU work right before the transfer, as curl's
 * own start-up comes right before curl's timer) and `ext-go-1s-poll` (`ext-go-1s` that polls and writes the store
 * after the go, right before the transfer, as the extension host does).
 */
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeHostClient } from '../lib/fakeHost';
import { fmt, machine, MiB, summarise, writeResult } from '../lib/stats';

interface Sample {
  mode: string;
  sizeMiB: number;
  round: number;
  bytes: number;
  /** Wall time of the transfer as the tool measures it (curl: time_total; node: around the call). */
  ms: number;
  /** curl: its first byte received (time_starttransfer); ext modes: the first byte written into the `.part`. */
  firstByteMs?: number;
  /** Node modes: when the last byte was written (the ext renames after this). */
  lastByteMs?: number;
  /** ext modes: when the file's fsync had finished (`DownloadResult.durable`), the durability of curl + sync. */
  durableMs?: number;
  /** Max RSS of the whole process (GNU time %M), KiB. */
  maxRssKiB: number;
  /** Node modes: RSS after loading modules, before the download; growth = VmHWM − that. */
  baselineKiB?: number;
  growthKiB?: number;
  cpuMs?: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const WORKER = path.join(__dirname, 'worker.js');
const NODE_MODES = new Set(['ext', 'ext-go', 'ext-go-1s', 'ext-warm', 'ext-base', 'ext-base-go', 'ext-base-go-1s', 'ext-go-1s-busy', 'ext-go-1s-poll', 'ext-freed', 'ext-freed-1s', 'ext-kept', 'guide', 'pipeline']);
const CURL_MODES = new Set(['curl', 'curl-sync', 'curl-1s']);
/** Modes whose worker waits for go (see worker.ts): the worker's mode, and the wait between freeing and go. */
const GO_MODES: Record<string, { workerMode: string; waitMs: number; busyMs?: number; pollAfterGo?: boolean }> = {
  'ext-go': { workerMode: 'ext', waitMs: 0 },
  'ext-go-1s': { workerMode: 'ext', waitMs: 1000 },
  'ext-go-1s-busy': { workerMode: 'ext', waitMs: 1000, busyMs: 10 },
  'ext-go-1s-poll': { workerMode: 'ext', waitMs: 1000, pollAfterGo: true },
  'ext-base-go': { workerMode: 'ext', waitMs: 0 },
  'ext-base-go-1s': { workerMode: 'ext', waitMs: 1000 },
};
const BASELINE = arg('baseline', '');
const BASE_WORKER = BASELINE ? path.join(path.resolve(BASELINE), 'out', 'bench', 'download', 'worker.js') : '';

/**
 * Runs a command under GNU time. With `onReady`, the command is a worker in go mode: once it prints "ready",
 * `onReady` runs and then the worker is told to go.
 */
function timed(
  command: string,
  args: string[],
  go?: { onReady: () => Promise<void>; busyMs?: number; pollAfterGo?: boolean },
): Promise<{ stdout: string; stderr: string; maxRssKiB: number; code: number }> {
  const onReady = go?.onReady;
  return new Promise((resolve, reject) => {
    // GNU time writes "%M" (max RSS, KiB) as the last line of stderr.
    const child = cp.spawn('/usr/bin/time', ['-f', '__MAXRSS__ %M', command, ...args], {
      stdio: [onReady ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      env: onReady
        ? { ...process.env, BENCH_WAIT_FOR_GO: '1', BENCH_BUSY_MS: String(go.busyMs ?? 0), BENCH_POLL_AFTER_GO: go.pollAfterGo ? '1' : '0' }
        : process.env,
    });
    let stdout = '';
    let stderr = '';
    let told = false;
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (onReady && !told && stdout.includes('ready\n')) {
        told = true;
        onReady().then(
          () => child.stdin!.end('go\n'),
          (error: unknown) => {
            child.stdin!.end(); // the worker exits when its stdin ends without a go
            child.kill();
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      }
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /__MAXRSS__ (\d+)/.exec(stderr);
      resolve({ stdout, stderr: stderr.replace(/__MAXRSS__ \d+\n?/, ''), maxRssKiB: m ? Number(m[1]) : NaN, code: code ?? 1 });
    });
  });
}

/**
 * Deletes the previous run's file and lets the disk settle, then waits `waitMs`: freeing a written GiB (this disk
 * is mounted with `discard`) and the page cache's leftovers otherwise land on whichever candidate runs next
 * (measured: the one after a deletion ran up to 2× slower, whichever it was).
 */
async function freePrevious(target: string, waitMs: number): Promise<void> {
  fs.rmSync(target, { force: true });
  fs.rmSync(`${target}.part`, { force: true });
  const synced = cp.spawnSync('sync');
  if (synced.status !== 0) throw new Error(`sync failed: ${String(synced.stderr)}`);
  if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
}

/** One run. The previous run's file is still there: it is freed right before this run's transfer starts. */
async function runOne(mode: string, url: string, key: string, target: string, bytes: number): Promise<Omit<Sample, 'sizeMiB' | 'round'>> {
  let sample: Omit<Sample, 'sizeMiB' | 'round'>;
  if (CURL_MODES.has(mode)) {
    await freePrevious(target, mode === 'curl-1s' ? 1000 : 0);
    const r = await timed('curl', ['-s', '-S', '-f', '-o', target, '-H', `Authorization: Bearer ${key}`, '-w', '%{time_total} %{size_download} %{time_starttransfer}', url]);
    if (r.code !== 0) throw new Error(`curl failed (${r.code}): ${r.stderr}`);
    const [seconds, size, firstByte] = r.stdout.trim().split(' ').map(Number);
    sample = { mode, bytes: size!, ms: seconds! * 1000, firstByteMs: firstByte! * 1000, maxRssKiB: r.maxRssKiB };
    if (mode === 'curl-sync') {
      // The same durability as the extension (it fsyncs before giving the file its name): coreutils `sync FILE`.
      sample.lastByteMs = sample.ms;
      const t = performance.now();
      const synced = cp.spawnSync('sync', [target]);
      if (synced.status !== 0) throw new Error(`sync failed: ${synced.stderr}`);
      sample.ms += performance.now() - t;
    }
  } else {
    const go = GO_MODES[mode];
    const worker = mode.startsWith('ext-base') ? BASE_WORKER : WORKER;
    const workerMode = mode === 'ext-base' ? 'ext' : (go?.workerMode ?? mode);
    const args = ['--expose-gc', worker, workerMode, url, key, target, String(bytes)];
    let r: Awaited<ReturnType<typeof timed>>;
    if (go) {
      r = await timed(process.execPath, args, { onReady: () => freePrevious(target, go.waitMs), busyMs: go.busyMs, pollAfterGo: go.pollAfterGo });
    } else {
      await freePrevious(target, 0);
      r = await timed(process.execPath, args);
    }
    if (r.code !== 0) throw new Error(`${mode} worker failed (${r.code}): ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      bytes: number;
      ms: number;
      firstByteMs?: number;
      lastByteMs: number;
      durableMs?: number;
      baselineKiB: number;
      growthKiB: number;
      cpuMs: number;
    };
    sample = { mode, bytes: out.bytes, ms: out.ms, firstByteMs: out.firstByteMs, lastByteMs: out.lastByteMs, durableMs: out.durableMs, maxRssKiB: r.maxRssKiB, baselineKiB: out.baselineKiB, growthKiB: out.growthKiB, cpuMs: out.cpuMs };
  }
  const size = fs.statSync(target).size;
  if (size !== sample.bytes) throw new Error(`${mode}: ${size} bytes on disk, reported ${sample.bytes}`);
  return sample;
}

async function main(): Promise<void> {
  const sizes = arg('sizes', '64,1024').split(',').map(Number);
  const modes = arg('modes', 'ext,ext-go,ext-warm,curl,curl-sync,guide,pipeline').split(',');
  for (const m of modes) if (!NODE_MODES.has(m) && !CURL_MODES.has(m)) throw new Error(`unknown mode ${m}`);
  if (!BASELINE && modes.some((m) => m.startsWith('ext-base'))) throw new Error('the ext-base modes need --baseline <checkout>');
  if (BASELINE) {
    if (!fs.existsSync(BASE_WORKER)) throw new Error(`${BASE_WORKER} is missing: compile the baseline checkout (npx tsc -p .)`);
    if (!modes.some((m) => m.startsWith('ext-base'))) modes.splice(1, 0, 'ext-base');
  }
  const runsFor = (sizeMiB: number) => Number(arg(`runs${sizeMiB}`, sizeMiB >= 1024 ? '3' : '7'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orv-bench-download-'));
  const fake = await FakeHostClient.start();
  const samples: Sample[] = [];
  try {
    // A tiny body: curl's and node's RSS when there is nothing to hold.
    const small = await fake.createJobs([{ script: { body: { size: 4096 } }, completed: true }]);
    const baselines: Record<string, number> = {};
    for (const mode of modes) {
      baselines[mode] = (await runOne(mode, small[0]!.contentUrl, fake.info.apiKey, path.join(dir, 'small.mp4'), 4096)).maxRssKiB;
    }
    await freePrevious(path.join(dir, 'small.mp4'), 0);
    for (const sizeMiB of sizes) {
      const [job] = await fake.createJobs([{ script: { body: { size: sizeMiB * MiB } }, completed: true }]);
      const target = path.join(dir, `video-${sizeMiB}.mp4`);
      // One untimed warm-up of each, so the page cache and the fake's JIT are in the same state for all.
      for (const mode of modes) await runOne(mode, job!.contentUrl, fake.info.apiKey, target, sizeMiB * MiB);
      for (let round = 1; round <= runsFor(sizeMiB); round++) {
        // The order turns by one each round, so no candidate always runs first or after the same one.
        const order = modes.map((_, i) => modes[(i + round - 1) % modes.length]!);
        for (const mode of order) {
          const s = await runOne(mode, job!.contentUrl, fake.info.apiKey, target, sizeMiB * MiB);
          samples.push({ ...s, sizeMiB, round });
          process.stderr.write(
            `  ${sizeMiB} MiB #${round} ${mode.padEnd(10)} ${s.ms.toFixed(0).padStart(6)} ms  ${((s.bytes / MiB / s.ms) * 1000).toFixed(0).padStart(5)} MiB/s  ` +
              `maxRSS ${(s.maxRssKiB / 1024).toFixed(1)} MiB${s.growthKiB !== undefined ? `  growth ${(s.growthKiB / 1024).toFixed(1)} MiB` : ''}\n`,
          );
        }
      }
      await freePrevious(target, 0);
    }
    const report = summariseSamples(samples, sizes, modes, baselines);
    const file = writeResult('download', { machine: machine(), baselines, samples, report });
    process.stdout.write(report.text + `\n(raw: ${file})\n`);
  } finally {
    await fake.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function summariseSamples(samples: Sample[], sizes: number[], modes: string[], baselines: Record<string, number>) {
  const lines: string[] = [];
  const table: Record<string, unknown>[] = [];
  for (const sizeMiB of sizes) {
    const of = (mode: string) => samples.filter((s) => s.sizeMiB === sizeMiB && s.mode === mode);
    const curlByRound = new Map(of('curl').map((s) => [s.round, s]));
    const syncByRound = new Map(of('curl-sync').map((s) => [s.round, s]));
    lines.push(`\n### ${sizeMiB} MiB (${of(modes[0]!).length} runs each, alternating)\n`);
    lines.push(
      '| | throughput MiB/s (start → file complete under its name) | × curl (per round) | to first byte, ms | to last byte written, ms | × curl, to last byte | to fsync done, ms | × curl + sync, to fsync done | peak RSS MiB | RSS growth MiB | CPU ms |',
    );
    lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const mode of modes) {
      const list = of(mode);
      const tput = summarise(list.map((s) => (s.bytes / MiB / s.ms) * 1000));
      const ratio = summarise(
        list.map((s) => {
          const c = curlByRound.get(s.round);
          return c ? c.ms / s.ms : NaN;
        }),
      );
      const firstByte = summarise(list.map((s) => s.firstByteMs ?? NaN));
      const lastByte = summarise(list.map((s) => s.lastByteMs ?? NaN));
      // Durable: curl + sync against the ext's fsync done. A baseline from before `durable` existed (b138f4a and
      // older) fsynced before it resolved: its `ms`.
      const durableOf = (s: Sample) => (s.mode === 'curl-sync' ? s.ms : (s.durableMs ?? (s.mode === 'ext-base' ? s.ms : NaN)));
      const durable = summarise(list.map(durableOf));
      const ratioSync = summarise(
        list.map((s) => {
          const c = syncByRound.get(s.round);
          return c ? c.ms / durableOf(s) : NaN;
        }),
      );
      const ratioLastByte = summarise(
        list.map((s) => {
          const c = curlByRound.get(s.round);
          return c && s.lastByteMs !== undefined ? c.ms / s.lastByteMs : NaN;
        }),
      );
      const peak = summarise(list.map((s) => s.maxRssKiB / 1024));
      const growth = summarise(list.map((s) => (s.growthKiB ?? NaN) / 1024));
      const cpu = summarise(list.map((s) => s.cpuMs ?? NaN));
      table.push({ sizeMiB, mode, tput, ratio, ratioSync, firstByte, lastByte, ratioLastByte, durable, peak, growth, cpu, smallBodyMaxRssMiB: (baselines[mode] ?? NaN) / 1024 });
      lines.push(
        `| ${mode} | ${fmt(tput, 0)} | ${mode === 'curl' ? '1' : fmt(ratio, 2)} | ${fmt(firstByte, 1)} | ${fmt(lastByte, 0)} | ${fmt(ratioLastByte, 2)} | ${fmt(durable, 0)} | ${mode === 'curl-sync' ? '1' : fmt(ratioSync, 2)} | ${fmt(peak, 1)} | ${fmt(growth, 1)} | ${fmt(cpu, 0)} |`,
      );
    }
  }
  lines.push(
    `\nMax RSS of each tool fetching a 4 KiB body (its floor): ${modes.map((m) => `${m} ${((baselines[m] ?? NaN) / 1024).toFixed(1)} MiB`).join(', ')}.`,
  );
  return { text: lines.join('\n'), table };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
