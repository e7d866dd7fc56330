/**
 * The one redaction, with the forms a key or a proxy password reaches text in, and the places that keep text
 * (errors, job records) cleaned by it.
 */
import * as assert from 'node:assert/strict';
import { createVideoApi } from '../../src/core/api/client';
import { OpenRouterError } from '../../src/core/api/errors';
import { parseStore } from '../../src/core/jobs/storeFormat';
import { remoteFailurePatch } from '../../src/core/jobs/remoteStatus';
import { redact } from '../../src/core/shared/redact';
import { FakeOpenRouter } from '../fake-openrouter/fakeOpenRouter';

const KEY = 'sk-or-v1-0123456789abcdef0123456789abcdef';

describe('redact', () => {
  const rows: [string, string, string][] = [
    ['an OpenRouter key', `bad key ${KEY} given`, 'bad key [redacted key] given'],
    ['a bearer token', 'Authorization: Bearer abc.def-123', 'Authorization: Bearer [redacted]'],
    ['a Basic authorization header', 'authorization: Basic YWxpY2U6czNjcmV0', 'authorization: Basic [redacted]'],
    ['a proxy authorization header', 'Proxy-Authorization: Negotiate YIIGhgYGKwYBBQUCoIIGejCC', 'Proxy-Authorization: Negotiate [redacted]'],
    ['an authorization value with no scheme', '{"authorization":"t0ken-value"}', '{"authorization":"[redacted]"}'],
    ['a known secret of another shape', 'the key hunter2-secret was refused', 'the key [redacted] was refused'],
    ['credentials in a proxy URL', 'proxy http://alice:s3cret@proxy.example:8080 failed', 'proxy http://[redacted]@proxy.example:8080 failed'],
    ['an unencoded # ? / in the password', 'via http://alice:p#ss?w/rd@proxy.example:3128/', 'via http://[redacted]@proxy.example:3128/'],
    ['an @ and a space in the password', 'via https://alice:p@ss word@proxy.example', 'via https://[redacted]@proxy.example'],
    ['user:pass@host without a scheme', 'HTTPS_PROXY=alice:s3cret@proxy.example:8080 set', 'HTTPS_PROXY=[redacted]@proxy.example:8080 set'],
    ['a data URL', `image data:image/png;base64,${'A'.repeat(40)}`, 'image data:image/png;base64,[62 chars]'],
  ];
  for (const [title, text, expected] of rows) {
    it(title, () => assert.equal(redact(text, ['hunter2-secret']), expected));
  }

  it('leaves text without secrets alone', () => {
    const text = 'GET https://openrouter.ai/api/v1/videos/abc -> 200 (12 ms); mail me at someone@example.com';
    assert.equal(redact(text), text);
  });
});

describe('no key in an error or a job record', () => {
  let fake: FakeOpenRouter;
  before(async () => {
    fake = await FakeOpenRouter.start();
  });
  after(() => fake.close());

  it('a key OpenRouter echoes back in an error is in neither the error nor what a record keeps of it', async () => {
    fake.inject({ route: 'submit', status: 400, body: JSON.stringify({ error: { code: 400, message: `Invalid request for key ${fake.apiKey}` } }) });
    const api = createVideoApi({ baseUrl: fake.baseUrl, keyProvider: () => fake.apiKey, fetch: globalThis.fetch, userAgent: 'redact-test', maxRetries: 0 });
    try {
      const error = await api.submit({ model: 'google/veo-3.1', prompt: 'p' }).then(
        () => assert.fail('the submit succeeded'),
        (e: unknown) => e,
      );
      assert.ok(OpenRouterError.is(error, 'badRequest'));
      for (const text of [error.message, error.serverMessage ?? '', JSON.stringify(error.info)]) {
        assert.ok(!text.includes(fake.apiKey), `the key is in: ${text}`);
      }
      assert.match(error.serverMessage ?? '', /Invalid request for key \[redacted key\]/);
    } finally {
      await api.dispose();
    }
  });

  it('a failed job\'s own message, and a sentence an older version stored, lose the key', () => {
    const patch = remoteFailurePatch({ id: 'j', status: 'failed', rawStatus: 'failed', error: `quota for ${KEY}`, unsignedUrls: [] }, 0);
    assert.ok(!JSON.stringify(patch).includes(KEY));
    const old = JSON.stringify({
      version: 1,
      jobs: [{ clientId: 'a', state: 'rejected', error: `OpenRouter said: "bad key ${KEY}"`, errorKind: 'auth', request: { model: 'm' }, history: [], createdAt: 1, updatedAt: 1, targetFolder: '/w', outputs: [], downloadAttempts: 0 }],
    });
    const parsed = parseStore(old);
    assert.ok(!JSON.stringify(parsed).includes(KEY), JSON.stringify(parsed));
  });
});
