import vscode = require('vscode');
import type { FrameType, VideoRequest } from '../../core/api/videoRequest';
import { resolveFrame, resolveImage } from './generateArgs';

const IMAGE_GLOB = '**/*.{png,jpg,jpeg,webp,PNG,JPG,JPEG,WEBP}';

interface ImageItem extends vscode.QuickPickItem {
  action: 'none' | 'browse' | 'file' | 'remove';
  path?: string;
}

/** A path as the flow shows it: workspace-relative when inside the workspace. */
export function imageLabel(file: string): string {
  return vscode.workspace.asRelativePath(file, false);
}

async function workspaceImages(except: ReadonlySet<string>): Promise<ImageItem[]> {
  const files = await vscode.workspace.findFiles(IMAGE_GLOB, '**/node_modules/**', 200);
  return files.filter((f) => !except.has(f.fsPath)).map((f) => ({ action: 'file', label: imageLabel(f.fsPath), path: f.fsPath }));
}

/** The open dialog, filtered to the image types sent (PNG, JPEG, WebP). */
async function browse(folder: vscode.WorkspaceFolder | undefined, many: boolean): Promise<string[]> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: many,
    canSelectFiles: true,
    canSelectFolders: false,
    defaultUri: folder?.uri,
    openLabel: vscode.l10n.t('Use Image'),
    filters: { [vscode.l10n.t('Images')]: ['png', 'jpg', 'jpeg', 'webp'] },
  });
  return (picked ?? []).filter((uri) => uri.scheme === 'file').map((uri) => uri.fsPath);
}

const browseItem = (): ImageItem => ({ action: 'browse', label: `$(folder-opened) ${vscode.l10n.t('Browse…')}`, description: vscode.l10n.t('PNG, JPEG or WebP from anywhere on this computer') });

/** The first- or last-frame step: none, Browse…, or an image of the workspace. Undefined: left unchanged. */
export async function pickFrame(type: FrameType, request: VideoRequest, folder: vscode.WorkspaceFolder | undefined): Promise<VideoRequest | undefined> {
  const title = type === 'first_frame' ? vscode.l10n.t('First frame image') : vscode.l10n.t('Last frame image');
  const items: ImageItem[] = [{ action: 'none', label: vscode.l10n.t('None') }, browseItem(), { action: 'none', label: '', kind: vscode.QuickPickItemKind.Separator }, ...(await workspaceImages(new Set()))];
  const chosen = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('PNG, JPEG or WebP images in the workspace'), ignoreFocusOut: true });
  if (!chosen) return undefined;
  const others = (request.frames ?? []).filter((f) => f.frameType !== type);
  if (chosen.action === 'none') return { ...request, frames: others };
  const file = chosen.action === 'browse' ? (await browse(folder, false))[0] : chosen.path;
  if (file === undefined) return undefined;
  const frame = await resolveFrame(type, file, folder, false);
  return { ...request, frames: [...others, frame] };
}

/**
 * The reference images step: each image chosen (picking one removes it), then Browse… and the workspace's
 * images (picking one adds it), and Remove All. Undefined: left unchanged.
 */
export async function pickReferences(request: VideoRequest, folder: vscode.WorkspaceFolder | undefined): Promise<VideoRequest | undefined> {
  const current = request.inputReferences ?? [];
  const items: ImageItem[] = [];
  if (current.length > 0) {
    items.push({ action: 'none', label: vscode.l10n.t('Chosen (pick one to remove it)'), kind: vscode.QuickPickItemKind.Separator });
    for (const ref of current) items.push({ action: 'remove', label: `$(close) ${imageLabel(ref.path)}`, path: ref.path });
    items.push({ action: 'none', label: `$(clear-all) ${vscode.l10n.t('Remove All')}` });
  }
  items.push({ action: 'none', label: vscode.l10n.t('Add'), kind: vscode.QuickPickItemKind.Separator }, browseItem(), ...(await workspaceImages(new Set(current.map((r) => r.path)))));
  const chosen = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Reference images'),
    placeHolder: vscode.l10n.t('Images for the model to follow (style, subject, look): pick one to add it'),
    ignoreFocusOut: true,
  });
  if (!chosen) return undefined;
  switch (chosen.action) {
    case 'none':
      return { ...request, inputReferences: [] };
    case 'remove':
      return { ...request, inputReferences: current.filter((r) => r.path !== chosen.path) };
    case 'browse':
    case 'file': {
      const files = chosen.action === 'browse' ? await browse(folder, true) : chosen.path !== undefined ? [chosen.path] : [];
      if (files.length === 0) return undefined;
      const added = await Promise.all(files.map((file) => resolveImage(file, folder, false)));
      return { ...request, inputReferences: [...current, ...added.filter((a) => !current.some((r) => r.path === a.path))] };
    }
  }
}
