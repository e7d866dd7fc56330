import vscode = require('vscode');
import type { VideoModel } from '../core/api/schemas';
import type { FrameType } from '../core/api/videoRequest';
import type { JobRecord } from '../core/jobs/jobRecord';
import { frameTypes } from '../core/models/modelCapabilities';
import { StateKeys } from '../ids';
import { hostError } from './errorMessages';
import { modelItems } from './generate/modelStep';
import { runGenerate, type GenerateArgs } from './generateFlow';
import type { HostContext } from './hostContext';

/** A video to start from an image: Animate Image, Use as Last Frame, Continue from Last Frame, Use Frame. */
export interface ImageStart {
  /** The image's path: a PNG, JPEG or WebP file inside the workspace. */
  image: string;
  frameType: FrameType;
  /** The prompt box's title and words; `value` prefills it. */
  ask: { title: string; prompt: string; value?: string };
  /** The model to keep when it takes this frame type (the video's own model); otherwise the user picks one. */
  model?: string;
  /** The file the flow starts from: picks the workspace folder and the output folder. */
  sourceUri: vscode.Uri;
}

/**
 * Asks the prompt (optional with a first frame: the image can move alone), the model among those that take
 * the frame type, and then opens the Generate flow prefilled with the image, where the user reviews the
 * settings and the cost as always. Resolves with the submitted job, or undefined when the user cancelled.
 */
export async function generateFromImage(ctx: HostContext, start: ImageStart): Promise<JobRecord | undefined> {
  const needsPrompt = start.frameType === 'last_frame';
  const typed = await vscode.window.showInputBox({
    title: start.ask.title,
    prompt: start.ask.prompt,
    value: start.ask.value ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (needsPrompt && !v.trim() ? vscode.l10n.t('Write a prompt, or press Escape to cancel.') : undefined),
  });
  if (typed === undefined) return undefined;
  const prompt = typed.trim();

  const kept = start.model ? await ctx.catalog.find(start.model).catch(() => undefined) : undefined;
  const model = kept && frameTypes(kept).includes(start.frameType) ? kept : await pickFrameModel(ctx, start.frameType, kept ?? start.model);
  if (!model) return undefined;

  const args: GenerateArgs = { model: model.id };
  if (prompt !== '') args.prompt = prompt;
  if (start.frameType === 'first_frame') args.firstFrame = start.image;
  else args.lastFrame = start.image;
  return runGenerate(ctx, args, { review: true, sourceUri: start.sourceUri });
}

/**
 * The models that take `frameType`, grouped by provider, the last one used first. `instead` is the model that
 * does not take it (the video's own), named in the title so the user knows why they are asked.
 */
async function pickFrameModel(ctx: HostContext, frameType: FrameType, instead: VideoModel | string | undefined): Promise<VideoModel | undefined> {
  const models = (await ctx.catalog.list()).filter((m) => frameTypes(m).includes(frameType));
  if (models.length === 0) {
    throw hostError(
      'notFound',
      frameType === 'first_frame'
        ? vscode.l10n.t('OpenRouter lists no video model that takes a first frame image right now. Refresh the Models view later.')
        : vscode.l10n.t('OpenRouter lists no video model that takes a last frame image right now. Refresh the Models view later.'),
    );
  }
  const insteadName = typeof instead === 'string' ? instead : instead?.name;
  const title =
    frameType === 'first_frame'
      ? insteadName
        ? vscode.l10n.t('Pick a model that takes a first frame ({0} does not)', insteadName)
        : vscode.l10n.t('Pick a model that takes a first frame')
      : insteadName
        ? vscode.l10n.t('Pick a model that takes a last frame ({0} does not)', insteadName)
        : vscode.l10n.t('Pick a model that takes a last frame');
  const last = models.find((m) => m.id === ctx.extension.globalState.get<string>(StateKeys.lastModel));
  const items = modelItems(models, last ? { model: last, label: vscode.l10n.t('Last used') } : undefined);
  const chosen = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: vscode.l10n.t('Type to filter by name, provider or id'),
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  return chosen?.model;
}
