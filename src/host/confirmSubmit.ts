import vscode = require('vscode');
import type { VideoRequest } from '../core/api/videoRequest';
import type { SubmitPlan } from '../core/jobs/submitPlan';
import { formatUsd, type CostEstimate } from '../core/pricing/estimateCost';
import type { HostContext } from './hostContext';
import { wordCostBasis, wordRequestSettings, wordUnpriced } from './modelWords';
import { readSettings } from './settings';
import { needsCostConfirmation, type WorkspaceChoice } from './spendingRules';
import { wordBudgetLeft, wordChargeNote } from './spendWords';

export interface ConfirmOptions {
  /** The dialog's question, e.g. "Generate a video with Veo 3.1?". */
  question: string;
  /** The submit button's label (default "Submit"). */
  button?: string;
  /** Lines shown after the settings (where the model or folder came from, who asked). */
  notes?: readonly string[];
  /** What the job takes from a workspace's settings: then it always asks. */
  fromWorkspace?: readonly WorkspaceChoice[];
  /** Lines shown right after the cost. */
  costNotes?: readonly string[];
  /** Ask whatever the estimate (Run Again: one click in a list bills again). */
  always?: boolean;
  /** The last line (default: it is billed even if the user stops watching). */
  closing?: string;
}

/**
 * The one cost confirmation before a submit (palette, arguments, Run Again, Extend). The budget is checked first
 * (an over-budget plan is refused before anything is asked); then a modal asks when the estimate is above the
 * user's `confirmAboveUsd`, cannot be made, or the workspace's settings shaped the job. How the submit was
 * started does not matter. Resolves true to submit.
 */
export async function confirmSubmit(ctx: Pick<HostContext, 'budget'>, plan: SubmitPlan, options: ConfirmOptions): Promise<boolean> {
  await ctx.budget.check(plan);
  const { confirmAboveUsd } = readSettings();
  const fromWorkspace = options.fromWorkspace ?? [];
  if (!options.always && !needsCostConfirmation({ estimate: plan.estimate, confirmAboveUsd, fromWorkspace })) return true;
  const lines = [describeRequest(plan.request), ...(options.notes ?? []), wordCost(plan.estimate), ...(options.costNotes ?? [])];
  lines.push(...[wordChargeNote(vscode.l10n, plan.budget), wordBudgetLeft(vscode.l10n, await ctx.budget.remaining())].filter((line) => line !== ''));
  lines.push(options.closing ?? vscode.l10n.t('It is billed to your OpenRouter account even if you stop watching.'));
  const button = options.button ?? vscode.l10n.t('Submit');
  const choice = await vscode.window.showWarningMessage(options.question, { modal: true, detail: lines.join('\n') }, button);
  return choice === button;
}

/** The estimate as the confirmations word it: "Estimated cost: $0.40 (…)." or why it cannot be known. */
export function wordCost(estimate: CostEstimate): string {
  if (estimate.kind !== 'estimate') {
    return vscode.l10n.t('The cost cannot be estimated in advance: {0}', wordUnpriced(vscode.l10n, estimate.reason, estimate.facts));
  }
  return estimate.approximate
    ? vscode.l10n.t('Estimated cost: approx. {0} ({1}).', `≈${formatUsd(estimate.usd)}`, wordCostBasis(vscode.l10n, estimate.basis))
    : vscode.l10n.t('Estimated cost: {0} ({1}).', formatUsd(estimate.usd), wordCostBasis(vscode.l10n, estimate.basis));
}

/** A request's settings in one line ("8 s · 1080p · 16:9 · audio"). */
export function describeRequest(r: VideoRequest): string {
  return wordRequestSettings(vscode.l10n, r);
}
