/**
 * A frame the player captured (a PNG data URL) saved beside its video: `<video>.last.png` for Continue from
 * Last Frame, `<video>.frame-<seconds>.png` for Use Frame as First Frame. A new capture of the same frame
 * replaces the earlier file.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path = require('node:path');
import { OpenRouterError } from '../api/errors';
import { diskError } from '../download/fileNames';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A frame larger than this is refused (a 4K PNG is a few MB). */
export const MAX_FRAME_BYTES = 32 * 1024 * 1024;

/** `clip.mp4` → `clip.mp4.last.png`. */
export function lastFramePathFor(videoPath: string): string {
  return `${videoPath}.last.png`;
}

/**
 * `clip.mp4` at 1.5 s → `clip.mp4.frame-1.5.png`: the time in seconds to the hundredth, without trailing
 * zeros (0 → `frame-0`), so two frames a frame apart at 24 fps get different names.
 */
export function framePathFor(videoPath: string, seconds: number): string {
  const time = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
  const text = time.toFixed(2).replace(/\.?0+$/, '');
  return `${videoPath}.frame-${text === '' ? '0' : text}.png`;
}

/** The PNG bytes of a `data:image/png;base64,` URL; throws `badContent/notAPng` for anything else. */
export function pngFromDataUrl(dataUrl: string): Buffer {
  const match = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/.exec(dataUrl);
  if (!match || match[1]!.length > (MAX_FRAME_BYTES * 4) / 3 + 4) throw new OpenRouterError('badContent', 'notAPng', {});
  const bytes = Buffer.from(match[1]!, 'base64');
  if (bytes.length <= PNG_SIGNATURE.length || !bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
    throw new OpenRouterError('badContent', 'notAPng', {});
  }
  return bytes;
}

/** Writes the frame to `target` (temporary file beside it, then rename) and resolves with its path. */
export async function saveFrame(target: string, dataUrl: string): Promise<string> {
  const bytes = pngFromDataUrl(dataUrl);
  const file = path.resolve(target);
  const folder = path.dirname(file);
  const tmp = path.join(folder, `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, bytes, { flag: 'wx' });
    await rename(tmp, file);
    return file;
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw diskError(error, { folder, file, action: 'saveFrame' });
  }
}

/** Writes the video's last frame as `<video>.last.png` and resolves with its path. */
export function saveLastFrame(videoPath: string, dataUrl: string): Promise<string> {
  return saveFrame(lastFramePathFor(path.resolve(videoPath)), dataUrl);
}
