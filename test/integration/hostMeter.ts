/**
 * What a person feels of the extension host while something runs in it: how late its event loop gets to
 * work (`perf_hooks.monitorEventLoopDelay`) and how much its resident memory grows. Used by the integration
 * tier's download test and by the bench probes, inside the real extension host.
 */
import * as fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface HostLoad {
  durationMs: number;
  /** Event-loop delay: 99th percentile and maximum, ms. */
  delayP99Ms: number;
  delayMaxMs: number;
  /** Resident set size when the window opened, and its peak during it, MiB. */
  rssBeforeMiB: number;
  rssPeakMiB: number;
  rssGrowthMiB: number;
}

export interface HostMeter {
  stop(): HostLoad;
}

const MiB = 1024 * 1024;
const RSS_SAMPLE_MS = 20;
/**
 * Node's histogram holds the time between the ticks of a timer armed every `RESOLUTION_MS`; how late the loop
 * was is that time less the resolution.
 */
const RESOLUTION_MS = 10;

function lateness(histogramNs: number): number {
  return Math.max(0, histogramNs / 1e6 - RESOLUTION_MS);
}

/** The kernel's peak RSS of this process (VmHWM), in bytes; undefined where /proc does not tell. */
function peakRss(): number | undefined {
  try {
    const kib = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

/** Resets VmHWM to the current RSS (Linux), so it then reports the peak of this window alone. */
function resetPeakRss(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts measuring. The peak RSS is the kernel's exact one where it can be reset (Linux), else the highest
 * of samples taken every 20 ms (which cost the host a little work of their own).
 */
export function startHostMeter(): HostMeter {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const before = process.memoryUsage.rss();
  const exactPeak = resetPeakRss();
  let sampledPeak = before;
  const sampler = exactPeak ? undefined : setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss())), RSS_SAMPLE_MS);
  const started = performance.now();
  delay.enable();
  return {
    stop(): HostLoad {
      delay.disable();
      clearInterval(sampler);
      const peak = Math.max(sampledPeak, process.memoryUsage.rss(), (exactPeak ? peakRss() : undefined) ?? 0);
      return {
        durationMs: performance.now() - started,
        delayP99Ms: lateness(delay.percentile(99)),
        delayMaxMs: lateness(delay.max),
        rssBeforeMiB: before / MiB,
        rssPeakMiB: peak / MiB,
        rssGrowthMiB: (peak - before) / MiB,
      };
    },
  };
}

/**
 * Waits until the host is quiet (a second in which its event loop was never more than 20 ms late), so that
 * what is measured next is not the workbench's start-up or an earlier test's tail. Gives up after `limitMs`;
 * resolves with the time it waited.
 */
export async function waitForQuietHost(limitMs = 30_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    delay.enable();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    delay.disable();
    if (lateness(delay.max) < 20) break;
  }
  return performance.now() - started;
}
