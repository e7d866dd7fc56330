import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Replaces `FileHandle.prototype.sync` (every fsync through node:fs/promises) until the returned function is
 * called. `replacement` gets the real fsync of that handle and the handle. `dir` is a scratch folder: the
 * prototype is taken from a handle opened there.
 */
export async function patchFileSync(dir: string, replacement: (original: () => Promise<void>, handle: FileHandle) => Promise<void>): Promise<() => void> {
  const probePath = path.join(dir, `.probe-${process.pid}`);
  const probe = await fs.open(probePath, 'w');
  const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
  await probe.close();
  await fs.rm(probePath);
  const original = proto.sync;
  proto.sync = function (this: FileHandle) {
    return replacement(() => original.call(this), this);
  };
  return () => {
    proto.sync = original;
  };
}
