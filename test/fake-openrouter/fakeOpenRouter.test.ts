/**
 * Tests of the fake itself, over real HTTP (global fetch / node:http), never through the project's client.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import {
  DEFAULT_API_KEY,
  FakeOpenRouter,
  MAX_SUBMIT_BYTES,
  fixtureModels,
  fixturePath,
  generatedBytes,
  sampleMp4,
  startFakeOpenRouter,
  type FakeOptions,
} from './fakeOpenRouter';

interface JobWire {
  id: string;
  polling_url: string;
  status: string;
  generation_id?: string | null;
  error?: string;
  unsigned_urls?: string[];
  usage?: { cost: number; is_byok: boolean };
}
interface Envelope {
  error: { message: string; code: number };
}

const VEO = 'google/veo-3.1';
const VALID = { model: VEO, prompt: 'a red fox in the snow', duration: 4, resolution: '720p', aspect_ratio: '16:9' };

let fake: FakeOpenRouter;
let extra: FakeOpenRouter[] = [];

async function startWith(options: FakeOptions): Promise<FakeOpenRouter> {
  const f = await startFakeOpenRouter(options);
  extra.push(f);
  return f;
}

function auth(key = fake.apiKey): Record<string, string> {
  return { Authorization: `Bearer ${key}` };
}

function submit(body: unknown, headers: Record<string, string> = auth()): Promise<Response> {
  return fetch(`${fake.baseUrl}/videos`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function submitOk(body: unknown = VALID): Promise<JobWire> {
  const res = await submit(body);
  const text = await res.text();
  assert.equal(res.status, 202, text);
  return JSON.parse(text) as JobWire;
}

async function poll(id: string, headers: Record<string, string> = auth()): Promise<JobWire> {
  const res = await fetch(`${fake.baseUrl}/videos/${id}`, { headers });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text) as JobWire;
}

async function expectError(res: Response, status: number, message: string | RegExp): Promise<void> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = JSON.parse(text) as Envelope;
  assert.deepEqual(Object.keys(body), ['error']);
  assert.deepEqual(Object.keys(body.error), ['message', 'code'], 'message comes before code');
  assert.equal(body.error.code, status);
  if (typeof message === 'string') assert.equal(body.error.message, message);
  else assert.match(body.error.message, message);
}

async function expectRejected(body: unknown, status: number, message: string | RegExp): Promise<void> {
  await expectError(await submit(body), status, message);
  assert.equal(fake.submitCount(), 0, 'a rejected submit is not counted');
  assert.equal(fake.jobs.size, 0, 'a rejected submit creates no job');
}

/** Reads a body to the end or to the first error, keeping what arrived. */
async function readAll(res: Response): Promise<{ bytes: Buffer; error?: unknown }> {
  const chunks: Buffer[] = [];
  const reader = res.body!.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { bytes: Buffer.concat(chunks) };
      chunks.push(Buffer.from(value));
    }
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A completed job (default script: pending on the 1st poll, completed from the 2nd). */
async function completedJob(body: unknown = VALID): Promise<JobWire> {
  const job = await submitOk(body);
  assert.equal((await poll(job.id)).status, 'pending');
  const done = await poll(job.id);
  assert.equal(done.status, 'completed');
  return done;
}

beforeEach(async () => {
  fake = await startFakeOpenRouter();
});

afterEach(async () => {
  await fake.close();
  await Promise.all(extra.map((f) => f.close()));
  extra = [];
});

