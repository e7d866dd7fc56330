/**
 * One download in a fresh process, for a fair peak RSS. Usage:
 *   node out/bench/download/worker.js <ext|guide|pipeline|…> <url> <apiKey> <targetPath> [<body bytes>]
 * Prints one JSON line: { mode, bytes, ms, firstByteMs, lastByteMs, durableMs, baselineKiB, peakKiB, growthKiB, cpuMs }.
 *   ext       the extension's downloader (src/core/download/downloader.ts) over its client, the first download in
 *             the process, as the first video of a session: the downloader's code is cold, but, as in the extension
 *             host, the client has just polled the job (the poll that saw it completed) and the process has written
 *             a file (the job store); `ms` ends when it resolves (the file is complete under its name), `durableMs`
 *             when its fsync has finished (`DownloadResult.durable`)
 *   ext-warm  the same after one untimed download of the same URL in the same process (as any later video: the
 *             extension host is a long-lived process)
 *   ext-freed, ext-freed-1s, ext-kept
 *             diagnostics of the machine, not of the extension: ext, after the process wrote a file of the download's
 *             size into the same folder and deleted it, 50 ms (ext-freed) or 1 s (ext-freed-1s) before the download
 *             starts, or kept it until after (ext-kept). All three make the same writes first; what differs is what
 *             the kernel has just freed (BENCHMARKS.md, "What the first download's shortfall is made of")
 *   guide     the OpenRouter guide: fetch → Buffer.from(await res.arrayBuffer()) → fs.writeFile
 *   pipeline  undici request() piped into fs.createWriteStream with stream.pipeline (the obvious streaming one-liner)
 * With BENCH_WAIT_FOR_GO=1 in the environment, the worker prints "ready" once it is set up and idle and starts the
 * download when a line arrives on stdin (run.ts's `ext-go` modes); with BENCH_BUSY_MS=n it then keeps the CPU busy
 * for n ms before the download starts (`ext-go-1s-busy`); with BENCH_POLL_AFTER_GO=1 it makes the poll and the store
 * write again after the go, right before the download, as the extension host does (`ext-go-1s-poll`).
 * Baseline RSS is taken after the modules are loaded (and a GC when --expose-gc is given); the peak is VmHWM,
 * reset to the baseline just before the download starts.
 */
import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { procMemory, resetPeakRss } from '../lib/stats';

