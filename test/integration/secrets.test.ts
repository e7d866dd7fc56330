/**
 * Set API Key / Clear API Key in the real host, with the real secret storage.
 *
 * The runner puts OPENROUTER_API_KEY in the host's environment as the fallback key, so "signed out" is not
 * observable through the key alone, and secrets cannot be read from outside the extension. What is
 * observable is which key the extension sends: a cheap authenticated request (Recover Job by ID with an
 * id the fake does not know: one GET /videos/{id}, answered 404, no job created) shows it.
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { FakeOpenRouter } from '../fake-openrouter/fakeOpenRouter';
import { answerNextInputBox, ENV_KEY, extensionLogText, getApi, sleep, useFake, waitFor } from './helpers';

const GOOD = `sk-or-v1-integration-good-${crypto.randomBytes(8).toString('hex')}`;
const OTHER = `sk-or-v1-integration-other-${crypto.randomBytes(8).toString('hex')}`;
const WRONG = `sk-or-v1-integration-wrong-${crypto.randomBytes(8).toString('hex')}`;
const PROBE_JOB_ID = 'keyProbe000000000001';

function bearerOf(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' ? header.replace(/^Bearer /, '') : undefined;
}

/** The key the extension sends on its next authenticated request. */
async function keySentNext(fake: FakeOpenRouter): Promise<string | undefined> {
  const from = fake.requests.length;
  await assert.rejects(Promise.resolve(vscode.commands.executeCommand('openrouterVideo.jobs.recover', PROBE_JOB_ID)), /404|does not exist|not found/i);
  const request = fake.requests.slice(from).find((r) => r.path === `/api/v1/videos/${PROBE_JOB_ID}`);
  assert.ok(request, 'the probe reached the fake');
  return bearerOf(request.headers.authorization);
}

/** Set API Key from the palette: the person pastes `key` into its password box. */
async function setApiKey(key: string): Promise<unknown> {
  const shown = answerNextInputBox(key);
  const result = await vscode.commands.executeCommand('openrouterVideo.setApiKey');
  assert.equal((await shown)?.password, true, 'asked in a password box');
  return result;
}

describe('API key: Set API Key and Clear API Key', () => {
  const suite = useFake({ apiKeys: [GOOD, OTHER] });

  before(async () => {
    await getApi();
    await vscode.commands.executeCommand('openrouterVideo.clearApiKey');
  });
  after(async () => {
    await vscode.commands.executeCommand('openrouterVideo.clearApiKey');
  });

  it('with nothing stored, the environment\'s OPENROUTER_API_KEY is sent', async () => {
    assert.ok(ENV_KEY, 'the runner sets OPENROUTER_API_KEY');
    assert.equal(await keySentNext(suite.fake), ENV_KEY);
  });

  it('setApiKey checks the key with GET /key, stores it, and the next request sends it', async () => {
    const { fake } = suite;
    assert.equal(await setApiKey(GOOD), true);
    const checks = fake.requestsTo('key');
    assert.equal(checks.length, 1, 'one GET /key');
    assert.equal(checks[0]?.method, 'GET');
    assert.equal(bearerOf(checks[0]?.headers.authorization), GOOD, 'the key being checked is the one sent');
    assert.equal(await keySentNext(fake), GOOD, 'the stored key replaces the environment key');
  });

  it('a key OpenRouter refuses (401 "User not found.") is reported and stores nothing', async () => {
    const { fake } = suite;
    assert.equal(await setApiKey(GOOD), true);
    fake.reset();
    assert.notEqual(await setApiKey(WRONG), true, 'not saved');
    // The message (shown once, by the command) is logged with it.
    const log = await waitFor('the refusal in the log', () => {
      const text = extensionLogText();
      return text.includes('OpenRouter did not accept this key (User not found.). Nothing was saved') && text;
    });
    assert.ok(!log.includes(WRONG), 'the log does not repeat the key');
    const checks = fake.requestsTo('key');
    assert.equal(checks.length, 1);
    assert.equal(bearerOf(checks[0]?.headers.authorization), WRONG);
    assert.equal(await keySentNext(fake), GOOD, 'the previously stored key is still the one used');
  });

  it('takes no key as an argument: a key passed by a keybinding, task or extension is ignored, and the box asks', async () => {
    const { fake } = suite;
    assert.equal(await setApiKey(GOOD), true);
    fake.reset();
    const shown = answerNextInputBox(undefined);
    const result = await vscode.commands.executeCommand('openrouterVideo.setApiKey', OTHER);
    assert.equal((await shown)?.password, true, 'the password box was shown, with the argument ignored');
    assert.equal((await shown)?.value, undefined, 'not filled in with the argument either');
    assert.notEqual(result, true);
    await sleep(200);
    assert.deepEqual(fake.requestsTo('key'), [], 'the argument was never checked or stored');
    assert.equal(await keySentNext(fake), GOOD, 'the stored key is unchanged');
  });

  it('a second setApiKey replaces the stored key', async () => {
    const { fake } = suite;
    assert.equal(await setApiKey(GOOD), true);
    assert.equal(await keySentNext(fake), GOOD);
    assert.equal(await setApiKey(`  ${OTHER}\n`), true, 'surrounding whitespace is trimmed');
    assert.equal(await keySentNext(fake), OTHER);
  });

  it('clearApiKey removes the stored key: requests fall back to OPENROUTER_API_KEY', async () => {
    const { fake } = suite;
    assert.equal(await setApiKey(GOOD), true);
    assert.equal(await keySentNext(fake), GOOD);
    await vscode.commands.executeCommand('openrouterVideo.clearApiKey');
    assert.equal(await keySentNext(fake), ENV_KEY);
    // Clearing again is harmless.
    await vscode.commands.executeCommand('openrouterVideo.clearApiKey');
    assert.equal(await keySentNext(fake), ENV_KEY);
  });
});
