import vscode = require('vscode');
import { canExtend } from '../../core/jobs/extendRequest';
import { isActive, type JobRecord, type JobSource, type JobState } from '../../core/jobs/jobRecord';
import { MAX_OUTPUTS } from '../../core/jobs/jobOutputs';
import { stateIs } from '../../core/jobs/jobStates';
import { formatUsd } from '../../core/pricing/estimateCost';
import { Commands } from '../../ids';
import { wordErrorInfo } from '../errorMessages';

/** Each state's codicon, and its theme colour where the state wants attention. */
const ICONS: Record<JobState, { icon: string; color?: string }> = {
  submitting: { icon: 'loading~spin' },
  submitUnknown: { icon: 'question', color: 'problemsWarningIcon.foreground' },
  rejected: { icon: 'error', color: 'problemsErrorIcon.foreground' },
  pending: { icon: 'sync~spin' },
  in_progress: { icon: 'sync~spin' },
  downloading: { icon: 'loading~spin' },
  saved: { icon: 'pass-filled', color: 'testing.iconPassed' },
  downloadFailed: { icon: 'warning', color: 'problemsWarningIcon.foreground' },
  failed: { icon: 'error', color: 'problemsErrorIcon.foreground' },
  cancelled: { icon: 'circle-slash' },
  expired: { icon: 'watch', color: 'problemsWarningIcon.foreground' },
  stale: { icon: 'warning', color: 'problemsWarningIcon.foreground' },
  stopped: { icon: 'debug-pause' },
  unknown: { icon: 'question', color: 'problemsWarningIcon.foreground' },
};

export function stateLabel(state: JobState): string {
  switch (state) {
    case 'submitting':
      return vscode.l10n.t('Submitting');
    case 'submitUnknown':
      return vscode.l10n.t('Submit outcome unknown');
    case 'rejected':
      return vscode.l10n.t('Rejected');
    case 'pending':
      return vscode.l10n.t('Queued');
    case 'in_progress':
      return vscode.l10n.t('Generating');
    case 'downloading':
      return vscode.l10n.t('Downloading');
    case 'saved':
      return vscode.l10n.t('Saved');
    case 'downloadFailed':
      return vscode.l10n.t('Download failed');
    case 'failed':
      return vscode.l10n.t('Failed');
    case 'cancelled':
      return vscode.l10n.t('Cancelled');
    case 'expired':
      return vscode.l10n.t('Expired');
    case 'stale':
      return vscode.l10n.t('Still running? Stopped checking');
    case 'stopped':
      return vscode.l10n.t('Not watched');
    case 'unknown':
      return vscode.l10n.t('Not found on OpenRouter? Stopped checking');
  }
}

export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function shortModel(id: string): string {
  const slash = id.lastIndexOf('/');
  return slash >= 0 ? id.slice(slash + 1) : id;
}

export function jobTitle(record: JobRecord): string {
  const prompt = (record.request.prompt ?? '').replace(/\s+/g, ' ').trim();
  if (!prompt) {
    // A job recovered by id alone has no request to show: it is named by its id, not called image to video.
    if ((record.request.frames?.length ?? 0) === 0 && record.jobId !== undefined) return vscode.l10n.t('Recovered job {0}', record.jobId);
    return vscode.l10n.t('(image to video)');
  }
  return prompt.length > 60 ? `${prompt.slice(0, 59)}…` : prompt;
}

/** e.g. `veo-3.1-lite · 8s · 720p · $0.40 · 1m12s` */
export function jobDescription(record: JobRecord, now: number): string {
  const r = record.request;
  const parts = [shortModel(r.model)];
  if (r.duration !== undefined) parts.push(`${r.duration}s`);
  if (r.size) parts.push(r.size);
  else if (r.resolution) parts.push(r.resolution);
  // The cost once known; an approximate (token) estimate stays beside it, so the two can be compared.
  if (record.costUsd !== undefined && record.estimateApproximate && record.estimatedCostUsd !== undefined) {
    parts.push(vscode.l10n.t('{cost} (est. {estimate})', { cost: formatUsd(record.costUsd), estimate: `≈${formatUsd(record.estimatedCostUsd)}` }));
  } else if (record.costUsd !== undefined) parts.push(formatUsd(record.costUsd));
  else if (record.estimatedCostUsd !== undefined) parts.push(`${record.estimateApproximate ? '≈' : '~'}${formatUsd(record.estimatedCostUsd)}`);
  else if (record.ceilingUsd !== undefined) parts.push(vscode.l10n.t('≤{cost}', { cost: formatUsd(record.ceilingUsd) }));
  const start = record.submittedAt ?? record.createdAt;
  const end = record.completedAt ?? (stateIs(record.state, 'busy') ? now : record.updatedAt);
  parts.push(formatElapsed(end - start));
  return parts.join(' · ');
}

/** The prompt file and shot a job was made from: `prompts/story.video.md › Lighthouse`. */
export function wordJobSource(source: JobSource): string {
  const text = source.shotName !== undefined ? `${source.promptFile} › ${source.shotName}` : source.promptFile;
  return source.variant !== undefined ? vscode.l10n.t('{0} (variant {1})', text, source.variant + 1) : text;
}