describe('fake OpenRouter: basics', () => {
  it('binds to 127.0.0.1 with two distinct ports and the documented base path', () => {
    assert.match(fake.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(fake.baseUrl, `${fake.origin}/api/v1`);
    assert.match(fake.storageOrigin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(fake.storageOrigin, fake.origin);
    assert.equal(fake.apiKey, DEFAULT_API_KEY);
  });

  it('listens on the port it is given', async () => {
    const probe = await startFakeOpenRouter();
    const port = Number(new URL(probe.origin).port);
    await probe.close();
    const fixed = await startWith({ port });
    assert.equal(fixed.origin, `http://127.0.0.1:${port}`);
    assert.equal((await fetch(`${fixed.baseUrl}/videos/models`)).status, 200);
  });

  it('ships a small MP4 fixture that starts with an ftyp box', () => {
    const mp4 = sampleMp4();
    assert.ok(mp4.length > 1000 && mp4.length < 64 * 1024, `size ${mp4.length}`);
    assert.equal(mp4.subarray(4, 8).toString('latin1'), 'ftyp');
    assert.ok(mp4.includes(Buffer.from('avc1')), 'an H.264 (avc1) sample entry');
    assert.deepEqual(mp4, fs.readFileSync(fixturePath('sample.mp4')));
  });

  it('close() resolves while a request is stalled forever, and the ports stop answering', async () => {
    fake.inject({ route: 'poll', stallMs: Infinity });
    const hanging = fetch(`${fake.baseUrl}/videos/x`, { headers: auth() }).then(
      () => 'answered',
      () => 'failed',
    );
    await delay(100);
    const started = Date.now();
    await fake.close();
    assert.ok(Date.now() - started < 2000);
    assert.equal(await hanging, 'failed');
    await assert.rejects(fetch(`${fake.baseUrl}/videos/models`));
  });
});

describe('fake OpenRouter: GET /videos/models', () => {
  it('answers 200 {data} with the 30-model capture, without auth', async () => {
    const res = await fetch(`${fake.baseUrl}/videos/models`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await res.json()) as { data: { id: string }[] };
    assert.equal(body.data.length, 30);
    assert.deepEqual(body.data, fixtureModels());
    assert.ok(body.data.some((m) => m.id === VEO));
  });

  it('also answers with a bearer (even an unknown one)', async () => {
    const res = await fetch(`${fake.baseUrl}/videos/models`, { headers: auth('sk-or-v1-nobody') });
    assert.equal(res.status, 200);
  });

  it('serves and validates against an overridden model list', async () => {
    const models = [
      {
        id: 'acme/tiny',
        name: 'Acme: Tiny',
        supported_durations: [3],
        supported_resolutions: ['480p'],
        supported_aspect_ratios: ['1:1'],
        supported_sizes: null,
        supported_frame_images: null,
        generate_audio: null,
        seed: false,
        allowed_passthrough_parameters: [],
      },
    ];
    fake = await startWith({ models });
    const body = (await (await fetch(`${fake.baseUrl}/videos/models`)).json()) as { data: unknown[] };
    assert.deepEqual(body.data, models);
    await expectError(await submit(VALID), 404, 'Resource not found');
    await expectError(await submit({ model: 'acme/tiny', prompt: 'p', duration: 4 }), 400, 'duration 4 is not supported by acme/tiny; supported: 3');
    assert.equal((await submit({ model: 'acme/tiny', prompt: 'p', duration: 3 })).status, 202);
  });
});

describe('fake OpenRouter: POST /videos', () => {
  it('answers 202 with exactly {id, polling_url, status:"pending"}', async () => {
    const res = await submit(VALID);
    assert.equal(res.status, 202);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await res.json()) as JobWire;
    assert.deepEqual(Object.keys(body), ['id', 'polling_url', 'status']);
    assert.match(body.id, /^[A-Za-z0-9]{20}$/);
    assert.equal(body.polling_url, `${fake.origin}/api/v1/videos/${body.id}`);
    assert.equal(body.status, 'pending');
    assert.equal(fake.submitCount(), 1);
    const job = fake.jobs.get(body.id)!;
    assert.equal(job.model, VEO);
    assert.deepEqual(job.request, VALID);
    assert.equal(job.polls, 0);
    assert.equal(job.status, 'pending');
  });

  it('gives every job a different id', async () => {
    const a = await submitOk();
    const b = await submitOk();
    assert.notEqual(a.id, b.id);
    assert.equal(fake.submitCount(), 2);
  });

  it('accepts a minimal {model, prompt} for every one of the 30 models', async () => {
    for (const model of fixtureModels() as { id: string }[]) {
      const res = await submit({ model: model.id, prompt: 'p' });
      assert.equal(res.status, 202, `${model.id}: ${await res.text()}`);
    }
    assert.equal(fake.submitCount(), 30);
  });

  it('accepts a full valid Veo request (frames, seed, audio, callback, passthrough)', async () => {
    await submitOk({
      ...VALID,
      generate_audio: false,
      seed: 42,
      callback_url: 'https://example.com/hook',
      frame_images: [
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' }, frame_type: 'first_frame' },
        { type: 'image_url', image_url: { url: 'https://example.com/last.png' }, frame_type: 'last_frame' },
      ],
      provider: { options: { 'google-vertex': { parameters: { negativePrompt: 'blurry', enhancePrompt: true } } } },
    });
  });

  it('accepts a size from the model set', async () => {
    await submitOk({ model: VEO, prompt: 'p', size: '1920x1080' });
  });

  describe('rejects what OpenRouter rejects (400 envelope unless noted), creating no job', () => {
    it('invalid JSON', async () => {
      await expectRejected('{"model":', 400, /invalid json/i);
    });
    it('an empty body', async () => {
      await expectRejected('', 400, /invalid json/i);
    });
    it('a body that is not an object', async () => {
      await expectRejected('[1,2]', 400, 'Request body must be a JSON object');
    });
    it('missing model', async () => {
      await expectRejected({ prompt: 'p' }, 400, 'model is required');
    });
    it('a model that is not a string', async () => {
      await expectRejected({ model: 7, prompt: 'p' }, 400, 'model must be a non-empty string');
    });
    it('unknown model → 404 Resource not found', async () => {
      await expectRejected({ model: 'openai/sora-2-pro', prompt: 'p' }, 404, 'Resource not found');
    });
    it('duration not in the model set', async () => {
      await expectRejected({ ...VALID, duration: 5 }, 400, 'duration 5 is not supported by google/veo-3.1; supported: 4, 6, 8');
    });
    it('duration listed in the model order (unsorted sets)', async () => {
      await expectRejected({ model: 'google/veo-3.1-lite', prompt: 'p', duration: 5 }, 400, 'duration 5 is not supported by google/veo-3.1-lite; supported: 8, 4, 6');
    });
    it('duration that is not a positive integer', async () => {
      await expectRejected({ ...VALID, duration: 4.5 }, 400, 'duration must be a positive integer');
    });
    it('duration for a model whose set is null', async () => {
      await expectRejected({ model: 'black-forest-labs/flux-video-edit', prompt: 'p', duration: 4 }, 400, 'duration is not supported by black-forest-labs/flux-video-edit');
    });
    it('resolution not in the model set', async () => {
      await expectRejected({ ...VALID, resolution: '480p' }, 400, 'resolution 480p is not supported by google/veo-3.1; supported: 720p, 1080p, 4K');
    });
    it('resolution for a model whose set is null', async () => {
      await expectRejected({ model: 'black-forest-labs/flux-video-edit', prompt: 'p', resolution: '720p' }, 400, 'resolution is not supported by black-forest-labs/flux-video-edit');
    });
    it('aspect_ratio not in the model set', async () => {
      await expectRejected({ ...VALID, aspect_ratio: '1:1' }, 400, 'aspect_ratio 1:1 is not supported by google/veo-3.1; supported: 16:9, 9:16');
    });
    it('size not in the model set', async () => {
      await expectRejected({ model: VEO, prompt: 'p', size: '640x480' }, 400, /^size 640x480 is not supported by google\/veo-3\.1; supported: 1280x720, /);
    });
    it('size for a model whose set is null', async () => {
      await expectRejected({ model: 'heygen/heygen-video-1', prompt: 'p', size: '1280x720' }, 400, 'size is not supported by heygen/heygen-video-1');
    });
    it('a frame_type the model does not support', async () => {
      await expectRejected(
        { model: 'x-ai/grok-imagine-video', prompt: 'p', frame_images: [{ type: 'image_url', image_url: { url: 'https://e.com/a.png' }, frame_type: 'last_frame' }] },
        400,
        'frame_images[0].frame_type last_frame is not supported by x-ai/grok-imagine-video; supported: first_frame',
      );
    });
    it('frame images for a model without frame support (null)', async () => {
      await expectRejected(
        { model: 'runway/aleph-2', prompt: 'p', frame_images: [{ type: 'image_url', image_url: { url: 'https://e.com/a.png' }, frame_type: 'first_frame' }] },
        400,
        'frame_images are not supported by runway/aleph-2',
      );
    });
    it('a frame image whose type is not image_url', async () => {
      await expectRejected({ ...VALID, frame_images: [{ type: 'url', image_url: { url: 'https://e.com/a.png' }, frame_type: 'first_frame' }] }, 400, 'frame_images[0].type must be "image_url"');
    });
    it('a frame image without image_url.url', async () => {
      await expectRejected({ ...VALID, frame_images: [{ type: 'image_url', url: 'https://e.com/a.png', frame_type: 'first_frame' }] }, 400, 'frame_images[0].image_url.url is required');
    });
    it('a frame image with an unknown or missing frame_type', async () => {
      await expectRejected({ ...VALID, frame_images: [{ type: 'image_url', image_url: { url: 'https://e.com/a.png' }, frame_type: 'middle' }] }, 400, /frame_type must be "first_frame" or "last_frame"/);
      await expectRejected({ ...VALID, frame_images: [{ type: 'image_url', image_url: { url: 'https://e.com/a.png' } }] }, 400, /frame_type must be/);
    });
    it('frame_images that is not an array', async () => {
      await expectRejected({ ...VALID, frame_images: { type: 'image_url' } }, 400, 'frame_images must be an array');
    });
    it('malformed input_references', async () => {
      await expectRejected({ ...VALID, input_references: [{ type: 'image_url', url: 'x' }] }, 400, 'input_references[0].image_url.url is required');
      await expectRejected({ ...VALID, input_references: [{ type: 'file' }] }, 400, /input_references\[0\]\.type must be one of/);
    });
    it('seed when the model reports seed:false', async () => {
      await expectRejected({ model: 'kwaivgi/kling-video-o1', prompt: 'p', seed: 1 }, 400, 'seed is not supported by kwaivgi/kling-video-o1');
    });
    it('seed when the model reports seed:null', async () => {
      await expectRejected({ model: 'x-ai/grok-imagine-video', prompt: 'p', seed: 1 }, 400, 'seed is not supported by x-ai/grok-imagine-video');
    });
    it('a seed that is not an integer', async () => {
      await expectRejected({ ...VALID, seed: '42' }, 400, 'seed must be an integer');
    });
    it('generate_audio when the model reports generate_audio:null', async () => {
      await expectRejected({ model: 'x-ai/grok-imagine-video', prompt: 'p', generate_audio: true }, 400, 'generate_audio is not supported by x-ai/grok-imagine-video');
    });
    it('the HeyGen quirk: generate_audio:false to a model reporting false', async () => {
      await expectRejected({ model: 'heygen/heygen-video-1', prompt: 'p', generate_audio: false }, 400, /^generate_audio false is not supported by heygen\/heygen-video-1/);
    });
    it('a generate_audio that is not a boolean', async () => {
      await expectRejected({ ...VALID, generate_audio: 'yes' }, 400, 'generate_audio must be a boolean');
    });
    it('a callback_url that is not https', async () => {
      await expectRejected({ ...VALID, callback_url: 'http://example.com/hook' }, 400, 'callback_url must be an HTTPS URL');
      await expectRejected({ ...VALID, callback_url: 'not a url' }, 400, 'callback_url must be an HTTPS URL');
    });
    it('a passthrough key the model does not allow', async () => {
      await expectRejected(
        { ...VALID, provider: { options: { 'google-vertex': { parameters: { negativePrompt: 'x', cfg_scale: 2 } } } } },
        400,
        'provider.options.google-vertex.parameters.cfg_scale is not an allowed passthrough parameter for google/veo-3.1; allowed: personGeneration, aspectRatio, negativePrompt, conditioningScale, enhancePrompt',
      );
    });
    it('any passthrough key for a model that allows none', async () => {
      await expectRejected({ model: 'x-ai/grok-imagine-video', prompt: 'p', provider: { options: { xai: { parameters: { x: 1 } } } } }, 400, /allowed: none$/);
    });
    it('a missing prompt without a first_frame', async () => {
      await expectRejected({ model: VEO }, 400, /^prompt is required/);
    });
    it('an empty prompt without a first_frame', async () => {
      await expectRejected({ model: VEO, prompt: '' }, 400, /^prompt is required/);
      await expectRejected({ model: VEO, prompt: '   ' }, 400, /^prompt is required/);
    });
    it('a missing prompt with only a last_frame', async () => {
      await expectRejected({ model: VEO, frame_images: [{ type: 'image_url', image_url: { url: 'https://e.com/z.png' }, frame_type: 'last_frame' }] }, 400, /^prompt is required/);
    });
    it('a prompt that is not a string', async () => {
      await expectRejected({ model: VEO, prompt: 3 }, 400, 'prompt must be a string');
    });
    it('upscale_factor and creativity for a generation model', async () => {
      await expectRejected({ ...VALID, upscale_factor: 2 }, 400, 'upscale_factor is not supported by google/veo-3.1');
      await expectRejected({ ...VALID, creativity: 1 }, 400, 'creativity is not supported by google/veo-3.1');
    });
    it('a body over 50 MiB → 413 envelope', async () => {
      const huge = JSON.stringify({ ...VALID, prompt: 'x'.repeat(MAX_SUBMIT_BYTES) });
      await expectRejected(huge, 413, /too large/);
    });
  });

  describe('previous_job_id (extend a completed job)', () => {
    it('records the job it extends', async () => {
      const first = await completedJob();
      const next = await submitOk({ ...VALID, prompt: 'and then it jumps', previous_job_id: first.id });
      assert.equal(fake.jobs.get(next.id)?.previousJobId, first.id);
      assert.equal(fake.jobs.get(first.id)?.previousJobId, undefined);
    });

    it('answers 409 for a job that is not completed, and creates no job', async () => {
      const first = await submitOk();
      await expectError(await submit({ ...VALID, previous_job_id: first.id }), 409, `Video generation job ${first.id} is not completed (status: pending)`);
      assert.equal(fake.jobs.size, 1);
    });

    it('answers 400 for a model that cannot continue, or another model than the job\'s', async () => {
      const first = await completedJob();
      await expectError(await submit({ model: 'google/veo-3.1-fast', prompt: 'p', previous_job_id: first.id }), 400, /was made by google\/veo-3\.1; extend it with the same model/);
      fake.setNoContinuation([VEO]);
      await expectError(await submit({ ...VALID, previous_job_id: first.id }), 400, `previous_job_id is not supported by ${VEO}`);
      fake.reset();
      assert.equal(fake.jobs.size, 0);
    });

    it('answers 404 for an unknown job and 400 for a value that is not a string', async () => {
      await expectRejected({ ...VALID, previous_job_id: 'NoSuchJob000000000000' }, 404, 'Resource not found');
      await expectRejected({ ...VALID, previous_job_id: 42 }, 400, 'previous_job_id must be a non-empty string');
    });
  });

  it('accepts a missing prompt when a first_frame is given', async () => {
    await submitOk({ model: VEO, frame_images: [{ type: 'image_url', image_url: { url: 'https://e.com/a.png' }, frame_type: 'first_frame' }] });
  });

  it('accepts generate_audio:true and an omitted flag for HeyGen, and false for a model reporting true', async () => {
    await submitOk({ model: 'heygen/heygen-video-1', prompt: 'p', generate_audio: true });
    await submitOk({ model: 'heygen/heygen-video-1', prompt: 'p' });
    await submitOk({ ...VALID, generate_audio: false });
    assert.equal(fake.submitCount(), 3);
  });

  it('accepts upscale_factor and creativity inside the upscaler ranges, and rejects them outside', async () => {
    const model = 'black-forest-labs/flux-video-upscale';
    await submitOk({ model, prompt: 'p', upscale_factor: 2, creativity: 1 });
    await expectError(await submit({ model, prompt: 'p', upscale_factor: 4 }), 400, /^upscale_factor 4 is not supported/);
    await expectError(await submit({ model, prompt: 'p', creativity: 3 }), 400, 'creativity 3 is not supported by black-forest-labs/flux-video-upscale; supported: 0, 1');
  });

  it('accepts a body just under 50 MiB', async () => {
    const body = JSON.stringify({ ...VALID, frame_images: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(MAX_SUBMIT_BYTES - 400)}` }, frame_type: 'first_frame' }] });
    assert.ok(body.length <= MAX_SUBMIT_BYTES);
    await submitOk(body);
  });
});

describe('fake OpenRouter: auth', () => {
  const protectedCalls: [string, () => Promise<{ method: string; url: string }>][] = [
    ['submit', async () => ({ method: 'POST', url: `${fake.baseUrl}/videos` })],
    ['poll', async () => ({ method: 'GET', url: `${fake.baseUrl}/videos/${fake.createJob(VEO).id}` })],
    ['content', async () => {
      const job = fake.createJob(VEO);
      fake.setJobStatus(job.id, 'completed');
      return { method: 'GET', url: `${fake.baseUrl}/videos/${job.id}/content?index=0` };
    }],
    ['key', async () => ({ method: 'GET', url: `${fake.baseUrl}/key` })],
  ];

  for (const [name, target] of protectedCalls) {
    it(`${name}: no Authorization → 401 Missing Authentication header (the real 64-byte body)`, async () => {
      const { method, url } = await target();
      const res = await fetch(url, { method, body: method === 'POST' ? JSON.stringify(VALID) : undefined });
      assert.equal(res.status, 401);
      assert.equal(await res.text(), '{"error":{"message":"Missing Authentication header","code":401}}');
      assert.equal(res.headers.get('content-length'), '64');
    });

    it(`${name}: malformed Authorization → 401 Missing Authentication header`, async () => {
      for (const header of [fake.apiKey, `Token ${fake.apiKey}`, 'Bearer', 'Bearer ']) {
        const { method, url } = await target();
        const res = await fetch(url, { method, headers: { Authorization: header }, body: method === 'POST' ? JSON.stringify(VALID) : undefined });
        await expectError(res, 401, 'Missing Authentication header');
      }
    });

    it(`${name}: unknown key → 401 User not found.`, async () => {
      const { method, url } = await target();
      const res = await fetch(url, { method, headers: auth('sk-or-v1-unknown'), body: method === 'POST' ? JSON.stringify(VALID) : undefined });
      await expectError(res, 401, 'User not found.');
    });
  }

  it('a revoked key gets User not found.; an added key works', async () => {
    fake.revokeKey(fake.apiKey);
    await expectError(await submit(VALID), 401, 'User not found.');
    fake.addKey('sk-or-v1-second');
    assert.equal((await submit(VALID, auth('sk-or-v1-second'))).status, 202);
    assert.equal(fake.submitCount(), 1);
  });

  it('accepts every key given in options, and apiKey is the first', async () => {
    fake = await startWith({ apiKeys: ['k-one', 'k-two'] });
    assert.equal(fake.apiKey, 'k-one');
    assert.equal((await submit(VALID, auth('k-two'))).status, 202);
    await expectError(await submit(VALID, auth(DEFAULT_API_KEY)), 401, 'User not found.');
  });

  it('auth is checked before validation', async () => {
    await expectError(await submit({ model: 'nope' }, {}), 401, 'Missing Authentication header');
  });
});

describe('fake OpenRouter: GET /videos/{id} (job scripts)', () => {
  it('default: pending on the first poll, completed from the second, with the documented completed body', async () => {
    const { id } = await submitOk();
    const first = await poll(id);
    assert.deepEqual(first, { id, polling_url: `${fake.origin}/api/v1/videos/${id}`, status: 'pending' });
    const done = await poll(id);
    assert.deepEqual(Object.keys(done), ['id', 'generation_id', 'polling_url', 'status', 'unsigned_urls', 'usage']);
    assert.equal(done.status, 'completed');
    assert.match(done.generation_id!, new RegExp(`^gen-\\d+-${id}$`));
    assert.equal(done.polling_url, `${fake.origin}/api/v1/videos/${id}`);
    assert.deepEqual(done.unsigned_urls, [`${fake.origin}/api/v1/videos/${id}/content?index=0`]);
    assert.deepEqual(done.usage, { cost: 0.4, is_byok: false });
    assert.equal((await poll(id)).status, 'completed', 'the last status sticks');
    assert.equal(fake.jobs.get(id)!.polls, 3);
    assert.equal(fake.jobs.get(id)!.status, 'completed');
  });

  it('walks pending → in_progress → completed', async () => {
    fake.queueScript({ statuses: ['pending', 'in_progress', 'in_progress', 'completed'] });
    const { id } = await submitOk();
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) seen.push((await poll(id)).status);
    assert.deepEqual(seen, ['pending', 'in_progress', 'in_progress', 'completed', 'completed']);
  });

  for (const [status, message] of [
    ['failed', 'Content policy violation'],
    ['cancelled', 'Job was cancelled'],
    ['expired', 'Job exceeded maximum time to live'],
  ] as const) {
    it(`${status}: carries the default error "${message}" and no urls/usage`, async () => {
      fake.queueScript({ statuses: ['pending', status] });
      const { id } = await submitOk();
      assert.equal((await poll(id)).status, 'pending');
      const body = await poll(id);
      assert.deepEqual(body, { id, polling_url: `${fake.origin}/api/v1/videos/${id}`, status, error: message });
    });
  }

  it('dead: an undocumented terminal status with an error text', async () => {
    fake.queueScript({ statuses: ['dead'] });
    const { id } = await submitOk();
    const body = await poll(id);
    assert.equal(body.status, 'dead');
    assert.equal(typeof body.error, 'string');
    assert.ok(body.error!.length > 0);
    assert.equal(body.unsigned_urls, undefined);
  });

  it('uses the script error text', async () => {
    fake.queueScript({ statuses: ['failed'], error: 'Provider refused: NSFW' });
    const { id } = await submitOk();
    assert.equal((await poll(id)).error, 'Provider refused: NSFW');
  });

  it('completeAfterMs: pending until the time has passed, then completed', async () => {
    fake.queueScript({ completeAfterMs: 300 });
    const { id } = await submitOk();
    assert.equal((await poll(id)).status, 'pending');
    assert.equal((await poll(id)).status, 'pending');
    await delay(350);
    assert.equal((await poll(id)).status, 'completed');
  });

  it('completeAfterMs with statuses: then the last status', async () => {
    fake.queueScript({ completeAfterMs: 100, statuses: ['pending', 'expired'] });
    const { id } = await submitOk();
    assert.equal((await poll(id)).status, 'pending');
    await delay(150);
    const body = await poll(id);
    assert.equal(body.status, 'expired');
    assert.equal(body.error, 'Job exceeded maximum time to live');
  });

  it('queueScript is FIFO, one per submit, and overrides the default; setDefaultScript covers later submits', async () => {
    fake.setDefaultScript({ statuses: ['in_progress'] });
    fake.queueScript({ statuses: ['failed'] });
    fake.queueScript({ statuses: ['cancelled'] });
    const a = await submitOk();
    const b = await submitOk();
    const c = await submitOk();
    assert.equal((await poll(a.id)).status, 'failed');
    assert.equal((await poll(b.id)).status, 'cancelled');
    assert.equal((await poll(c.id)).status, 'in_progress');
  });

  it('defaultScript option applies to every submit', async () => {
    fake = await startWith({ defaultScript: { statuses: ['completed'], costUsd: 1.25 } });
    const { id } = await submitOk();
    const body = await poll(id);
    assert.equal(body.status, 'completed');
    assert.equal(body.usage!.cost, 1.25);
  });

  it('outputs, costUsd and generationId shape the completed body', async () => {
    fake.queueScript({ statuses: ['completed'], outputs: 3, costUsd: 0.2, generationId: 'gen-abc' });
    const { id } = await submitOk();
    const body = await poll(id);
    assert.deepEqual(body.unsigned_urls, [0, 1, 2].map((i) => `${fake.origin}/api/v1/videos/${id}/content?index=${i}`));
    assert.equal(body.usage!.cost, 0.2);
    assert.equal(body.generation_id, 'gen-abc');
  });

  it('generationId null is sent as generation_id: null', async () => {
    fake.queueScript({ statuses: ['completed'], generationId: null });
    const { id } = await submitOk();
    const body = await poll(id);
    assert.ok('generation_id' in body);
    assert.equal(body.generation_id, null);
  });

  it('relative polling_url on submit and poll', async () => {
    fake.queueScript({ pollingUrl: 'relative' });
    const job = await submitOk();
    assert.equal(job.polling_url, `/api/v1/videos/${job.id}`);
    const polled = await poll(job.id);
    assert.equal(polled.polling_url, `/api/v1/videos/${job.id}`);
    const resolved = await fetch(new URL(job.polling_url, fake.origin), { headers: auth() });
    assert.equal(resolved.status, 200);
  });

  it('foreign polling_url points at the storage server, which records (and 404s) anything sent there', async () => {
    fake.queueScript({ pollingUrl: 'foreign' });
    const job = await submitOk();
    assert.equal(job.polling_url, `${fake.storageOrigin}/api/v1/videos/${job.id}`);
    const res = await fetch(job.polling_url, { headers: auth() });
    await expectError(res, 404, 'Not Found');
    const leaked = fake.requestsTo('storage');
    assert.equal(leaked.length, 1);
    assert.equal(leaked[0]!.headers.authorization, `Bearer ${fake.apiKey}`, 'the storage server records the leaked bearer');
  });

  it('setJobStatus forces the status (and error) from then on', async () => {
    const { id } = await submitOk();
    fake.setJobStatus(id, 'failed', 'Quota exhausted upstream');
    assert.equal(fake.jobs.get(id)!.status, 'failed');
    const body = await poll(id);
    assert.equal(body.status, 'failed');
    assert.equal(body.error, 'Quota exhausted upstream');
    fake.setJobStatus(id, 'completed');
    assert.equal((await poll(id)).status, 'completed');
    assert.throws(() => fake.setJobStatus('nope', 'completed'));
  });

  it('createJob makes a job as if submitted, pollable by id, not counted as a submit', async () => {
    const job = fake.createJob(VEO, { statuses: ['in_progress', 'completed'] }, { model: VEO, prompt: 'earlier' });
    assert.match(job.id, /^[A-Za-z0-9]{20}$/);
    assert.equal(fake.jobs.get(job.id), job);
    assert.equal(fake.submitCount(), 0);
    assert.deepEqual(job.request, { model: VEO, prompt: 'earlier' });
    assert.equal((await poll(job.id)).status, 'in_progress');
    assert.equal((await poll(job.id)).status, 'completed');
    assert.equal(job.polls, 2);
  });

  it('unknown job id → 404 Resource not found', async () => {
    await expectError(await fetch(`${fake.baseUrl}/videos/AAAAAAAAAAAAAAAAAAAA`, { headers: auth() }), 404, 'Resource not found');
  });
});

describe('fake OpenRouter: GET /videos/{id}/content', () => {
  it('serves the fixture MP4 with video/mp4, Content-Length and Accept-Ranges', async () => {
    const job = await completedJob();
    const res = await fetch(job.unsigned_urls![0]!, { headers: auth() });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'video/mp4');
    assert.equal(res.headers.get('content-length'), String(sampleMp4().length));
    assert.equal(res.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), sampleMp4());
  });

  it('index defaults to 0; a second output is served; an index out of range → 404', async () => {
    fake.queueScript({ statuses: ['completed'], outputs: 2 });
    const { id } = await submitOk();
    await poll(id);
    for (const url of [`${fake.baseUrl}/videos/${id}/content`, `${fake.baseUrl}/videos/${id}/content?index=1`]) {
      const res = await fetch(url, { headers: auth() });
      assert.equal(res.status, 200);
      assert.equal((await res.arrayBuffer()).byteLength, sampleMp4().length);
    }
    await expectError(await fetch(`${fake.baseUrl}/videos/${id}/content?index=2`, { headers: auth() }), 404, 'Resource not found');
  });

  it('an index that is not a non-negative integer → 400', async () => {
    const job = await completedJob();
    await expectError(await fetch(`${fake.baseUrl}/videos/${job.id}/content?index=-1`, { headers: auth() }), 400, /index/);
  });

  it('a job that is not completed → 400 envelope naming the status', async () => {
    const { id } = await submitOk();
    await expectError(await fetch(`${fake.baseUrl}/videos/${id}/content?index=0`, { headers: auth() }), 400, /not completed \(status: pending\)/);
    fake.setJobStatus(id, 'failed');
    await expectError(await fetch(`${fake.baseUrl}/videos/${id}/content?index=0`, { headers: auth() }), 400, /status: failed/);
  });

  it('an unknown job → 404', async () => {
    await expectError(await fetch(`${fake.baseUrl}/videos/nope/content?index=0`, { headers: auth() }), 404, 'Resource not found');
  });

  it('serves a custom Buffer body', async () => {
    const bytes = Buffer.concat([Buffer.from([0, 0, 0, 8]), Buffer.from('ftypabcdefgh')]);
    fake.queueScript({ statuses: ['completed'], body: bytes });
    const { id } = await submitOk();
    await poll(id);
    const res = await fetch(`${fake.baseUrl}/videos/${id}/content`, { headers: auth() });
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
  });

  describe('ranges', () => {
    it('bytes=a- → 206 with Content-Range and the tail', async () => {
      const job = await completedJob();
      const mp4 = sampleMp4();
      const res = await fetch(job.unsigned_urls![0]!, { headers: { ...auth(), Range: 'bytes=100-' } });
      assert.equal(res.status, 206);
      assert.equal(res.headers.get('content-range'), `bytes 100-${mp4.length - 1}/${mp4.length}`);
      assert.equal(res.headers.get('content-length'), String(mp4.length - 100));
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), mp4.subarray(100));
    });

    it('bytes=a-b → 206 with exactly those bytes (b clamped to the end)', async () => {
      const job = await completedJob();
      const mp4 = sampleMp4();
      const res = await fetch(job.unsigned_urls![0]!, { headers: { ...auth(), Range: 'bytes=10-19' } });
      assert.equal(res.status, 206);
      assert.equal(res.headers.get('content-range'), `bytes 10-19/${mp4.length}`);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), mp4.subarray(10, 20));
      const clamped = await fetch(job.unsigned_urls![0]!, { headers: { ...auth(), Range: `bytes=${mp4.length - 5}-999999999` } });
      assert.equal(clamped.status, 206);
      assert.equal(clamped.headers.get('content-range'), `bytes ${mp4.length - 5}-${mp4.length - 1}/${mp4.length}`);
      assert.equal((await clamped.arrayBuffer()).byteLength, 5);
    });

    it('bytes=-n → the last n bytes', async () => {
      const job = await completedJob();
      const mp4 = sampleMp4();
      const res = await fetch(job.unsigned_urls![0]!, { headers: { ...auth(), Range: 'bytes=-16' } });
      assert.equal(res.status, 206);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), mp4.subarray(mp4.length - 16));
    });

    it('a range starting past the end → 416 with Content-Range bytes */size', async () => {
      const job = await completedJob();
      const res = await fetch(job.unsigned_urls![0]!, { headers: { ...auth(), Range: `bytes=${sampleMp4().length}-` } });
      assert.equal(res.headers.get('content-range'), `bytes */${sampleMp4().length}`);
      await expectError(res, 416, 'Range Not Satisfiable');
    });

    it('ranges off: no Accept-Ranges, Range ignored → 200 full body', async () => {
      fake.setContent({ ranges: false });
      const job = await completedJob();
      const res = await fetch(job.unsigned_urls![0]!, { headers: { ...auth(), Range: 'bytes=100-' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('accept-ranges'), null);
      assert.equal(res.headers.get('content-range'), null);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), sampleMp4());
    });
  });

  describe('content behaviours', () => {
    it('resetAfterBytes: the connection drops after exactly N body bytes, once by default', async () => {
      fake.setContent({ resetAfterBytes: 1000 });
      const job = await completedJob();
      const first = await fetch(job.unsigned_urls![0]!, { headers: auth() });
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('content-length'), String(sampleMp4().length), 'the full length is promised');
      const partial = await readAll(first);
      assert.ok(partial.error, 'the body ends in an error');
      assert.equal(partial.bytes.length, 1000);
      assert.deepEqual(partial.bytes, sampleMp4().subarray(0, 1000));
      const second = await readAll(await fetch(job.unsigned_urls![0]!, { headers: auth() }));
      assert.equal(second.error, undefined);
      assert.deepEqual(second.bytes, sampleMp4());
    });

    it('resetTimes: drops that many content requests; a resume with Range then completes', async () => {
      fake.setContent({ resetAfterBytes: 500, resetTimes: 2 });
      const job = await completedJob();
      const url = job.unsigned_urls![0]!;
      const a = await readAll(await fetch(url, { headers: auth() }));
      assert.ok(a.error);
      assert.equal(a.bytes.length, 500);
      const b = await readAll(await fetch(url, { headers: { ...auth(), Range: 'bytes=500-' } }));
      assert.ok(b.error);
      assert.equal(b.bytes.length, 500);
      const c = await fetch(url, { headers: { ...auth(), Range: 'bytes=1000-' } });
      assert.equal(c.status, 206);
      const rest = await readAll(c);
      assert.equal(rest.error, undefined);
      assert.deepEqual(Buffer.concat([a.bytes, b.bytes, rest.bytes]), sampleMp4());
    });

    it('resetAfterBytes 0: headers, then the connection drops', async () => {
      fake.setContent({ resetAfterBytes: 0 });
      const job = await completedJob();
      const res = await fetch(job.unsigned_urls![0]!, { headers: auth() }).catch((error: unknown) => error);
      if (res instanceof Response) {
        const body = await readAll(res);
        assert.ok(body.error);
        assert.equal(body.bytes.length, 0);
      } else {
        assert.ok(res instanceof Error);
      }
    });

    it('stallAfterBytes: sends N bytes then nothing while the socket stays open, once', async () => {
      fake.setContent({ stallAfterBytes: 2000 });
      const job = await completedJob();
      const controller = new AbortController();
      const res = await fetch(job.unsigned_urls![0]!, { headers: auth(), signal: controller.signal });
      const reader = res.body!.getReader();
      let got = 0;
      while (got < 2000) {
        const { done, value } = await reader.read();
        assert.equal(done, false);
        got += value!.length;
      }
      assert.equal(got, 2000);
      const next = await Promise.race([reader.read().then(() => 'data', () => 'error'), delay(400).then(() => 'stalled')]);
      assert.equal(next, 'stalled');
      controller.abort();
      const again = await readAll(await fetch(job.unsigned_urls![0]!, { headers: auth() }));
      assert.equal(again.error, undefined);
      assert.equal(again.bytes.length, sampleMp4().length);
    });

    it('wrongContentType json: 200 application/json instead of the video', async () => {
      fake.setContent({ wrongContentType: 'json' });
      const job = await completedJob();
      const res = await fetch(job.unsigned_urls![0]!, { headers: auth() });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(((await res.json()) as JobWire).id, job.id);
    });

    it('wrongContentType html: 200 text/html instead of the video', async () => {
      fake.setContent({ wrongContentType: 'html' });
      const job = await completedJob();
      const res = await fetch(job.unsigned_urls![0]!, { headers: auth() });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await res.text(), /^<!DOCTYPE html>/);
    });

    it('latencyMs delays content headers only', async () => {
      fake.setContent({ latencyMs: 400 });
      const job = await completedJob();
      let started = Date.now();
      await poll(job.id);
      const pollMs = Date.now() - started;
      started = Date.now();
      const res = await fetch(job.unsigned_urls![0]!, { headers: auth() });
      const contentMs = Date.now() - started;
      await res.arrayBuffer();
      assert.ok(contentMs >= 390, `content headers after ${contentMs} ms`);
      assert.ok(contentMs - pollMs >= 250, `polls are not delayed (poll ${pollMs} ms, content ${contentMs} ms)`);
    });

    it('setContent replaces the behaviour; reset() restores the defaults', async () => {
      fake.setContent({ ranges: false });
      fake.setContent({ wrongContentType: 'html' });
      const job = await completedJob();
      const html = await fetch(job.unsigned_urls![0]!, { headers: auth() });
      assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
      await html.text();
      fake.reset();
      const job2 = await completedJob();
      const res = await fetch(job2.unsigned_urls![0]!, { headers: { ...auth(), Range: 'bytes=0-3' } });
      assert.equal(res.status, 206);
      await res.arrayBuffer();
    });
  });

  describe('sized bodies', () => {
    it('serve exactly {size} deterministic bytes starting with an ftyp box and an mdat box', async () => {
      const size = 3 * 1024 * 1024 + 17;
      fake.queueScript({ statuses: ['completed'], body: { size } });
      const { id } = await submitOk();
      await poll(id);
      const res = await fetch(`${fake.baseUrl}/videos/${id}/content`, { headers: auth() });
      assert.equal(res.headers.get('content-length'), String(size));
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.equal(bytes.length, size);
      assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp');
      assert.equal(bytes.readUInt32BE(0), 24);
      assert.equal(bytes.subarray(28, 32).toString('latin1'), 'mdat');
      assert.equal(bytes.readUInt32BE(24), size - 24, 'the mdat box covers the rest of the file');
      assert.deepEqual(bytes, generatedBytes(size, 0, size));
    });

    it('any slice equals the same bytes of the whole, and every 64-byte line carries its offset', () => {
      const size = 1_000_003;
      const whole = generatedBytes(size, 0, size);
      for (const [a, b] of [[0, 10], [5, 70], [63, 65], [4096, 70001], [size - 9, size]] as const) {
        assert.deepEqual(generatedBytes(size, a, b), whole.subarray(a, b), `slice ${a}-${b}`);
      }
      assert.equal(whole.readUInt32BE(640 + 4), 640);
      assert.notDeepEqual(whole.subarray(64 * 1000, 64 * 1001), whole.subarray(64 * 2000, 64 * 2001), 'no short period');
      const big = generatedBytes(2 ** 33, 2 ** 32 + 64, 2 ** 32 + 72);
      assert.equal(big.readUInt32BE(0), 1);
      assert.equal(big.readUInt32BE(4), 64);
    });

    it('a sized body over 4 GiB uses a 64-bit mdat header', () => {
      const head = generatedBytes(5 * 2 ** 30, 0, 40);
      assert.equal(head.readUInt32BE(24), 1);
      assert.equal(head.subarray(28, 32).toString('latin1'), 'mdat');
      assert.equal(head.readUInt32BE(32) * 2 ** 32 + head.readUInt32BE(36), 5 * 2 ** 30 - 24);
    });

    it('ranges into a sized body return the matching slice', async () => {
      const size = 10 * 1024 * 1024;
      fake.queueScript({ statuses: ['completed'], body: { size } });
      const { id } = await submitOk();
      await poll(id);
      const res = await fetch(`${fake.baseUrl}/videos/${id}/content`, { headers: { ...auth(), Range: 'bytes=5000000-5100000' } });
      assert.equal(res.status, 206);
      assert.equal(res.headers.get('content-range'), `bytes 5000000-5100000/${size}`);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), generatedBytes(size, 5_000_000, 5_100_001));
    });

    it('streams with backpressure: a paused reader of a 1 GiB body does not grow memory', async () => {
      const size = 2 ** 30;
      fake.queueScript({ statuses: ['completed'], body: { size } });
      const { id } = await submitOk();
      await poll(id);
      const before = process.memoryUsage().arrayBuffers;
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.get(`${fake.baseUrl}/videos/${id}/content`, { headers: auth() }, resolve);
        req.on('error', reject);
      });
      assert.equal(res.headers['content-length'], String(size));
      res.pause();
      await delay(800);
      const grown = process.memoryUsage().arrayBuffers - before;
      res.destroy();
      assert.ok(grown < 48 * 1024 * 1024, `arrayBuffers grew by ${(grown / 2 ** 20).toFixed(1)} MiB while the reader was paused`);
    });

    it('streams a 256 MiB body to the end with flat memory', async () => {
      const size = 256 * 2 ** 20;
      fake.queueScript({ statuses: ['completed'], body: { size } });
      const { id } = await submitOk();
      await poll(id);
      const before = process.memoryUsage().arrayBuffers;
      let peak = 0;
      const res = await fetch(`${fake.baseUrl}/videos/${id}/content`, { headers: auth() });
      const reader = res.body!.getReader();
      let total = 0;
      let last = Buffer.alloc(0);
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.length;
        last = Buffer.from(value.subarray(Math.max(0, value.length - 8)));
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
      }
      assert.equal(total, size);
      assert.deepEqual(last.subarray(-8), generatedBytes(size, size - 8, size));
      assert.ok(peak < 64 * 1024 * 1024, `peak growth ${(peak / 2 ** 20).toFixed(1)} MiB`);
    });
  });
});

describe('fake OpenRouter: storage server (contentOrigin storage)', () => {
  it('puts unsigned_urls on the storage origin and serves them without auth', async () => {
    fake.queueScript({ statuses: ['completed'], contentOrigin: 'storage', outputs: 2 });
    const { id } = await submitOk();
    const body = await poll(id);
    assert.deepEqual(body.unsigned_urls, [`${fake.storageOrigin}/files/${id}/0.mp4`, `${fake.storageOrigin}/files/${id}/1.mp4`]);
    const res = await fetch(body.unsigned_urls![1]!);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'video/mp4');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), sampleMp4());
    const recorded = fake.requestsTo('storage');
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]!.server, 'storage');
    assert.equal(recorded[0]!.path, `/files/${id}/1.mp4`);
    assert.equal(recorded[0]!.headers.authorization, undefined, 'no Authorization reached the storage server');
  });

  it('honours ranges and content behaviours like the API content route', async () => {
    fake.queueScript({ statuses: ['completed'], contentOrigin: 'storage' });
    const { id } = await submitOk();
    const url = (await poll(id)).unsigned_urls![0]!;
    const ranged = await fetch(url, { headers: { Range: 'bytes=4-7' } });
    assert.equal(ranged.status, 206);
    assert.equal(await ranged.text(), 'ftyp');
    fake.setContent({ resetAfterBytes: 100 });
    const cut = await readAll(await fetch(url));
    assert.ok(cut.error);
    assert.equal(cut.bytes.length, 100);
  });

  it('404s before completion, for unknown jobs, out-of-range files and other paths; 405 on other methods', async () => {
    fake.queueScript({ contentOrigin: 'storage' });
    const { id } = await submitOk();
    await expectError(await fetch(`${fake.storageOrigin}/files/${id}/0.mp4`), 404, 'Not Found');
    await poll(id);
    await poll(id);
    assert.equal((await fetch(`${fake.storageOrigin}/files/${id}/0.mp4`)).status, 200);
    await expectError(await fetch(`${fake.storageOrigin}/files/${id}/1.mp4`), 404, 'Not Found');
    await expectError(await fetch(`${fake.storageOrigin}/files/nope/0.mp4`), 404, 'Not Found');
    await expectError(await fetch(`${fake.storageOrigin}/`), 404, 'Not Found');
    await expectError(await fetch(`${fake.storageOrigin}/files/${id}/0.mp4`, { method: 'DELETE' }), 405, /not allowed/);
  });

  it('the API content endpoint still serves a storage-origin job (with auth)', async () => {
    fake.queueScript({ statuses: ['completed'], contentOrigin: 'storage' });
    const { id } = await submitOk();
    await poll(id);
    assert.equal((await fetch(`${fake.baseUrl}/videos/${id}/content?index=0`, { headers: auth() })).status, 200);
  });

  it('contentHost puts a made-up host name (with the fake\'s port) into unsigned_urls', async () => {
    fake.queueScript({ statuses: ['completed'], contentOrigin: 'storage', contentHost: 'video-cdn.example' });
    const storage = await submitOk();
    fake.queueScript({ statuses: ['completed'], contentHost: 'video-cdn.example' });
    const api = await submitOk();
    const storageUrl = (await poll(storage.id)).unsigned_urls![0]!;
    const apiUrl = (await poll(api.id)).unsigned_urls![0]!;
    assert.equal(storageUrl, `http://video-cdn.example:${new URL(fake.storageOrigin).port}/files/${storage.id}/0.mp4`);
    assert.equal(apiUrl, `http://video-cdn.example:${new URL(fake.origin).port}/api/v1/videos/${api.id}/content?index=0`);
    // What a proxy does with such a URL: connect to the port on this machine and send the request there.
    const served = await new Promise<Buffer>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: new URL(storageUrl).port, path: new URL(storageUrl).pathname, headers: { Host: new URL(storageUrl).host } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      });
      req.on('error', reject);
    });
    assert.deepEqual(served, sampleMp4());
  });

  it('contentRedirectHost makes the API content route redirect to the storage server under that host name', async () => {
    fake.queueScript({ statuses: ['completed'], contentRedirectHost: 'video-cdn.example' });
    const { id } = await submitOk();
    const url = (await poll(id)).unsigned_urls![0]!;
    assert.equal(url, `${fake.baseUrl}/videos/${id}/content?index=0`, 'the link OpenRouter gives is the API\'s own');
    const res = await fetch(url, { headers: auth(), redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), `http://video-cdn.example:${new URL(fake.storageOrigin).port}/files/${id}/0.mp4`);
  });
});

