/**
 * When a submit asks before it spends, and which images a command argument may send. Kept free of a runtime
 * `vscode` import so the unit tier checks the rules that guard money and files:
 * - arguments (keybindings, tasks, other extensions) may skip questions, never the cost confirmation;
 * - a model or output folder taken from a workspace's settings never skips it either;
 * - an image named in an argument must really be inside an open workspace folder (symlinks resolved).
 */
import fs = require('node:fs/promises');
import path = require('node:path');
import type { CostEstimate } from '../core/pricing/estimateCost';

/** A setting that shapes a job and that a workspace's `.vscode/settings.json` can set. */
export type WorkspaceChoice = 'defaultModel' | 'outputDirectory';

export interface ConfirmationFacts {
  estimate: CostEstimate;
  /** The user's `confirmAboveUsd` (never a workspace's). */
  confirmAboveUsd: number;
  /** What this job takes from a workspace's or folder's settings. */
  fromWorkspace: readonly WorkspaceChoice[];
}

/**
 * Whether to ask before submitting: the estimate is above the user's limit or unknown, or the workspace's
 * settings chose the model or the output folder. How the submit was started (palette or argument) does not
 * matter.
 */
export function needsCostConfirmation(facts: ConfirmationFacts): boolean {
  if (facts.fromWorkspace.length > 0) return true;
  return facts.estimate.kind === 'unavailable' || facts.estimate.usd > facts.confirmAboveUsd;
}

/**
 * The real path of `file` when it lies inside one of `folders` (each compared by its real path too), else
 * undefined. Throws when `file` does not exist. A symlink inside a folder that points out of it is outside.
 */
export async function realPathInside(file: string, folders: readonly string[]): Promise<string | undefined> {
  const real = await fs.realpath(file);
  for (const folder of folders) {
    const root = await fs.realpath(folder).catch(() => undefined);
    if (root === undefined) continue;
    const rel = path.relative(root, real);
    if (rel !== '' && !rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel)) return real;
  }
  return undefined;
}
