/**
 * Realistic job records, shaped like what JobService writes: a saved job has its request, OpenRouter ids and
 * polling URL, the status history of a normal life (submitting → pending → in_progress → completed →
 * downloading → saved), costs, the unsigned URL, and one output with file, bytes and sidecar.
 */
import * as crypto from 'node:crypto';
import type { JobRecord, JobState } from '../../src/core/jobs/jobRecord';

const MODELS = [
  ['google/veo-3.1-lite', 'Google: Veo 3.1 Lite'],
  ['google/veo-3.1', 'Google: Veo 3.1'],
  ['kwaivgi/kling-v2.5-turbo-pro', 'Kling: v2.5 Turbo Pro'],
  ['bytedance/seedance-1-pro', 'ByteDance: Seedance 1 Pro'],
  ['minimax/hailuo-02', 'MiniMax: Hailuo 02'],
  ['wan/wan-2.5', 'Wan 2.5'],
] as const;

const WORDS =
  'a paper boat drifts down a rainy street at dusk neon reflections shimmer on wet asphalt slow dolly shot cinematic lighting ' +
  'an astronaut plants a flag on a red dune while dust swirls golden hour wide angle lens the camera orbits gently around a ' +
  'steaming cup of coffee on a wooden table morning light through the window shallow depth of field macro detail';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x1_0000_0000;
  };
}

function alnum(r: () => number, n: number): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < n; i++) s += chars[Math.floor(r() * chars.length)];
  return s;
}

function prompt(r: () => number): string {
  const words = WORDS.split(' ');
  const n = 12 + Math.floor(r() * 40);
  const start = Math.floor(r() * words.length);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(words[(start + i) % words.length]!);
  const text = out.join(' ');
  return text[0]!.toUpperCase() + text.slice(1) + '.';
}

/** `n` records, newest last, `activeCount` of them still pending/in progress (the newest ones). */
export function makeRecords(n: number, options: { activeCount?: number; seed?: number; folder?: string } = {}): JobRecord[] {
  const r = rng(options.seed ?? 42);
  const folder = options.folder ?? '/home/user/projects/demo/videos';
  const active = options.activeCount ?? 3;
  const records: JobRecord[] = [];
  let t = Date.UTC(2026, 0, 1);
  for (let i = 0; i < n; i++) {
    t += 60_000 + Math.floor(r() * 3_600_000);
    const [model, modelName] = MODELS[Math.floor(r() * MODELS.length)]!;
    const jobId = alnum(r, 20);
    const duration = [4, 6, 8][Math.floor(r() * 3)]!;
    const resolution = r() < 0.6 ? '720p' : '1080p';
    const createdAt = t;
    const submittedAt = createdAt + 400 + Math.floor(r() * 800);
    const roll = r();
    const isActive = i >= n - active;
    const state: JobState = isActive ? 'in_progress' : roll < 0.9 ? 'saved' : roll < 0.95 ? 'failed' : 'downloadFailed';
    const completedAt = submittedAt + 30_000 + Math.floor(r() * 150_000);
    const history: JobRecord['history'] = [
      { status: 'submitting', at: createdAt, source: 'local' },
      { status: 'pending', at: submittedAt, source: 'local' },
      { status: 'pending', at: submittedAt, source: 'remote' },
      { status: 'in_progress', at: submittedAt + 5_000, source: 'local' },
      { status: 'in_progress', at: submittedAt + 5_000, source: 'remote' },
    ];
    const name = `${new Date(createdAt).toISOString().slice(0, 10)}-${prompt(r).slice(0, 24).toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    const record: JobRecord = {
      clientId: crypto.randomUUID(),
      jobId,
      generationId: `gen-${Math.floor(submittedAt / 1000)}-${alnum(r, 20)}`,
      pollingUrl: `https://openrouter.ai/api/v1/videos/${jobId}`,
      request: { model, prompt: prompt(r), duration, resolution, aspectRatio: '16:9', generateAudio: r() < 0.5 },
      modelName,
      state,
      remoteStatus: isActive ? 'in_progress' : state === 'failed' ? 'failed' : 'completed',
      history,
      createdAt,
      updatedAt: isActive ? submittedAt + 5_000 : completedAt + 2_000,
      submittedAt,
      estimatedCostUsd: 0.05 * duration,
      targetFolder: folder,
      outputs: [],
      downloadAttempts: 0,
      pollCount: 5 + Math.floor(r() * 10),
      watchedSince: submittedAt,
    };
    if (!isActive) {
      if (state === 'failed') {
        history.push({ status: 'failed', at: completedAt, source: 'remote' }, { status: 'failed', at: completedAt, source: 'local' });
        record.completedAt = completedAt;
        record.error = 'Content policy violation';
      } else {
        history.push(
          { status: 'completed', at: completedAt, source: 'remote' },
          { status: 'downloading', at: completedAt, source: 'local' },
          { status: state, at: completedAt + 2_000, source: 'local' },
        );
        record.completedAt = completedAt;
        record.costUsd = 0.05 * duration;
        record.unsignedUrls = [`https://openrouter.ai/api/v1/videos/${jobId}/content?index=0`];
        record.downloadAttempts = 1;
        if (state === 'saved') {
          const file = `${folder}/${name}.mp4`;
          record.outputs = [{ index: 0, url: record.unsignedUrls[0], file, bytes: 2_000_000 + Math.floor(r() * 8_000_000), savedAt: completedAt + 2_000, sidecar: `${file}.json` }];
          record.opened = r() < 0.8;
        } else {
          record.error = 'The download was interrupted: socket hang up (ECONNRESET). Nothing was saved. The job stays downloadable: run Download Again from the Jobs view.';
          record.errorKind = 'network';
          record.outputs = [{ index: 0, url: record.unsignedUrls[0] }];
        }
      }
    }
    records.push(record);
  }
  return records;
}

/** The store file as JobStore writes it: `{"version":1,"jobs":[…]}`, oldest first. */
export function storeText(records: readonly JobRecord[]): string {
  return `{"version":1,"jobs":[${records.map((r) => JSON.stringify(r)).join(',')}]}`;
}