describe('fake OpenRouter: bytesPerSecond (a throttled link)', () => {
  /** A completed job of `size` bytes paced at 2 MiB/s: its content's answer, and when it was asked for. */
  async function pacedContent(size: number): Promise<{ res: Response; started: number }> {
    fake.queueScript({ statuses: ['completed'], body: { size }, bytesPerSecond: 2 * 1024 * 1024 });
    const { id } = await submitOk();
    await poll(id);
    const started = performance.now();
    return { res: await fetch(`${fake.baseUrl}/videos/${id}/content`, { headers: auth() }), started };
  }

  it('sends the content no faster than the rate, every byte intact', async () => {
    const size = 512 * 1024;
    const { res, started } = await pacedContent(size);
    const { bytes, error } = await readAll(res);
    const elapsedMs = performance.now() - started;
    assert.equal(error, undefined);
    assert.deepEqual(bytes, generatedBytes(size, 0, size));
    // The first 64 KiB go at once, the rest at the rate: (512 - 64) KiB at 2 MiB/s is 219 ms.
    assert.ok(elapsedMs >= 200, `took ${elapsedMs.toFixed(0)} ms`);
    assert.ok(elapsedMs < 2000, `took ${elapsedMs.toFixed(0)} ms`);
  });

  it('makes up at once the time the fake itself was late, as a link does not wait for a busy machine', async () => {
    const size = 1024 * 1024;
    const { res, started } = await pacedContent(size);
    const reader = res.body!.getReader();
    let received = 0;
    let blocked = false;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.length;
      if (!blocked && received >= 256 * 1024) {
        // The whole process (the fake's timers with it) is busy for 300 ms.
        blocked = true;
        const until = performance.now() + 300;
        while (performance.now() < until);
      }
    }
    const elapsedMs = performance.now() - started;
    assert.equal(received, size);
    // (1024 - 64) KiB at 2 MiB/s is 469 ms; losing the busy time would make it 769 ms.
    assert.ok(elapsedMs >= 440, `took ${elapsedMs.toFixed(0)} ms`);
    assert.ok(elapsedMs < 700, `took ${elapsedMs.toFixed(0)} ms: the busy time was not made up`);
  });

  it('leaves other jobs unthrottled', async () => {
    fake.queueScript({ statuses: ['completed'], body: { size: 512 * 1024 }, bytesPerSecond: 64 * 1024 });
    fake.queueScript({ statuses: ['completed'], body: { size: 512 * 1024 } });
    await submitOk();
    const { id } = await submitOk();
    await poll(id);
    const started = performance.now();
    const { bytes } = await readAll(await fetch(`${fake.baseUrl}/videos/${id}/content`, { headers: auth() }));
    assert.equal(bytes.length, 512 * 1024);
    assert.ok(performance.now() - started < 1000, 'the unthrottled job arrives at once (the throttled one would take 7 s)');
  });
});

