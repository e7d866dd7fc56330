import fs = require('node:fs/promises');
import path = require('node:path');
import vscode = require('vscode');
import type { JobRecord } from '../core/jobs/jobRecord';
import { isActive } from '../core/jobs/jobRecord';
import type { JobStore } from '../core/jobs/jobStore';
import type { Logger } from '../core/shared/logger';

/** Relative to the workspace folder; package.json activates on `workspaceContains:` this path. */
export const RESUME_MARKER = path.join('.vscode', '.openrouter-video-active');

const MARKER_TEXT =
  'This file exists while OpenRouter Video jobs are running, so the extension starts and resumes them after a restart.\n' +
  'It is removed when they finish. It holds no secrets. You can delete it; running jobs then resume when you open the OpenRouter Video view.\n';

/** In flight, or saved with an fsync still pending (the next start checks those outputs). */
function needsResume(r: JobRecord): boolean {
  return isActive(r) || r.state === 'downloading' || r.state === 'submitting' || r.outputs.some((o) => o.unsynced === true);
}

/**
 * VS Code cannot activate an extension on a condition of its own storage, so while jobs are in
 * flight a small marker file in the workspace's .vscode folder lets the extension start after a
 * reload and resume them. With nothing in flight, there is no marker and no start-up activation.
 */
export class ResumeMarker implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;
  private present: boolean | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: JobStore,
    private readonly folder: string | undefined,
    private readonly logger: Logger,
  ) {
    this.subscription = store.onDidChange(() => this.sync());
    this.sync();
  }

  private sync(): void {
    if (!this.folder) return;
    const wanted = this.store.all().some(needsResume);
    if (wanted === this.present) return;
    this.present = wanted;
    const file = path.join(this.folder, RESUME_MARKER);
    this.chain = this.chain.then(async () => {
      try {
        if (wanted) {
          await fs.mkdir(path.dirname(file), { recursive: true });
          await fs.writeFile(file, MARKER_TEXT);
        } else {
          await fs.rm(file, { force: true });
        }
      } catch (error) {
        this.logger.warn(`Could not ${wanted ? 'write' : 'remove'} ${file}`, error);
      }
    });
  }

  /** Waits for pending marker writes (tests). */
  settled(): Promise<void> {
    return this.chain;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