async function main(): Promise<void> {
  const [mode, url, apiKey, target, sizeArg] = process.argv.slice(2);
  const scratchBytes = Number(sizeArg);
  if (!mode || !url || !apiKey || !target) throw new Error('usage: worker.js <mode> <url> <apiKey> <target> [<body bytes>]');
  const headers = { Authorization: `Bearer ${apiKey}`, 'User-Agent': 'bench' };

  // Load everything the mode needs before the baseline.
  /** `onFirstByte` is called by the ext modes, after the first write into the `.part`. */
  let run: (onLastByte: () => void, onFirstByte?: () => void) => Promise<{ bytes: number; durable?: Promise<unknown> }>;
  let cleanup: () => Promise<void> | void = () => undefined;
  const extModes = ['ext', 'ext-warm', 'ext-freed', 'ext-freed-1s', 'ext-kept'];
  let idleMs = 50;
  /** Run after the go (BENCH_POLL_AFTER_GO=1), right before the timer starts. */
  let beforeDownload: () => Promise<void> = async () => undefined;
  /** ext-kept's file: deleted once the figures are out, so that neither the time nor the CPU counts the deletion. */
  let keptScratch: string | undefined;
  if (extModes.includes(mode)) {
    const { createVideoApi } = await import('../../src/core/api/openRouterClient.js');
    const { downloadOutput } = await import('../../src/core/download/downloader.js');
    const baseUrl = new URL('/api/v1', url).toString();
    const api = createVideoApi({ baseUrl, keyProvider: () => apiKey, userAgent: 'bench' });
    cleanup = () => api.dispose();
    // What the extension host has always done just before a download: the poll that saw the job completed (same
    // client, same connection pool) and a job store write.
    const jobId = /\/videos\/([^/?]+)\/content/.exec(url)?.[1];
    const pollAndStore = async () => {
      if (jobId) await api.getJob(jobId);
      const storeFile = `${target}.store.json`;
      const store = await fs.promises.open(storeFile, 'w');
      await store.writeFile('{"jobs":[]}');
      await store.sync();
      await store.close();
      await fs.promises.rm(storeFile);
    };
    await pollAndStore();
    // The go modes with a poll: the poll above stands for the job's earlier polls; this one, after the go, is the
    // poll that saw it completed, as the extension host makes it right before a download.
    if (process.env.BENCH_POLL_AFTER_GO === '1') beforeDownload = pollAndStore;
    run = async (onLastByte, onFirstByte) => {
      let first = true;
      const result = await downloadOutput(api, {
        url,
        targetPath: target,
        onProgress: (received, total) => {
          if (first && received > 0) {
            first = false;
            onFirstByte?.();
          }
          if (total !== undefined && received === total) onLastByte();
        },
      });
      return { bytes: result.bytes, durable: result.durable };
    };
    if (mode === 'ext-warm') {
      const warm = await run(() => undefined);
      await warm.durable;
      await fs.promises.rm(target, { force: true });
    }
    if (mode === 'ext-freed' || mode === 'ext-freed-1s' || mode === 'ext-kept') {
      if (!(scratchBytes > 0)) throw new Error(`${mode} needs the body's size (the fifth argument)`);
      writeScratch(`${target}.scratch`, scratchBytes);
      if (mode === 'ext-kept') keptScratch = `${target}.scratch`;
      else await fs.promises.rm(`${target}.scratch`);
      if (mode === 'ext-freed-1s') idleMs = 1000;
    }
  } else if (mode === 'guide') {
    void globalThis.fetch; // Node loads its bundled undici on first touch
    run = async (onLastByte) => {
      const res = await fetch(url, { headers });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const buffer = Buffer.from(await res.arrayBuffer());
      onLastByte();
      await fs.promises.writeFile(target, buffer);
      return { bytes: buffer.length };
    };
  } else if (mode === 'pipeline') {
    const { request } = await import('undici');
    run = async (onLastByte) => {
      const res = await request(url, { headers });
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
      await pipeline(res.body, fs.createWriteStream(target));
      onLastByte();
      return { bytes: (await fs.promises.stat(target)).size };
    };
  } else {
    throw new Error(`unknown mode ${mode}`);
  }

  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((r) => setTimeout(r, idleMs));
  if (process.env.BENCH_WAIT_FOR_GO === '1') {
    // run.ts's go modes: the process is up and idle; the bench frees the previous run's file now, as it does right
    // before curl starts, and then says go.
    process.stdout.write('ready\n');
    await new Promise<void>((resolve) => {
      process.stdin.once('data', () => resolve());
      // The bench gave up (it could not free the previous file): no go will come.
      process.stdin.once('end', () => process.exit(2));
    });
    process.stdin.pause();
  }
  const busyMs = Number(process.env.BENCH_BUSY_MS ?? 0);
  if (busyMs > 0) {
    // run.ts's `ext-go-1s-busy`: this many ms of CPU right before the transfer, as curl's own start-up runs right
    // before curl's timer starts.
    const until = performance.now() + busyMs;
    while (performance.now() < until);
  }
  await beforeDownload();
  const baseline = procMemory().rssKiB;
  const canReset = resetPeakRss();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let lastByte = NaN;
  let firstByte: number | undefined;
  const { bytes, durable } = await run(
    () => (lastByte = performance.now() - t0),
    () => (firstByte = performance.now() - t0),
  );
  const ms = performance.now() - t0;
  await durable;
  const durableMs = performance.now() - t0;
  await cleanup();
  const cpu = process.cpuUsage(cpu0);
  const mem = procMemory();
  const size = (await fs.promises.stat(target)).size;
  if (size !== bytes) throw new Error(`file has ${size} bytes, expected ${bytes}`);
  process.stdout.write(
    JSON.stringify({
      mode,
      bytes,
      ms,
      firstByteMs: firstByte,
      lastByteMs: lastByte,
      durableMs: durable ? durableMs : undefined,
      baselineKiB: baseline,
      peakKiB: mem.hwmKiB,
      growthKiB: canReset ? mem.hwmKiB - baseline : NaN,
      cpuMs: (cpu.user + cpu.system) / 1000,
    }) + '\n',
  );
  if (keptScratch) await fs.promises.rm(keptScratch, { force: true });
}

/** Writes `bytes` into a new file, 1 MiB at a time, and closes it (no fsync): as a download would, minus the network. */
function writeScratch(file: string, bytes: number): void {
  const block = Buffer.alloc(1024 * 1024, 0x5a);
  const fd = fs.openSync(file, 'w');
  try {
    for (let at = 0; at < bytes; at += block.length) fs.writeSync(fd, block, 0, Math.min(block.length, bytes - at), at);
  } finally {
    fs.closeSync(fd);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
