/**
 * Every reason code the core can raise has a sentence, and every sentence reads as one: no placeholder left,
 * no "undefined", ends as a sentence. Table-driven over `REASONS`, so a new code is covered the day it is added.
 */
import * as assert from 'node:assert/strict';
import { OpenRouterError, REASONS, errorFromStatus, type ErrorParams } from '../../src/core/api/errors';
import { PROBLEM_CODES, RequestValidationError, type Problem, type ProblemParams } from '../../src/core/models/problems';
import { errorMessage, wordReason } from '../../src/host/errorMessages';
import { wordProblem, wordProblems } from '../../src/host/problemWords';
import { l10n } from './helpers/fakeL10n';

/** Params rich enough for any sentence: every name a sentence may use gets a recognisable value. */
const FULL: ErrorParams = new Proxy({}, { get: (_t, key) => (typeof key === 'string' ? `<${key}>` : undefined), has: () => true });

describe('errorMessages: every reason code in words', () => {
  for (const reason of REASONS) {
    // `recorded` and `worded` are their one param, so only the full case applies to them.
    const cases = reason === 'recorded' || reason === 'worded' ? [['with every param', FULL]] : [['with every param', FULL], ['with no params', {}]];
    for (const [label, params] of cases as [string, ErrorParams][]) {
      it(`${reason} (${label}) reads as a sentence`, () => {
        const text = wordReason(l10n, reason, params);
        assert.ok(text.trim().length > 0, 'empty sentence');
        assert.doesNotMatch(text, /\{\w+\}/, `a placeholder is left in: ${text}`);
        assert.doesNotMatch(text, /\bundefined\b|\bNaN\b|\[object Object\]/, `a missing value shows: ${text}`);
        assert.match(text.trim(), /[.!?)">]$/, `not a sentence: ${text}`);
      });
    }
  }

  it('words an HTTP error with OpenRouter\'s own message and what to do', () => {
    const text = errorMessage(l10n, errorFromStatus(402, 'Insufficient credits'));
    assert.equal(text, 'OpenRouter said: "Insufficient credits". Add credits at https://openrouter.ai/credits, then try again.');
  });

  it('words the two refusals of an extend: a model that cannot continue (400), a job not completed (409)', () => {
    assert.equal(
      wordReason(l10n, 'cannotContinue', { status: 400, said: 'previous_job_id is not supported by google/veo-3.1', model: 'google/veo-3.1', jobId: 'Nxff2D1Z6w4Zk9iNuZam' }),
      'OpenRouter said: "previous_job_id is not supported by google/veo-3.1". The model google/veo-3.1 cannot extend job Nxff2D1Z6w4Zk9iNuZam: only some models continue a video, and only their own jobs. Nothing was started; use Run Again or Continue from Last Frame instead.',
    );
    assert.equal(
      wordReason(l10n, 'previousNotCompleted', { status: 409, said: 'Video generation job Nxff2D1Z6w4Zk9iNuZam is not completed (status: pending)', jobId: 'Nxff2D1Z6w4Zk9iNuZam' }),
      'OpenRouter said: "Video generation job Nxff2D1Z6w4Zk9iNuZam is not completed (status: pending)". Job Nxff2D1Z6w4Zk9iNuZam is not completed on OpenRouter, so it cannot be extended yet. Nothing was started; try again once it has completed.',
    );
  });

  it('words a RequestValidationError with its problems', () => {
    const error = new RequestValidationError([
      { field: 'duration', code: 'durationNotOffered', params: { name: 'Google: Veo 3.1', value: 5, choices: [4, 6, 8] } },
      { field: 'resolution', code: 'resolutionNotOffered', params: { name: 'Google: Veo 3.1', value: '480p', choices: ['720p', '1080p', '4K'] } },
    ]);
    assert.equal(error.kind, 'badRequest');
    assert.equal(error.reason, 'invalidRequest');
    assert.equal(
      errorMessage(l10n, error),
      'Nothing was submitted. 2 problems: Duration 5 s is not available for Google: Veo 3.1. Choose 4, 6 or 8 s. Resolution 480p is not available for Google: Veo 3.1. Choose 720p, 1080p or 4K.',
    );
    assert.equal(errorMessage(l10n, new RequestValidationError([{ field: 'seed', code: 'seedNotTaken', params: { name: 'Kling: Video O1' } }])), 'Nothing was submitted. Kling: Video O1 does not support a seed. Remove the seed.');
  });

  it('words a job OpenRouter answered 404 about as one that may still exist, offering Watch Again', () => {
    assert.equal(
      wordReason(l10n, 'jobNotFound', { minutes: 3 }),
      'OpenRouter answered "not found" (HTTP 404) to every status check of this job for 3 minutes, so it is no longer checked. OpenRouter may still have it, and bill it: use "Watch Again" to check on it; it is downloaded if it has finished.',
    );
  });

  it('falls back to the message of an error that is not the core\'s', () => {
    assert.equal(errorMessage(l10n, new Error('plain')), 'plain');
    assert.equal(errorMessage(l10n, new OpenRouterError('io', 'recorded', { text: 'Kept as written.' })), 'Kept as written.');
  });
});

/** Lists for the params that are lists, so a sentence that joins them is exercised; `<name>` for the rest. */
const FULL_PROBLEM: ProblemParams = new Proxy(
  {},
  {
    get: (_t, key) => (typeof key !== 'string' ? undefined : key === 'choices' || key === 'accepted' ? [`<${key}1>`, `<${key}2>`, `<${key}3>`] : `<${key}>`),
    has: () => true,
  },
);

describe('errorMessages: every problem code in words', () => {
  for (const code of PROBLEM_CODES) {
    for (const [label, params] of [['with every param', FULL_PROBLEM], ['with no params', undefined]] as const) {
      it(`${code} (${label}) reads as a sentence`, () => {
        const text = wordProblem(l10n, { field: 'prompt', code, params });
        assert.ok(text.trim().length > 0, 'empty sentence');
        assert.doesNotMatch(text, /\{\w+\}/, `a placeholder is left in: ${text}`);
        assert.doesNotMatch(text, /\bundefined\b|\bNaN\b|\[object Object\]/, `a missing value shows: ${text}`);
        assert.match(text.trim(), /[.!?]$/, `not a sentence: ${text}`);
      });
    }
  }

  it('joins the values offered as "a", "a or b", "a, b or c"', () => {
    const choices = (list: string[]): Problem => ({ field: 'resolution', code: 'resolutionNotOffered', params: { name: 'M', value: 'x', choices: list } });
    assert.equal(wordProblem(l10n, choices(['720p'])), 'Resolution x is not available for M. Choose 720p.');
    assert.equal(wordProblem(l10n, choices(['720p', '1080p'])), 'Resolution x is not available for M. Choose 720p or 1080p.');
    assert.equal(wordProblem(l10n, choices(['480p', '720p', '1080p'])), 'Resolution x is not available for M. Choose 480p, 720p or 1080p.');
  });

  it('says a long run of durations as a range, a short or broken one as a list', () => {
    const durations = (choices: number[]): Problem => ({ field: 'duration', code: 'durationNotOffered', params: { name: 'M', value: 31, choices } });
    assert.match(wordProblem(l10n, durations([2, 3, 4, 5, 6, 7])), /Choose a whole number of seconds from 2 to 7\.$/);
    assert.match(wordProblem(l10n, durations([2, 3, 4, 5, 6])), /Choose 2, 3, 4, 5 or 6 s\.$/);
    assert.match(wordProblem(l10n, durations([2, 3, 4, 5, 6, 8])), /Choose 2, 3, 4, 5, 6 or 8 s\.$/);
  });

  it('words the body size in MiB, rounded up to one decimal', () => {
    const body = (bytes: number): string => wordProblem(l10n, { field: 'body', code: 'bodyTooLarge', params: { bytes, limitBytes: 50 * 1024 * 1024 } });
    assert.match(body(50 * 1024 * 1024 + 1), /^The request would be about 50\.1 MiB once the images are encoded, over the 50 MiB limit\./);
  });

  it('wordProblems: empty, one, many', () => {
    const seed: Problem = { field: 'seed', code: 'seedNotTaken', params: { name: 'M' } };
    const audio: Problem = { field: 'generateAudio', code: 'audioUnavailable', params: { name: 'M' } };
    assert.equal(wordProblems(l10n, []), '');
    assert.equal(wordProblems(l10n, [seed]), 'M does not support a seed. Remove the seed.');
    assert.equal(wordProblems(l10n, [seed, audio]), '2 problems: M does not support a seed. Remove the seed. M cannot generate audio. Turn audio off.');
  });
});
