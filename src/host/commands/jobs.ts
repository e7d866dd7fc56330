import vscode = require('vscode');
import { isActive, type JobRecord } from '../../core/jobs/jobRecord';
import { stateIs } from '../../core/jobs/jobStates';
import { hostError, wordErrorInfo } from '../errorMessages';
import { openInPlayer } from '../player/openInPlayer';
import { textArgumentOrAsk } from './textArgument';
import type { HostContext } from '../hostContext';
import type { JobNotifications } from '../jobProgress';
import { resolveOutputFolder } from '../outputFolder';
import { planFromPromptFile } from '../promptFiles/jobSource';
import type { PromptFileAnalyzer } from '../promptFiles/promptFileAnalysis';
import { jobTitle, wordJobSource } from '../views/jobPresenter';
import { confirmSubmit } from '../confirmSubmit';
import { readSettings } from '../settings';
import { needsCostConfirmation } from '../spendingRules';
import { formatUsd } from '../../core/pricing/estimateCost';

/** Tree commands receive the node (a client id); palette use may pass a job id instead. */
export function recordFor(ctx: HostContext, arg: unknown): JobRecord {
  const id = typeof arg === 'string' ? arg : (arg as { clientId?: unknown } | undefined)?.clientId;
  const record = typeof id === 'string' ? (ctx.store.get(id) ?? ctx.store.findByJobId(id)) : undefined;
  if (!record) {
    throw hostError('notFound', vscode.l10n.t('That job is no longer in the Jobs view. Refresh the view and try again.'));
  }
  return record;
}

function savedFile(record: JobRecord): string {
  const file = record.outputs.find((o) => o.file)?.file;
  if (!file) {
    throw hostError('notFound', vscode.l10n.t('This job has no saved video yet. Use Download Again when it has completed.'));
  }
  return file;
}

export async function openJob(ctx: HostContext, arg: unknown): Promise<void> {
  const record = recordFor(ctx, arg);
  const uri = vscode.Uri.file(savedFile(record));
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    throw hostError('notFound', vscode.l10n.t('The saved video {0} was moved or deleted. Use Download Again to fetch it again.', vscode.workspace.asRelativePath(uri)));
  }
  // In the player, which shows the job's prompt, cost and next steps beside the video.
  await openInPlayer(uri);
  await ctx.jobs.markOpened(record.clientId);
}

/** Shows a job in the Jobs view, with its error when it has one (the prompt file lenses link here). */
export async function showJob(ctx: HostContext, arg: unknown): Promise<void> {
  const record = recordFor(ctx, arg);
  await ctx.revealJob(record.clientId);
  if (record.error) void vscode.window.showWarningMessage(wordErrorInfo(vscode.l10n, record.error));
}

export async function revealJob(ctx: HostContext, arg: unknown): Promise<void> {
  const record = recordFor(ctx, arg);
  await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(savedFile(record)));
}

export async function downloadJob(ctx: HostContext, notifications: JobNotifications, arg: unknown): Promise<void> {
  const record = recordFor(ctx, arg);
  if (stateIs(record.state, 'resumable')) {
    // Not known to be finished: watch it again; it downloads when OpenRouter completes it.
    notifications.track(await ctx.jobs.watch(record.clientId));
    return;
  }
  // A saved job is downloaded once more into new files; any other job only gets the videos it is missing
  // (again:true would fetch the already saved ones a second time, leaving duplicate files).
  await ctx.jobs.download(record.clientId, { again: record.state === 'saved' });
}

/** Watch Again: checks a job that is no longer watched (stale, stopped, unknown) from now on; it downloads when OpenRouter completes it. */
export async function watchJob(ctx: HostContext, notifications: JobNotifications, arg: unknown): Promise<void> {
  const record = recordFor(ctx, arg);
  notifications.track(await ctx.jobs.watch(record.clientId));
}

/**
 * Run Again: plans the job afresh and shows what it costs now (prices change). A job made from a prompt file is
 * planned from the file as it reads now (its shot and variant) while the file exists, else from the job's own
 * request. It always asks, as a single click in a list or a notification bills again; above the user's
 * confirmAboveUsd the message says so.
 */
