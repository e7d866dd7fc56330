/**
 * The start-up check of an output saved before its fsync had finished: a system crash in that window can leave
 * the file shorter on disk. The job service calls these for outputs still marked `unsynced`.
 */
import fs = require('node:fs');
import { nullLogger, type Logger } from '../shared/logger';
import { renameWithRetry } from '../shared/renameWithRetry';
import { partPathFor } from './fileNames';
import { exists, syncAndClose } from './partFile';

/**
 * Checks a file saved before its fsync had finished:
 * - 'complete': it has at least `bytes` bytes (any, when `bytes` is unknown); it is fsynced now where the file
 *   system and its permissions allow (best effort: a read-only file, or one another program holds, still counts);
 * - 'short': fewer (or none), or only its `.part` is there (the rename itself did not reach the disk);
 * - 'missing': neither is there (moved or deleted since).
 * Throws when the file cannot even be looked at. Nothing is moved: see `keepAsPartial`.
 */
export async function recheckSavedFile(file: string, bytes: number | undefined, logger: Logger = nullLogger): Promise<'complete' | 'short' | 'missing'> {
  let size: number;
  try {
    size = (await fs.promises.stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return (await exists(partPathFor(file))) ? 'short' : 'missing';
  }
  if (size === 0 || (bytes !== undefined && size < bytes)) return 'short';
  try {
    await syncAndClose(await fs.promises.open(file, 'r'), logger, `check ${file}`);
  } catch (error) {
    logger.debug(`check ${file}: could not open it to fsync: ${String(error)}`);
  }
  return 'complete';
}

/** Moves a file a crash cut short back to `<file>.part`, so that a resumed download continues after its bytes. */
export async function keepAsPartial(file: string): Promise<void> {
  try {
    await renameWithRetry(file, partPathFor(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
