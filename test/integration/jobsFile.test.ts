/**
 * The jobs file (jobs.json in the workspace storage folder) as a new window finds it: one it cannot use
 * (damaged, or written by a newer version) is kept aside unchanged, and the user is told what happened and
 * what to do, never just shown an empty Jobs view. A reload is emulated (deactivate, change the disk,
 * activate), as in reload.test.ts. The warning itself is a notification, which a test cannot read: the host
 * logs the same sentence, and the test reads the log.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanUpJobsAfterEach, extensionLogFolders, generate, generateArgs, jobStoreFile, listFiles, reactivate, skipEachUnlessReactivationWorks, useFake, waitFor } from './helpers';

function logText(): string {
  return extensionLogFolders()
    .flatMap((d) => listFiles(d))
    .filter((f) => f.endsWith('.log'))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}

function keptCopies(store: string, kind: string): string[] {
  const dir = path.dirname(store);
  return fs
    .readdirSync(dir)
    .filter((n) => n.startsWith(`jobs.${kind}-`) && n.endsWith('.json'))
    .map((n) => path.join(dir, n));
}

describe('The jobs file', () => {
  const suite = useFake();
  cleanUpJobsAfterEach();

  skipEachUnlessReactivationWorks();

  for (const [name, kind, edit, sentence] of [
    [
      'written by a newer version',
      'newer-version',
      (text: string) => text.replace(/^\{"version":1,/, '{"version":2,'),
      'The jobs list was written by a newer version of OpenRouter Video',
    ],
    ['damaged (cut short)', 'corrupt', (text: string) => text.slice(0, Math.floor(text.length / 2)), 'The jobs list could not be read (the file is damaged)'],
  ] as const) {
    it(`a jobs file ${name} is kept aside unchanged and the user is told, with the file named`, async () => {
      suite.fake.queueScript({ statuses: ['pending'] });
      await generate(generateArgs(`A job in flight when the jobs file is ${kind}, integration test`));
      const store = jobStoreFile();
      const before = new Set(keptCopies(store, kind));
      let original = '';
      let unusable = '';
      try {
        await reactivate(async () => {
          original = fs.readFileSync(store, 'utf8');
          unusable = edit(original);
          assert.notEqual(unusable, original);
          fs.writeFileSync(store, unusable);
        });
        const kept = await waitFor('a copy of the unusable file', () => keptCopies(store, kind).find((f) => !before.has(f)));
        assert.equal(fs.readFileSync(kept, 'utf8'), unusable, 'the copy holds the file exactly as it was');
        const log = await waitFor('the warning in the log', () => {
          const text = logText();
          return text.includes(sentence) && text.includes(kept) ? text : undefined;
        });
        assert.ok(log.includes('Recover Job by ID'), 'the warning says what to do');
      } finally {
        // Back to the jobs the earlier suites left, for the suites after this one.
        await reactivate(async () => {
          if (original !== '') fs.writeFileSync(store, original);
          for (const f of keptCopies(store, kind)) if (!before.has(f)) fs.rmSync(f, { force: true });
        });
      }
    });
  }
});