describe('fake OpenRouter: GET /key', () => {
  it('answers the §8 shape; usage adds up completed jobs', async () => {
    const res = await fetch(`${fake.baseUrl}/key`, { headers: auth() });
    assert.equal(res.status, 200);
    const { data } = (await res.json()) as { data: Record<string, unknown> };
    for (const field of ['label', 'limit', 'limit_reset', 'limit_remaining', 'include_byok_in_limit', 'usage', 'usage_daily', 'usage_weekly', 'usage_monthly', 'byok_usage', 'is_free_tier', 'is_management_key', 'creator_user_id', 'expires_at', 'rate_limit']) {
      assert.ok(field in data, field);
    }
    assert.equal(data.is_free_tier, false);
    assert.equal(data.usage, 0);
    assert.equal(typeof data.label, 'string');
    await completedJob();
    const after = ((await (await fetch(`${fake.baseUrl}/key`, { headers: auth() })).json()) as { data: { usage: number } }).data;
    assert.equal(after.usage, 0.4);
  });

  it('the legacy /auth/key path answers the same', async () => {
    assert.equal((await fetch(`${fake.baseUrl}/auth/key`, { headers: auth() })).status, 200);
  });

  it('keyInfo overrides fields', async () => {
    fake = await startWith({ keyInfo: { limit: 10, limit_remaining: 0, label: 'test key' } });
    const { data } = (await (await fetch(`${fake.baseUrl}/key`, { headers: auth() })).json()) as { data: Record<string, unknown> };
    assert.equal(data.limit, 10);
    assert.equal(data.limit_remaining, 0);
    assert.equal(data.label, 'test key');
  });
});

