import * as assert from 'node:assert/strict';
import { buildSidecar } from '../../src/core/download/sidecar';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import { parseStore, serialiseStore } from '../../src/core/jobs/storeFormat';

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);

function record(extra: Partial<JobRecord> = {}): JobRecord {
  return {
    clientId: 'c-1',
    jobId: 'job-1',
    request: { model: 'google/veo-3.1-lite', prompt: 'Wide aerial of a coastline', duration: 4 },
    state: 'saved',
    history: [{ status: 'saved', at: T0, source: 'local' }],
    createdAt: T0,
    updatedAt: T0,
    targetFolder: '/w/videos',
    outputs: [{ index: 0, file: '/w/videos/trailer-opening-20261206-120000.mp4', savedAt: T0 }],
    downloadAttempts: 1,
    ...extra,
  };
}

describe('job source (prompt file and shot)', () => {
  it('is kept through the jobs file, and records without it stay readable', () => {
    const withSource = record({ source: { promptFile: 'prompts/trailer.video.md', shot: 1, shotName: 'Opening', variant: 0 } });
    const old = record({ clientId: 'c-2' });
    const parsed = parseStore(serialiseStore([withSource, old]));
    assert.ok(parsed.usable);
    assert.equal(parsed.dropped, 0);
    assert.deepEqual(parsed.records[0]?.source, withSource.source);
    assert.equal(parsed.records[1]?.source, undefined);
  });

  it('drops a malformed source without dropping the job', () => {
    const text = serialiseStore([record()]).replace('"downloadAttempts"', '"source": { "promptFile": 3 }, "downloadAttempts"');
    const parsed = parseStore(text);
    assert.ok(parsed.usable);
    assert.equal(parsed.records.length, 1);
    assert.equal(parsed.records[0]?.source, undefined);
  });

  it('is written into the sidecar, and left out when absent', () => {
    const r = record({ source: { promptFile: 'prompts/trailer.video.md', shot: 2, shotName: 'The reveal' } });
    const sidecar = buildSidecar(r, r.outputs[0]!, '0.1.0');
    assert.deepEqual(sidecar.source, { promptFile: 'prompts/trailer.video.md', shot: 2, shotName: 'The reveal' });
    const plain = record();
    assert.ok(!('source' in buildSidecar(plain, plain.outputs[0]!, '0.1.0')));
  });
});
