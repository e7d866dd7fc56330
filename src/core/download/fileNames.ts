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
import { OpenRouterError, type ErrorParams, type Reason } from '../api/errors';

export const DEFAULT_OUTPUT_DIRECTORY = 'videos';
const DEFAULT_SLUG = 'video';
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
    throw new OpenRouterError('io', 'outsideFolder', { name, folder: root });
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
    throw new OpenRouterError('io', 'badFileName', { name: baseName });
  }
  if (ext !== '' && !/^\.[A-Za-z0-9]+$/.test(ext)) {
    throw new OpenRouterError('io', 'badFileExtension', { ext });
  }
  const root = path.resolve(folder);
  try {
    await fsLike.mkdirp(root);
  } catch (error) {
    throw diskError(error, { folder: root, action: 'createFolder' });
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
      throw diskError(error, { folder: root, file: candidate, action: 'reserveName' });
    }
    // The .part was ours to create; if the final name appeared meanwhile, give the name up.
    if (await fsLike.exists(candidate).catch(() => true)) {
      await fsLike.remove(part).catch(() => undefined);
      continue;
    }
    return candidate;
  }
  throw new OpenRouterError('io', 'noFreeFileName', { name: `${baseName}${ext}`, folder: root });
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

/** Why the output folder setting is refused: a reason code the host words (it names the setting). */
export type OutputFolderReason = Extract<
  Reason,
  'outputFolderAbsolute' | 'outputFolderHome' | 'outputFolderClimbs' | 'outputFolderBadName' | 'outputFolderOutside' | 'noWorkspaceFolder'
>;

export type OutputDirectoryResult =
  | { ok: true; path: string }
  | { ok: false; reason: OutputFolderReason; params: { value: string; segment?: string; resolved?: string } };

// Characters Windows refuses in names, plus control characters. Refused everywhere so a workspace setting
// works on every machine it is opened on.
// eslint-disable-next-line no-control-regex
const BAD_SEGMENT_CHARS = /[<>:"|?*\u0000-\u001f\u007f]/;

/**
 * Checks the output folder setting. It must be a folder relative to the workspace folder, inside it
 * (the workspace folder itself, `.`, is allowed). Empty means `videos`.
 * Absolute paths, `~`, drive letters, `..` segments and names Windows cannot hold are refused with a reason code
 * (`params.value` is the setting as read, `params.segment` the folder name at fault). Purely lexical: it does not
 * look at the disk (symlinks are not followed).
 */
export function validateOutputDirectory(workspaceFolder: string, setting: string): OutputDirectoryResult {
  const value = (setting ?? '').trim() === '' ? DEFAULT_OUTPUT_DIRECTORY : setting.trim();
  const refuse = (reason: OutputFolderReason, more: { segment?: string; resolved?: string } = {}): OutputDirectoryResult => ({
    ok: false,
    reason,
    params: { value, ...more },
  });
  if (path.isAbsolute(value) || path.posix.isAbsolute(value) || path.win32.isAbsolute(value) || /^[A-Za-z]:/.test(value)) {
    return refuse('outputFolderAbsolute');
  }
  if (value === '~' || value.startsWith('~/') || value.startsWith('~\\')) {
    return refuse('outputFolderHome');
  }
  const segments = value.split(/[/\\]+/).filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) {
    return refuse('outputFolderClimbs');
  }
  const bad = segments.find((s) => BAD_SEGMENT_CHARS.test(s) || isWindowsReservedName(s) || /[ .]$/.test(s));
  if (bad !== undefined) {
    return refuse('outputFolderBadName', { segment: bad });
  }
  if (!workspaceFolder || !path.isAbsolute(workspaceFolder)) {
    return refuse('noWorkspaceFolder');
  }
  const root = path.resolve(workspaceFolder);
  const resolved = path.resolve(root, ...segments);
  const relative = path.relative(root, resolved);
  if (relative !== '' && (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative))) {
    return refuse('outputFolderOutside', { resolved });
  }
  return { ok: true, path: resolved };
}

/** What was being written when the disk refused, as a code the host words. */
export type DiskAction = 'saveVideo' | 'createFolder' | 'reserveName' | 'writeSidecar' | 'saveFrame';

/** Where and what was being written, for `diskError`. */
export interface DiskErrorContext {
  folder: string;
  file?: string;
  action: DiskAction;
}

/** Node's error codes by family, each a reason code. */
const DISK_REASONS = new Map<string, Reason>([
  ['ENOSPC', 'diskFull'],
  ['EDQUOT', 'diskFull'],
  ['EACCES', 'diskNoPermission'],
  ['EPERM', 'diskNoPermission'],
  ['EROFS', 'diskReadOnly'],
  ['ENOTDIR', 'diskNotAFolder'],
  ['EEXIST', 'diskNotAFolder'],
  ['ENOENT', 'diskNotAFolder'],
  ['EISDIR', 'diskNotAFolder'],
  ['EMFILE', 'diskTooManyFiles'],
  ['ENFILE', 'diskTooManyFiles'],
]);

/**
 * Turns a Node file-system error into an OpenRouterError of kind `io` with a reason code by the error's family and
 * params `{ folder, file, action, code }` (`detail` too when the family is unknown). Passes OpenRouterErrors through.
 */
export function diskError(error: unknown, context: DiskErrorContext): OpenRouterError {
  if (OpenRouterError.is(error)) {
    return error;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = (code !== undefined ? DISK_REASONS.get(code) : undefined) ?? 'diskFailed';
  const params: ErrorParams = { folder: context.folder, file: context.file, action: context.action, code };
  const detail = reason === 'diskFailed' ? (error instanceof Error ? error.message : String(error)) : undefined;
  return new OpenRouterError('io', reason, detail === undefined ? params : { ...params, detail }, { cause: error });
}
