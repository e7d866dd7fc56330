import * as vscode from 'vscode';
import type { SubmitPlan } from '../core/jobs/submitPlan';
import { formatUsd } from '../core/pricing/estimateCost';
import { describeRequest } from './generateFlow';
import { wordCostBasis, wordUnpriced } from './modelWords';
import { readSettings } from './settings';

/**
 * The usual cost confirmation of a planned submit: a modal when the estimate is above `confirmAboveUsd` or
 * cannot be made. Resolves true to submit.
 */
export async function confirmSubmit(plan: SubmitPlan, question: string): Promise<boolean> {
  const { estimate } = plan;
  if (estimate.kind === 'estimate' && estimate.usd <= readSettings().confirmAboveUsd) return true;
  const submit = vscode.l10n.t('Submit');
  const costText =
    estimate.kind === 'estimate'
      ? vscode.l10n.t('Estimated cost: {0} ({1}).', formatUsd(estimate.usd), wordCostBasis(vscode.l10n, estimate.basis))
      : vscode.l10n.t('The cost cannot be estimated in advance: {0}', wordUnpriced(vscode.l10n, estimate.reason, estimate.facts));
  const choice = await vscode.window.showWarningMessage(
    question,
    { modal: true, detail: `${describeRequest(plan.request)}\n${costText}\n${vscode.l10n.t('It is billed to your OpenRouter account even if you stop watching.')}` },
    submit,
  );
  return choice === submit;
}
