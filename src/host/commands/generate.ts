import vscode = require('vscode');
import { hostError } from '../errorMessages';
import { runGenerate } from '../generateFlow';
import type { HostContext } from '../hostContext';
import type { JobNotifications } from '../jobProgress';

/** Returns OpenRouter's job id once submitted (undefined when the user cancelled a step). */
async function submitAndTrack(ctx: HostContext, notifications: JobNotifications, args: unknown, options: { selection?: string; sourceUri?: vscode.Uri } = {}): Promise<string | undefined> {
  // A submit that was refused or has an unknown outcome throws (its record is in the Jobs view with its error).
  const record = await runGenerate(ctx, args, options);
  if (!record) return undefined;
  notifications.track(record);
  return record.jobId;
}

export function generate(ctx: HostContext, notifications: JobNotifications, args?: unknown): Promise<string | undefined> {
  return submitAndTrack(ctx, notifications, args, { sourceUri: vscode.window.activeTextEditor?.document.uri });
}

export function generateFromSelection(ctx: HostContext, notifications: JobNotifications): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  const text = editor
    ? editor.selections
        .map((s) => editor.document.getText(s))
        .join('\n')
        .trim()
    : '';
  if (!editor || text === '') {
    throw hostError('badRequest', vscode.l10n.t('Select the text to use as the prompt first, then run Generate Video from Selection.'));
  }
  return submitAndTrack(ctx, notifications, undefined, { selection: text, sourceUri: editor.document.uri });
}

export function generateWithModel(ctx: HostContext, notifications: JobNotifications, node?: unknown): Promise<string | undefined> {
  const model = typeof node === 'string' ? node : (node as { model?: { id?: unknown } } | undefined)?.model?.id;
  if (typeof model !== 'string') {
    return generate(ctx, notifications);
  }
  return submitAndTrack(ctx, notifications, { model }, { sourceUri: vscode.window.activeTextEditor?.document.uri });
}
