import path = require('node:path');
import vscode = require('vscode');
import { OpenRouterError } from '../../core/api/errors';
import type { JobRecord } from '../../core/jobs/jobRecord';
import type { JobService } from '../../core/jobs/jobService';
import type { SpendBudget } from '../../core/money/budget';
import type { Credentials } from '../credentials';
import { errorMessage, hostError } from '../errorMessages';
import type { JobStoreReader } from '../hostContext';
import type { JobNotifications } from '../jobProgress';
import type { ModelCatalog } from '../modelCatalog';
import type { PlannedShot, PlanPromptFileOptions } from '../promptFiles/runPromptFile';

/** What the language model tools use; built once in the composition root. */
export interface AgentToolDeps {
  catalog: ModelCatalog;
  jobs: JobService;
  store: JobStoreReader;
  credentials: Pick<Credentials, 'getKey'>;
  notifications: Pick<JobNotifications, 'track'>;
  /** The folder relative paths are taken from and videos are saved into. */
  workspaceFolder(): vscode.WorkspaceFolder | undefined;
  /** The spending budget: every plan is checked against it before its confirmation, which shows what is left. */
  budget: Pick<SpendBudget, 'check' | 'remaining'>;
  /** Throws when the tools are turned off (`openrouterVideo.agentTools.enabled`). */
  assertEnabled(): void;
  /** A `.video.md` file's shots planned as its lenses run them (`planPromptFile`). */
  planPromptFile(options: PlanPromptFileOptions): Promise<PlannedShot[]>;
}

/**
 * An error for the chat agent: one sentence that says what happened and what to change (the host's words for
 * core errors), its kind kept. Cancellation stays a cancellation.
 */
export function toolError(error: unknown): unknown {
  if (error instanceof vscode.CancellationError) return error;
  if (OpenRouterError.is(error) && error.reason === 'worded') return error;
  const kind = OpenRouterError.is(error) ? error.kind : 'server';
  return hostError(kind, errorMessage(vscode.l10n, error), { cause: error });
}

/** A path for the agent: relative to its workspace folder, with forward slashes. */
export function workspaceRelative(file: string): string {
  return vscode.workspace.asRelativePath(file, false).split(path.sep).join('/');
}

/** A job's saved videos and sidecars, workspace-relative. */
export function relativeOutputs(record: JobRecord): { video: string; sidecar?: string }[] {
  return record.outputs
    .filter((o): o is typeof o & { file: string } => o.file !== undefined)
    .map((o) => (o.sidecar ? { video: workspaceRelative(o.file), sidecar: workspaceRelative(o.sidecar) } : { video: workspaceRelative(o.file) }));
}
