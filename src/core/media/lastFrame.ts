/**
 * Continue from Last Frame: the frame the player captured (a PNG data URL) saved as `<video>.last.png`
 * beside the video, replacing an earlier capture of the same video.
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

/** Writes the frame beside the video (temporary file, then rename) and resolves with its path. */
export async function saveLastFrame(videoPath: string, dataUrl: string): Promise<string> {
  const bytes = pngFromDataUrl(dataUrl);
  const target = lastFramePathFor(path.resolve(videoPath));
  const folder = path.dirname(target);
  const tmp = path.join(folder, `.${path.basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, bytes, { flag: 'wx' });
    await rename(tmp, target);
    return target;
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw diskError(error, { folder, file: target, action: 'saveFrame' });
  }
}
