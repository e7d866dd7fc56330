import vscode = require('vscode');
import type { VideoModel } from '../../core/api/schemas';
import type { FrameImageInput, InputReferenceInput, VideoRequest } from '../../core/api/videoRequest';
import { makeDraft } from '../../core/drafts/generateDraft';
import type { JobRecord } from '../../core/jobs/jobRecord';
import { planSubmit, type SubmitPlan } from '../../core/jobs/submitPlan';
import { RequestValidationError } from '../../core/models/problems';
import { requestForModel, requestFromSettings } from '../../core/models/requestFromSettings';
import { Commands, Settings, StateKeys } from '../../ids';
import { confirmSubmit } from '../confirmSubmit';
import { hostError } from '../errorMessages';
import type { HostContext } from '../hostContext';
import { resolveOutputFolder } from '../outputFolder';
import { wordProblems } from '../problemWords';
import { readSettings, setInWorkspace } from '../settings';
import type { WorkspaceChoice } from '../spendingRules';
import { DraftStore } from './draftStore';
import { parseGenerateArgs, resolveFrame, resolveImage, workspaceFolderFor } from './generateArgs';
import { pickModel, workspaceDefaultModel } from './modelStep';
import { openAsPromptFile } from './openAsPromptFile';
import { pickPrompt } from './promptStep';
import { reviewSettings } from './settingsStep';

const FALLBACK_MODEL = 'google/veo-3.1-lite';

/** Opens the prompt typed so far as a prompt file, on the default (or last used) model with its defaults. */
async function promptAsFile(ctx: HostContext, prompt: string, folder: vscode.WorkspaceFolder | undefined, modelId: string | undefined): Promise<void> {
  const id = modelId ?? (readSettings().defaultModel || ctx.extension.globalState.get<string>(StateKeys.lastModel) || FALLBACK_MODEL);
  const model = await ctx.catalog.find(id).catch(() => undefined);
  const request: VideoRequest = model ? requestFromSettings(model, { prompt }) : { model: id, prompt };
  await openAsPromptFile(request, folder);
}

/**
 * Builds, plans (checks and prices) and submits a request; the UI steps run only for what `args` leaves open.
 * With `review`, the settings step and the cost confirmation are shown even when `args` names prompt and
 * model (a prefilled flow, e.g. from the player). Leaving an interactive flow before the submit keeps the draft
 * (see DraftStore); the next Generate Video offers it back, and a submit clears it.
 */