export async function rerunJob(ctx: HostContext, notifications: JobNotifications, analyzer: PromptFileAnalyzer, arg: unknown): Promise<string | undefined> {
  const record = recordFor(ctx, arg);
  const fromFile = await planFromPromptFile(ctx, analyzer, record);
  const plan = fromFile?.plan ?? (await ctx.jobs.planRerun(record.clientId));
  const { confirmAboveUsd } = readSettings();
  const aboveLimit = needsCostConfirmation({ estimate: plan.estimate, confirmAboveUsd, fromWorkspace: [] });
  const confirmed = await confirmSubmit(ctx, plan, {
    question: vscode.l10n.t('Run "{0}" again?', jobTitle(record)),
    button: vscode.l10n.t('Run Again'),
    always: true,
    notes: fromFile ? [vscode.l10n.t('From {0} as it reads now.', wordJobSource(fromFile.source))] : [],
    costNotes: aboveLimit ? [vscode.l10n.t('That is above your confirmation limit of {0} (openrouterVideo.confirmAboveUsd), or cannot be known in advance.', formatUsd(confirmAboveUsd))] : [],
    closing: fromFile ? vscode.l10n.t('This submits a new job and is billed again.') : vscode.l10n.t('This submits a new job with the same settings and is billed again.'),
  });
  if (!confirmed) return undefined;
  const next = fromFile
    ? await ctx.jobs.submit(fromFile.plan, fromFile.targetFolder, undefined, fromFile.source)
    : await ctx.jobs.submit(plan, record.targetFolder, undefined, record.source);
  if (next.jobId) notifications.track(next);
  return next.jobId;
}

export async function copyJobId(ctx: HostContext, arg: unknown): Promise<void> {
  const record = recordFor(ctx, arg);
  if (!record.jobId) {
    throw hostError('notFound', vscode.l10n.t('This job has no OpenRouter id (it was never accepted).'));
  }
  await vscode.env.clipboard.writeText(record.jobId);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied job id {0}', record.jobId), 3000);
}

export async function stopWatchingJob(ctx: HostContext, arg: unknown): Promise<void> {
  const record = recordFor(ctx, arg);
  await ctx.jobs.stopWatching(record.clientId);
}

export async function removeJob(ctx: HostContext, arg: unknown): Promise<void> {
  const record = recordFor(ctx, arg);
  if (isActive(record)) {
    const remove = vscode.l10n.t('Remove');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('This job is still running on OpenRouter.'),
      { modal: true, detail: vscode.l10n.t('Removing it stops watching it; it may still finish and be billed. Copy its id first if you may want to recover it.') },
      remove,
    );
    if (choice !== remove) return;
  }
  await ctx.jobs.remove(record.clientId);
}

/**
 * Recover Job by ID: adopts a job OpenRouter has by its id. A job already listed is shown (and watched again
 * when it was stale or stopped). Otherwise it goes into the record of a submit whose outcome is unknown: `adopt`
 * names it (the lost submit's own message), else the only such record, or the one the user picks when there are
 * several; only a job that matches none gets a new record.
 */
export async function recoverJob(ctx: HostContext, notifications: JobNotifications, arg?: unknown, adopt?: string): Promise<string | undefined> {
  const jobId = await textArgumentOrAsk(arg, {
    title: vscode.l10n.t('Recover Job by ID'),
    prompt: vscode.l10n.t('The OpenRouter job id of a video job (for example from the log, a sidecar file, or another machine). Its video is downloaded when it completes.'),
    placeHolder: 'Nxff2D1Z6w4Zk9iNuZam',
    validateInput: (v) => (/^[A-Za-z0-9_-]{4,128}$/.test(v.trim()) ? undefined : vscode.l10n.t('A job id is letters, digits, "-" or "_", like Nxff2D1Z6w4Zk9iNuZam.')),
  });
  if (!jobId) return undefined;
  const existing = ctx.store.findByJobId(jobId);
  const targetFolder = adopt === undefined && !existing ? resolveOutputFolder(vscode.workspace.workspaceFolders?.[0]) : undefined;
  const record = await ctx.jobs.recover(jobId, { targetFolder, adopt, chooseUnknown: (candidates) => chooseUnknownSubmit(jobId, candidates) });
  if (record.clientId !== existing?.clientId || isActive(record)) notifications.track(record);
  await ctx.revealJob(record.clientId);
  return record.jobId;
}

/** Which lost submit a recovered job answers: the only one, or the one the user picks (or none: a new entry). */
async function chooseUnknownSubmit(jobId: string, candidates: readonly JobRecord[]): Promise<string | undefined> {
  if (candidates.length === 1) return candidates[0]?.clientId;
  const none = { label: vscode.l10n.t('None of these: list it as a new job'), clientId: undefined };
  const items = [
    ...candidates.map((r) => ({ label: jobTitle(r), description: `${r.request.model} · ${new Date(r.createdAt).toLocaleString()}`, clientId: r.clientId as string | undefined })),
    none,
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Which submit is job {0}?', jobId),
    placeHolder: vscode.l10n.t('These submits got no answer from OpenRouter; the job goes into the one you pick'),
    ignoreFocusOut: true,
  });
  if (!picked) throw new vscode.CancellationError();
  return picked.clientId;
}