/** Space-separated tokens matched by `viewItem =~ /\btoken\b/` in package.json menus. */
export function jobContextValue(record: JobRecord): string {
  const tokens = ['job', record.state];
  if (record.outputs.some((o) => o.file)) tokens.push('openable');
  if (record.jobId && (record.state === 'saved' || record.state === 'downloadFailed' || stateIs(record.state, 'resumable'))) tokens.push('downloadable');
  if (record.jobId && stateIs(record.state, 'resumable')) tokens.push('watchable');
  if (isActive(record)) tokens.push('watching');
  if (record.state !== 'submitting') tokens.push('rerunnable');
  if (record.jobId) tokens.push('hasJobId');
  if (canExtend(record)) tokens.push('extendable');
  if (record.state !== 'submitting' && record.state !== 'downloading') tokens.push('removable');
  if (record.state === 'saved' && !record.opened) tokens.push('unopened');
  if (record.source) tokens.push('fromPromptFile');
  return tokens.join(' ');
}

export function jobTooltip(record: JobRecord): vscode.MarkdownString {
  const r = record.request;
  const md = new vscode.MarkdownString(undefined, true);
  md.supportThemeIcons = true;
  md.appendMarkdown(`**${stateLabel(record.state)}**\n\n`);
  md.appendText((r.prompt ?? '').trim() || vscode.l10n.t('(no prompt)'));
  md.appendMarkdown('\n\n');
  const rows: [string, string | undefined][] = [
    [vscode.l10n.t('Prompt file'), record.source ? wordJobSource(record.source) : undefined],
    [vscode.l10n.t('Model'), record.modelName ? `${record.modelName} (${r.model})` : r.model],
    [vscode.l10n.t('Duration'), r.duration !== undefined ? `${r.duration} s` : undefined],
    [vscode.l10n.t('Resolution'), r.resolution],
    [vscode.l10n.t('Aspect ratio'), r.aspectRatio],
    [vscode.l10n.t('Size'), r.size],
    [vscode.l10n.t('Audio'), r.generateAudio === undefined ? undefined : r.generateAudio ? vscode.l10n.t('on') : vscode.l10n.t('off')],
    [vscode.l10n.t('Seed'), r.seed !== undefined ? String(r.seed) : undefined],
    [vscode.l10n.t('First frame'), r.frames?.find((f) => f.frameType === 'first_frame')?.path],
    [vscode.l10n.t('Last frame'), r.frames?.find((f) => f.frameType === 'last_frame')?.path],
    [
      vscode.l10n.t('Estimated cost'),
      record.estimatedCostUsd === undefined
        ? undefined
        : record.estimateApproximate
          ? vscode.l10n.t('≈{cost} (approximate: counted in video tokens)', { cost: formatUsd(record.estimatedCostUsd) })
          : formatUsd(record.estimatedCostUsd),
    ],
    [
      vscode.l10n.t('Counted against the budget'),
      record.ceilingUsd !== undefined && record.costUsd === undefined
        ? vscode.l10n.t("{cost} (no estimate: the model's highest price)", { cost: formatUsd(record.ceilingUsd) })
        : undefined,
    ],
    [vscode.l10n.t('Cost'), record.costUsd !== undefined ? formatUsd(record.costUsd) : undefined],
    [vscode.l10n.t('Job id'), record.jobId],
    [vscode.l10n.t('Generation id'), record.generationId],
    [vscode.l10n.t('OpenRouter status'), record.remoteStatus],
    [vscode.l10n.t('Videos not saved (more than {0} listed)', MAX_OUTPUTS), record.skippedOutputs !== undefined ? String(record.skippedOutputs) : undefined],
  ];
  for (const [k, v] of rows) {
    if (v !== undefined && v !== '') {
      md.appendMarkdown(`${k}: `);
      md.appendText(v);
      md.appendMarkdown('  \n');
    }
  }
  for (const o of record.outputs) {
    if (o.file) {
      md.appendMarkdown(`${vscode.l10n.t('Saved')}: `);
      md.appendText(vscode.workspace.asRelativePath(o.file));
      md.appendMarkdown('  \n');
    }
  }
  if (record.error) {
    md.appendMarkdown(`\n$(error) `);
    md.appendText(wordErrorInfo(vscode.l10n, record.error));
  }
  return md;
}

export function jobTreeItem(record: JobRecord, now: number): vscode.TreeItem {
  const item = new vscode.TreeItem(jobTitle(record), vscode.TreeItemCollapsibleState.None);
  item.id = record.clientId;
  item.description = jobDescription(record, now);
  item.contextValue = jobContextValue(record);
  const { icon, color } = ICONS[record.state];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  const file = record.outputs.find((o) => o.file)?.file;
  if (file) {
    item.resourceUri = vscode.Uri.file(file);
    item.command = { command: Commands.jobsOpen, title: vscode.l10n.t('Open Video'), arguments: [record.clientId] };
  }
  item.accessibilityInformation = { label: `${jobTitle(record)}, ${stateLabel(record.state)}, ${item.description}` };
  return item;
}
