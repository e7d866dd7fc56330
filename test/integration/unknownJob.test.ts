/**
 * A job OpenRouter answers 404 about: in the real extension host, checked again until the not-found limit (3 min,
 * shortened by the runner's OPENROUTER_VIDEO_POLL_SCALE), then *unknown*, never failed; the Jobs view offers
 * Watch Again and Download Again on it, and Watch Again saves it once OpenRouter knows it again.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { jobContextValue } from '../../src/host/views/jobPresenter';
import { Commands } from '../../src/ids';
import { cleanUpJobsAfterEach, extension, generate, generateArgs, sampleMp4, useFake, waitForJob } from './helpers';

interface MenuEntry {
  command: string;
  when?: string;
}

/** Whether the Jobs view's item menu shows `command` for an item whose context value is `contextValue`. */
function menuShows(command: string, contextValue: string): boolean {
  const menus = (extension().packageJSON as { contributes: { menus: Record<string, MenuEntry[]> } }).contributes.menus['view/item/context'] ?? [];
  return menus.some((m) => {
    if (m.command !== command) return false;
    const token = /viewItem =~ \/\\b(\w+)\\b\//.exec(m.when ?? '')?.[1];
    return token !== undefined && contextValue.split(' ').includes(token);
  });
}

describe('A job OpenRouter answers 404 about', () => {
  const suite = useFake();
  cleanUpJobsAfterEach();

  it('is checked again, then marked unknown (not failed); the Jobs view offers Watch Again and Download Again, and Watch Again saves it once', async function () {
    this.timeout(90_000);
    const { fake } = suite;
    fake.queueScript({ statuses: ['pending', 'completed'] });
    fake.inject({ route: 'poll', status: 404, times: Infinity });

    const jobId = await generate(generateArgs('A lighthouse OpenRouter forgets for a while, integration test'));
    const unknown = await waitForJob(jobId, 60_000);
    assert.equal(unknown.state, 'unknown', `ended ${unknown.state}: ${JSON.stringify(unknown.error ?? null)}`);
    assert.equal(unknown.error?.reason, 'jobNotFound');
    assert.ok(fake.requestsTo('poll').length >= 3, `checked again before giving up (${fake.requestsTo('poll').length} checks)`);
    assert.equal(fake.requestsTo('content').length, 0);

    const contextValue = jobContextValue(unknown);
    assert.ok(menuShows(Commands.jobsWatch, contextValue), `Watch Again is offered (${contextValue})`);
    assert.ok(menuShows(Commands.jobsDownload, contextValue), `Download Again is offered (${contextValue})`);
    assert.ok(!menuShows(Commands.jobsStopWatching, contextValue), 'it is not watched any more');

    fake.clearFaults();
    await vscode.commands.executeCommand(Commands.jobsWatch, unknown.clientId);
    const final = await waitForJob(jobId, 30_000);
    assert.equal(final.state, 'saved', `ended ${final.state}: ${JSON.stringify(final.error ?? null)}`);
    assert.ok(fs.readFileSync(final.outputs[0]!.file!).equals(sampleMp4()), 'the saved MP4 is the bytes the fake served');
    assert.equal(fake.submitCount(), 1, 'never submitted again');
  });
});
