/**
 * The spend ledger: one append-only JSON-lines file per month in global storage, written by several windows
 * (processes) at once, folded by job id (the newer record wins). And the recorder that writes a window's jobs
 * into it.
 */
import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JobStore } from '../../src/core/jobs/jobStore';
import { foldLines, SpendLedger } from '../../src/core/money/ledger';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import { dayKey, monthKey, spendEntryOf, spendOf, type SpendEntry } from '../../src/core/money/spendEntry';
import { SpendRecorder } from '../../src/core/money/spendRecorder';
import { systemClock } from '../../src/core/shared/clock';
import { MemoryStorage } from './helpers/memoryStorage';
import { TestLogger } from './helpers/testLogger';

const AT = new Date(2026, 11, 5, 15, 30).getTime();

function entry(id: string, fields: Partial<SpendEntry> = {}): SpendEntry {
  return { id, at: AT, updated: 1, model: 'google/veo-3.1', state: 'pending', estimateUsd: 0.4, ...fields };
}

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'ledger-'));
}

/** Runs the ledger writer in its own process. */
function writerProcess(folder: string, prefix: string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'helpers', 'ledgerWriter.js'), [folder, prefix, String(count), String(AT)], { stdio: 'pipe' });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${prefix} exited ${code}: ${err}`))));
  });
}

describe('SpendLedger', () => {
  it('keeps every line when two processes append to one month at once', async function () {
    this.timeout(20_000);
    const dir = await tempDir();
    await Promise.all([writerProcess(dir, 'a', 400), writerProcess(dir, 'b', 400)]);
    const folded = await new SpendLedger(dir).readMonth(monthKey(AT));
    assert.equal(folded.size, 800, 'no line lost or torn');
    const text = await fs.readFile(path.join(dir, `spend-${monthKey(AT)}.jsonl`), 'utf8');
    assert.equal(text.split('\n').filter((l) => l !== '').length, 800);
  });

  it('folds by job id: the newer record wins whichever window wrote last', async () => {
    const dir = await tempDir();
    const windowA = new SpendLedger(dir);
    const windowB = new SpendLedger(dir);
    await windowB.append(entry('job', { updated: 5, state: 'saved', costUsd: 0.37 }));
    await windowA.append(entry('job', { updated: 2, state: 'in_progress' }));
    await windowA.append(entry('other', { updated: 1 }));
    const folded = await windowA.readMonth(monthKey(AT));
    assert.equal(folded.get('job')?.costUsd, 0.37);
    assert.equal(folded.get('job')?.state, 'saved');
    assert.equal(folded.size, 2);
  });

  it('writes to the file of the month the job was submitted in (local time) and lists the months', async () => {
    const dir = await tempDir();
    const ledger = new SpendLedger(dir);
    const november = new Date(2026, 10, 30, 23, 59).getTime();
    await ledger.append(entry('late', { at: november }));
    await ledger.append(entry('now'));
    assert.deepEqual(await ledger.months(), ['2026-11', '2026-12']);
    assert.deepEqual([...(await ledger.readMonth('2026-11')).keys()], ['late']);
    assert.equal(dayKey(november), '2026-11-30');
  });

  it('skips a torn or foreign line and reads the rest', () => {
    const logged: string[] = [];
    const text = [JSON.stringify(entry('a')), '{"id":"b","at":', 'not json', JSON.stringify({ id: 'c' }), JSON.stringify(entry('d')), ''].join('\n');
    const folded = foldLines(text, (l) => logged.push(l));
    assert.deepEqual([...folded.keys()], ['a', 'd']);
    assert.equal(logged.length, 3);
  });

  it('an empty month reads as empty', async () => {
    assert.equal((await new SpendLedger(path.join(await tempDir(), 'missing')).readMonth('2026-12')).size, 0);
  });
});

describe('spendOf: what a job counts', () => {
  it('its reported cost; nothing when provably not billed; else its estimate or ceiling', () => {
    assert.equal(spendOf(entry('x', { state: 'saved', costUsd: 0.33 })), 0.33);
    assert.equal(spendOf(entry('x', { state: 'rejected' })), 0);
    assert.equal(spendOf(entry('x', { state: 'failed' })), 0);
    assert.equal(spendOf(entry('x', { state: 'submitUnknown' })), 0.4);
    assert.equal(spendOf(entry('x', { state: 'stale' })), 0.4);
    assert.equal(spendOf({ state: 'pending', ceilingUsd: 3.2 }), 3.2);
    assert.equal(spendOf({ state: 'saved' }), 0);
  });
});

describe('spendEntryOf', () => {
  it('dates a job by its record, so one accepted just after midnight stays in the day and month it was submitted', () => {
    const created = new Date(2026, 10, 30, 23, 59, 59).getTime();
    const record = { clientId: 'c', createdAt: created, submittedAt: created + 2_000, updatedAt: created + 2_000, state: 'pending', request: { model: 'm' }, estimatedCostUsd: 0.4 } as JobRecord;
    const entry = spendEntryOf(record);
    assert.equal(monthKey(entry.at), '2026-11');
    assert.equal(dayKey(entry.at), '2026-11-30');
  });
});

describe('SpendRecorder', () => {
  it('writes a line when what a job counts changes, backfills this month at start, and logs cost against estimate', async () => {
    const dir = await tempDir();
    const ledger = new SpendLedger(dir);
    const logger = new TestLogger();
    const store = await JobStore.load(new MemoryStorage(), logger);
    const before = await store.create({ state: 'saved', request: { model: 'm/old', prompt: 'p' }, targetFolder: dir, costUsd: 0.5 });
    const recorder = new SpendRecorder({ ledger, store, clock: systemClock, logger });
    await recorder.start();
    const month = monthKey(Date.now());
    assert.equal((await ledger.readMonth(month)).get(before.clientId)?.costUsd, 0.5, 'a job from before is backfilled');

    const job = await store.create({ state: 'submitting', request: { model: 'bytedance/seedance-2.0', prompt: 'p' }, targetFolder: dir, estimatedCostUsd: 0.6048, estimateApproximate: true });
    await store.update(job.clientId, { state: 'pending' });
    await store.update(job.clientId, { state: 'in_progress' });
    await store.update(job.clientId, { state: 'saved', costUsd: 0.55 });
    await recorder.settled();
    const lines = (await fs.readFile(ledger.fileOf(month), 'utf8')).split('\n').filter((l) => l.includes(job.clientId));
    assert.equal(lines.length, 2, 'one line when submitted, one when its cost is known (state changes alone write nothing)');
    assert.equal((await ledger.readMonth(month)).get(job.clientId)?.costUsd, 0.55);
    assert.ok(logger.at('info').some((l) => /cost \$0\.55, estimated ≈\$0\.6048 by the token rule: cost\/estimate 0\.909/.test(l)), logger.at('info').join('\n'));

    const again = new SpendRecorder({ ledger, store, clock: systemClock, logger });
    await again.start();
    const after = (await fs.readFile(ledger.fileOf(month), 'utf8')).split('\n').filter((l) => l !== '').length;
    assert.equal(after, 3, 'a second start writes nothing the ledger has');
    recorder.dispose();
    again.dispose();
    await store.dispose();
  });
});
