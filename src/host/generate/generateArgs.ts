import fs = require('node:fs/promises');
import path = require('node:path');
import vscode = require('vscode');
import type { FrameImageInput, FrameType, InputReferenceInput } from '../../core/api/videoRequest';
import type { RerunArgs } from '../../core/download/sidecar';
import { imageMimeType } from '../../core/models/validateRequest';
import { hostError } from '../errorMessages';
import { realPathInside } from '../spendingRules';

/**
 * The `openrouterVideo.generate` argument, for keybindings, tasks and other extensions: a sidecar's
 * `rerun` object (every field optional here) plus an output folder for this job.
 */
export type GenerateArgs = Partial<RerunArgs> & {
  /** Workspace-relative output folder (overrides the setting for this job). */
  outputDirectory?: string;
};

const ARG_KEYS: readonly (keyof GenerateArgs)[] = [
  'prompt',
  'model',
  'duration',
  'resolution',
  'aspectRatio',
  'size',
  'generateAudio',
  'seed',
  'firstFrame',
  'lastFrame',
  'inputReferences',
  'outputDirectory',
];

/** Reads an unknown command argument as GenerateArgs, refusing wrong types with a clear message. */
export function parseGenerateArgs(value: unknown): GenerateArgs | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof vscode.Uri) return undefined;
  const v = value as Record<string, unknown>;
  const out: GenerateArgs = {};
  const wrong: string[] = [];
  for (const key of ARG_KEYS) {
    const x = v[key];
    if (x === undefined || x === null) continue;
    const numeric = key === 'duration' || key === 'seed';
    const boolean = key === 'generateAudio';
    const list = key === 'inputReferences';
    const fits = numeric
      ? typeof x === 'number' && Number.isFinite(x)
      : boolean
        ? typeof x === 'boolean'
        : list
          ? Array.isArray(x) && x.every((item) => typeof item === 'string')
          : typeof x === 'string';
    if (!fits) {
      wrong.push(`${key} (${numeric ? 'a number' : boolean ? 'true or false' : list ? 'a list of strings' : 'a string'})`);
      continue;
    }
    (out as Record<string, unknown>)[key] = x;
  }
  if (wrong.length > 0) {
    throw hostError('badRequest', vscode.l10n.t('The Generate Video argument has fields of the wrong type: {0}. Nothing was submitted.', wrong.join(', ')));
  }
  return out;
}

export function workspaceFolderFor(hint?: vscode.Uri): vscode.WorkspaceFolder | undefined {
  return (hint && vscode.workspace.getWorkspaceFolder(hint)) ?? vscode.workspace.workspaceFolders?.[0];
}

/**
 * An image (frame or reference) by path or `file:` URI. One named in a command argument (`fromArgument`) must
 * really lie inside an open workspace folder (symlinks resolved), so a keybinding, task or other extension cannot
 * send any file of the user's; one the user picked in the flow (from the list or the open dialog) is taken as it is.
 */
export async function resolveImage(ref: string, folder: vscode.WorkspaceFolder | undefined, fromArgument: boolean): Promise<InputReferenceInput> {
  let uri: vscode.Uri;
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(ref)) {
    uri = vscode.Uri.parse(ref);
  } else if (path.isAbsolute(ref)) {
    uri = vscode.Uri.file(ref);
  } else if (folder) {
    uri = vscode.Uri.joinPath(folder.uri, ref);
  } else {
    throw hostError('badRequest', vscode.l10n.t('The image "{0}" is a relative path, but no folder is open. Open the folder that holds it first.', ref));
  }
  if (uri.scheme !== 'file') {
    throw hostError('badRequest', vscode.l10n.t('The image "{0}" must be a file on disk.', ref));
  }
  let size: number;
  try {
    const stat = await fs.stat(uri.fsPath);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    throw hostError('badRequest', vscode.l10n.t('The image "{0}" was not found. Check the path; nothing was submitted.', ref));
  }
  let file = uri.fsPath;
  if (fromArgument) {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    const inside = await realPathInside(file, folders).catch(() => undefined);
    if (inside === undefined) {
      throw hostError(
        'badRequest',
        vscode.l10n.t('The image "{0}" is not inside an open workspace folder, so it was not sent. An image named in a command argument must be in the workspace; pick other images in Generate Video\'s settings list. Nothing was submitted.', ref),
      );
    }
    file = inside;
  }
  const image: InputReferenceInput = { path: file, byteLength: size };
  const mime = imageMimeType({ path: file });
  if (mime) image.mimeType = mime;
  return image;
}

/** A frame image by path or URI, under the same rule as `resolveImage`. */
export async function resolveFrame(frameType: FrameType, ref: string, folder: vscode.WorkspaceFolder | undefined, fromArgument: boolean): Promise<FrameImageInput> {
  return { frameType, ...(await resolveImage(ref, folder, fromArgument)) };
}
