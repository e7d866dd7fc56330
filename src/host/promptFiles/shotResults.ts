import vscode = require('vscode');
import type { JobRecord } from '../../core/jobs/jobRecord';
import { stateIs } from '../../core/jobs/jobStates';
import { Commands } from '../../ids';
import type { JobStoreReader } from '../hostContext';
import { formatElapsed, stateLabel } from '../views/jobPresenter';

/** The newest job made from a prompt file's shot (any variant), if any. */
export function latestResult(store: JobStoreReader, promptFile: string, shot: number): JobRecord | undefined {
  let newest: JobRecord | undefined;
  for (const record of store.all()) {
    if (record.source?.promptFile !== promptFile || record.source.shot !== shot) continue;
    if (!newest || record.createdAt > newest.createdAt) newest = record;
  }
  return newest;
}

/** `✓ 2m05s ago`, `Generating`, `✗ Failed`: the state of a shot's newest job. */
export function describeResult(record: JobRecord, now: number): string {
  if (record.state === 'saved') {
    const at = record.outputs.find((o) => o.savedAt !== undefined)?.savedAt ?? record.completedAt ?? record.updatedAt;
    return vscode.l10n.t('✓ {0} ago', formatElapsed(now - at));
  }
  if (stateIs(record.state, 'watched') || record.state === 'submitting' || record.state === 'downloading') return `$(sync~spin) ${stateLabel(record.state)}`;
  return `✗ ${stateLabel(record.state)}`;
}

/** A lens for a shot's newest job: open its video when saved, else show it (and its error) in the Jobs view. */
export function resultLens(range: vscode.Range, record: JobRecord, now: number): vscode.CodeLens {
  const saved = record.state === 'saved' && record.outputs.some((o) => o.file);
  const title = saved ? vscode.l10n.t('{0} · Open', describeResult(record, now)) : record.error ? vscode.l10n.t('{0} · Show error', describeResult(record, now)) : describeResult(record, now);
  return new vscode.CodeLens(range, {
    title,
    command: saved ? Commands.jobsOpen : Commands.jobsShow,
    arguments: [record.clientId],
  });
}
