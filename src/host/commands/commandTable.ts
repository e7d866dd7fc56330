import vscode = require('vscode');
import { Commands, Views, type CommandId } from '../../ids';
import { wordedForCaller } from '../errorMessages';
import { isCancellation, showError, type ErrorActions } from '../errorPresenter';
import { isUnknownSubmit } from '../errorActions';
import { JobSubmitError } from '../../core/jobs/submitJob';
import type { HostContext } from '../hostContext';
import type { JobNotifications } from '../jobProgress';
import { animateImage, useAsLastFrame } from './animateImage';
import { extendJob } from './extend';
import { generate, generateFromSelection, generateWithModel } from './generate';
import { copyJobId, downloadJob, openJob, recordFor, recoverJob, removeJob, rerunJob, revealJob, showJob, stopWatchingJob, watchJob } from './jobs';
import { clearApiKey, setApiKey } from './setApiKey';
import { showLog } from './showLog';
import type { PromptFileAnalyzer } from '../promptFiles/promptFileAnalysis';
import { openJobPromptFile } from '../promptFiles/jobSource';
import { newPromptFile } from '../promptFiles/newPromptFile';
import { generateFromFile } from '../promptFiles/runPromptFile';

export interface CommandDeps {
  ctx: HostContext;
  notifications: JobNotifications;
  promptFiles: PromptFileAnalyzer;
  refreshJobs(): void;
  refreshGallery(): void;
  /** Opens the spending tables; resolves with the document's URI. */
  showSpending(): Promise<vscode.Uri>;
}

type Handler = (deps: CommandDeps, ...args: unknown[]) => unknown;

/** Every command the extension contributes, in one table. */
export const commandTable: Record<CommandId, Handler> = {
  [Commands.generate]: ({ ctx, notifications }, args) => generate(ctx, notifications, args),
  [Commands.generateFromSelection]: ({ ctx, notifications }) => generateFromSelection(ctx, notifications),
  [Commands.setApiKey]: ({ ctx }, key) => setApiKey(ctx, key !== undefined),
  [Commands.clearApiKey]: ({ ctx }) => clearApiKey(ctx),
  [Commands.modelsRefresh]: async ({ ctx }) => {
    await ctx.catalog.list({ refresh: true });
  },
  [Commands.modelsGenerateWith]: ({ ctx, notifications }, node) => generateWithModel(ctx, notifications, node),
  [Commands.jobsRefresh]: ({ refreshJobs }) => refreshJobs(),
  [Commands.jobsOpen]: ({ ctx }, arg) => openJob(ctx, arg),
  [Commands.jobsReveal]: ({ ctx }, arg) => revealJob(ctx, arg),
  [Commands.jobsDownload]: ({ ctx, notifications }, arg) => downloadJob(ctx, notifications, arg),
  [Commands.jobsRerun]: ({ ctx, notifications, promptFiles }, arg) => rerunJob(ctx, notifications, promptFiles, arg),
  [Commands.jobsCopyId]: ({ ctx }, arg) => copyJobId(ctx, arg),
  [Commands.jobsWatch]: ({ ctx, notifications }, arg) => watchJob(ctx, notifications, arg),
  [Commands.jobsStopWatching]: ({ ctx }, arg) => stopWatchingJob(ctx, arg),
  [Commands.jobsRemove]: ({ ctx }, arg) => removeJob(ctx, arg),
  [Commands.jobsRecover]: ({ ctx, notifications }, arg) => recoverJob(ctx, notifications, arg),
  [Commands.jobsExtend]: ({ ctx, notifications }, arg, options) => extendJob(ctx, notifications, arg, options),
  [Commands.showLog]: ({ ctx }) => showLog(ctx),
  [Commands.generateFromFile]: ({ ctx, notifications, promptFiles }, args) => generateFromFile(ctx, promptFiles, (record) => notifications.track(record), args),
  [Commands.newPromptFile]: async ({ ctx }) => (await newPromptFile(ctx)).toString(),
  [Commands.jobsShow]: ({ ctx }, arg) => showJob(ctx, arg),
  [Commands.jobsOpenPromptFile]: ({ ctx, promptFiles }, arg) => openJobPromptFile(promptFiles, recordFor(ctx, arg)),
  [Commands.showSpending]: async ({ showSpending }) => (await showSpending()).toString(),
  [Commands.galleryShow]: () => vscode.commands.executeCommand(`${Views.gallery}.focus`),
  [Commands.galleryRefresh]: ({ refreshGallery }) => refreshGallery(),
  [Commands.animateImage]: ({ ctx, notifications }, uri) => animateImage(ctx, notifications, uri),
  [Commands.useAsLastFrame]: ({ ctx, notifications }, uri) => useAsLastFrame(ctx, notifications, uri),
};

const AUTOMATABLE: ReadonlySet<CommandId> = new Set<CommandId>([Commands.generate, Commands.jobsRecover, Commands.generateFromFile, Commands.jobsExtend]);

/**
 * Registers every command through one wrapper: cancellation is quiet, any other error is logged in full and
 * shown once. The handler's result is returned to callers (e.g. the job id from Generate Video). Commands
 * called with an argument by a keybinding, a task, a script or another extension (Generate Video with an
 * object, Recover Job or Extend with a string) reject with the worded error instead of showing it: the caller shows it
 * (VS Code shows a keybinding's or task's failure itself), so it is never shown twice. A submit whose outcome
 * is unknown is the exception: it is shown here, with Recover Job by ID… and Submit Again… (a caller's message
 * has no buttons, and the user must choose), and the command resolves to undefined, as no job id is known.
 */
export function registerCommands(deps: CommandDeps): vscode.Disposable {
  const registrations = (Object.keys(commandTable) as CommandId[]).map((id) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => run(deps, id, args, AUTOMATABLE.has(id) && args.length > 0 && args[0] !== undefined)),
  );
  return vscode.Disposable.from(...registrations);
}

/** Runs a command's handler; an error goes back to the caller (`toCaller`) or is shown with its actions. */
async function run(deps: CommandDeps, id: CommandId, args: unknown[], toCaller: boolean): Promise<unknown> {
  try {
    return await commandTable[id](deps, ...args);
  } catch (error) {
    if (toCaller && !isCancellation(error) && !isUnknownSubmit(error)) {
      deps.ctx.logger.error(`${id} failed`, error);
      throw wordedForCaller(vscode.l10n, error);
    }
    void showError(error, deps.ctx.logger, id, actionsFor(deps, error, id, args));
    return undefined;
  }
}

/**
 * What the error message may offer. A submit whose outcome is unknown may have been billed: it is never run
 * again as it was; it can be looked up by id (into its own record), or submitted anew after a warning.
 */
function actionsFor(deps: CommandDeps, error: unknown, id: CommandId, args: unknown[]): ErrorActions {
  // Run from the message's button: any new error is shown there too.
  const again = () => run(deps, id, args, false);
  if (!isUnknownSubmit(error)) return { retry: again };
  const record = error instanceof JobSubmitError ? error.record : undefined;
  return {
    recoverJob: () => recoverJob(deps.ctx, deps.notifications, undefined, record?.clientId),
    submitAgain: async () => {
      const submit = vscode.l10n.t('Submit Again');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('Submit this video job again?'),
        {
          modal: true,
          detail: vscode.l10n.t('OpenRouter may already have the first one and bill it: submitting again may bill you twice. Recover Job by ID looks for it first.'),
        },
        submit,
      );
      if (choice === submit) await again();
    },
  };
}
