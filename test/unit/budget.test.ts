/**
 * The budget: the one check every submit passes. Over the limit, nothing is written and no request reaches
 * OpenRouter (asserted on the fake's request log); the error carries what was spent, what the submit counts
 * and which limit it hit.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OpenRouterError } from '../../src/core/api/errors';
import type { VideoRequest } from '../../src/core/api/videoRequest';
import { planSubmit } from '../../src/core/jobs/submitPlan';
import { budgetVerdict, SpendBudget, type BudgetLimits } from '../../src/core/money/budget';
import { budgetCharge } from '../../src/core/money/budgetCharge';
import { SpendLedger } from '../../src/core/money/ledger';
import { spendEntryOf, type SpendEntry } from '../../src/core/money/spendEntry';
import { estimateCost } from '../../src/core/pricing/estimateCost';
import { systemClock } from '../../src/core/shared/clock';
import { model } from './helpers/capturedModels';
import { FakeClock } from './helpers/fakeClock';
import { openCoreWindow, suiteFake, type CoreWindow } from './helpers/coreWindow';

const veo = model('google/veo-3.1');
const REQUEST: VideoRequest = { model: veo.id, prompt: 'A red fox in fresh snow', duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: false };
// 4 s × $0.20/s without audio
const COST = 0.8;

function spent(id: string, usd: number, at: number, fields: Partial<SpendEntry> = {}): SpendEntry {
  return { id, at, updated: at, model: veo.id, state: 'saved', costUsd: usd, ...fields };
}

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'budget-'));
}

describe('budgetVerdict', () => {
  const limits: BudgetLimits = { dailyUsd: 20, monthlyUsd: 0 };
  it('fits exactly at the limit, refuses a cent over, and treats 0 as no limit', () => {
    assert.deepEqual(budgetVerdict({ todayUsd: 19.2, monthUsd: 19.2 }, limits, 0.8), { ok: true });
    assert.deepEqual(budgetVerdict({ todayUsd: 19.21, monthUsd: 19.21 }, limits, 0.8), { ok: false, limit: 'daily', limitUsd: 20, spentUsd: 19.21 });
    assert.deepEqual(budgetVerdict({ todayUsd: 500, monthUsd: 500 }, { dailyUsd: 0, monthlyUsd: 0 }, 5), { ok: true });
    assert.deepEqual(budgetVerdict({ todayUsd: 1, monthUsd: 99.5 }, { dailyUsd: 20, monthlyUsd: 100 }, 0.8), { ok: false, limit: 'monthly', limitUsd: 100, spentUsd: 99.5 });
  });
});

describe('SpendBudget totals (local calendar, ledger overlaid with this window)', () => {
  it('counts today for the day, the whole month for the month, and not last month', async () => {
    const dir = await tempDir();
    const ledger = new SpendLedger(dir);
    const now = new Date(2026, 11, 15, 9, 0).getTime();
    await ledger.append(spent('today', 1.25, new Date(2026, 11, 15, 0, 5).getTime()));
    await ledger.append(spent('earlier', 3, new Date(2026, 11, 2, 18, 0).getTime()));
    await ledger.append(spent('lastMonth', 50, new Date(2026, 10, 30, 23, 0).getTime()));
    await ledger.append(spent('refused', 0, now, { state: 'rejected', costUsd: undefined, estimateUsd: 9 }));
    const local: SpendEntry = { id: 'running', at: now, updated: now, model: veo.id, state: 'pending', estimateUsd: 0.8 };
    const budget = new SpendBudget({ ledger, clock: new FakeClock(now), limits: () => ({ dailyUsd: 20, monthlyUsd: 10 }), localEntries: () => [local] });
    const left = await budget.remaining();
    assert.equal(left.todayUsd, 2.05);
    assert.equal(left.monthUsd, 5.05);
    assert.equal(left.dailyLeftUsd, 17.95);
    assert.equal(left.monthlyLeftUsd, 4.95);
    assert.equal(left.leftUsd, 4.95);
    await assert.rejects(budget.check({ budget: { usd: 5, basis: 'estimate' } }), (e: unknown) => {
      assert.ok(OpenRouterError.is(e));
      assert.equal(e.reason, 'overBudget');
      assert.equal(e.params['limit'], 'monthly');
      assert.equal(e.params['spentUsd'], 5.05);
      return true;
    });
  });
});

describe('budgetCharge: what a submit counts', () => {
  it('a per-second estimate as it is; a token estimate as approximate', () => {
    const seedance = model('bytedance/seedance-2.0');
    const request: VideoRequest = { model: seedance.id, prompt: 'p', duration: 5, resolution: '720p', aspectRatio: '16:9' };
    assert.deepEqual(budgetCharge(veo, REQUEST, estimateCost(veo, REQUEST)), { usd: COST, basis: 'estimate' });
    assert.deepEqual(budgetCharge(seedance, request, estimateCost(seedance, request)), { usd: 0.756, basis: 'approximate' });
  });
  it('no usable rule: the highest per-second price × duration', () => {
    const wan = model('alibaba/wan-3.0');
    const request: VideoRequest = { model: wan.id, prompt: 'p', duration: 5, resolution: '4K' };
    assert.equal(estimateCost(wan, request).kind, 'unavailable');
    assert.deepEqual(budgetCharge(wan, request, estimateCost(wan, request)), { usd: 1, basis: 'ceiling', seconds: 5, perSecondUsd: 0.2 });
  });
  it('a model with no price at all counts its minimum, and says it cannot be counted', () => {
    const aleph = model('runway/aleph-2');
    const request: VideoRequest = { model: aleph.id, prompt: 'p' };
    assert.deepEqual(budgetCharge(aleph, request, estimateCost(aleph, request)), { usd: 0.56, basis: 'uncounted' });
  });
});

describe('the budget check on every submit (JobService against the fake OpenRouter)', function () {
  this.timeout(20_000);
  const suite = suiteFake();

  async function service(limits: BudgetLimits, seed: SpendEntry[] = []) {
    const dir = await tempDir();
    const storePath = path.join(dir, 'state', 'jobs.json');
    const ledger = new SpendLedger(path.join(dir, 'global'));
    for (const e of seed) await ledger.append(e);
    // The budget counts the window's own records, and the window is built with the budget.
    const opened: { window?: CoreWindow } = {};
    const budget = new SpendBudget({ ledger, clock: systemClock, limits: () => limits, localEntries: () => opened.window?.store.all().map(spendEntryOf) ?? [] });
    // Reading a frame image takes a while, as a large one does: submits overlap between their check and their record.
    const readImage = async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { dataUrl: `data:image/png;base64,${Buffer.from('png').toString('base64')}`, mimeType: 'image/png', bytes: 3 };
    };
    const window = await openCoreWindow({
      fake: suite.fake,
      storePath,
      poll: { firstDelayMs: 10_000, intervalMs: 10_000, maxIntervalMs: 10_000 },
      service: { extensionVersion: 't', readImage, budget },
    });
    opened.window = window;
    suite.closeAfterTest(window.close);
    const { store, service: jobs } = window;
    const request: VideoRequest = { ...REQUEST, frames: [{ frameType: 'first_frame', path: path.join(dir, 'first.png'), mimeType: 'image/png' }] };
    const submit = async () => jobs.submit(await planSubmit(veo, request, { sizeOf: async () => 3 }), path.join(dir, 'videos'));
    return { dir, store, storePath, jobs, submit, budget };
  }

  it('refuses a submit over today\'s budget: nothing written, no request reaches OpenRouter, the error says what was spent and what it would cost', async () => {
    const h = await service({ dailyUsd: 20, monthlyUsd: 0 }, [spent('earlier', 19.5, Date.now())]);
    await assert.rejects(h.submit(), (e: unknown) => {
      assert.ok(OpenRouterError.is(e), String(e));
      assert.equal(e.kind, 'budget');
      assert.equal(e.reason, 'overBudget');
      assert.deepEqual({ ...e.params }, { limit: 'daily', limitUsd: 20, spentUsd: 19.5, costUsd: COST, basis: 'estimate', seconds: undefined, perSecondUsd: undefined });
      return true;
    });
    assert.equal(suite.fake.requestsTo('submit').length, 0, 'no POST /videos');
    assert.equal(h.store.all().length, 0, 'no record');
    await assert.rejects(fs.readFile(h.storePath, 'utf8'), { code: 'ENOENT' }, 'nothing persisted');
  });

  it('admits submits one at a time: of three at once, only the two that fit are sent', async () => {
    const h = await service({ dailyUsd: 2 * COST + 0.1, monthlyUsd: 0 });
    const results = await Promise.allSettled([h.submit(), h.submit(), h.submit()]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected'],
    );
    assert.equal(suite.fake.requestsTo('submit').length, 2);
    assert.equal(h.store.all().length, 2);
    const left = await h.budget.remaining();
    assert.equal(left.todayUsd, 2 * COST, 'the running jobs count their estimates');
  });

  it('two windows submitting at once within a budget that fits one: one POST, the other refused with the budget\'s reason', async () => {
    // Two windows (two workspaces, so two job stores) share the spend ledger in global storage.
    const dir = await tempDir();
    const global = path.join(dir, 'global');
    const limits: BudgetLimits = { dailyUsd: COST + 0.1, monthlyUsd: 0 };
    const readImage = async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { dataUrl: `data:image/png;base64,${Buffer.from('png').toString('base64')}`, mimeType: 'image/png', bytes: 3 };
    };
    const windows: CoreWindow[] = [];
    for (const name of ['one', 'two']) {
      const opened: { window?: CoreWindow } = {};
      const budget = new SpendBudget({ ledger: new SpendLedger(global), clock: systemClock, limits: () => limits, localEntries: () => opened.window?.store.all().map(spendEntryOf) ?? [] });
      const window = await openCoreWindow({
        fake: suite.fake,
        storePath: path.join(dir, name, 'state', 'jobs.json'),
        poll: { firstDelayMs: 10_000, intervalMs: 10_000, maxIntervalMs: 10_000 },
        service: { extensionVersion: 't', readImage, budget },
      });
      opened.window = window;
      suite.closeAfterTest(window.close);
      windows.push(window);
    }
    const request: VideoRequest = { ...REQUEST, frames: [{ frameType: 'first_frame', path: path.join(dir, 'first.png'), mimeType: 'image/png' }] };
    const plans = await Promise.all(windows.map(() => planSubmit(veo, request, { sizeOf: async () => 3 })));
    const results = await Promise.allSettled(windows.map((w, i) => w.service.submit(plans[i]!, path.join(dir, 'videos'))));
    assert.equal(suite.fake.requestsTo('submit').length, 1, 'exactly one POST /videos');
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.ok(OpenRouterError.is(refused?.reason), String(refused?.reason));
    assert.equal(refused.reason.reason, 'overBudget');
    assert.equal(refused.reason.params['limit'], 'daily');
    assert.equal(refused.reason.params['spentUsd'], COST, 'it counts the other window\'s admitted job');
    assert.equal(windows.reduce((n, w) => n + w.store.all().length, 0), 1, 'one record across both windows');
  });

  it('a monthly limit refuses too, and a limit of 0 is none', async () => {
    const monthly = await service({ dailyUsd: 0, monthlyUsd: 10 }, [spent('a', 9.5, Date.now())]);
    await assert.rejects(monthly.submit(), (e: unknown) => OpenRouterError.is(e) && e.params['limit'] === 'monthly');
    const none = await service({ dailyUsd: 0, monthlyUsd: 0 }, [spent('b', 900, Date.now())]);
    await none.submit();
    assert.equal(suite.fake.requestsTo('submit').length, 1);
  });
});
