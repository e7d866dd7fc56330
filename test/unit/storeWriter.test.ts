/**
 * The store's one write queue (StoreWriter) and the atomic file under it (FileStorage): one write at a
 * time, coalescing, every waiter resolved by a write that holds its change, lazy writes on the clock, and a
 * file that is always either the old text or the new one.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OpenRouterError } from '../../src/core/api/errors';
import { FileStorage } from '../../src/core/jobs/fileStorage';
import { StoreWriter } from '../../src/core/jobs/storeWriter';
import { FakeClock, flushMicrotasks } from './helpers/fakeClock';
import { MemoryStorage } from './helpers/memoryStorage';
import { TestLogger } from './helpers/testLogger';

/** A storage whose writes land only when the test says so. */
class HeldStorage {
  readonly started: string[] = [];
  readonly landed: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private releases: (() => void)[] = [];
  failNext = false;

  async write(text: string): Promise<void> {
    this.started.push(text);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise<void>((resolve) => this.releases.push(resolve));
    this.inFlight--;
    if (this.failNext) {
      this.failNext = false;
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    }
    this.landed.push(text);
  }

  /** Lets the oldest held write land. */
  async release(): Promise<void> {
    this.releases.shift()?.();
    await flushMicrotasks();
  }
}

describe('StoreWriter', () => {
  let clock: FakeClock;
  let logger: TestLogger;
  let state: number;

  beforeEach(() => {
    clock = new FakeClock();
    logger = new TestLogger();
    state = 0;
  });

  const writer = (storage: Pick<HeldStorage, 'write'>, lazyWriteMs = 0) => new StoreWriter(() => storage.write(`state ${state}`), { clock, logger, lazyWriteMs });

  it('runs one write at a time and coalesces the saves made meanwhile into one write of the newest text', async () => {
    const storage = new HeldStorage();
    const w = writer(storage);
    state = 1;
    const first = w.save();
    const later: Promise<void>[] = [];
    for (let n = 2; n <= 6; n++) {
      state = n;
      later.push(w.save());
    }
    await flushMicrotasks();
    assert.deepEqual(storage.started, ['state 1'], 'the others wait for the first write');
    await storage.release();
    assert.deepEqual(storage.started, ['state 1', 'state 6'], 'one write for the five saves, with the newest text');
    await first;
    await storage.release();
    await Promise.all(later);
    assert.deepEqual(storage.landed, ['state 1', 'state 6']);
    assert.equal(storage.maxInFlight, 1);
  });

  it('resolves a save only when a write holding its change has landed', async () => {
    const storage = new HeldStorage();
    const w = writer(storage);
    const settled: string[] = [];
    state = 1;
    void w.save().then(() => settled.push('first'));
    await flushMicrotasks();
    state = 2;
    // This change is made after the first write started: the first write does not hold it.
    void w.save().then(() => settled.push('second'));
    await storage.release();
    assert.deepEqual(settled, ['first']);
    await storage.release();
    assert.deepEqual(settled, ['first', 'second']);
  });

  it('rejects the waiters of a failed write with storeNotSaved and logs it; the next save writes again', async () => {
    const storage = new HeldStorage();
    const w = writer(storage);
    storage.failNext = true;
    const failed = w.save().then(
      () => assert.fail('the write failed'),
      (error: unknown) => error,
    );
    await flushMicrotasks();
    await storage.release();
    const error = await failed;
    assert.ok(OpenRouterError.is(error, 'io') && error.reason === 'storeNotSaved' && /ENOSPC/.test(String(error.params['detail'])), String(error));
    assert.ok(logger.at('error').some((m) => m.includes('ENOSPC')));
    state = 2;
    const next = w.save();
    await flushMicrotasks();
    await storage.release();
    await next;
    assert.deepEqual(storage.landed, ['state 2']);
  });

  it('writes a lazy save within lazyWriteMs, or with the next ordinary save, and flush() writes it at once', async () => {
    const storage = new MemoryStorage();
    const w = writer(storage, 1000);
    let landed = false;
    state = 1;
    void w.save(true).then(() => (landed = true));
    state = 2;
    void w.save(true);
    await clock.advance(999);
    assert.equal(storage.writes.length, 0, 'not yet');
    assert.equal(clock.pendingTimerCount, 1, 'one timer for both');
    await clock.advance(1);
    assert.deepEqual(storage.writes, ['state 2']);
    assert.equal(landed, true);

    state = 3;
    void w.save(true);
    state = 4;
    await w.save();
    assert.deepEqual(storage.writes, ['state 2', 'state 4'], 'the ordinary save takes the lazy one along');
    assert.equal(clock.pendingTimerCount, 0, 'its timer is gone');

    state = 5;
    void w.save(true);
    await w.flush();
    assert.deepEqual(storage.writes.at(-1), 'state 5');
    assert.equal(clock.pendingTimerCount, 0);
  });

  it('with lazyWriteMs 0, a lazy save is written at once', async () => {
    const storage = new MemoryStorage();
    const w = writer(storage, 0);
    state = 7;
    await w.save(true);
    assert.deepEqual(storage.writes, ['state 7']);
    assert.equal(clock.pendingTimerCount, 0);
  });

  it('flush() waits for the write in flight and the one queued behind it, and never rejects', async () => {
    const storage = new HeldStorage();
    const w = writer(storage);
    storage.failNext = true;
    const failed = w.save().catch(() => 'rejected');
    await flushMicrotasks();
    state = 2;
    void w.save();
    let flushed = false;
    const flushing = w.flush().then(() => (flushed = true));
    await storage.release();
    assert.equal(flushed, false, 'the queued write is still to come');
    await storage.release();
    await flushing;
    assert.equal(await failed, 'rejected');
    assert.deepEqual(storage.landed, ['state 2']);
  });
});

