import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OpenRouterError } from '../../src/core/api/errors';
import type { JobOutput, JobRecord } from '../../src/core/jobs/jobRecord';
import { buildSidecar, SIDECAR_FORMAT_VERSION, sidecarPathFor, writeSidecar } from '../../src/core/download/sidecar';

const KEY = 'sk-or-v1-0123456789abcdef0123456789abcdef';
const T0 = Date.UTC(2026, 9, 8, 12, 0, 0);

function record(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    clientId: '7d3c1f1e-2b7a-4d8e-9a51-0c6f3e2d1a90',
    jobId: 'Nxff2D1Z6w4Zk9iNuZam',
    generationId: 'gen-1760000000-Nxff2D1Z6w4Zk9iNuZam',
    pollingUrl: `https://openrouter.ai/api/v1/videos/Nxff2D1Z6w4Zk9iNuZam`,
    request: {
      model: 'google/veo-3.1-lite',
      prompt: 'A cat on a skateboard at sunset',
      duration: 4,
      resolution: '720p',
      aspectRatio: '16:9',
      generateAudio: false,
      seed: 42,
      frames: [
        { frameType: 'first_frame', path: 'images/start.png', mimeType: 'image/png', byteLength: 1234 },
        { frameType: 'last_frame', path: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==' },
      ],
      providerOptions: {
        'google-vertex': { enhance_prompt: true, api_key: KEY, nested: { note: `Authorization: Bearer ${KEY}`, token: 'abc' } },
      },
      callbackUrl: 'https://user:pass@hooks.example.com/openrouter?secret=s3cr3t&sig=abc#frag',
    },
    modelName: 'Google: Veo 3.1 Lite',
    state: 'saved',
    remoteStatus: 'completed',
    history: [
      { status: 'submitting', at: T0 },
      { status: 'pending', at: T0 + 1000 },
      { status: 'completed', at: T0 + 41_000 },
      { status: 'saved', at: T0 + 43_000, source: 'local' } as JobRecord['history'][number],
    ],
    createdAt: T0,
    updatedAt: T0 + 43_000,
    submittedAt: T0 + 1000,
    completedAt: T0 + 41_000,
    estimatedCostUsd: 0.2,
    costUsd: 0.25,
    targetFolder: '/home/someone/project/videos',
    unsignedUrls: ['https://openrouter.ai/api/v1/videos/Nxff2D1Z6w4Zk9iNuZam/content?index=0'],
    outputs: [
      {
        index: 0,
        url: 'https://openrouter.ai/api/v1/videos/Nxff2D1Z6w4Zk9iNuZam/content?index=0',
        file: '/home/someone/project/videos/a-cat-on-a-skateboard-at-sunset-20261008-140000.mp4',
        bytes: 794_331,
        savedAt: T0 + 43_000,
      },
    ],
    downloadAttempts: 1,
    ...overrides,
  };
}