describe('fake OpenRouter: unknown paths and methods', () => {
  for (const target of ['/', '/api/v1', '/api/v1/models', '/api/v1/videos/abc/content/extra', '/api/v2/videos', '/api/v1/credits']) {
    it(`GET ${target} → 404 envelope`, async () => {
      await expectError(await fetch(`${fake.origin}${target}`, { headers: auth() }), 404, 'Not Found');
    });
  }

  for (const [method, target, allow] of [
    ['GET', '/api/v1/videos', 'POST'],
    ['DELETE', '/api/v1/videos/abc', 'GET'],
    ['PUT', '/api/v1/videos/abc', 'GET'],
    ['POST', '/api/v1/videos/abc', 'GET'],
    ['POST', '/api/v1/videos/models', 'GET'],
    ['DELETE', '/api/v1/videos/abc/content', 'GET'],
    ['POST', '/api/v1/key', 'GET'],
    ['PATCH', '/api/v1/videos', 'POST'],
    ['HEAD', '/api/v1/videos/models', 'GET'],
  ] as const) {
    it(`${method} ${target} → 405 with Allow: ${allow}`, async () => {
      const res = await fetch(`${fake.origin}${target}`, { method, headers: auth() });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), allow);
      if (method !== 'HEAD') await expectError(res, 405, /not allowed/);
    });
  }
});

