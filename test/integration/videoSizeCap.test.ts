/**
 * The size cap in the real extension host: `openrouterVideo.maxVideoSizeMiB` from the user's settings is what
 * the downloads use (read for each video), and a video over it is refused before anything is written; once the
 * setting is raised, Download Again saves it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { generatedBytes } from '../fake-openrouter/fakeOpenRouter';
import { Commands } from '../../src/ids';
import { cleanUpJobsAfterEach, errorText, generate, generateArgs, listFiles, useFake, videosFolder, waitForJob, waitForRecord } from './helpers';

const MiB = 1024 * 1024;

async function setCap(value: number | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('openrouterVideo').update('maxVideoSizeMiB', value, vscode.ConfigurationTarget.Global);
}

describe('The video size cap (openrouterVideo.maxVideoSizeMiB)', () => {
  const suite = useFake();
  cleanUpJobsAfterEach();
  let previous: number | undefined;

  before(() => {
    previous = vscode.workspace.getConfiguration('openrouterVideo').inspect<number>('maxVideoSizeMiB')?.globalValue;
  });
  after(() => setCap(previous));

  it('refuses a video over the cap before writing it; raised, Download Again saves it once', async function () {
    this.timeout(60_000);
    const { fake } = suite;
    const size = 2 * MiB;
    fake.queueScript({ statuses: ['completed'], body: { size } });
    await setCap(1);

    const jobId = await generate(generateArgs('A lighthouse too large for the cap, integration test'));
    const refused = await waitForJob(jobId);
    assert.equal(refused.state, 'downloadFailed', `ended ${refused.state}`);
    assert.deepEqual(refused.error, { kind: 'badContent', reason: 'downloadTooLarge', params: { bytes: size, limitMiB: 1 } });
    assert.equal(
      errorText(refused),
      'The video is 2 MiB, over the limit of 1 MiB per video ("openrouterVideo.maxVideoSizeMiB"), so it was not downloaded. Nothing was saved. If you expect a video this large, raise the setting, then run Download Again from the Jobs view.',
    );
    assert.deepEqual(listFiles(videosFolder()).filter((f) => f.includes('too-large')), [], 'no video, no .part');

    await setCap(4);
    await vscode.commands.executeCommand(Commands.jobsDownload, refused.clientId);
    const saved = await waitForRecord(jobId, (r) => r.state === 'saved', 'saved after Download Again');
    assert.ok(fs.readFileSync(saved.outputs[0]!.file!).equals(generatedBytes(size, 0, size)), 'byte-identical');
    assert.equal(fake.submitCount(), 1);
  });
});
