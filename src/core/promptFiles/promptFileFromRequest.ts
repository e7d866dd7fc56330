/**
 * A request as a `.video.md` prompt file: front matter with the API's key names (model, settings, images by
 * workspace-relative path, provider options) and the prompt as the body. What `shotRequest` reads back from it
 * is the same request.
 */
import path = require('node:path');
import type { VideoRequest } from '../api/videoRequest';
import { parsePromptFile } from './parsePromptFile';

/** A value in YAML: plain when it cannot be misread, else a JSON string or flow collection (valid YAML). */
function yamlValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string' && /^[A-Za-z0-9_][\w./-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value) && !/^[\d.]+$/.test(value)) return value;
  return JSON.stringify(value);
}

/** An image path as the file names it: relative to the workspace folder when inside it, with "/" separators. */
function imagePath(file: string, workspaceFolder: string | undefined): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file) || workspaceFolder === undefined || !path.isAbsolute(file)) return file;
  const relative = path.relative(workspaceFolder, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return file;
  return relative.split(path.sep).join('/');
}

/** The prompt file's text for `request` (its prompt, which may be empty, is the body). */
export function promptFileFromRequest(request: VideoRequest, workspaceFolder?: string): string {
  const lines = ['---', `model: ${yamlValue(request.model)}`];
  const add = (key: string, value: unknown): void => {
    if (value !== undefined) lines.push(`${key}: ${yamlValue(value)}`);
  };
  add('duration', request.duration);
  add('resolution', request.resolution);
  // Quoted like the template writes it, so it reads as a ratio, not a time.
  if (request.aspectRatio !== undefined) lines.push(`aspect_ratio: ${JSON.stringify(request.aspectRatio)}`);
  add('size', request.size);
  add('generate_audio', request.generateAudio);
  add('seed', request.seed);
  for (const frame of request.frames ?? []) add(frame.frameType, imagePath(frame.path, workspaceFolder));
  const references = (request.inputReferences ?? []).map((r) => imagePath(r.path, workspaceFolder));
  if (references.length > 0) lines.push(`input_references: [${references.map(yamlValue).join(', ')}]`);
  if (request.providerOptions && Object.keys(request.providerOptions).length > 0) lines.push(`provider: ${JSON.stringify(request.providerOptions)}`);
  lines.push('---', (request.prompt ?? '').trim(), '');
  return lines.join('\n');
}

/** How a prompt file would read a prompt differently from the prompt itself. */
export type PromptFileChange = 'splitsIntoShots' | 'dropsComment';

/**
 * What a prompt file would change in `prompt`, if anything: a `## ` line outside fenced code starts a shot (the
 * file would be a storyboard), and an HTML comment (`<!--`) is never sent.
 */
export function promptFileChange(prompt: string): PromptFileChange | undefined {
  if (parsePromptFile(promptFileFromRequest({ model: 'any', prompt })).storyboard) return 'splitsIntoShots';
  if (prompt.includes('<!--')) return 'dropsComment';
  return undefined;
}

/** A file name for a prompt: its first words, lower case, joined by hyphens (`video` when it has none). */
export function promptFileSlug(prompt: string, maxLength = 40): string {
  const words = prompt
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  let slug = '';
  for (const word of words) {
    const next = slug === '' ? word : `${slug}-${word}`;
    if (next.length > maxLength) break;
    slug = next;
  }
  return slug || (words[0]?.slice(0, maxLength) ?? '') || 'video';
}
