import vscode = require('vscode');
import { OpenRouterError } from '../core/api/errors';
import { validateOutputDirectory } from '../core/download/fileNames';
import { Settings } from '../ids';
import { hostError } from './errorMessages';
import { readSettings } from './settings';

/** The folder videos go into, checked to stay inside the workspace folder. */
export function resolveOutputFolder(folder: vscode.WorkspaceFolder | undefined, override?: string): string {
  if (!folder || folder.uri.scheme !== 'file') {
    throw hostError('io', vscode.l10n.t('Open a folder first: videos are saved into the workspace folder on disk.'));
  }
  let setting = override;
  if (setting === undefined) {
    const inspected = vscode.workspace.getConfiguration(Settings.section, folder.uri).inspect<string>(Settings.outputDirectory);
    setting = vscode.workspace.isTrusted ? readSettings().outputDirectory : (inspected?.globalValue ?? inspected?.defaultValue ?? 'videos');
  }
  const result = validateOutputDirectory(folder.uri.fsPath, setting);
  if (!result.ok) {
    throw new OpenRouterError('io', result.reason, result.params);
  }
  return result.path;
}
