import nodeFs = require('node:fs');
import { delay } from './clock';

const fs = nodeFs.promises;

/**
 * On Windows a rename over a file that another process (an antivirus, an indexer) has open fails for a
 * moment with EPERM/EACCES/EBUSY; a few short retries get through. Elsewhere the first attempt decides.
 */
export async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.rename(from, to);
      return;
    } catch (error) {
      const transient = ['EPERM', 'EACCES', 'EBUSY'].includes((error as { code?: unknown } | null)?.code as string);
      if (!transient || process.platform !== 'win32' || attempt >= 5) {
        throw error;
      }
      await delay(20 * (attempt + 1));
    }
  }
}
