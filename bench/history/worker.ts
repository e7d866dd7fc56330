/**
 * One cold load of a store in a fresh process:
 *   node out/bench/history/worker.js <storeFile> [<archiveFile>]
 * Prints JSON: module load ms; JobStore.load ms through FileStorage (what activation waits for); with an archive,
 * loadArchive() ms (what the Jobs view's first draw triggers); the parts (read, JSON.parse, measured again
 * afterwards); and the Jobs tree over every record: constructor, getChildren() (first, again), getTreeItem() for
 * the first 50 rows and for every row (VS Code asks for the item of every child it is given), stubbed vscode.
 */
import * as fs from 'node:fs';
import { installVscodeStub } from '../lib/vscodeStub';

async function main(): Promise<void> {
  const [file, archiveFile] = process.argv.slice(2);
  if (!file) throw new Error('usage: worker.js <storeFile> [<archiveFile>]');
  const t0 = performance.now();
  const { JobStore } = await import('../../src/core/jobs/jobStore.js');
  const { FileStorage } = await import('../../src/core/jobs/fileStorage.js');
  const modulesMs = performance.now() - t0;

  const t1 = performance.now();
  const store = await JobStore.load(
    new FileStorage(file),
    undefined,
    undefined,
    archiveFile ? ({ archive: new FileStorage(archiveFile) } as Record<string, unknown>) : {},
  );
  const loadMs = performance.now() - t1;
  const loaded = store.size;
  let archiveMs = 0;
  const withArchive = store as unknown as { loadArchive?: () => Promise<void> };
  if (archiveFile && withArchive.loadArchive) {
    const t = performance.now();
    await withArchive.loadArchive();
    archiveMs = performance.now() - t;
  }
  const total = store.size;

  // Parts, measured after the fact in the same process (the text is read again; JSON.parse is native).
  const t2 = performance.now();
  const text = await fs.promises.readFile(file, 'utf8');
  const readMs = performance.now() - t2;
  const t3 = performance.now();
  JSON.parse(text);
  const parseMs = performance.now() - t3;

  installVscodeStub();
  const { JobsTreeProvider } = await import('../../src/host/views/jobsTree.js');
  const t4 = performance.now();
  const tree = new JobsTreeProvider(store);
  const ctorMs = performance.now() - t4;
  const t5 = performance.now();
  const ids = tree.getChildren();
  const childrenMs = performance.now() - t5;
  const t6 = performance.now();
  tree.getChildren();
  const children2Ms = performance.now() - t6;
  const t7 = performance.now();
  for (const id of ids.slice(0, 50)) tree.getTreeItem(id);
  const items50Ms = performance.now() - t7;
  const t8 = performance.now();
  for (const id of ids) tree.getTreeItem(id);
  const itemsAllMs = performance.now() - t8;
  tree.dispose();
  await store.dispose();

  process.stdout.write(
    JSON.stringify({
      bytes: text.length,
      archiveBytes: archiveFile ? fs.statSync(archiveFile).size : 0,
      loaded,
      total,
      modulesMs,
      loadMs,
      archiveMs,
      readMs,
      parseMs,
      ctorMs,
      childrenMs,
      children2Ms,
      items50Ms,
      itemsAllMs,
      rows: ids.length,
    }) + '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
