import vscode = require('vscode');
import { defaultsFor, type ModelDefaults } from '../../core/models/modelCapabilities';
import { StateKeys } from '../../ids';
import { hostError } from '../errorMessages';
import type { HostContext } from '../hostContext';
import { readSettings } from '../settings';

const FALLBACK_MODEL = 'google/veo-3.1-lite';

/** A commented prompt file: every setting explained, a storyboard sketched, nothing that would run by surprise. */
export function promptFileTemplate(modelId: string, defaults: ModelDefaults): string {
  const setting = (line: string | undefined, fallback: string) => line ?? `# ${fallback}`;
  return [
    '---',
    '# Settings use the API names. Trigger suggestions (Ctrl+Space) for the values the model offers.',
    `model: ${modelId}`,
    setting(defaults.duration !== undefined ? `duration: ${defaults.duration}                 # seconds` : undefined, 'duration: 4'),
    setting(defaults.resolution !== undefined ? `resolution: ${defaults.resolution}` : undefined, 'resolution: 720p'),
    setting(defaults.aspectRatio !== undefined ? `aspect_ratio: "${defaults.aspectRatio}"` : undefined, 'aspect_ratio: "16:9"'),
    '# generate_audio: true',
    '# seed: 42',
    '# first_frame: images/start.png   # a workspace path or an https:// URL',
    '# last_frame: images/end.png',
    '# provider: { google-vertex: { negativePrompt: "blurry" } }   # the model\'s passthrough options',
    '# output: videos/trailer    # a folder inside the workspace',
    '# variants: 2               # that many jobs (the next seed each)',
    '---',
    '<!-- The text below is the prompt. Use "## Shot name" headings to make a storyboard: each shot is a',
    '     prompt of its own, and a ```yaml block right under a heading overrides settings for that shot.',
    '     HTML comments like this one are not sent. -->',
    '',
    'A slow dolly-in on a glass greenhouse at sunrise, mist drifting over the beds, warm light, cinematic.',
    '',
  ].join('\n');
}

/** Creates `prompts/new-video.video.md` (or the next free name) in the workspace and opens it. */
export async function newPromptFile(ctx: HostContext): Promise<vscode.Uri> {
  const folder = vscode.window.activeTextEditor ? vscode.workspace.getWorkspaceFolder(vscode.window.activeTextEditor.document.uri) : undefined;
  const root = folder ?? vscode.workspace.workspaceFolders?.[0];
  if (!root) {
    throw hostError('io', vscode.l10n.t('Open a folder first: prompt files are created in the workspace.'));
  }
  const modelId = readSettings().defaultModel || ctx.extension.globalState.get<string>(StateKeys.lastModel) || FALLBACK_MODEL;
  // The model's own defaults, so the new file has no problem; without the catalogue, the values stay commented out.
  const model = await ctx.catalog.find(modelId).catch(() => undefined);
  let uri: vscode.Uri | undefined;
  for (let n = 1; n < 1000 && !uri; n++) {
    const candidate = vscode.Uri.joinPath(root.uri, 'prompts', n === 1 ? 'new-video.video.md' : `new-video-${n}.video.md`);
    try {
      await vscode.workspace.fs.stat(candidate);
    } catch {
      uri = candidate;
    }
  }
  if (!uri) throw hostError('io', vscode.l10n.t('Could not find a free file name in the prompts folder. Rename or remove some prompt files there.'));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(promptFileTemplate(model?.id ?? modelId, model ? defaultsFor(model) : {})));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  return uri;
}
