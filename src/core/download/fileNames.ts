/**
 * File and folder names for saved videos. Everything that turns user text (a prompt, a setting) into
 * a path goes through here, so nothing outside the chosen folder can ever be written.
 *
 * Naming scheme:
 * - `baseNameFor(prompt, date)` → `<slug>-<YYYYMMDD-HHMMSS>` (local time), e.g. `a-cat-on-a-skateboard-20261008-141503`.
 * - Output index 0 is saved as `<base>.mp4`; output n > 0 as `<base>-out<n+1>.mp4` (see `outputBaseName`),
 *   so a job with three outputs gives `<base>.mp4`, `<base>-out2.mp4`, `<base>-out3.mp4`.
 * - `reserveUniquePath` then picks the first free name of `<name>.mp4`, `<name>-2.mp4`, `<name>-3.mp4`, …
 */
import fs = require('node:fs');
import path = require('node:path');
import { OpenRouterError } from '../api/errors';
import { Settings } from '../../ids';

export const DEFAULT_OUTPUT_DIRECTORY = 'videos';
const DEFAULT_SLUG = 'video';
const SETTING_ID = `${Settings.section}.${Settings.outputDirectory}`;
/** Prompts longer than this are only looked at up to here: the slug is short anyway. */
const MAX_PROMPT_SCAN = 4096;
/** Upper bound of `-2` … suffixes tried before giving up. */
const MAX_UNIQUE_TRIES = 10_000;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;

/**
 * Whether `name` is a device name Windows refuses as a file name, with or without an extension
 * (`CON`, `nul.mp4`, `com1.tar.gz`, `LPT9 .txt`). Case-insensitive.
 */
export function isWindowsReservedName(name: string): boolean {
  const stem = name.split('.')[0] ?? '';
  return WINDOWS_RESERVED.test(stem.replace(/[ .]+$/, ''));
}

/**
 * A short, safe, lower-case ASCII slug of a prompt: words of `[a-z0-9]` joined by `-`, diacritics folded
 * (`Crème brûlée` → `creme-brulee`), everything else dropped. Never empty (`video`), never starts or ends
 * with `-` or `.`, contains no `.` at all (so no `..`), never a Windows device name, at most `maxLength`
 * characters (cut at a word boundary when one is near).
 */
export function slugifyPrompt(prompt: string, maxLength = 48): string {
  const limit = Math.max(DEFAULT_SLUG.length, Math.floor(Number.isFinite(maxLength) ? maxLength : 48));
  const folded = String(prompt ?? '')
    .slice(0, MAX_PROMPT_SCAN)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    // A few letters NFKD does not decompose.
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[œŒ]/g, 'oe')
    .replace(/[øØ]/g, 'o')
    .replace(/[đĐ]/g, 'd')
    .replace(/[łŁ]/g, 'l')
    .replace(/[þÞ]/g, 'th')
    .toLowerCase();
  const words = folded.split(/[^a-z0-9]+/).filter((w) => w.length > 0);
  let slug = words.join('-');
  if (slug.length > limit) {
    const cut = slug.slice(0, limit + 1);
    const lastDash = cut.lastIndexOf('-');
    // Cut at the last word boundary unless that throws away more than half.
    slug = lastDash >= Math.ceil(limit / 2) ? cut.slice(0, lastDash) : slug.slice(0, limit);
  }
  slug = slug.replace(/^[-.]+|[-.]+$/g, '');
  if (slug === '') {
    return DEFAULT_SLUG;
  }
  if (isWindowsReservedName(slug)) {
    const safe = `${slug}-${DEFAULT_SLUG}`;
    return safe.length <= limit ? safe : DEFAULT_SLUG;
  }
  return slug;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `YYYYMMDD-HHMMSS` in local time. */
export function formatTimestamp(date: Date): string {
  const d = Number.isFinite(date.getTime()) ? date : new Date(0);
  return (
    `${pad(d.getFullYear(), 4)}${pad(d.getMonth() + 1)}${pad(d.getDate())}` +
    `-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`
  );
}