describe('fake OpenRouter: faults', () => {
  it('429 on submit: envelope, Retry-After, rate-limit headers, no job; applies once by default', async () => {
    fake.inject({ route: 'submit', status: 429, retryAfter: 7 });
    const res = await submit(VALID);
    assert.equal(res.headers.get('retry-after'), '7');
    assert.equal(res.headers.get('x-ratelimit-remaining'), '0');
    await expectError(res, 429, 'Rate limit exceeded');
    assert.equal(fake.jobs.size, 0);
    assert.equal(fake.submitCount(), 0);
    await submitOk();
    assert.equal(fake.submitCount(), 1);
  });

  for (const [status, message] of [
    [402, 'Insufficient credits. Add more using https://openrouter.ai/credits'],
    [500, 'Internal Server Error'],
    [502, 'Provider returned error'],
    [503, 'Service temporarily unavailable'],
    [408, 'Operation timed out. Please try again later.'],
  ] as const) {
    it(`status ${status} answers with OpenRouter's message`, async () => {
      fake.inject({ route: 'submit', status });
      await expectRejected(VALID, status, message);
    });
  }

  it('a string Retry-After (HTTP date) is sent verbatim', async () => {
    const when = new Date(Date.now() + 60_000).toUTCString();
    fake.inject({ route: 'poll', status: 503, retryAfter: when });
    const res = await fetch(`${fake.baseUrl}/videos/x`, { headers: auth() });
    assert.equal(res.headers.get('retry-after'), when);
    await expectError(res, 503, 'Service temporarily unavailable');
  });

  it('retryAfter alone means 429', async () => {
    fake.inject({ route: 'models', retryAfter: 2 });
    const res = await fetch(`${fake.baseUrl}/videos/models`);
    assert.equal(res.headers.get('retry-after'), '2');
    await expectError(res, 429, 'Rate limit exceeded');
  });

  it('times: N applies to N matching requests, then normal handling resumes', async () => {
    const job = await submitOk();
    fake.inject({ route: 'poll', status: 500, times: 2 });
    await expectError(await fetch(`${fake.baseUrl}/videos/${job.id}`, { headers: auth() }), 500, 'Internal Server Error');
    await expectError(await fetch(`${fake.baseUrl}/videos/${job.id}`, { headers: auth() }), 500, 'Internal Server Error');
    assert.equal((await poll(job.id)).status, 'pending', 'faulted polls did not advance the script');
  });

  it('times: Infinity lasts until clearFaults()', async () => {
    fake.inject({ route: 'models', status: 502, times: Infinity });
    for (let i = 0; i < 5; i++) await expectError(await fetch(`${fake.baseUrl}/videos/models`), 502, 'Provider returned error');
    fake.clearFaults();
    assert.equal((await fetch(`${fake.baseUrl}/videos/models`)).status, 200);
  });

  it('faults apply in the order injected, only to their route', async () => {
    fake.inject({ route: 'submit', status: 503 });
    fake.inject({ route: 'poll', status: 502 });
    fake.inject({ route: 'submit', status: 429 });
    assert.equal((await fetch(`${fake.baseUrl}/videos/models`)).status, 200, 'other routes unaffected');
    await expectError(await submit(VALID), 503, 'Service temporarily unavailable');
    await expectError(await submit(VALID), 429, 'Rate limit exceeded');
    assert.equal((await submit(VALID)).status, 202);
    await expectError(await fetch(`${fake.baseUrl}/videos/whatever`, { headers: auth() }), 502, 'Provider returned error');
  });

  it("route 'any' hits whatever request comes next, on either server", async () => {
    fake.inject({ route: 'any', status: 500, times: 2 });
    await expectError(await fetch(`${fake.baseUrl}/videos/models`), 500, 'Internal Server Error');
    await expectError(await fetch(`${fake.storageOrigin}/files/x/0.mp4`), 500, 'Internal Server Error');
    assert.equal((await fetch(`${fake.baseUrl}/videos/models`)).status, 200);
  });

  it('faults come before auth and validation', async () => {
    fake.inject({ route: 'submit', status: 402 });
    await expectError(await submit({}, {}), 402, /Insufficient credits/);
  });

  it('content and key faults', async () => {
    const job = await completedJob();
    fake.inject({ route: 'content', status: 502 });
    fake.inject({ route: 'key', status: 500 });
    await expectError(await fetch(job.unsigned_urls![0]!, { headers: auth() }), 502, 'Provider returned error');
    await expectError(await fetch(`${fake.baseUrl}/key`, { headers: auth() }), 500, 'Internal Server Error');
  });

  it('storage faults hit only the storage server', async () => {
    fake.queueScript({ statuses: ['completed'], contentOrigin: 'storage' });
    const { id } = await submitOk();
    const url = (await poll(id)).unsigned_urls![0]!;
    fake.inject({ route: 'storage', status: 503 });
    await expectError(await fetch(url), 503, 'Service temporarily unavailable');
    assert.equal((await fetch(url)).status, 200);
  });

  it('reset destroys the socket without a response (and a reset submit creates no job)', async () => {
    fake.inject({ route: 'submit', reset: true });
    await assert.rejects(submit(VALID));
    assert.equal(fake.jobs.size, 0);
    assert.equal(fake.requestsTo('submit').length, 1, 'the request did arrive');
    assert.equal((await submit(VALID)).status, 202);
  });

  it('dropAnswer handles the request, then loses its answer (the submit creates and bills its job)', async () => {
    fake.inject({ route: 'submit', dropAnswer: true });
    await assert.rejects(submit(VALID));
    assert.equal(fake.jobs.size, 1, 'OpenRouter took the job');
    assert.equal(fake.submitCount(), 1);
    assert.equal((await submit(VALID)).status, 202, 'the next answer arrives');
  });

  it('stallMs with a status waits, then answers', async () => {
    fake.inject({ route: 'models', stallMs: 300, status: 503 });
    const started = Date.now();
    const res = await fetch(`${fake.baseUrl}/videos/models`);
    assert.ok(Date.now() - started >= 290, `answered after ${Date.now() - started} ms`);
    await expectError(res, 503, 'Service temporarily unavailable');
  });

  it('stallMs alone delays normal handling', async () => {
    fake.inject({ route: 'submit', stallMs: 300 });
    const started = Date.now();
    await submitOk();
    assert.ok(Date.now() - started >= 290);
  });

  it('stallMs Infinity never answers (the client times out) and creates no job', async () => {
    fake.inject({ route: 'submit', stallMs: Infinity });
    const started = Date.now();
    const outcome = await fetch(`${fake.baseUrl}/videos`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify(VALID),
      signal: AbortSignal.timeout(400),
    }).then(
      () => 'answered',
      (error: unknown) => (error as Error).name,
    );
    assert.equal(outcome, 'TimeoutError');
    assert.ok(Date.now() - started >= 390);
    assert.equal(fake.jobs.size, 0);
  });

  it('stallMs Infinity + reset: stalls, never resets, never answers', async () => {
    fake.inject({ route: 'poll', stallMs: Infinity, reset: true });
    const outcome = await fetch(`${fake.baseUrl}/videos/x`, { headers: auth(), signal: AbortSignal.timeout(400) }).then(
      () => 'answered',
      (error: unknown) => (error as Error).name,
    );
    assert.equal(outcome, 'TimeoutError');
  });

  it('body: raw malformed JSON with 200', async () => {
    fake.inject({ route: 'submit', body: '{"id":' });
    const res = await submit(VALID);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(await res.text(), '{"id":');
    assert.equal(fake.jobs.size, 0);
  });

  it('body with contentType and status: e.g. an HTML 502 from a proxy', async () => {
    fake.inject({ route: 'poll', status: 502, body: '<html>Bad gateway</html>', contentType: 'text/html' });
    const res = await fetch(`${fake.baseUrl}/videos/x`, { headers: auth() });
    assert.equal(res.status, 502);
    assert.equal(res.headers.get('content-type'), 'text/html');
    assert.equal(await res.text(), '<html>Bad gateway</html>');
  });
});

