import path = require('node:path');
import vscode = require('vscode');
import type { FrameType } from '../../core/api/videoRequest';
import { imageMimeType } from '../../core/models/validateRequest';
import { hostError } from '../errorMessages';
import { generateFromImage } from '../imageFlow';
import type { HostContext } from '../hostContext';
import type { JobNotifications } from '../jobProgress';
import { realPathInside } from '../spendingRules';

const IMAGE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/webp']);

/**
 * Animate Image (`openrouterVideo.animateImage`): the Generate flow with the image as the first frame.
 * `arg` is the image's Uri (the Explorer's context menu, an image editor's title); without one, the image
 * in the active editor. Resolves with OpenRouter's job id, or undefined when the user cancelled.
 */
export function animateImage(ctx: HostContext, notifications: JobNotifications, arg: unknown): Promise<string | undefined> {
  return startFromImage(ctx, notifications, arg, 'first_frame');
}

/** Use as Last Frame (`openrouterVideo.useAsLastFrame`): likewise, with the image as the last frame. */
export function useAsLastFrame(ctx: HostContext, notifications: JobNotifications, arg: unknown): Promise<string | undefined> {
  return startFromImage(ctx, notifications, arg, 'last_frame');
}

async function startFromImage(ctx: HostContext, notifications: JobNotifications, arg: unknown, frameType: FrameType): Promise<string | undefined> {
  const uri = arg instanceof vscode.Uri ? arg : activeImage();
  if (!uri) {
    throw hostError('badRequest', vscode.l10n.t('Right-click a PNG, JPEG or WebP image in the Explorer (or open it) to start a video from it.'));
  }
  const image = await workspaceImage(uri);
  const name = path.basename(image);
  const record = await generateFromImage(ctx, {
    image,
    frameType,
    sourceUri: uri,
    ask:
      frameType === 'first_frame'
        ? { title: vscode.l10n.t('Animate Image'), prompt: vscode.l10n.t('Describe how {0} moves: action, camera, style (or leave it empty to let the model decide).', name) }
        : { title: vscode.l10n.t('Use as Last Frame'), prompt: vscode.l10n.t('Describe the video that ends on {0}: subject, action, setting, camera, style.', name) },
  });
  if (!record) return undefined;
  notifications.track(record);
  return record.jobId;
}

/** The image open in the active editor tab (the image preview is a custom editor), if any. */
function activeImage(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
  return uri && IMAGE_TYPES.has(imageMimeType({ path: uri.path }) ?? '') ? uri : undefined;
}

/**
 * The image's real path, when it is a PNG, JPEG or WebP file inside an open workspace folder (symlinks
 * resolved): the same rule the Generate flow applies to an image named in a command argument, checked here
 * before anything is asked.
 */
async function workspaceImage(uri: vscode.Uri): Promise<string> {
  const shown = uri.scheme === 'file' ? vscode.workspace.asRelativePath(uri, false) : uri.toString(true);
  if (!IMAGE_TYPES.has(imageMimeType({ path: uri.path }) ?? '')) {
    throw hostError('badRequest', vscode.l10n.t('"{0}" is not a PNG, JPEG or WebP image. Pick another image.', shown));
  }
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const inside = uri.scheme === 'file' ? await realPathInside(uri.fsPath, folders).catch(() => null) : undefined;
  if (inside === null) {
    throw hostError('badRequest', vscode.l10n.t('The image "{0}" was not found. Check the path; nothing was submitted.', shown));
  }
  if (inside === undefined) {
    throw hostError('badRequest', vscode.l10n.t('The image "{0}" is not inside an open workspace folder, so it was not sent. Nothing was submitted.', shown));
  }
  return inside;
}
