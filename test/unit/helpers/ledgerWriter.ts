/**
 * A second process writing the spend ledger (forked by spendLedger.test.ts): appends `count` entries named
 * `<prefix>-<n>` to the ledger in `folder`, as another VS Code window would.
 */
import { SpendLedger } from '../../../src/core/money/ledger';

async function main(): Promise<void> {
  const [folder, prefix, count, at] = process.argv.slice(2);
  if (!folder || !prefix || !count || !at) throw new Error('usage: ledgerWriter <folder> <prefix> <count> <at>');
  const ledger = new SpendLedger(folder);
  const writes: Promise<void>[] = [];
  for (let n = 0; n < Number(count); n++) {
    writes.push(ledger.append({ id: `${prefix}-${n}`, at: Number(at), updated: n, model: 'google/veo-3.1', state: 'pending', estimateUsd: 0.01 }));
  }
  await Promise.all(writes);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(String(error));
    process.exit(1);
  },
);