describe('fake OpenRouter: latency option', () => {
  it('delays every response on both servers', async () => {
    fake = await startWith({ latencyMs: 200, defaultScript: { statuses: ['completed'], contentOrigin: 'storage' } });
    const timed = async (run: () => Promise<Response>): Promise<number> => {
      const started = Date.now();
      await (await run()).arrayBuffer();
      return Date.now() - started;
    };
    assert.ok((await timed(() => fetch(`${fake.baseUrl}/videos/models`))) >= 190);
    assert.ok((await timed(() => fetch(`${fake.origin}/nowhere`))) >= 190);
    const job = await submitOk();
    const url = (await poll(job.id)).unsigned_urls![0]!;
    assert.ok((await timed(() => fetch(url))) >= 190);
  });
});

describe('fake OpenRouter: request recording', () => {
  it('records method, path, url, headers as received, body and time, in order', async () => {
    const before = Date.now();
    await submit(VALID);
    await fetch(`${fake.baseUrl}/videos/models?x=1`, { headers: { 'X-Test': 'yes' } });
    assert.equal(fake.requests.length, 2);
    const [post, get] = fake.requests;
    assert.equal(post!.server, 'api');
    assert.equal(post!.method, 'POST');
    assert.equal(post!.path, '/api/v1/videos');
    assert.equal(post!.url, '/api/v1/videos');
    assert.equal(post!.headers.authorization, `Bearer ${fake.apiKey}`);
    assert.equal(post!.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(post!.body), VALID);
    assert.ok(post!.at >= before && post!.at <= Date.now());
    assert.equal(get!.path, '/api/v1/videos/models');
    assert.equal(get!.url, '/api/v1/videos/models?x=1');
    assert.equal(get!.headers['x-test'], 'yes');
    assert.equal(get!.body, '');
  });

  it('records rejected, faulted and unknown requests too, and requestsTo() sorts them by route', async () => {
    fake.inject({ route: 'poll', status: 500 });
    await submit({ model: 'nope', prompt: 'p' });
    await fetch(`${fake.baseUrl}/videos/abc`, { headers: auth() });
    await fetch(`${fake.baseUrl}/videos/abc/content`, { headers: auth() });
    await fetch(`${fake.baseUrl}/key`);
    await fetch(`${fake.baseUrl}/videos/models`);
    await fetch(`${fake.origin}/elsewhere`);
    await fetch(`${fake.baseUrl}/videos/abc`, { method: 'DELETE' });
    await fetch(`${fake.storageOrigin}/files/abc/0.mp4`);
    assert.equal(fake.requests.length, 8);
    assert.equal(fake.requestsTo('submit').length, 1);
    assert.equal(fake.requestsTo('poll').length, 1, 'DELETE /videos/{id} is not a poll');
    assert.equal(fake.requestsTo('content').length, 1);
    assert.equal(fake.requestsTo('key').length, 1);
    assert.equal(fake.requestsTo('models').length, 1);
    assert.equal(fake.requestsTo('storage').length, 1);
    assert.equal(fake.requestsTo('any').length, 8);
  });

  it('truncates recorded bodies over 64 KiB', async () => {
    const body = JSON.stringify({ ...VALID, prompt: 'y'.repeat(100_000) });
    await submitOk(body);
    assert.equal(fake.requests[0]!.body.length, 64 * 1024);
    assert.equal(fake.requests[0]!.body, body.slice(0, 64 * 1024));
  });

  it('recordBodies:false records no bodies', async () => {
    fake = await startWith({ recordBodies: false });
    await submitOk();
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.requests[0]!.body, '');
  });
});

