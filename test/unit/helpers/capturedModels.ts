import * as fs from 'node:fs';
import * as path from 'node:path';
import type { VideoModel } from '../../../src/core/api/schemas';

const FIXTURE = path.join(__dirname, '../../../../test/fake-openrouter/fixtures/videos-models.json');

/** The real 30-model `/videos/models` capture (2026-10-08). */
export const MODELS: readonly VideoModel[] = (JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { data: VideoModel[] }).data;

/** One model of the capture by id; throws when the capture has no such model. */
export function model(id: string): VideoModel {
  const found = MODELS.find((m) => m.id === id);
  if (!found) throw new Error(`fixture has no ${id}`);
  return found;
}