describe('FileStorage', () => {
  async function tempDir(): Promise<string> {
    return fs.mkdtemp(path.join(os.tmpdir(), 'jobstore-'));
  }

  it('writes atomically: creates the folder, leaves no temporary file, and reads back', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'nested', 'jobs.json');
    const storage = new FileStorage(file);
    assert.equal(await storage.read(), undefined);
    await storage.write('{"version":1,"jobs":[]}');
    assert.equal(await storage.read(), '{"version":1,"jobs":[]}');
    assert.deepEqual(await fs.readdir(path.dirname(file)), ['jobs.json']);
  });

  it('behind the writer, many saves at once leave the newest text and no temporary file; every caller resolves', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'jobs.json');
    let text = '';
    const storage = new FileStorage(file);
    const w = new StoreWriter(() => storage.update(async () => text), { clock: new FakeClock(), logger: new TestLogger(), lazyWriteMs: 0 });
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      text = JSON.stringify({ n: i, pad: 'x'.repeat(20_000 + i) });
      saves.push(w.save());
    }
    await Promise.all(saves);
    assert.equal(await fs.readFile(file, 'utf8'), text);
    assert.deepEqual(await fs.readdir(dir), ['jobs.json']);
  });

  it('a failed write leaves the previous file intact and no temporary file', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'jobs.json');
    const storage = new FileStorage(file);
    await storage.write('first');
    // A non-empty folder where the file should go: the rename over it fails.
    const blocked = path.join(dir, 'blocked.json');
    await fs.mkdir(path.join(blocked, 'inside'), { recursive: true });
    await assert.rejects(new FileStorage(blocked).write('second'));
    assert.equal(await storage.read(), 'first');
    assert.deepEqual((await fs.readdir(dir)).sort(), ['blocked.json', 'jobs.json']);
  });

  it('removes temporary files a crash left behind once they are old, never fresh ones or the live file', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'jobs.json');
    await new FileStorage(file).write('live');
    const old = `${file}.tmp-99999-1`;
    await fs.writeFile(old, '{"version":1,"jobs":[{"clientId":"half');
    const past = new Date(Date.now() - 5 * 60_000);
    await fs.utimes(old, past, past);
    const fresh = `${file}.tmp-99998-1`;
    await fs.writeFile(fresh, 'another window mid-write');
    assert.equal(await new FileStorage(file).read(), 'live');
    assert.deepEqual((await fs.readdir(dir)).sort(), ['jobs.json', 'jobs.json.tmp-99998-1']);
  });

  it('sets text aside next to the store under a new name each time', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'jobs.json');
    const storage = new FileStorage(file);
    const first = await storage.setAside('not json at all', 'corrupt');
    const second = await storage.setAside('again', 'corrupt');
    assert.match(path.basename(first!), /^jobs\.corrupt-.*\.json$/);
    assert.notEqual(second, first);
    assert.equal(await fs.readFile(first!, 'utf8'), 'not json at all');
    assert.equal(await fs.readFile(second!, 'utf8'), 'again');
  });
});
