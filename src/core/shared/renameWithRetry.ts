import fs = require('node:fs');
import { setTimeout as sleep } from 'node:timers/promises';

/** Errors Windows gives for a moment while another process (an antivirus, an indexer) has the file open. */
const TRANSIENT_ON_WINDOWS = new Set(['EPERM', 'EACCES', 'EBUSY']);
const MAX_TRIES = 6;
const STEP_MS = 20;

/**
 * `fs.promises.rename`, with a few short retries on Windows, where a rename over a file that another process has
 * open fails for a moment. Elsewhere the first attempt decides.
 */
export async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await fs.promises.rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | null)?.code ?? '';
      if (process.platform !== 'win32' || !TRANSIENT_ON_WINDOWS.has(code) || attempt >= MAX_TRIES) throw error;
      await sleep(STEP_MS * attempt);
    }
  }
}
