/**
 * The output folder as it is on disk. `validateOutputDirectory` checks the setting by its name only; a folder
 * inside the workspace by name may still lead elsewhere through a symbolic link (`videos -> ../../elsewhere`,
 * committed in a repository). Before anything is written, the real path of the folder (or, while it does not
 * exist yet, of its nearest existing parent) must lie inside the real path of the workspace folder.
 */
import fs = require('node:fs');
import path = require('node:path');
import { OpenRouterError } from '../api/errors';
import { diskError } from './fileNames';

/**
 * Resolves when `folder` really lies inside `workspaceFolder` (both with every link followed); throws
 * `outputFolderLinkedOutside` (`io`; params `folder`, `real`, `root`) when it leads elsewhere, or is a link to
 * nothing. Disk errors become `io` errors (diskError).
 */
export async function checkFolderOnDisk(workspaceFolder: string, folder: string): Promise<void> {
  const wanted = path.resolve(folder);
  let root: string;
  try {
    root = await fs.promises.realpath(path.resolve(workspaceFolder));
  } catch (error) {
    throw diskError(error, { folder: wanted, action: 'createFolder' });
  }
  const real = await realPathOfNearest(wanted);
  const relative = real === undefined ? undefined : path.relative(root, real);
  const inside = relative !== undefined && (relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative)));
  if (!inside) {
    throw new OpenRouterError('io', 'outputFolderLinkedOutside', { folder: wanted, real: real ?? '', root });
  }
}

/**
 * The real path of `folder`, or of its nearest parent that exists (what a `mkdir -p` would create goes under
 * it). `undefined` when a link on the way leads to nothing: where it would be created cannot be told.
 */
async function realPathOfNearest(folder: string): Promise<string | undefined> {
  for (let current = folder; ; current = path.dirname(current)) {
    try {
      return await fs.promises.realpath(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw diskError(error, { folder, action: 'createFolder' });
    }
    // Missing: a dangling link, or simply not created yet.
    const entry = await fs.promises.lstat(current).catch(() => undefined);
    if (entry?.isSymbolicLink()) return undefined;
    if (path.dirname(current) === current) return undefined;
  }
}