/** Every string (keys and values) in a JSON value. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  }
  return out;
}

function assertNoSecrets(value: unknown): void {
  const text = JSON.stringify(value);
  for (const s of strings(JSON.parse(text))) {
    assert.ok(!/sk-or-/i.test(s), `key-like string: ${s}`);
    // The header's name may stay; its value never does.
    for (const m of s.matchAll(/(?:authori[sz]ation\W+(?:bearer\s+)?|bearer\s+)([^\s"]+)/gi)) {
      assert.equal(m[1], '[redacted]', `Authorization or bearer value: ${s}`);
    }
    assert.ok(!/data:/i.test(s), `data URL: ${s}`);
    assert.ok(!/s3cr3t|user:pass/.test(s), `callback secret: ${s}`);
  }
}

describe('sidecar', () => {
  describe('frame paths', () => {
    const root = path.join(path.sep, 'home', 'someone', 'project');
    const withFrames = (...paths: string[]) =>
      record({ request: { ...record().request, frames: paths.map((p, i) => ({ frameType: i === 0 ? ('first_frame' as const) : ('last_frame' as const), path: p })) } });
    const output = () => record().outputs[0]!;

    it('names a frame image inside the workspace by its workspace-relative path, in the request and in rerun', () => {
      const sidecar = buildSidecar(withFrames(path.join(root, 'img', 'start.png'), path.join(root, 'end.png')), output(), '1.0.0', root);
      assert.deepEqual(sidecar.request.frames?.map((f) => f.path), ['img/start.png', 'end.png']);
      assert.equal(sidecar.rerun.firstFrame, 'img/start.png');
      assert.equal(sidecar.rerun.lastFrame, 'end.png');
    });

    it('holds no absolute path of the machine: outside the workspace, or with no workspace known, only the file name', () => {
      const outside = path.join(path.sep, 'home', 'someone', 'pictures', 'private.png');
      const inside = path.join(root, 'img', 'start.png');
      for (const sidecar of [buildSidecar(withFrames(outside, inside), output(), '1.0.0', root), buildSidecar(withFrames(outside, inside), output(), '1.0.0')]) {
        const text = JSON.stringify(sidecar);
        assert.ok(!text.includes(path.join(path.sep, 'home', 'someone')), text);
        assert.equal(sidecar.request.frames?.[0]?.path, 'private.png');
        assert.equal(sidecar.rerun.firstFrame, 'private.png');
      }
    });

    it('keeps a relative path and an https image URL as they are', () => {
      const sidecar = buildSidecar(withFrames('images/start.png', 'https://example.com/a.png'), output(), '1.0.0', root);
      assert.deepEqual(sidecar.request.frames?.map((f) => f.path), ['images/start.png', 'https://example.com/a.png']);
    });
  });

  describe('buildSidecar', () => {
    const rec = record();
    const sidecar = buildSidecar(rec, rec.outputs[0]!, '0.1.0');

    it('records the job, model, request, timings, cost and output', () => {
      assert.equal(sidecar.formatVersion, SIDECAR_FORMAT_VERSION);
      assert.equal(sidecar.extensionVersion, '0.1.0');
      assert.deepEqual(sidecar.job, { id: 'Nxff2D1Z6w4Zk9iNuZam', generationId: 'gen-1760000000-Nxff2D1Z6w4Zk9iNuZam', clientId: rec.clientId });
      assert.deepEqual(sidecar.model, { id: 'google/veo-3.1-lite', name: 'Google: Veo 3.1 Lite' });
      assert.equal(sidecar.request.prompt, 'A cat on a skateboard at sunset');
      assert.equal(sidecar.request.duration, 4);
      assert.equal(sidecar.request.callbackUrl, 'https://hooks.example.com/openrouter');
      assert.deepEqual(sidecar.cost, { estimatedUsd: 0.2, actualUsd: 0.25, currency: 'USD' });
      assert.deepEqual(sidecar.history, [
        { status: 'submitting', at: '2026-10-08T12:00:00.000Z' },
        { status: 'pending', at: '2026-10-08T12:00:01.000Z' },
        { status: 'completed', at: '2026-10-08T12:00:41.000Z' },
        { status: 'saved', at: '2026-10-08T12:00:43.000Z', source: 'local' },
      ]);
      assert.equal(sidecar.createdAt, '2026-10-08T12:00:00.000Z');
      assert.equal(sidecar.submittedAt, '2026-10-08T12:00:01.000Z');
      assert.equal(sidecar.completedAt, '2026-10-08T12:00:41.000Z');
      assert.deepEqual(sidecar.output, {
        index: 0,
        count: 1,
        fileName: 'a-cat-on-a-skateboard-at-sunset-20261008-140000.mp4',
        bytes: 794_331,
        savedAt: '2026-10-08T12:00:43.000Z',
      });
      assert.equal(sidecar.state, 'saved');
      assert.equal(sidecar.remoteStatus, 'completed');
    });

    it('has a rerun object in the generate command argument shape', () => {
      assert.deepEqual(sidecar.rerun, {
        prompt: 'A cat on a skateboard at sunset',
        model: 'google/veo-3.1-lite',
        duration: 4,
        resolution: '720p',
        aspectRatio: '16:9',
        generateAudio: false,
        seed: 42,
        firstFrame: 'images/start.png',
        lastFrame: '[inline image omitted]',
      });
      const allowed = new Set(['prompt', 'model', 'duration', 'resolution', 'aspectRatio', 'size', 'generateAudio', 'seed', 'firstFrame', 'lastFrame']);
      for (const key of Object.keys(sidecar.rerun)) assert.ok(allowed.has(key), key);
    });

    it('holds no key, Authorization, bearer, data: URL or callback secret anywhere', () => {
      assertNoSecrets(sidecar);
      // Credential-named provider options are dropped; harmless ones stay.
      assert.deepEqual(sidecar.request.providerOptions, { 'google-vertex': { enhance_prompt: true, nested: { note: 'Authorization: Bearer [redacted]' } } });
    });

    it('keeps no absolute path (the output is named by file name only)', () => {
      for (const s of strings(JSON.parse(JSON.stringify(sidecar)))) {
        assert.ok(!s.includes('/home/someone'), s);
      }
    });

    it('cleans secrets that slipped into the prompt, error or model name', () => {
      const dirty = record({
        request: { model: 'm', prompt: `use key ${KEY} and data:image/png;base64,AAAABBBBCCCCDDDDEEEEFFFF` },
        error: { kind: 'network', reason: 'recorded', params: { text: `Failed with Authorization: Bearer ${KEY}` } },
        modelName: `Model ${KEY}`,
      });
      const s = buildSidecar(dirty, { index: 0 }, '0.1.0');
      assertNoSecrets(s);
      assert.ok(s.rerun.prompt?.startsWith('use key '));
      assert.match(s.error ?? '', /^Failed with /, 'a recorded error keeps its own words');
    });

    it('describes a second output and omits what is unknown', () => {
      const minimal: JobRecord = {
        clientId: 'c1',
        request: { model: 'x/y', size: '1280x720' },
        state: 'saved',
        history: [{ status: 'pending', at: Number.NaN }],
        createdAt: T0,
        updatedAt: T0,
        targetFolder: '/tmp',
        outputs: [{ index: 0 }, { index: 1, file: 'C:/v/clip-out2.mp4' }],
        downloadAttempts: 0,
      };
      const output: JobOutput = minimal.outputs[1]!;
      const s = buildSidecar(minimal, output, '0.1.0');
      assert.deepEqual(s.output, { index: 1, count: 2, fileName: 'clip-out2.mp4' });
      assert.deepEqual(s.rerun, { model: 'x/y', size: '1280x720' });
      assert.deepEqual(s.history, []);
      assert.deepEqual(s.cost, { currency: 'USD' });
      assert.equal(s.job.id, undefined);
      assert.ok(!('completedAt' in s));
      assertNoSecrets(s);
    });
  });

  describe('writeSidecar', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'orv-sidecar-'));
    });
    afterEach(async () => {
      await fs.promises.rm(dir, { recursive: true, force: true });
    });

    it('writes <video>.mp4.json atomically and replaces an older one', async () => {
      const video = path.join(dir, 'clip.mp4');
      await fs.promises.writeFile(video, 'video');
      const rec = record();
      const first = await writeSidecar(video, buildSidecar(rec, rec.outputs[0]!, '0.1.0'));
      assert.equal(first, path.join(dir, 'clip.mp4.json'));
      assert.equal(sidecarPathFor(video), first);
      const again = await writeSidecar(video, { ...buildSidecar(rec, rec.outputs[0]!, '0.2.0') });
      assert.equal(again, first);
      const parsed = JSON.parse(await fs.promises.readFile(first, 'utf8')) as { extensionVersion: string; rerun: { model: string } };
      assert.equal(parsed.extensionVersion, '0.2.0');
      assert.equal(parsed.rerun.model, 'google/veo-3.1-lite');
      assert.deepEqual((await fs.promises.readdir(dir)).sort(), ['clip.mp4', 'clip.mp4.json'], 'no temporary file left');
      assertNoSecrets(parsed);
    });

    it('a folder that cannot be written is an io error and leaves no temporary file', async () => {
      const notAFolder = path.join(dir, 'file');
      await fs.promises.writeFile(notAFolder, 'x');
      await assert.rejects(writeSidecar(path.join(notAFolder, 'clip.mp4'), { a: 1 }), (error: unknown) => {
        assert.ok(OpenRouterError.is(error, 'io'));
        assert.equal(error.reason, 'diskNotAFolder');
        assert.equal(error.params['folder'], notAFolder);
        assert.equal(error.params['action'], 'writeSidecar');
        return true;
      });
      assert.deepEqual(await fs.promises.readdir(dir), ['file']);
    });
  });
});