/** `<slug>-<YYYYMMDD-HHMMSS>` (local time), without extension. */
export function baseNameFor(prompt: string, date: Date): string {
  return `${slugifyPrompt(prompt)}-${formatTimestamp(date)}`;
}

/** Base name of output `index`: index 0 → `base`, index n > 0 → `base-out<n+1>`. */
export function outputBaseName(baseName: string, index: number): string {
  return index > 0 ? `${baseName}-out${index + 1}` : baseName;
}

/**
 * `path.resolve(folder, name)`, asserting the result lies strictly inside `folder`.
 * Throws an OpenRouterError of kind `io` when `name` is absolute, climbs out with `..`, or is the folder itself.
 */
export function resolveInside(folder: string, name: string): string {
  const root = path.resolve(folder);
  const resolved = path.resolve(root, name);
  const relative = path.relative(root, resolved);
  const outside =
    relative === '' ||
    relative === '..' ||
    relative.startsWith(`..${path.sep}`) ||
    path.isAbsolute(relative) ||
    name.includes('\0');
  if (outside) {
    throw new OpenRouterError(
      'io',
      `Refusing to write "${name}": it is not inside the output folder "${root}". This is a bug; please report it.`,
    );
  }
  return resolved;
}

/** The file system calls `reserveUniquePath` needs; tests may pass their own. */
export interface ReserveFs {
  /** Whether anything (file, folder, link) exists at `p`. */
  exists(p: string): Promise<boolean>;
  /** Creates `p` and its parents (`mkdir -p`). */
  mkdirp(p: string): Promise<void>;
  /** Creates an empty file at `p`; rejects with code `EEXIST` when something is already there. */
  createExclusive(p: string): Promise<void>;
  /** Removes the file at `p`, ignoring a missing one. */
  remove(p: string): Promise<void>;
}

export const nodeReserveFs: ReserveFs = {
  async exists(p) {
    try {
      await fs.promises.lstat(p);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return false;
      }
      throw error;
    }
  },
  async mkdirp(p) {
    await fs.promises.mkdir(p, { recursive: true });
  },
  async createExclusive(p) {
    const handle = await fs.promises.open(p, 'wx');
    await handle.close();
  },
  async remove(p) {
    await fs.promises.rm(p, { force: true });
  },
};

/** Suffix of the in-progress file next to a target (`clip.mp4` → `clip.mp4.part`). */
export const PART_SUFFIX = '.part';

export function partPathFor(targetPath: string): string {
  return `${targetPath}${PART_SUFFIX}`;
}

/**
 * Picks the first free name of `<baseName><ext>`, `<baseName>-2<ext>`, `<baseName>-3<ext>`, … inside `folder`
 * (created if missing) and reserves it. A name counts as taken when the file or its `.part` exists.
 *
 * The reservation is an empty `<name><ext>.part` created exclusively (`wx`), so two downloads - even from two
 * windows - never pick the same name. `downloadOutput` takes that `.part` over (truncates it) and removes it on
 * failure; a caller that reserves and then does not download should call `releaseReservedPath`.
 * Never overwrites anything. Disk failures become an OpenRouterError of kind `io`.
 */
