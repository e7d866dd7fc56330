/**
 * What the language model tools say: the confirmation a person reads before a video is generated (model,
 * settings, estimated cost, budget left), and the short, structured results an agent acts on (where the video
 * was saved, what it cost, where a job is). Kept free of a runtime `vscode` import (the caller passes
 * `vscode.l10n`), so the unit tier checks the words. Results never carry the key, a data URL or a raw API body.
 */
import type { VideoRequest } from '../../core/api/videoRequest';
import type { BudgetCharge } from '../../core/money/budgetCharge';
import type { CostEstimate } from '../../core/pricing/estimateCost';
import { formatUsd } from '../../core/pricing/estimateCost';
import { wordEstimate, wordRequestSettings } from '../modelWords';
import { wordAmount, wordChargeNote } from '../spendWords';
import type { L10n } from '../wordParts';

/** The longest prompt quoted in a confirmation; the rest is cut with an ellipsis. */
const PROMPT_SHOWN = 400;

export interface ConfirmationFacts {
  modelName: string;
  modelId: string;
  request: VideoRequest;
  estimate: CostEstimate;
  /** What the submit counts against the budget until its cost is known (the plan's `budget`). */
  charge: BudgetCharge;
  /** Workspace-relative paths of the frame images, by frame type. */
  frames: readonly { frameType: 'first_frame' | 'last_frame'; path: string }[];
  /** Workspace-relative paths of the reference images, in the order sent. */
  references?: readonly string[];
  /** Workspace-relative output folder. */
  outputFolder: string;
  /** USD left under the spending budget (the tighter of the daily and monthly limits); undefined when none is set. */
  budgetLeftUsd: number | undefined;
  /** The prompt file and shot the request comes from, when it does. */
  source?: { promptFile: string; shot: number; shotName?: string };
}

export function confirmationTitle(l10n: L10n, modelName: string): string {
  return l10n.t('Generate a video with {0}?', modelName);
}

/** The confirmation's lines, in reading order (the host joins them into one message). */
export function confirmationLines(l10n: L10n, f: ConfirmationFacts): string[] {
  const lines = [l10n.t('Model: {name} ({id})', { name: f.modelName, id: f.modelId })];
  if (f.source) {
    lines.push(
      f.source.shotName !== undefined
        ? l10n.t('Prompt file: {file}, shot {shot} ("{name}")', { file: f.source.promptFile, shot: f.source.shot, name: f.source.shotName })
        : l10n.t('Prompt file: {file}, shot {shot}', { file: f.source.promptFile, shot: f.source.shot }),
    );
  }
  const prompt = f.request.prompt?.trim();
  if (prompt) lines.push(l10n.t('Prompt: "{0}"', prompt.length > PROMPT_SHOWN ? `${prompt.slice(0, PROMPT_SHOWN)}…` : prompt));
  const settings = wordRequestSettings(l10n, f.request);
  if (settings) lines.push(l10n.t('Settings: {0}', settings));
  for (const frame of f.frames) {
    lines.push(frame.frameType === 'first_frame' ? l10n.t('First frame: {0}', frame.path) : l10n.t('Last frame: {0}', frame.path));
  }
  if (f.references && f.references.length > 0) lines.push(l10n.t('Reference images: {0}', f.references.join(', ')));
  lines.push(l10n.t('Saved into: {0}', f.outputFolder));
  lines.push(costLine(l10n, f.estimate));
  const note = wordChargeNote(l10n, f.charge);
  if (note) lines.push(note);
  lines.push(budgetLine(l10n, f.charge, f.budgetLeftUsd));
  lines.push(l10n.t('It is billed to your OpenRouter account, even if you stop waiting.'));
  return lines;
}

/** The estimate as the Generate command's confirmation words it: a token-priced one is marked approximate (≈). */
function costLine(l10n: L10n, estimate: CostEstimate): string {
  if (estimate.kind !== 'estimate') return l10n.t('Estimated cost: unknown until the job completes ({0})', wordEstimate(l10n, estimate));
  return estimate.approximate
    ? l10n.t('Estimated cost: approx. {cost} ({basis})', { cost: wordAmount(estimate.usd, true), basis: wordEstimate(l10n, estimate) })
    : l10n.t('Estimated cost: {cost} ({basis})', { cost: formatUsd(estimate.usd), basis: wordEstimate(l10n, estimate) });
}

