import path = require('node:path');
import vscode = require('vscode');
import type { JobSource } from '../../core/jobs/jobRecord';
import { toRange, type PromptFileAnalyzer } from './promptFileAnalysis';

/**
 * The prompt file a video came from (`source.promptFile`, relative to a workspace folder), when it still
 * exists: first in the folder of `near` (the video), then in the others. A name that is not a prompt file
 * (`*.video.md`) or that leaves its folder is not one of ours and is not opened.
 */
export async function findPromptFile(promptFile: string, near: vscode.Uri): Promise<vscode.Uri | undefined> {
  const relative = promptFile.split('/');
  if (!promptFile.endsWith('.video.md') || path.isAbsolute(promptFile) || relative.some((part) => part === '..' || part === '')) return undefined;
  const own = vscode.workspace.getWorkspaceFolder(near);
  const folders = [...(own ? [own] : []), ...(vscode.workspace.workspaceFolders ?? []).filter((f) => f !== own)];
  for (const folder of folders) {
    const uri = vscode.Uri.joinPath(folder.uri, ...relative);
    try {
      if ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) return uri;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * Opens the prompt file with the cursor on the shot's heading: the shot of that name when the file still has
 * one (shots may have moved since), else the shot at that position, else the top of the file.
 */
export async function openPromptFileAtShot(analyzer: PromptFileAnalyzer, uri: vscode.Uri, source: Pick<JobSource, 'shot' | 'shotName'>): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  const { shots } = await analyzer.parse(document);
  const shot = (source.shotName !== undefined ? shots.find((s) => s.name === source.shotName) : undefined) ?? shots.find((s) => s.index === source.shot);
  const at = shot ? toRange(shot.headingRange ?? shot.range).start : new vscode.Position(0, 0);
  const editor = await vscode.window.showTextDocument(document, { selection: new vscode.Range(at, at), preview: false });
  editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.AtTop);
  return editor;
}