export async function reserveUniquePath(
  folder: string,
  baseName: string,
  ext = '.mp4',
  fsLike: ReserveFs = nodeReserveFs,
): Promise<string> {
  if (baseName === '' || baseName === '.' || baseName === '..' || baseName !== path.basename(baseName) || /[/\\]/.test(baseName)) {
    throw new OpenRouterError('io', `Refusing to use "${baseName}" as a file name: it must be a plain name without folders.`);
  }
  if (ext !== '' && !/^\.[A-Za-z0-9]+$/.test(ext)) {
    throw new OpenRouterError('io', `Refusing to use "${ext}" as a file extension.`);
  }
  const root = path.resolve(folder);
  try {
    await fsLike.mkdirp(root);
  } catch (error) {
    throw diskError(error, { folder: root, action: 'create the output folder' });
  }
  for (let n = 1; n <= MAX_UNIQUE_TRIES; n++) {
    const candidate = resolveInside(root, `${n === 1 ? baseName : `${baseName}-${n}`}${ext}`);
    const part = partPathFor(candidate);
    try {
      if ((await fsLike.exists(candidate)) || (await fsLike.exists(part))) {
        continue;
      }
      await fsLike.createExclusive(part);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        continue; // Someone took it between the check and the create.
      }
      throw diskError(error, { folder: root, file: candidate, action: 'reserve a file name' });
    }
    // The .part was ours to create; if the final name appeared meanwhile, give the name up.
    if (await fsLike.exists(candidate).catch(() => true)) {
      await fsLike.remove(part).catch(() => undefined);
      continue;
    }
    return candidate;
  }
  throw new OpenRouterError('io', `Could not find a free file name for "${baseName}${ext}" in "${root}". Tidy up the folder and try again.`);
}

/**
 * Drops a reservation made by `reserveUniquePath` that will not be downloaded: removes `<path>.part` if it is
 * still the empty placeholder. Never touches `path` itself or a `.part` with data in it.
 */
export async function releaseReservedPath(reservedPath: string): Promise<void> {
  const part = partPathFor(reservedPath);
  try {
    const stat = await fs.promises.lstat(part);
    if (stat.isFile() && stat.size === 0) {
      await fs.promises.rm(part, { force: true });
    }
  } catch {
    // Nothing to release.
  }
}

/**
 * Takes back a name `reserveUniquePath` gave an output earlier (the job record keeps it), so a download a
 * killed process left unfinished continues under its original name:
 * - `<path>.part` is there (a regular file): it is still this output's reservation (no other reservation
 *   picks a name whose `.part` exists); `path` is returned and the downloader may continue from it;
 * - it is gone: the name is reserved again the same way (an empty `.part`, created exclusively);
 * - `path` itself now exists (something else was saved there), or it is not a plain name directly inside
 *   `folder`: undefined, and the caller reserves a new name. A `.part` of ours next to an existing file
 *   is removed first, so none is left behind.
 * Undefined also when the disk refuses; `reserveUniquePath` then reports why.
 */
