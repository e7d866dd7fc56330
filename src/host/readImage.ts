import * as fs from 'node:fs/promises';
import { OpenRouterError } from '../core/api/errors';
import { imageMimeType } from '../core/models/validateRequest';

/** Reads a frame image into a data URL, only at submit time (never stored). */
export async function readImageAsDataUrl(file: string): Promise<{ dataUrl: string; mimeType: string; bytes: number }> {
  const mimeType = imageMimeType({ path: file });
  if (!mimeType) {
    throw new OpenRouterError('badRequest', `"${file}" is not a PNG, JPEG or WebP image. Pick another image.`);
  }
  const data = await fs.readFile(file);
  return { dataUrl: `data:${mimeType};base64,${data.toString('base64')}`, mimeType, bytes: data.length };
}
