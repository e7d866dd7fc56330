import vscode = require('vscode');
import { OpenRouterError } from '../../core/api/errors';
import { canExtend, extendRequest } from '../../core/jobs/extendRequest';
import type { JobRecord } from '../../core/jobs/jobRecord';
import { planSubmit, type SubmitPlan } from '../../core/jobs/submitPlan';
import { RequestValidationError } from '../../core/models/problems';
import { confirmSubmit } from '../confirmSubmit';
import { hostError } from '../errorMessages';
import type { HostContext } from '../hostContext';
import type { JobNotifications } from '../jobProgress';
import { wordProblems } from '../problemWords';
import { recordFor } from './jobs';

/** The second argument of `openrouterVideo.jobs.extend`. */
export interface ExtendOptions {
  /** What happens next; default: asked, prefilled with the job's prompt. */
  prompt?: string;
}

/**
 * Extend: submits a new job that continues a completed one (`previous_job_id`, same model), after the usual
 * cost confirmation. Resolves with the new job's OpenRouter id (undefined when the user cancelled).
 * `arg` is a Jobs view item or an OpenRouter job id of a job in the Jobs view.
 */
export async function extendJob(ctx: HostContext, notifications: JobNotifications, arg: unknown, rawOptions?: unknown): Promise<string | undefined> {
  const record = recordFor(ctx, arg);
  if (!canExtend(record)) {
    throw hostError('badRequest', vscode.l10n.t('Only a job OpenRouter has completed can be extended; this one is {0}. Wait for it to complete, then try again.', record.remoteStatus ?? record.state));
  }
  const options = parseOptions(rawOptions);
  const prompt = options.prompt ?? (await askPrompt(record));
  if (prompt === undefined) return undefined;

  const model = await ctx.catalog.find(record.request.model);
  if (!model) throw new OpenRouterError('notFound', 'modelGone', { model: record.request.model });
  let plan: SubmitPlan;
  try {
    plan = await planSubmit(model, extendRequest(record, prompt));
  } catch (error) {
    if (!(error instanceof RequestValidationError)) throw error;
    throw hostError('badRequest', vscode.l10n.t('Nothing was submitted: {problems}', { problems: wordProblems(vscode.l10n, error.problems) }));
  }
  // A script that names the job and the prompt skips the questions above, never the cost confirmation or the budget.
  if (!(await confirmSubmit(ctx, plan, { question: vscode.l10n.t('Extend the video with {0}?', model.name) }))) return undefined;
  const next = await ctx.jobs.submit(plan, record.targetFolder);
  notifications.track(next);
  return next.jobId;
}

function parseOptions(value: unknown): ExtendOptions {
  if (value === undefined || value === null) return {};
  const prompt = (value as { prompt?: unknown }).prompt;
  if (typeof value !== 'object' || (prompt !== undefined && typeof prompt !== 'string')) {
    throw hostError('badRequest', vscode.l10n.t('The Extend argument must be {0} with an optional prompt (a string). Nothing was submitted.', '{ prompt }'));
  }
  return prompt === undefined ? {} : { prompt };
}

async function askPrompt(record: JobRecord): Promise<string | undefined> {
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('Extend Video'),
    prompt: vscode.l10n.t('Describe what happens next. The new job continues this video with the same model and is billed as a new job.'),
    value: record.request.prompt ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Write a prompt, or press Escape to cancel.')),
  });
  return typed?.trim() || undefined;
}
