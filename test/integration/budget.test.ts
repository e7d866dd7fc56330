/**
 * The budget and spend in view, in the real extension host: a submit over the daily budget is refused with the
 * words that say what was spent, what it would cost and how to raise the limit, and no POST reaches OpenRouter;
 * a job's cost shows in today's spend and in the Show Spending table; the key's remaining limit is asked for
 * while the Jobs view is visible, not more than once a minute.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cleanUpJobsAfterEach, generate, generateArgs, getApi, jobIds, MODEL, sleep, useFake, waitFor, waitForJob, workspaceFolder } from './helpers';

async function setBudget(key: 'dailyUsd' | 'monthlyUsd', value: number | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('openrouterVideo').update(`budget.${key}`, value, vscode.ConfigurationTarget.Global);
}

function dailySetting(): number | undefined {
  return vscode.workspace.getConfiguration('openrouterVideo').inspect<number>('budget.dailyUsd')?.globalValue;
}

/** The text of the Show Spending document the command opened. */
async function showSpending(): Promise<string> {
  const uri = await vscode.commands.executeCommand<string>('openrouterVideo.showSpending');
  assert.equal(typeof uri, 'string', 'Show Spending resolves with its document');
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri) ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(uri)));
  assert.notEqual(doc.uri.scheme, 'file', 'nothing is written to disk');
  return doc.getText();
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('Budget and spend in view', function () {
  this.timeout(90_000);
  const suite = useFake({ keyInfo: { limit: 10, limit_remaining: 7.6 } });
  cleanUpJobsAfterEach();
  let previousDaily: number | undefined;

  before(() => {
    previousDaily = dailySetting();
  });
  after(async () => {
    await setBudget('dailyUsd', previousDaily);
  });

  it('refuses a submit over the daily budget with the words and no POST', async () => {
    const api = await getApi();
    const spent = (await api.getBudget()).todayUsd;
    // Veo 3.1 Lite, 4 s at 720p without audio: 4 × $0.03 = $0.12, which does not fit $0.10 more.
    await setBudget('dailyUsd', spent + 0.1);
    await waitFor('the setting to apply', async () => (await api.getBudget()).limits.dailyUsd === spent + 0.1);
    // A repository's settings cannot raise the budget.
    const settingsFile = path.join(workspaceFolder(), '.vscode', 'settings.json');
    const previousSettings = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : undefined;
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    fs.writeFileSync(settingsFile, JSON.stringify({ 'openrouterVideo.budget.dailyUsd': 100000, 'openrouterVideo.defaultModel': 'decoy/budget' }, null, 2));
    try {
      await waitFor('VS Code to read .vscode/settings.json', () => vscode.workspace.getConfiguration('openrouterVideo').inspect<string>('defaultModel')?.workspaceValue === 'decoy/budget');
      assert.equal((await api.getBudget()).limits.dailyUsd, spent + 0.1, 'the user\'s limit, not the workspace\'s');
      await refusedWithoutPost();
    } finally {
      if (previousSettings === undefined) fs.rmSync(settingsFile);
      else fs.writeFileSync(settingsFile, previousSettings);
    }
  });

  async function refusedWithoutPost(): Promise<void> {
    const before = await jobIds();
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('openrouterVideo.generate', generateArgs('Over the budget, integration test'))), (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      assert.match(
        message,
        /^Nothing was submitted: this video would cost \$0\.12, and \$[0-9.]+ of your \$[0-9.]+ daily budget is already spent today\. To spend more today, raise "openrouterVideo\.budget\.dailyUsd" in your user settings \(0 means no limit\)\.$/,
      );
      return true;
    });
    assert.equal(suite.fake.requestsTo('submit').length, 0, 'no POST /videos');
    assert.deepEqual(await jobIds(), before, 'no job recorded');
  }

  it('counts a finished job\'s cost in today\'s spend and tables it in Show Spending', async () => {
    await setBudget('dailyUsd', 100_000);
    const api = await getApi();
    const spentBefore = (await api.getBudget()).todayUsd;
    suite.fake.queueScript({ statuses: ['pending', 'completed'], costUsd: 0.37 });
    const jobId = await generate(generateArgs('Spend in view, integration test'));
    const record = await waitForJob(jobId);
    assert.equal(record.state, 'saved');
    assert.equal(record.costUsd, 0.37);
    await waitFor('today\'s spend to count the cost', async () => Math.abs((await api.getBudget()).todayUsd - (spentBefore + 0.37)) < 1e-6);

    const text = await showSpending();
    assert.match(text, /^# OpenRouter Video spending/);
    assert.match(text, new RegExp(`- Today \\(${today()}\\): \\$[0-9.]+ of your \\$100000\\.00 daily budget`));
    assert.match(text, new RegExp(`\\| ${today()} \\| \\d+ \\| \\$[0-9.]+\\*? \\|`));
    assert.match(text, new RegExp(`\\| ${MODEL.replace(/[.]/g, '\\.')} \\| \\d+ \\| \\$[0-9.]+\\*? \\|`));
  });

  it('asks for the key\'s remaining limit while the Jobs view is visible, at most once a minute', async () => {
    await vscode.commands.executeCommand('openrouterVideo.jobs.focus');
    await waitFor('GET /key', () => suite.fake.requestsTo('key').length > 0, 65_000);
    await waitFor('the key limit in Show Spending', async () => (await showSpending()).includes('- Left on your OpenRouter key: $7.60'));
    await sleep(2_000);
    assert.equal(suite.fake.requestsTo('key').length, 1, 'one GET /key within the minute');
  });
});
