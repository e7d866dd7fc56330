/**
 * Files outside the workspace: an output folder that is inside the workspace by name but leads elsewhere
 * through a symbolic link (`videos -> ../elsewhere`) is refused before anything is written or paid, and a
 * `.part` is never opened through a link. checkFolderOnDisk on a real temporary tree, the part file calls, and
 * JobService with the real client and downloader against the fake OpenRouter over loopback.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OpenRouterError } from '../../src/core/api/errors';
import type { VideoModel } from '../../src/core/api/schemas';
import { checkFolderOnDisk } from '../../src/core/download/folderOnDisk';
import { emptyPart, preparePart } from '../../src/core/download/partFile';
import { planSubmit } from '../../src/core/jobs/submitPlan';
import { fixtureModels } from '../fake-openrouter/fakeOpenRouter';
import { openCoreWindow, suiteFake, type CoreWindow } from './helpers/coreWindow';
import { listFiles } from './helpers/waiting';

const veo = fixtureModels().find((m) => (m as { id?: string }).id === 'google/veo-3.1') as VideoModel;

/** A temporary tree: `<root>/ws` (the workspace) and `<root>/elsewhere` beside it. */
async function tree(): Promise<{ root: string; ws: string; elsewhere: string }> {
  const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'folder-on-disk-')));
  const ws = path.join(root, 'ws');
  const elsewhere = path.join(root, 'elsewhere');
  await fs.mkdir(ws);
  await fs.mkdir(elsewhere);
  return { root, ws, elsewhere };
}

function refusedAsLinkedOutside(real: string) {
  return (error: unknown) => OpenRouterError.is(error, 'io') && error.reason === 'outputFolderLinkedOutside' && error.params['real'] === real;
}

describe('The output folder on disk (symbolic links)', () => {
  it('refuses a folder that leads outside the workspace through a link, also below it and before it exists', async () => {
    const { ws, elsewhere } = await tree();
    await fs.symlink('../elsewhere', path.join(ws, 'videos'));
    await assert.rejects(checkFolderOnDisk(ws, path.join(ws, 'videos')), refusedAsLinkedOutside(elsewhere));
    await assert.rejects(checkFolderOnDisk(ws, path.join(ws, 'videos', 'clips', 'new')), refusedAsLinkedOutside(elsewhere));
    // A parent that is a link counts too.
    await fs.symlink(elsewhere, path.join(ws, 'media'));
    await fs.mkdir(path.join(elsewhere, 'videos'));
    await assert.rejects(checkFolderOnDisk(ws, path.join(ws, 'media', 'videos')), refusedAsLinkedOutside(path.join(elsewhere, 'videos')));
    assert.deepEqual(await listFiles(elsewhere), ['videos'], 'nothing was created where the links lead');
  });

  it('refuses a link that leads nowhere (where the folder would be made cannot be told)', async () => {
    const { ws } = await tree();
    await fs.symlink('../missing', path.join(ws, 'videos'));
    await assert.rejects(checkFolderOnDisk(ws, path.join(ws, 'videos')), refusedAsLinkedOutside(''));
  });

  it('accepts real folders inside, folders not made yet, the workspace itself, and links that stay inside', async () => {
    const { root, ws } = await tree();
    await fs.mkdir(path.join(ws, 'media', 'clips'), { recursive: true });
    await fs.symlink('media/clips', path.join(ws, 'videos'));
    for (const folder of [ws, path.join(ws, 'media'), path.join(ws, 'not', 'yet', 'made'), path.join(ws, 'videos'), path.join(ws, 'videos', 'new')]) {
      await checkFolderOnDisk(ws, folder);
    }
    // The workspace itself reached through a link (a home folder under /var/home, say) is fine.
    await fs.symlink(ws, path.join(root, 'ws-link'));
    await checkFolderOnDisk(path.join(root, 'ws-link'), path.join(root, 'ws-link', 'videos'));
  });

  it('never opens a .part through a link: the file it points at is left as it was', async () => {
    const { ws, elsewhere } = await tree();
    const victim = path.join(elsewhere, 'victim.txt');
    await fs.writeFile(victim, 'keep me');
    const part = path.join(ws, 'clip.mp4.part');
    await fs.symlink(victim, part);
    await assert.rejects(emptyPart(part), (e: NodeJS.ErrnoException) => e.code === 'ELOOP');
    await assert.rejects(preparePart(part, false), (e: NodeJS.ErrnoException) => e.code === 'ELOOP');
    assert.equal(await fs.readFile(victim, 'utf8'), 'keep me');
  });
});

describe('JobService with an output folder that leads outside the workspace', function () {
  this.timeout(20_000);
  const suite = suiteFake();

  async function service(dir: string, ws: string): Promise<CoreWindow> {
    const window = await openCoreWindow({
      fake: suite.fake,
      storePath: path.join(dir, 'state', 'jobs.json'),
      service: { workspaceFolderFor: (folder) => (folder === ws || folder.startsWith(ws + path.sep) ? ws : undefined) },
    });
    suite.closeAfterTest(window.close);
    return window;
  }

  const plan = () => planSubmit(veo, { model: veo.id, prompt: 'A linked folder', duration: 4, resolution: '720p', aspectRatio: '16:9' }, { sizeOf: async () => 0 });

  it('refuses the submit before anything is written or paid', async () => {
    const { root, ws, elsewhere } = await tree();
    await fs.symlink('../elsewhere', path.join(ws, 'videos'));
    const { store, service: jobs } = await service(root, ws);
    await assert.rejects(jobs.submit(await plan(), path.join(ws, 'videos')), refusedAsLinkedOutside(elsewhere));
    assert.equal(suite.fake.submitCount(), 0, 'no POST');
    assert.equal(store.size, 0, 'no record');
    assert.deepEqual(await listFiles(elsewhere), []);
  });

  it('refuses the download when the folder became a link while the job ran: downloadFailed, nothing fetched or written there', async () => {
    const { root, ws, elsewhere } = await tree();
    suite.fake.queueScript({ statuses: ['pending'] });
    const { service: jobs } = await service(root, ws);
    const record = await jobs.submit(await plan(), path.join(ws, 'videos'));
    // A pull or a checkout puts a link where the folder was to be.
    await fs.symlink('../elsewhere', path.join(ws, 'videos'));
    suite.fake.setJobStatus(record.jobId!, 'completed');
    const failed = await jobs.waitForJob(record.clientId);
    assert.equal(failed.state, 'downloadFailed');
    assert.equal(failed.error?.reason, 'outputFolderLinkedOutside');
    assert.equal(suite.fake.requestsTo('content').length, 0, 'no content GET');
    assert.deepEqual(await listFiles(elsewhere), [], 'no video, .part, .lock or sidecar where the link leads');

    // The link replaced by a real folder: Download Again saves it there.
    await fs.rm(path.join(ws, 'videos'));
    const saved = await jobs.download(record.clientId);
    assert.equal(saved.state, 'saved');
    assert.equal(path.dirname(saved.outputs[0]!.file!), path.join(ws, 'videos'));
  });
});