/** What is left of the budget, and after what this video counts against it (approximate when its charge is). */
function budgetLine(l10n: L10n, charge: BudgetCharge, left: number | undefined): string {
  if (left === undefined) return l10n.t('Budget left: no budget is set.');
  if (charge.usd <= 0) return l10n.t('Budget left: {0}.', formatUsd(left));
  const after = Math.max(0, Math.round((left - charge.usd) * 10_000) / 10_000);
  return l10n.t('Budget left: {left}, {after} after this video.', { left: formatUsd(left), after: wordAmount(after, charge.basis === 'approximate') });
}

export interface SavedFacts {
  jobId: string;
  /** Workspace-relative paths of the saved videos and their sidecars (when written). */
  outputs: readonly { video: string; sidecar?: string }[];
  costUsd: number | undefined;
  estimatedUsd: number | undefined;
}

/** A saved job, as the agent reads it: the path to use, the sidecar, the job id and what it cost. */
export function savedResult(l10n: L10n, f: SavedFacts): string {
  const lines = [l10n.t('Video saved.')];
  for (const o of f.outputs) {
    lines.push(l10n.t('video: {0}', o.video));
    if (o.sidecar) lines.push(l10n.t('sidecar: {0}', o.sidecar));
  }
  lines.push(l10n.t('job id: {0}', f.jobId));
  lines.push(costResult(l10n, f.costUsd, f.estimatedUsd));
  return lines.join('\n');
}

function costResult(l10n: L10n, actual: number | undefined, estimated: number | undefined): string {
  if (actual !== undefined) return l10n.t('cost: {0} (as charged by OpenRouter)', formatUsd(actual));
  if (estimated !== undefined) return l10n.t('cost: not reported yet; estimated {0}', formatUsd(estimated));
  return l10n.t('cost: not reported yet');
}

/** The wait ended before the video was saved (cancelled, or the job is no longer checked on its own). */
export function stillRunningResult(l10n: L10n, jobId: string, why: 'cancelled' | 'notWatched'): string {
  const head = why === 'cancelled' ? l10n.t('Stopped waiting; the job keeps running on OpenRouter and may still be billed.') : l10n.t('The job is not finished and is no longer checked on its own.');
  return [head, l10n.t('job id: {0}', jobId), l10n.t('Check it later with openrouterVideo_getJob; it is listed in the Jobs view of OpenRouter Video.')].join('\n');
}

export interface JobFacts {
  jobId: string | undefined;
  clientId: string;
  state: string;
  /** The state in the user's words. */
  stateLabel: string;
  modelId: string;
  prompt: string | undefined;
  outputs: readonly { video: string; sidecar?: string }[];
  costUsd: number | undefined;
  estimatedUsd: number | undefined;
  /** The job's error in words, when it ended badly. */
  error: string | undefined;
  /** OpenRouter is still working on it (or the extension is downloading it). */
  active: boolean;
}

/** One job, as `#videoJob` reports it. */
export function jobResult(l10n: L10n, f: JobFacts): string {
  const lines = [
    l10n.t('job id: {0}', f.jobId ?? l10n.t('(not accepted by OpenRouter; local id {0})', f.clientId)),
    l10n.t('state: {state} ({label})', { state: f.state, label: f.stateLabel }),
    l10n.t('model: {0}', f.modelId),
  ];
  if (f.prompt) lines.push(l10n.t('prompt: "{0}"', f.prompt.length > 200 ? `${f.prompt.slice(0, 200)}…` : f.prompt));
  for (const o of f.outputs) {
    lines.push(l10n.t('video: {0}', o.video));
    if (o.sidecar) lines.push(l10n.t('sidecar: {0}', o.sidecar));
  }
  lines.push(costResult(l10n, f.costUsd, f.estimatedUsd));
  if (f.error) lines.push(l10n.t('error: {0}', f.error));
  if (f.active) lines.push(l10n.t('Still in progress: check again in a minute.'));
  return lines.join('\n');
}
