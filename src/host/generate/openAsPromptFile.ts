import vscode = require('vscode');
import type { VideoRequest } from '../../core/api/videoRequest';
import { promptFileChange, promptFileFromRequest, promptFileSlug } from '../../core/promptFiles/promptFileFromRequest';
import { hostError } from '../errorMessages';

const SUFFIX = '.video.md';

/**
 * Open as Prompt File: the draft becomes a `.video.md` file (its model and settings as front matter, the prompt
 * as the body), saved where the person says (by default `prompts/<slug>.video.md` in the workspace) and opened.
 * Undefined when the save dialog was cancelled, or when the file would not read back the same prompt (said in a
 * warning; the caller keeps the draft).
 */
export async function openAsPromptFile(request: VideoRequest, folder: vscode.WorkspaceFolder | undefined): Promise<vscode.Uri | undefined> {
  const root = folder ?? vscode.workspace.workspaceFolders?.[0];
  if (!root) throw hostError('io', vscode.l10n.t('Open a folder first: prompt files are saved in the workspace.'));
  const change = promptFileChange(request.prompt ?? '');
  if (change) {
    void vscode.window.showWarningMessage(
      change === 'splitsIntoShots'
        ? vscode.l10n.t('The prompt has a line starting with "## ", which a prompt file reads as the start of a shot, so the file would not be this prompt. Change that line, then use Open as Prompt File again; the draft is kept.')
        : vscode.l10n.t('The prompt has an HTML comment ("<!--"), which a prompt file never sends, so the file would not be this prompt. Remove it, then use Open as Prompt File again; the draft is kept.'),
    );
    return undefined;
  }
  const name = `${promptFileSlug(request.prompt ?? '')}${SUFFIX}`;
  const chosen = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(root.uri, 'prompts', name),
    // A filter of `md`, not `video.md`: a dialog compares only the last extension and would add `.video.md` again.
    filters: { [vscode.l10n.t('Video prompt files')]: ['md'] },
    saveLabel: vscode.l10n.t('Save Prompt File'),
    title: vscode.l10n.t('Save the draft as a prompt file'),
  });
  if (!chosen) return undefined;
  // The editor's prompt-file features work on `*.video.md` only.
  const uri = chosen.path.endsWith(SUFFIX) ? chosen : chosen.with({ path: `${chosen.path.replace(/\.md$/i, '')}${SUFFIX}` });
  const workspaceFolder = vscode.workspace.getWorkspaceFolder(uri) ?? root;
  const text = promptFileFromRequest(request, workspaceFolder.uri.scheme === 'file' ? workspaceFolder.uri.fsPath : undefined);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  return uri;
}
