/**
 * The buttons an error offers. The rule that guards money: a submit whose outcome is unknown (OpenRouter may
 * have taken and billed the job) never offers a plain Retry, only looking the job up or submitting again after
 * a warning.
 */
import * as assert from 'node:assert/strict';
import { errorFromStatus, OpenRouterError } from '../../src/core/api/errors';
import { errorActions, type OfferedAction } from '../../src/host/errorActions';

const ALL: ReadonlySet<OfferedAction> = new Set(['retry', 'recoverJob', 'submitAgain']);

describe('errorActions', () => {
  for (const reason of ['submitUnknown', 'submitInterrupted'] as const) {
    for (const kind of ['network', 'server', 'timeout'] as const) {
      it(`a ${reason} (${kind}) offers Recover Job by ID and Submit Again…, never Retry`, () => {
        assert.deepEqual(errorActions(new OpenRouterError(kind, reason, { failure: 'status', status: 502 }), ALL), ['recoverJob', 'submitAgain', 'showLog']);
      });
    }
  }

  it('offers only what the caller can do', () => {
    const unknown = new OpenRouterError('network', 'submitUnknown');
    assert.deepEqual(errorActions(unknown, new Set(['retry'])), ['showLog']);
    assert.deepEqual(errorActions(unknown, new Set(['recoverJob'])), ['recoverJob', 'showLog']);
  });

  it('offers Retry for a failure that billed nothing, when the caller can run it again', () => {
    assert.deepEqual(errorActions(new OpenRouterError('network', 'unreachable', {}, { notSent: true }), ALL), ['retry', 'showLog']);
    assert.deepEqual(errorActions(errorFromStatus(429, undefined, 3000), ALL), ['retry', 'showLog']);
    assert.deepEqual(errorActions(errorFromStatus(503, 'busy'), new Set()), ['showLog']);
  });

  it('offers the fix for the key, credits and an unsafe setting', () => {
    assert.deepEqual(errorActions(errorFromStatus(401, 'User not found.'), ALL), ['setKey', 'retry', 'showLog']);
    assert.deepEqual(errorActions(errorFromStatus(402, 'Insufficient credits'), ALL), ['addCredits', 'retry', 'showLog']);
    assert.deepEqual(errorActions(new OpenRouterError('insecure', 'baseUrlScheme'), ALL), ['openSettings', 'showLog']);
  });

  it('offers no Retry for a request OpenRouter refused, or an error that is not the core\'s', () => {
    assert.deepEqual(errorActions(errorFromStatus(400, 'bad'), ALL), ['showLog']);
    assert.deepEqual(errorActions(new Error('plain'), ALL), ['showLog']);
  });
});
