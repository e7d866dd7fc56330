/** What OpenRouter's answer about a job means for its record, and the job ids Recover Job by ID accepts. */
import * as assert from 'node:assert/strict';
import type { VideoJob } from '../../src/core/api/schemas';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import { parseJobId } from '../../src/core/jobs/recoverJob';
import { acceptedPatch, isPollable, isTerminalStatus, remoteFailurePatch, remotePatch } from '../../src/core/jobs/remoteStatus';
import { videoJob } from './helpers/scriptedApi';

const record = (extra: Partial<JobRecord>): JobRecord => ({
  clientId: 'c',
  request: { model: 'm' },
  state: 'pending',
  history: [],
  createdAt: 0,
  updatedAt: 0,
  targetFolder: '/out',
  outputs: [],
  downloadAttempts: 0,
  ...extra,
});

describe('remoteStatus', () => {
  it('tells terminal statuses (and their aliases) from the rest', () => {
    for (const raw of ['completed', 'succeeded', 'failed', 'dead', 'cancelled', 'canceled', 'expired']) assert.equal(isTerminalStatus(raw), true, raw);
    for (const raw of ['pending', 'queued', 'in_progress', 'processing', 'warming_up', undefined]) assert.equal(isTerminalStatus(raw), false, String(raw));
  });

  it('polls only watched jobs OpenRouter knows and has not finished', () => {
    assert.equal(isPollable(record({ jobId: 'J' })), true);
    assert.equal(isPollable(record({ jobId: 'J', state: 'in_progress', remoteStatus: 'in_progress' })), true);
    assert.equal(isPollable(record({})), false, 'no job id');
    assert.equal(isPollable(record({ jobId: 'J', remoteStatus: 'completed' })), false, 'finished there, download next');
    assert.equal(isPollable(record({ jobId: 'J', state: 'stale' })), false);
  });

  it('records what a poll says, whatever the status, and counts the poll', () => {
    const job: VideoJob = videoJob('J', 'completed', { generationId: 'g', unsignedUrls: ['https://cdn/v.mp4'], costUsd: 0.5, pollingUrl: 'https://api/videos/J' });
    assert.deepEqual(remotePatch(record({ pollCount: 2 }), job), {
      remoteStatus: 'completed',
      pollCount: 3,
      generationId: 'g',
      unsignedUrls: ['https://cdn/v.mp4'],
      costUsd: 0.5,
      pollingUrl: 'https://api/videos/J',
    });
    assert.deepEqual(remotePatch(record({}), videoJob('J', 'pending')), { remoteStatus: 'pending', pollCount: 1 });
  });

  it('a job just taken is watched from now, in_progress when OpenRouter says so, its old error cleared', () => {
    assert.deepEqual(acceptedPatch(videoJob('J', 'queued', { pollingUrl: 'https://api/videos/J' }), 42), {
      jobId: 'J',
      pollingUrl: 'https://api/videos/J',
      generationId: undefined,
      remoteStatus: 'queued',
      state: 'pending',
      watchedSince: 42,
      error: undefined,
    });
    assert.equal(acceptedPatch(videoJob('J', 'processing'), 0).state, 'in_progress');
  });

  it('a remote failure keeps OpenRouter\'s own text as `said`; none for completed or running jobs', () => {
    assert.deepEqual(remoteFailurePatch(videoJob('J', 'dead', { error: 'Job died' }), 7), {
      state: 'failed',
      error: { kind: 'server', reason: 'remoteFailed', params: { status: 'dead', said: 'Job died' } },
      completedAt: 7,
    });
    assert.equal(remoteFailurePatch(videoJob('J', 'expired'), 7)?.state, 'expired');
    assert.equal(remoteFailurePatch(videoJob('J', 'failed', { error: '' }), 7)?.error?.params?.['said'], undefined, 'an empty text is no text');
    assert.equal(remoteFailurePatch(videoJob('J', 'completed'), 7), undefined);
    assert.equal(remoteFailurePatch(videoJob('J', 'in_progress'), 7), undefined);
  });
});

describe('parseJobId', () => {
  it('takes a bare id, or the id at the end of a URL or path (a polling URL)', () => {
    assert.equal(parseJobId('  Nxff2D1Z6w4Zk9iNuZam '), 'Nxff2D1Z6w4Zk9iNuZam');
    assert.equal(parseJobId('https://openrouter.ai/api/v1/videos/abc_DEF-1?x=1'), 'abc_DEF-1');
    assert.equal(parseJobId('/api/v1/videos/abc%2Dd'), 'abc-d');
  });

  it('refuses anything else with badJobId and the text given (cut to 80 characters)', () => {
    for (const text of ['../../etc/passwd', 'two words', '', 'https://x/videos/%E0%A4%A', 'a'.repeat(129)]) {
      assert.throws(() => parseJobId(text), { kind: 'badRequest', reason: 'badJobId', params: { text: text.trim().slice(0, 80) } }, text);
    }
  });
});
