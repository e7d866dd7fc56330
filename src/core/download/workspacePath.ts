/**
 * The workspace-only rule for paths a chat agent names (images to send, folders to save into): a path counts
 * as inside the workspace folder only when its real path is, so a symbolic link inside the workspace that
 * points elsewhere is refused like `../`. Relative paths are taken from the workspace folder.
 */
import { realpath, stat } from 'node:fs/promises';
import path = require('node:path');

export type InsideProblem =
  | 'notAPath' // a URL or an empty string
  | 'outside' // it leaves the workspace folder (by `..`, an absolute path or a link)
  | 'missing' // nothing there
  | 'notAFile'; // a folder or something else where a file is needed

export type InsideResult = { ok: true; path: string } | { ok: false; problem: InsideProblem };

function contains(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/** An existing file named relative to `root` (or absolute), whose real path lies inside `root`'s real path. */
export async function fileInsideFolder(root: string, reference: string): Promise<InsideResult> {
  const ref = reference.trim();
  if (ref === '' || /^[a-z][a-z0-9+.-]+:\/\//i.test(ref) || /^data:/i.test(ref)) return { ok: false, problem: 'notAPath' };
  const lexical = path.resolve(root, ref);
  if (!contains(path.resolve(root), lexical)) return { ok: false, problem: 'outside' };
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    return { ok: false, problem: 'missing' };
  }
  if (!contains(await realpath(root), real)) return { ok: false, problem: 'outside' };
  const info = await stat(real);
  if (!info.isFile()) return { ok: false, problem: 'notAFile' };
  return { ok: true, path: lexical };
}

/**
 * Whether `folder` (which may not exist yet) stays inside `root` on real paths: its nearest existing
 * ancestor, links resolved, must lie inside `root`'s real path.
 */
export async function folderStaysInside(root: string, folder: string): Promise<boolean> {
  const base = path.resolve(root);
  let current = path.resolve(base, folder);
  if (!contains(base, current)) return false;
  for (;;) {
    try {
      return contains(await realpath(base), await realpath(current));
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return false;
      current = parent;
    }
  }
}