describe('fake OpenRouter: reset()', () => {
  it('forgets jobs, requests, faults, scripts, counts and key changes', async () => {
    fake = await startWith({ defaultScript: { statuses: ['in_progress'] } });
    await submitOk();
    fake.setDefaultScript({ statuses: ['failed'] });
    fake.queueScript({ statuses: ['expired'] });
    fake.inject({ route: 'models', status: 500, times: Infinity });
    fake.revokeKey(fake.apiKey);
    fake.addKey('extra-key');
    fake.reset();
    assert.equal(fake.jobs.size, 0);
    assert.equal(fake.requests.length, 0);
    assert.equal(fake.submitCount(), 0);
    assert.equal((await fetch(`${fake.baseUrl}/videos/models`)).status, 200);
    const job = await submitOk();
    assert.equal((await poll(job.id)).status, 'in_progress', 'back to the defaultScript option, queue emptied');
    await expectError(await fetch(`${fake.baseUrl}/key`, { headers: auth('extra-key') }), 401, 'User not found.');
  });
});

describe('fake OpenRouter: CLI', () => {
  const cli = path.join(__dirname, 'cli.js');

  function run(args: string[]): Promise<{ child: ReturnType<typeof spawn>; lines: string[] }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const lines = out.split('\n');
        if (lines.length >= 3) resolve({ child, lines });
      });
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`cli exited early with ${code}: ${out}`)));
    });
  }

  it('prints the base URL and key, serves, honours --key and --complete-after-polls, and exits 0 on SIGTERM', async () => {
    const { child, lines } = await run(['--key', 'sk-cli-test', '--complete-after-polls', '2']);
    try {
      const m = /^Fake OpenRouter listening at (http:\/\/127\.0\.0\.1:\d+\/api\/v1)$/.exec(lines[0]!);
      assert.ok(m, lines[0]);
      assert.equal(lines[1], 'API key: sk-cli-test');
      const base = m[1]!;
      const headers = { Authorization: 'Bearer sk-cli-test', 'Content-Type': 'application/json' };
      const sub = await fetch(`${base}/videos`, { method: 'POST', headers, body: JSON.stringify(VALID) });
      assert.equal(sub.status, 202);
      const { id } = (await sub.json()) as JobWire;
      const seen: string[] = [];
      for (let i = 0; i < 3; i++) seen.push(((await (await fetch(`${base}/videos/${id}`, { headers })).json()) as JobWire).status);
      assert.deepEqual(seen, ['pending', 'pending', 'completed']);
    } finally {
      child.removeAllListeners('exit');
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
  });

  it('uses the default key and --complete-after-ms', async () => {
    const { child, lines } = await run(['--complete-after-ms', '300']);
    try {
      assert.equal(lines[1], `API key: ${DEFAULT_API_KEY}`);
      const base = /listening at (\S+)$/.exec(lines[0]!)![1]!;
      const headers = { Authorization: `Bearer ${DEFAULT_API_KEY}` };
      const { id } = (await (await fetch(`${base}/videos`, { method: 'POST', headers, body: JSON.stringify(VALID) })).json()) as JobWire;
      assert.equal(((await (await fetch(`${base}/videos/${id}`, { headers })).json()) as JobWire).status, 'pending');
      await delay(350);
      assert.equal(((await (await fetch(`${base}/videos/${id}`, { headers })).json()) as JobWire).status, 'completed');
    } finally {
      child.removeAllListeners('exit');
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      assert.equal(await exited, 0);
    }
  });

  it('rejects unknown options with exit code 2', async () => {
    const child = spawn(process.execPath, [cli, '--nope'], { stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 2);
  });
});
