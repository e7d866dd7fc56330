/**
 * The sandbox clips: which one the fake chooses for a request, what each committed file holds (read with the
 * extension's own MP4 reader), and that a fake started with `sandboxClips` serves the chosen one over HTTP.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readMp4Info } from '../../src/core/media/mp4Info';
import { sampleMp4, startFakeOpenRouter, type FakeOpenRouter } from './fakeOpenRouter';
import { SANDBOX_CLIPS, chooseSandboxClip, sandboxClipBytes, sandboxClipPath } from './sandboxClips';

const CLIPS_DIR = path.join(__dirname, '..', '..', '..', 'test', 'fake-openrouter', 'clips');

describe('sandbox clips: the choice for a request', () => {
  const file = (request: unknown, modelGeneratesAudio?: boolean) => chooseSandboxClip(request, modelGeneratesAudio).file;

  it('matches the aspect ratio, nearest on a log scale, from aspect_ratio or else size', () => {
    assert.equal(file({ aspect_ratio: '16:9', duration: 4 }), '16x9-4s.mp4');
    assert.equal(file({ aspect_ratio: '9:16', duration: 4 }), '9x16-4s.mp4');
    assert.equal(file({ aspect_ratio: '1:1', duration: 4 }), '1x1-4s.mp4');
    assert.equal(file({ aspect_ratio: '21:9', duration: 4 }), '16x9-4s.mp4');
    assert.equal(file({ aspect_ratio: '3:2', duration: 4 }), '16x9-4s.mp4');
    assert.equal(file({ aspect_ratio: '4:3', duration: 4 }), '16x9-4s.mp4', 'halfway between 1:1 and 16:9: the oblong one');
    assert.equal(file({ aspect_ratio: '3:4', duration: 4 }), '9x16-4s.mp4');
    assert.equal(file({ aspect_ratio: '5:4', duration: 4 }), '1x1-4s.mp4');
    assert.equal(file({ aspect_ratio: '9:21', duration: 4 }), '9x16-4s.mp4');
    assert.equal(file({ size: '720x1280', duration: 4 }), '9x16-4s.mp4');
    assert.equal(file({ size: '1080*1080', duration: 4 }), '1x1-4s.mp4');
    assert.equal(file({ size: '1920x1080', duration: 4 }), '16x9-4s.mp4');
    assert.equal(file({ aspect_ratio: '9:16', size: '1920x1080', duration: 4 }), '9x16-4s.mp4', 'aspect_ratio wins over size');
    assert.equal(file({ duration: 4 }), '16x9-4s.mp4', 'neither: 16:9');
    assert.equal(file({ aspect_ratio: 'wide', size: 'big', duration: 4 }), '16x9-4s.mp4', 'unreadable: 16:9');
  });

  it('takes the nearest duration, the shorter on a tie or when none is asked', () => {
    const durations = [1, 4, 5, 6, 7, 8, 15, 30].map((duration) => chooseSandboxClip({ aspect_ratio: '1:1', duration }).durationSeconds);
    assert.deepEqual(durations, [4, 4, 4, 4, 8, 8, 8, 8]);
    assert.equal(chooseSandboxClip({ aspect_ratio: '1:1' }).durationSeconds, 4);
  });

  it('takes the AAC twin when generate_audio is true, or left out on a model that generates audio', () => {
    assert.equal(file({ aspect_ratio: '9:16', duration: 8, generate_audio: true }), '9x16-8s-aac.mp4');
    assert.equal(file({ aspect_ratio: '9:16', duration: 8, generate_audio: false }, true), '9x16-8s.mp4', 'false wins over the default');
    assert.equal(file({ aspect_ratio: '9:16', duration: 8 }, true), '9x16-8s-aac.mp4');
    assert.equal(file({ aspect_ratio: '9:16', duration: 8 }, false), '9x16-8s.mp4');
    assert.equal(file({ aspect_ratio: '9:16', duration: 8 }), '9x16-8s.mp4');
  });

  it('gives a clip for anything, even no request at all', () => {
    for (const request of [undefined, null, 'text', 42, {}]) assert.equal(file(request), '16x9-4s.mp4');
  });
});

describe('sandbox clips: the committed files', () => {
  const SHAPES = { '16:9': [480, 270], '9:16': [270, 480], '1:1': [360, 360] } as const;

  it('are exactly the clips the fake can choose, a few hundred KB in all', () => {
    const onDisk = fs.readdirSync(CLIPS_DIR).filter((f) => f.endsWith('.mp4')).sort();
    assert.deepEqual(onDisk, SANDBOX_CLIPS.map((c) => c.file).sort());
    const total = SANDBOX_CLIPS.reduce((sum, c) => sum + fs.statSync(sandboxClipPath(c.file)).size, 0);
    assert.ok(total > 50 * 1024 && total < 600 * 1024, `${total} bytes in all`);
  });

  for (const clip of SANDBOX_CLIPS) {
    it(`${clip.file}: H.264 ${clip.aspectRatio}, ${clip.durationSeconds} s, ${clip.audio ? 'AAC audio' : 'no audio'}, moov first`, async () => {
      const bytes = sandboxClipBytes(clip);
      assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp');
      assert.ok(bytes.indexOf('moov') < bytes.indexOf('mdat'), 'faststart: moov before mdat');
      const info = await readMp4Info(sandboxClipPath(clip.file));
      assert.equal(info.videoCodec, 'avc1');
      const video = info.tracks.filter((t) => t.kind === 'video');
      assert.deepEqual(
        video.map((t) => [t.width, t.height]),
        [SHAPES[clip.aspectRatio]],
      );
      assert.ok(info.durationSeconds !== undefined && Math.abs(info.durationSeconds - clip.durationSeconds) < 0.2, `duration ${info.durationSeconds}`);
      const audio = info.tracks.filter((t) => t.kind === 'audio');
      if (clip.audio) {
        assert.deepEqual(
          audio.map((t) => [t.format, t.objectType]),
          [['mp4a', 0x40]],
        );
        assert.equal(info.hasAac, true);
      } else {
        assert.deepEqual(audio, []);
        assert.equal(info.hasAac, false);
      }
    });
  }
});

describe('sandbox clips: served by a fake started with sandboxClips', () => {
  let fake: FakeOpenRouter | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  async function generate(body: Record<string, unknown>): Promise<Buffer> {
    if (!fake) throw new Error('no fake');
    const headers = { Authorization: `Bearer ${fake.apiKey}`, 'Content-Type': 'application/json' };
    const submitted = await fetch(`${fake.baseUrl}/videos`, { method: 'POST', headers, body: JSON.stringify(body) });
    assert.equal(submitted.status, 202, await submitted.clone().text());
    const { id } = (await submitted.json()) as { id: string };
    let job: { status: string; unsigned_urls?: string[] };
    do job = (await (await fetch(`${fake.baseUrl}/videos/${id}`, { headers })).json()) as typeof job;
    while (job.status !== 'completed');
    const content = await fetch(job.unsigned_urls![0]!, { headers });
    assert.equal(content.status, 200);
    return Buffer.from(await content.arrayBuffer());
  }

  it('serves the clip matching the request, with audio by the model default', async () => {
    fake = await startFakeOpenRouter({ sandboxClips: true });
    const portrait = await generate({ model: 'google/veo-3.1', prompt: 'a lighthouse', duration: 8, aspect_ratio: '9:16', generate_audio: false });
    assert.ok(portrait.equals(sandboxClipBytes(chooseSandboxClip({ aspect_ratio: '9:16', duration: 8 }))));
    const square = await generate({ model: 'kwaivgi/kling-v3.0-std', prompt: 'a teapot', duration: 5, size: '720x720' });
    assert.ok(square.equals(fs.readFileSync(path.join(CLIPS_DIR, '1x1-4s-aac.mp4'))), 'kling generates audio by default');
    const silent = await generate({ model: 'x-ai/grok-imagine-video', prompt: 'a comet', duration: 7 });
    assert.ok(silent.equals(fs.readFileSync(path.join(CLIPS_DIR, '16x9-8s.mp4'))), 'grok has no audio flag');
  });

  it('serves fixtures/sample.mp4 without it, as the tests expect', async () => {
    fake = await startFakeOpenRouter();
    const bytes = await generate({ model: 'google/veo-3.1', prompt: 'a lighthouse', duration: 8, aspect_ratio: '9:16' });
    assert.ok(bytes.equals(sampleMp4()));
  });
});