export async function runGenerate(ctx: HostContext, rawArgs: unknown, options: { selection?: string; sourceUri?: vscode.Uri; review?: boolean } = {}): Promise<JobRecord | undefined> {
  const args = parseGenerateArgs(rawArgs);
  const automated = !options.review && args !== undefined && args.prompt !== undefined && args.model !== undefined;
  const folder = workspaceFolderFor(options.sourceUri);
  const targetFolder = resolveOutputFolder(folder, args?.outputDirectory);
  const drafts = new DraftStore(ctx.extension);

  if (!(await ctx.credentials.getKey())) {
    const setKey = vscode.l10n.t('Set API Key');
    const choice = automated ? undefined : await vscode.window.showWarningMessage(vscode.l10n.t('Set your OpenRouter API key first; generating a video is billed to your account.'), setKey);
    if (choice === setKey && (await vscode.commands.executeCommand<boolean>(Commands.setApiKey))) {
      // continue with the key just set
    } else {
      throw hostError('auth', vscode.l10n.t('No OpenRouter API key is set, so nothing was submitted. Run "OpenRouter Video: Set API Key" (or set OPENROUTER_API_KEY).'));
    }
  }

  let prompt = args?.prompt ?? options.selection;
  let draftRequest: VideoRequest | undefined;
  let modelId = args?.model;
  if (prompt === undefined && !args?.firstFrame) {
    // Escape with nothing typed leaves the kept draft as it is.
    const choice = await pickPrompt({ draft: drafts.draft(), history: drafts.history() }, (typed) => void (typed.trim() ? drafts.keep(makeDraft(typed, args?.model)) : undefined));
    if (!choice) return undefined;
    if (choice.kind === 'promptFile') {
      await promptAsFile(ctx, choice.prompt, folder, args?.model);
      return undefined;
    }
    if (choice.kind === 'draft') {
      prompt = choice.draft.prompt ?? '';
      modelId = choice.draft.modelId ?? modelId;
      draftRequest = choice.draft.request;
    } else {
      prompt = choice.prompt;
    }
  }
  const keepDraft = (model?: VideoModel, request?: VideoRequest): Promise<void> => (automated ? Promise.resolve() : drafts.keep(makeDraft(request?.prompt ?? prompt, model?.id ?? modelId, request)));

  const cts = new vscode.CancellationTokenSource();
  let model: VideoModel | undefined;
  try {
    if (modelId) model = await ctx.catalog.find(modelId);
    if (modelId && !model && modelId === args?.model) {
      throw hostError('notFound', vscode.l10n.t('OpenRouter has no video model "{0}". Pick one from the Models view (ids look like google/veo-3.1-lite).', modelId));
    }
    if (!model) {
      // No model named, or the draft's model has left the catalogue: the person picks one.
      model = await pickModel(ctx, !args?.firstFrame && !draftRequest?.frames?.some((f) => f.frameType === 'first_frame'), folder, cts.token);
      if (!model) {
        await keepDraft(undefined, draftRequest && { ...draftRequest, ...(prompt ? { prompt } : {}) });
        return undefined;
      }
    }
  } finally {
    cts.dispose();
  }

  let request: VideoRequest;
  if (draftRequest) {
    request = requestForModel(model, { ...draftRequest, ...(prompt ? { prompt } : {}) });
  } else {
    const given = args ?? {};
    const frames: FrameImageInput[] = [];
    if (given.firstFrame) frames.push(await resolveFrame('first_frame', given.firstFrame, folder, true));
    if (given.lastFrame) frames.push(await resolveFrame('last_frame', given.lastFrame, folder, true));
    request = requestFromSettings(model, { ...given, prompt }, frames);
    const references: InputReferenceInput[] = [];
    for (const ref of given.inputReferences ?? []) references.push(await resolveImage(ref, folder, true));
    if (references.length > 0) request.inputReferences = references;
  }

  if (!automated) {
    const outcome = await reviewSettings(ctx, model, request, folder);
    ({ model, request } = outcome);
    if (outcome.kind === 'escape') {
      await keepDraft(model, request);
      return undefined;
    }
    if (outcome.kind === 'promptFile') {
      if (await openAsPromptFile(request, folder)) await drafts.clear();
      else await keepDraft(model, request);
      return undefined;
    }
  }

  // Checked and priced once: the confirmation shows this plan, and exactly this plan is submitted.
  let plan: SubmitPlan;
  try {
    plan = await planSubmit(model, request);
  } catch (error) {
    await keepDraft(model, request);
    if (!(error instanceof RequestValidationError)) throw error;
    throw hostError('badRequest', vscode.l10n.t('Nothing was submitted: {problems}', { problems: wordProblems(vscode.l10n, error.problems) }));
  }

  // Arguments may skip the questions above, never the budget or this one: above the user's limit, unpriced, or
  // shaped by the workspace's settings, the cost is confirmed.
  const fromWorkspace: WorkspaceChoice[] = [];
  if (args?.model === undefined && model.id === workspaceDefaultModel(folder)) fromWorkspace.push('defaultModel');
  if (args?.outputDirectory === undefined && vscode.workspace.isTrusted && setInWorkspace(Settings.outputDirectory, folder?.uri)) fromWorkspace.push('outputDirectory');
  const notes: string[] = [];
  if (fromWorkspace.includes('defaultModel')) notes.push(vscode.l10n.t("Model: {0} (from this workspace's settings)", model.name));
  if (fromWorkspace.includes('outputDirectory')) notes.push(vscode.l10n.t("Output folder: {0} (from this workspace's settings)", vscode.workspace.asRelativePath(targetFolder, false)));
  if (automated) notes.push(vscode.l10n.t('Asked for by a command argument (a keybinding, a task or another extension).'));
  let confirmed: boolean;
  try {
    confirmed = await confirmSubmit(ctx, plan, { question: vscode.l10n.t('Generate a video with {0}?', model.name), notes, fromWorkspace });
  } catch (error) {
    await keepDraft(model, request);
    throw error;
  }
  if (!confirmed) {
    await keepDraft(model, request);
    return undefined;
  }

  await ctx.extension.globalState.update(StateKeys.lastModel, model.id);
  if (!automated) await drafts.clear();
  await drafts.remember(plan.request.prompt);
  return ctx.jobs.submit(plan, targetFolder);
}
