/**
 * The clips the fake serves in sandbox mode (`FakeOptions.sandboxClips`): small committed MP4s in
 * clips/, one per aspect ratio and duration, each with an AAC twin (scripts/make-sandbox-clips.sh makes
 * them). A completed job then looks like a real result: the shape and about the length asked for, with
 * sound when audio was asked for. Tests keep the default (fixtures/sample.mp4), whose bytes they compare.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SandboxClip {
  /** The file name in clips/, e.g. `16x9-4s-aac.mp4`. */
  file: string;
  aspectRatio: '16:9' | '9:16' | '1:1';
  durationSeconds: 4 | 8;
  audio: boolean;
}

const ASPECT_RATIOS = [
  { ratio: '16:9', value: 16 / 9 },
  { ratio: '9:16', value: 9 / 16 },
  { ratio: '1:1', value: 1 },
] as const;
const DURATIONS = [4, 8] as const;

/** Every committed clip, in the order the script makes them. */
export const SANDBOX_CLIPS: readonly SandboxClip[] = ASPECT_RATIOS.flatMap(({ ratio }) =>
  DURATIONS.flatMap((durationSeconds) =>
    [false, true].map((audio) => ({
      file: `${ratio.replace(':', 'x')}-${durationSeconds}s${audio ? '-aac' : ''}.mp4`,
      aspectRatio: ratio,
      durationSeconds,
      audio,
    })),
  ),
);

/** Width over height from `aspect_ratio` ("21:9"), else from `size` ("1280x720" or "1280*720"), else undefined. */
function requestedShape(request: Record<string, unknown>): number | undefined {
  const parse = (value: unknown, separator: RegExp): number | undefined => {
    if (typeof value !== 'string') return undefined;
    const parts = value.split(separator).map(Number);
    if (parts.length !== 2 || !parts.every((n) => Number.isFinite(n) && n > 0)) return undefined;
    return parts[0]! / parts[1]!;
  };
  return parse(request.aspect_ratio, /:/) ?? parse(request.size, /[x*]/i);
}

/**
 * The clip for a submitted request: the aspect ratio nearest the request's (`aspect_ratio`, else the
 * shape of `size`, else 16:9), compared on a log scale (4:3, halfway between 1:1 and 16:9, goes to
 * 16:9; 3:4 to 9:16); the duration nearest `duration` (a tie goes to the shorter; none asked: the
 * shorter); the AAC twin when `generate_audio` is true, or when it is left out and the model generates
 * audio by default (its capability flag, as OpenRouter's spec says).
 */
export function chooseSandboxClip(request: unknown, modelGeneratesAudio = false): SandboxClip {
  const body = request !== null && typeof request === 'object' ? (request as Record<string, unknown>) : {};
  const shape = requestedShape(body) ?? 16 / 9;
  const distance = (value: number) => Math.abs(Math.log(value / shape));
  // A tie (4:3 is as far from 16:9 as from 1:1) goes to the earlier, oblong one; the margin absorbs rounding.
  const aspect = ASPECT_RATIOS.reduce((best, candidate) => (distance(candidate.value) < distance(best.value) - 1e-9 ? candidate : best));
  const asked = typeof body.duration === 'number' && Number.isFinite(body.duration) ? body.duration : DURATIONS[0];
  const duration = DURATIONS.reduce((best, candidate) => (Math.abs(candidate - asked) < Math.abs(best - asked) ? candidate : best));
  const audio = typeof body.generate_audio === 'boolean' ? body.generate_audio : modelGeneratesAudio;
  return SANDBOX_CLIPS.find((c) => c.aspectRatio === aspect.ratio && c.durationSeconds === duration && c.audio === audio)!;
}

/** Path of a clip in clips/, from the compiled (out/test/fake-openrouter) or the source location. */
export function sandboxClipPath(file: string): string {
  const candidates = [path.join(__dirname, 'clips', file), path.resolve(__dirname, '..', '..', '..', 'test', 'fake-openrouter', 'clips', file)];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error(`sandbox clip ${file} not found (looked in ${candidates.join(', ')}); make them with scripts/make-sandbox-clips.sh`);
  return found;
}

const cache = new Map<string, Buffer>();
/** The bytes of a clip, read once. */
export function sandboxClipBytes(clip: SandboxClip): Buffer {
  let bytes = cache.get(clip.file);
  if (!bytes) {
    bytes = fs.readFileSync(sandboxClipPath(clip.file));
    cache.set(clip.file, bytes);
  }
  return bytes;
}
