/**
 * A large download in the real extension host stays within the budgets of docs/performance.md: while a
 * 300 MiB video streams in over loopback as fast as the extension takes it, the host's event loop is never
 * late by more than 100 ms (99% of the time by at most 20 ms), and its resident memory grows by at most
 * 96 MiB. The fake runs in a child process, so the host's thread only does the extension's work. When the
 * event-loop figures miss, the video is downloaded once more and that one is judged (both are printed): other
 * work on a shared machine delays the host's timers whatever the extension does.
 * `npm run bench -- download` measures the same at 1 GiB too.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { generatedBytes } from '../fake-openrouter/fakeOpenRouter';
import { startFakeProcess, type FakeProcess } from './fakeProcess';
import { cleanUpJobsAfterEach, ENV_KEY, generate, generateArgs, getApi, waitForJob } from './helpers';
import { startHostMeter, waitForQuietHost, type HostLoad, type HostMeter } from './hostMeter';

const MiB = 1024 * 1024;
const SIZE = 300 * MiB;
const BUDGET = { delayP99Ms: 20, delayMaxMs: 100, rssGrowthMiB: 96 };

describe('A 300 MiB download in the extension host', () => {
  cleanUpJobsAfterEach();
  let fake: FakeProcess;
  let previous: string | undefined;

  before(async () => {
    fake = await startFakeProcess({ apiKeys: [ENV_KEY], defaultScript: { statuses: ['completed'], body: { size: SIZE } } });
    const config = vscode.workspace.getConfiguration('openrouterVideo');
    previous = config.inspect<string>('apiBaseUrl')?.globalValue;
    await config.update('apiBaseUrl', fake.baseUrl, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('openrouterVideo').update('apiBaseUrl', previous, vscode.ConfigurationTarget.Global);
    await fake?.close();
  });

  /** Downloads the video once, checks every byte, and says how the host fared meanwhile. */
  async function downloadOnce(): Promise<{ load: HostLoad; figures: string }> {
    const api = await getApi();
    await waitForQuietHost(15_000);
    const known = new Set(api.getJobs().map((r) => r.clientId));
    const requestsBefore = (await fake.requests()).filter((r) => r.path.endsWith('/content')).length;
    let meter: HostMeter | undefined;
    let load: HostLoad | undefined;
    const watching = api.onDidChangeJobs((jobs) => {
      const job = jobs.find((r) => !known.has(r.clientId));
      if (job?.state === 'downloading') meter ??= startHostMeter();
      else if (job && meter && !load) load = meter.stop();
    });
    try {
      const jobId = await generate(generateArgs('A slow pan over a very long video, integration test'));
      const record = await waitForJob(jobId, 4 * 60_000);
      assert.equal(record.state, 'saved', `ended ${record.state}: ${JSON.stringify(record.error ?? null)}`);
      const file = record.outputs[0]?.file;
      assert.ok(file, 'the record names the saved file');
      assert.equal(fs.statSync(file).size, SIZE);
      // Every 64-byte line of the fake's body starts with its own offset: spot checks find any misplaced bytes.
      const fd = fs.openSync(file, 'r');
      try {
        for (const at of [0, 1234567, SIZE / 2 + 61, SIZE - 4096]) {
          const bytes = Buffer.alloc(4096);
          fs.readSync(fd, bytes, 0, bytes.length, at);
          assert.ok(bytes.equals(generatedBytes(SIZE, at, at + bytes.length)), `bytes at ${at} are the fake's`);
        }
      } finally {
        fs.closeSync(fd);
      }
    } finally {
      watching.dispose();
      if (meter && !load) load = meter.stop();
    }
    assert.ok(load, 'the job was seen downloading');
    const contentRequests = (await fake.requests()).filter((r) => r.path.endsWith('/content')).length - requestsBefore;
    assert.equal(contentRequests, 1, 'one content request: no restart');
    assert.ok(load.rssGrowthMiB <= BUDGET.rssGrowthMiB, `RSS growth over ${BUDGET.rssGrowthMiB} MiB: ${figuresOf(load)}`);
    return { load, figures: figuresOf(load) };
  }

  function figuresOf(load: HostLoad): string {
    return `${(SIZE / MiB / (load.durationMs / 1000)).toFixed(0)} MiB/s; event-loop delay p99 ${load.delayP99Ms.toFixed(1)} ms, max ${load.delayMaxMs.toFixed(1)} ms; RSS ${load.rssBeforeMiB.toFixed(0)} → ${load.rssPeakMiB.toFixed(0)} MiB; machine load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`;
  }

  const responsive = (load: HostLoad) => load.delayP99Ms <= BUDGET.delayP99Ms && load.delayMaxMs <= BUDGET.delayMaxMs;

  it('keeps the host responsive and its memory flat, and saves every byte', async function () {
    this.timeout(10 * 60_000);
    let { load, figures } = await downloadOnce();
    console.log(`      (${figures})`);
    if (!responsive(load)) {
      // Other work on a shared machine delays the host's timers whatever the extension does: one more download
      // tells a busy minute from a slow design. Both figures are printed.
      console.log('      the event-loop delay missed its budget; downloading once more');
      ({ load, figures } = await downloadOnce());
      console.log(`      (${figures})`);
    }
    assert.ok(load.delayP99Ms <= BUDGET.delayP99Ms, `event-loop delay p99 over ${BUDGET.delayP99Ms} ms: ${figures}`);
    assert.ok(load.delayMaxMs <= BUDGET.delayMaxMs, `event-loop delay max over ${BUDGET.delayMaxMs} ms: ${figures}`);
  });
});
