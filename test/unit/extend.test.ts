/**
 * Extend: the request continues a completed job by its id, and OpenRouter's 400 and 409 come back as their
 * own reasons. The real client, store and submit against the fake OpenRouter over loopback.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { VideoModel } from '../../src/core/api/schemas';
import { toWireRequest } from '../../src/core/api/videoRequest';
import { buildSidecar } from '../../src/core/download/sidecar';
import { canExtend, extendRequest } from '../../src/core/jobs/extendRequest';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import { JobSubmitError, submitJob } from '../../src/core/jobs/submitJob';
import { planSubmit } from '../../src/core/jobs/submitPlan';
import { systemClock } from '../../src/core/shared/clock';
import { errorMessage } from '../../src/host/errorMessages';
import { FakeOpenRouter, fixtureModels } from '../fake-openrouter/fakeOpenRouter';
import { openStoreAndClient, type StoreAndClient } from './helpers/coreWindow';
import { l10n } from './helpers/fakeL10n';
import { TestLogger } from './helpers/testLogger';

const VEO = fixtureModels().find((m) => (m as { id?: string }).id === 'google/veo-3.1') as VideoModel;

function savedRecord(jobId: string): JobRecord {
  return {
    clientId: 'c-1',
    jobId,
    request: {
      model: VEO.id,
      prompt: 'A red fox running through fresh snow',
      duration: 4,
      resolution: '720p',
      aspectRatio: '16:9',
      seed: 7,
      frames: [{ frameType: 'first_frame', path: 'start.png' }],
    },
    state: 'saved',
    remoteStatus: 'completed',
    history: [],
    createdAt: 0,
    updatedAt: 0,
    targetFolder: '/tmp',
    outputs: [{ index: 0, file: '/tmp/fox.mp4' }],
    downloadAttempts: 1,
  };
}

describe('extend: continue a completed job with previous_job_id', () => {
  let fake: FakeOpenRouter;
  let dir: string;
  let core: StoreAndClient;

  beforeEach(async () => {
    fake = await FakeOpenRouter.start();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'extend-'));
    core = await openStoreAndClient({ fake, storePath: path.join(dir, 'jobs.json') });
  });

  afterEach(async () => {
    await core.close();
    await fake.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function submitExtend(previous: string, prompt?: string): Promise<JobRecord> {
    const plan = await planSubmit(VEO, extendRequest(savedRecord(previous), prompt));
    return submitJob({ api: core.api, store: core.store, clock: systemClock, logger: new TestLogger(), readImage: async () => assert.fail('no image is read'), onAccepted: () => undefined }, plan, dir);
  }

  it('builds the request from the job: same model and shape, its id, no frames or seed', () => {
    const request = extendRequest(savedRecord('Prev0000000000000001'), '  and then it jumps  ');
    assert.deepEqual(request, { model: VEO.id, previousJobId: 'Prev0000000000000001', prompt: 'and then it jumps', duration: 4, resolution: '720p', aspectRatio: '16:9' });
    assert.equal(toWireRequest(request).previous_job_id, 'Prev0000000000000001');
    assert.equal(extendRequest(savedRecord('P')).prompt, 'A red fox running through fresh snow');
    assert.equal(canExtend(savedRecord('P')), true);
    assert.equal(canExtend({ ...savedRecord('P'), state: 'pending', remoteStatus: 'pending' }), false);
    assert.equal(canExtend({ ...savedRecord('P'), jobId: undefined }), false);
  });

  it('sends previous_job_id, and the record and sidecar keep it', async () => {
    const first = fake.createJob(VEO.id);
    fake.setJobStatus(first.id, 'completed');
    const record = await submitExtend(first.id, 'and then it jumps');
    assert.equal(record.request.previousJobId, first.id);
    const job = fake.jobs.get(record.jobId!);
    assert.equal(job?.previousJobId, first.id);
    assert.equal((job?.request as { previous_job_id?: string }).previous_job_id, first.id);
    assert.equal(buildSidecar(record, { index: 0, file: '/tmp/x.mp4' }, '0').request.previousJobId, first.id);
  });

  it('names a 409 (the job is not completed) and leaves the record rejected', async () => {
    const first = fake.createJob(VEO.id);
    await assert.rejects(submitExtend(first.id), (e: unknown) => {
      assert.ok(e instanceof JobSubmitError);
      assert.equal(e.reason, 'previousNotCompleted');
      assert.equal(e.status, 409);
      assert.equal(e.record.state, 'rejected');
      assert.match(errorMessage(l10n, e), new RegExp(`Job ${first.id} is not completed on OpenRouter, so it cannot be extended yet`));
      return true;
    });
    assert.equal(fake.submitCount(), 0);
  });

  it('names a 400 (the model cannot continue) and leaves the record rejected', async () => {
    const first = fake.createJob(VEO.id);
    fake.setJobStatus(first.id, 'completed');
    fake.setNoContinuation([VEO.id]);
    await assert.rejects(submitExtend(first.id), (e: unknown) => {
      assert.ok(e instanceof JobSubmitError);
      assert.equal(e.reason, 'cannotContinue');
      assert.equal(e.record.state, 'rejected');
      assert.match(errorMessage(l10n, e), new RegExp(`The model ${VEO.id} cannot extend job ${first.id}`));
      return true;
    });
  });
});
