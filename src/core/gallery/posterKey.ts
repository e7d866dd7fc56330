/**
 * The name of a video's cached poster: a hash of its path, size and modification time, so a video that is
 * replaced (downloaded again, edited) gets a new poster, and a path never appears in the cache folder.
 */
import { createHash } from 'node:crypto';
import path = require('node:path');

const KEY = /^[0-9a-f]{32}$/;

export function posterKey(videoPath: string, size: number, mtimeMs: number): string {
  return createHash('sha256').update(`${path.resolve(videoPath)}\u0000${size}\u0000${Math.trunc(mtimeMs)}`).digest('hex').slice(0, 32);
}

/** Whether `value` has the shape of a poster key (a message from the webview carries one). */
export function isPosterKey(value: unknown): value is string {
  return typeof value === 'string' && KEY.test(value);
}

/** The poster's file name in the cache folder. */
export function posterFileName(key: string): string {
  return `${key}.jpg`;
}
