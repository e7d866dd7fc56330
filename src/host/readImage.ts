import fs = require('node:fs/promises');
import vscode = require('vscode');
import { hostError } from './errorMessages';
import { imageMimeType } from '../core/models/validateRequest';

/** Whether the bytes start like a PNG, a JPEG or a WebP file (the only types sent). */
function looksLikeImage(data: Buffer): boolean {
  const png = data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff;
  const webp = data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP';
  return png || jpeg || webp;
}

/** Reads a frame image into a data URL, only at submit time (never stored). */
export async function readImageAsDataUrl(file: string): Promise<{ dataUrl: string; mimeType: string; bytes: number }> {
  const mimeType = imageMimeType({ path: file });
  if (!mimeType) {
    throw hostError('badRequest', vscode.l10n.t('"{0}" is not a PNG, JPEG or WebP image. Pick another image.', file));
  }
  const data = await fs.readFile(file);
  if (!looksLikeImage(data)) {
    // Named like an image but is not one: refused here, before the record exists and before any request.
    throw hostError('badRequest', vscode.l10n.t('"{0}" is not a PNG, JPEG or WebP image (judging by its content). Pick another image.', file));
  }
  return { dataUrl: `data:${mimeType};base64,${data.toString('base64')}`, mimeType, bytes: data.length };
}
