import vscode = require('vscode');
import type { JobRecord, JobSource } from '../../core/jobs/jobRecord';
import { hostError } from '../errorMessages';
import type { HostContext } from '../hostContext';
import type { PromptFileAnalyzer } from './promptFileAnalysis';
import { planPromptFile, type PlannedShot } from './runPromptFile';

/**
 * The prompt file a job was made from (its record's `source`), found in the workspace: the folder that holds the
 * job's output first, then the others. `undefined` when the job has no source or the file is gone.
 */
export async function promptFileOf(record: Pick<JobRecord, 'source' | 'targetFolder'>): Promise<vscode.Uri | undefined> {
  const source = record.source;
  if (!source) return undefined;
  const folders = [...(vscode.workspace.workspaceFolders ?? [])];
  const own = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(record.targetFolder));
  if (own) folders.sort((a, b) => Number(b === own) - Number(a === own));
  for (const folder of folders) {
    const uri = vscode.Uri.joinPath(folder.uri, ...source.promptFile.split('/'));
    try {
      if ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) return uri;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/** The shot a source names: by its heading when it has one (shots move), else by its position. */
export function sourceShot(source: JobSource): number | string {
  return source.shotName ?? source.shot;
}

/** Open Prompt File: the file a job was made from, at its shot's heading. */
export async function openJobPromptFile(analyzer: PromptFileAnalyzer, record: JobRecord): Promise<void> {
  const source = record.source;
  if (!source) {
    throw hostError('notFound', vscode.l10n.t('This job was not made from a prompt file.'));
  }
  const uri = await promptFileOf(record);
  if (!uri) {
    throw hostError('notFound', vscode.l10n.t('The prompt file {0} was moved or deleted.', source.promptFile));
  }
  const document = await vscode.workspace.openTextDocument(uri);
  const shots = (await analyzer.parse(document)).shots;
  const wanted = source.shotName?.trim().toLowerCase();
  const shot = (wanted !== undefined ? shots.find((s) => s.name?.trim().toLowerCase() === wanted) : undefined) ?? shots.find((s) => s.index === source.shot);
  const line = shot?.headingRange?.start.line ?? shot?.range.start.line ?? 0;
  const at = new vscode.Range(line, 0, line, 0);
  const editor = await vscode.window.showTextDocument(document, { selection: at });
  editor.revealRange(at, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/**
 * The job planned again from its prompt file as the file reads now (its shot and variant), for Run Again; or
 * `undefined` when the job has no source or the file is gone (then the job's own request is run again). A file
 * with problems, or without the shot any more, refuses with what to fix.
 */
export async function planFromPromptFile(ctx: Pick<HostContext, 'credentials'>, analyzer: PromptFileAnalyzer, record: JobRecord): Promise<PlannedShot | undefined> {
  const source = record.source;
  const uri = await promptFileOf(record);
  if (!source || !uri) return undefined;
  const planned = await planPromptFile(ctx, analyzer, { uri, shot: sourceShot(source) });
  return planned.find((p) => (p.source.variant ?? 0) === (source.variant ?? 0)) ?? planned[0];
}