export async function reclaimReservedPath(folder: string, reservedPath: string, fsLike: ReserveFs = nodeReserveFs): Promise<string | undefined> {
  const root = path.resolve(folder);
  const name = path.basename(reservedPath);
  let candidate: string;
  try {
    candidate = resolveInside(root, name);
  } catch {
    return undefined;
  }
  if (candidate !== path.resolve(reservedPath)) {
    return undefined; // Recorded for another folder.
  }
  const part = partPathFor(candidate);
  try {
    if (await fsLike.exists(candidate)) {
      await fsLike.remove(part);
      return undefined;
    }
    let stat: fs.Stats | undefined;
    try {
      stat = await fs.promises.lstat(part);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (stat) {
      return stat.isFile() ? candidate : undefined;
    }
    await fsLike.mkdirp(root);
    await fsLike.createExclusive(part);
  } catch {
    return undefined;
  }
  if (await fsLike.exists(candidate).catch(() => true)) {
    await fsLike.remove(part).catch(() => undefined);
    return undefined;
  }
  return candidate;
}

/** Whether anything is at `<path>.part` (a disk error counts as yes: nothing is assumed gone that may not be). */
export async function hasPartFile(reservedPath: string): Promise<boolean> {
  return nodeReserveFs.exists(partPathFor(reservedPath)).catch(() => true);
}

export type OutputDirectoryResult = { ok: true; path: string } | { ok: false; message: string };

// Characters Windows refuses in names, plus control characters. Refused everywhere so a workspace setting
// works on every machine it is opened on.
// eslint-disable-next-line no-control-regex
const BAD_SEGMENT_CHARS = /[<>:"|?*\u0000-\u001f\u007f]/;

/**
 * Checks the output folder setting. It must be a folder relative to the workspace folder, inside it
 * (the workspace folder itself, `.`, is allowed). Empty means `videos`.
 * Absolute paths, `~`, drive letters, `..` segments and names Windows cannot hold are refused with a message
 * that says what to set instead. Purely lexical: it does not look at the disk (symlinks are not followed).
 */
export function validateOutputDirectory(workspaceFolder: string, setting: string): OutputDirectoryResult {
  const value = (setting ?? '').trim() === '' ? DEFAULT_OUTPUT_DIRECTORY : setting.trim();
  const instead = `Set "${SETTING_ID}" to a folder inside the workspace, relative to it, such as "${DEFAULT_OUTPUT_DIRECTORY}" or "media/videos".`;
  if (path.isAbsolute(value) || path.posix.isAbsolute(value) || path.win32.isAbsolute(value) || /^[A-Za-z]:/.test(value)) {
    return { ok: false, message: `The output folder "${value}" is an absolute path; videos are only saved inside the workspace. ${instead}` };
  }
  if (value === '~' || value.startsWith('~/') || value.startsWith('~\\')) {
    return { ok: false, message: `The output folder "${value}" points at the home folder; videos are only saved inside the workspace. ${instead}` };
  }
  const segments = value.split(/[/\\]+/).filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) {
    return { ok: false, message: `The output folder "${value}" uses ".." to leave the workspace; videos are only saved inside it. ${instead}` };
  }
  const bad = segments.find((s) => BAD_SEGMENT_CHARS.test(s) || isWindowsReservedName(s) || /[ .]$/.test(s));
  if (bad !== undefined) {
    return {
      ok: false,
      message: `The output folder "${value}" contains "${bad}", which is not a valid folder name on every system. ${instead}`,
    };
  }
  if (!workspaceFolder || !path.isAbsolute(workspaceFolder)) {
    return { ok: false, message: 'Open a folder or workspace first: videos are saved inside it.' };
  }
  const root = path.resolve(workspaceFolder);
  const resolved = path.resolve(root, ...segments);
  const relative = path.relative(root, resolved);
  if (relative !== '' && (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative))) {
    return { ok: false, message: `The output folder "${value}" resolves outside the workspace ("${resolved}"). ${instead}` };
  }
  return { ok: true, path: resolved };
}

/** Where and what was being written, for `diskError`. */
export interface DiskErrorContext {
  folder: string;
  file?: string;
  /** e.g. "save the video", "create the output folder". */
  action: string;
  /** Appended to the message, e.g. what the user can do next. */
  suffix?: string;
}

/**
 * Turns a Node file-system error into an OpenRouterError of kind `io` whose message names the folder and says
 * what to do. Passes OpenRouterErrors through unchanged.
 */
export function diskError(error: unknown, context: DiskErrorContext): OpenRouterError {
  if (OpenRouterError.is(error)) {
    return error;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `"${context.folder}"`;
  const tail = context.suffix ? ` ${context.suffix}` : '';
  let message: string;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      message =
        `Could not ${context.action}: the folder ${where} is read-only or you lack permission to write there (${code}). ` +
        `Set "${SETTING_ID}" to a writable folder in the workspace, or fix the folder's permissions.`;
      break;
    case 'ENOSPC':
    case 'EDQUOT':
      message = `Could not ${context.action}: the disk holding ${where} is full (${code}). Free some space.`;
      break;
    case 'ENOTDIR':
    case 'EEXIST':
    case 'ENOENT':
    case 'EISDIR':
      message =
        `Could not ${context.action}: ${where} (or one of its parents) is not a folder that can be written to (${code}). ` +
        `Set "${SETTING_ID}" to a folder in the workspace, or move the file in the way.`;
      break;
    case 'EMFILE':
    case 'ENFILE':
      message = `Could not ${context.action} in ${where}: too many open files (${code}). Close some programs and try again.`;
      break;
    default: {
      const detail = error instanceof Error ? error.message : String(error);
      message = `Could not ${context.action} in ${where}: ${detail}`;
    }
  }
  return new OpenRouterError('io', `${message}${tail}`, { cause: error });
}
