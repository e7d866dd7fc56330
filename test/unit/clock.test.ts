/** The system clock's timers: a far-future delay neither overflows nor fires at once. */
import * as assert from 'node:assert/strict';
import { MAX_TIMER_MS, systemClock } from '../../src/core/shared/clock';

describe('systemClock', () => {
  it('cuts a delay beyond what a Node timer takes to the longest one, instead of firing at once', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    let fired = 0;
    const handle = systemClock.setTimeout(() => fired++, 1e12);
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(fired, 0, 'a Retry-After of years must not wake the caller at once');
      assert.deepEqual(warnings, [], 'no TimeoutOverflowWarning');
      assert.equal((handle as unknown as { _idleTimeout: number })._idleTimeout, MAX_TIMER_MS);
    } finally {
      systemClock.clearTimeout(handle);
      process.off('warning', onWarning);
    }
  });
});
