import fs = require('node:fs/promises');
import path = require('node:path');
import vscode = require('vscode');
import type { VideoModel } from '../core/api/schemas';
import type { FrameImageInput, FrameType, VideoRequest } from '../core/api/videoRequest';
import type { RerunArgs } from '../core/download/sidecar';
import type { JobRecord } from '../core/jobs/jobRecord';
import { planSubmit, type SubmitPlan } from '../core/jobs/submitPlan';
import { audioControl, frameTypes, providerOf, shortName, sortedDurations, sortedResolutions, supportsImageToVideo, supportsTextToVideo } from '../core/models/modelCapabilities';
import { RequestValidationError } from '../core/models/problems';
import { requestFromSettings } from '../core/models/requestFromSettings';
import { imageMimeType } from '../core/models/validateRequest';
import { estimateCost, formatUsd } from '../core/pricing/estimateCost';
import { Commands, Settings, StateKeys } from '../ids';
import { errorMessage, hostError } from './errorMessages';
import type { HostContext } from './hostContext';
import { confirmSubmit, describeRequest } from './confirmSubmit';
import { summariseModel, wordEstimate } from './modelWords';
import { resolveOutputFolder } from './outputFolder';
import { wordProblems } from './problemWords';
import { readSettings, setInWorkspace } from './settings';
import { realPathInside, type WorkspaceChoice } from './spendingRules';

/**
 * The `openrouterVideo.generate` argument, for keybindings, tasks and other extensions: a sidecar's
 * `rerun` object (every field optional here) plus an output folder for this job.
 */
export type GenerateArgs = Partial<RerunArgs> & {
  /** Workspace-relative output folder (overrides the setting for this job). */
  outputDirectory?: string;
};

const ARG_KEYS: readonly (keyof GenerateArgs)[] = ['prompt', 'model', 'duration', 'resolution', 'aspectRatio', 'size', 'generateAudio', 'seed', 'firstFrame', 'lastFrame', 'outputDirectory'];

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
    if (numeric ? typeof x !== 'number' || !Number.isFinite(x) : boolean ? typeof x !== 'boolean' : typeof x !== 'string') {
      wrong.push(`${key} (${numeric ? 'a number' : boolean ? 'true or false' : 'a string'})`);
      continue;
    }
    (out as Record<string, unknown>)[key] = x;
  }
  if (wrong.length > 0) {
    throw hostError('badRequest', vscode.l10n.t('The Generate Video argument has fields of the wrong type: {0}. Nothing was submitted.', wrong.join(', ')));
  }
  return out;
}

function workspaceFolderFor(hint?: vscode.Uri): vscode.WorkspaceFolder | undefined {
  return (hint && vscode.workspace.getWorkspaceFolder(hint)) ?? vscode.workspace.workspaceFolders?.[0];
}

/**
 * A frame image by path or `file:` URI. One named in a command argument (`fromArgument`) must really lie inside
 * an open workspace folder (symlinks resolved), so a keybinding, task or other extension cannot send any file
 * of the user's; one the user picked in the settings list is taken as it is.
 */
async function resolveFrame(frameType: FrameType, ref: string, folder: vscode.WorkspaceFolder | undefined, fromArgument: boolean): Promise<FrameImageInput> {
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
  const frame: FrameImageInput = { frameType, path: file, byteLength: size };
  const mime = imageMimeType({ path: file });
  if (mime) frame.mimeType = mime;
  return frame;
}

type Step = 'accept' | 'duration' | 'resolution' | 'aspectRatio' | 'audio' | 'firstFrame' | 'lastFrame';

interface SettingsItem extends vscode.QuickPickItem {
  step: Step;
}

/** Lets the user review the suggested parameters and change any of them; Enter on the first item accepts. */
async function pickParameters(model: VideoModel, request: VideoRequest, folder: vscode.WorkspaceFolder | undefined): Promise<VideoRequest | undefined> {
  for (;;) {
    const estimate = estimateCost(model, request);
    const cost =
      estimate.kind !== 'estimate'
        ? vscode.l10n.t('cost known after completion')
        : estimate.approximate
          ? vscode.l10n.t('approx. {0}', `≈${formatUsd(estimate.usd)}`)
          : vscode.l10n.t('estimated {0}', formatUsd(estimate.usd));
    const items: SettingsItem[] = [
      {
        step: 'accept',
        label: `$(check) ${vscode.l10n.t('Generate')}`,
        description: `${describeRequest(request)} — ${cost}`,
        detail: wordEstimate(vscode.l10n, estimate),
      },
      { step: 'accept', label: '', kind: vscode.QuickPickItemKind.Separator },
    ];
    if (sortedDurations(model).length > 0) items.push({ step: 'duration', label: vscode.l10n.t('Duration'), description: request.duration !== undefined ? `${request.duration} s` : vscode.l10n.t('provider default') });
    if (sortedResolutions(model).length > 0 && !request.size) items.push({ step: 'resolution', label: vscode.l10n.t('Resolution'), description: request.resolution ?? vscode.l10n.t('provider default') });
    if ((model.supported_aspect_ratios ?? []).length > 0 && !request.size) items.push({ step: 'aspectRatio', label: vscode.l10n.t('Aspect ratio'), description: request.aspectRatio ?? vscode.l10n.t('provider default') });
    if (audioControl(model) === 'toggle') items.push({ step: 'audio', label: vscode.l10n.t('Audio'), description: request.generateAudio === false ? vscode.l10n.t('off') : vscode.l10n.t('on') });
    const frames = frameTypes(model);
    if (frames.includes('first_frame')) items.push({ step: 'firstFrame', label: vscode.l10n.t('First frame image'), description: frameLabel(request, 'first_frame') });
    if (frames.includes('last_frame')) items.push({ step: 'lastFrame', label: vscode.l10n.t('Last frame image'), description: frameLabel(request, 'last_frame') });
    const choice = await vscode.window.showQuickPick(items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator || items.length > 2), {
      title: vscode.l10n.t('Generate Video with {0}', model.name),
      placeHolder: vscode.l10n.t('Press Enter to generate, or pick a setting to change'),
      ignoreFocusOut: true,
    });
    if (!choice) return undefined;
    if (choice.step === 'accept') return request;
    try {
      const updated = await changeParameter(choice.step, model, request, folder);
      if (updated) request = updated;
    } catch (error) {
      // A bad pick (e.g. an unreadable image) keeps everything chosen so far: say why and show the settings again.
      void vscode.window.showWarningMessage(errorMessage(vscode.l10n, error));
    }
  }
}

function frameLabel(request: VideoRequest, type: FrameType): string {
  const f = request.frames?.find((x) => x.frameType === type);
  return f ? vscode.workspace.asRelativePath(f.path, false) : vscode.l10n.t('none');
}

async function changeParameter(step: Step, model: VideoModel, request: VideoRequest, folder: vscode.WorkspaceFolder | undefined): Promise<VideoRequest | undefined> {
  const pick = async (values: string[], current: string | undefined, title: string) =>
    (await vscode.window.showQuickPick(values.map((v) => ({ label: v, description: v === current ? vscode.l10n.t('current') : undefined })), { title, ignoreFocusOut: true }))?.label;
  switch (step) {
    case 'duration': {
      const v = await pick(sortedDurations(model).map((d) => `${d} s`), request.duration !== undefined ? `${request.duration} s` : undefined, vscode.l10n.t('Duration'));
      return v ? { ...request, duration: Number.parseInt(v, 10) } : undefined;
    }
    case 'resolution': {
      const v = await pick(sortedResolutions(model), request.resolution, vscode.l10n.t('Resolution'));
      return v ? { ...request, resolution: v } : undefined;
    }
    case 'aspectRatio': {
      const v = await pick([...(model.supported_aspect_ratios ?? [])], request.aspectRatio, vscode.l10n.t('Aspect ratio'));
      return v ? { ...request, aspectRatio: v } : undefined;
    }
    case 'audio': {
      const on = vscode.l10n.t('on');
      const off = vscode.l10n.t('off');
      const v = await pick([on, off], request.generateAudio === false ? off : on, vscode.l10n.t('Audio'));
      return v ? { ...request, generateAudio: v === on } : undefined;
    }
    case 'firstFrame':
    case 'lastFrame': {
      const type: FrameType = step === 'firstFrame' ? 'first_frame' : 'last_frame';
      const none = vscode.l10n.t('None');
      const files = await vscode.workspace.findFiles('**/*.{png,jpg,jpeg,webp,PNG,JPG,JPEG,WEBP}', '**/node_modules/**', 200);
      const items = [{ label: none, path: '' }, ...files.map((f) => ({ label: vscode.workspace.asRelativePath(f, false), path: f.fsPath }))];
      const chosen = await vscode.window.showQuickPick(items, { title: step === 'firstFrame' ? vscode.l10n.t('First frame image') : vscode.l10n.t('Last frame image'), placeHolder: vscode.l10n.t('PNG, JPEG or WebP images in the workspace'), ignoreFocusOut: true });
      if (!chosen) return undefined;
      const others = (request.frames ?? []).filter((f) => f.frameType !== type);
      if (!chosen.path) return { ...request, frames: others };
      const frame = await resolveFrame(type, chosen.path, folder, false);
      return { ...request, frames: [...others, frame] };
    }
    default:
      return request;
  }
}

interface ModelItem extends vscode.QuickPickItem {
  model?: VideoModel;
}

/** The default model a workspace's settings name for `folder`, if they name one. */
function workspaceDefaultModel(folder: vscode.WorkspaceFolder | undefined): string | undefined {
  if (!setInWorkspace(Settings.defaultModel, folder?.uri)) return undefined;
  const value = vscode.workspace.getConfiguration(Settings.section, folder?.uri).get<string>(Settings.defaultModel, '').trim();
  return value === '' ? undefined : value;
}

async function pickModel(ctx: HostContext, needsTextToVideo: boolean, folder: vscode.WorkspaceFolder | undefined, token: vscode.CancellationToken): Promise<VideoModel | undefined> {
  const quickPick = vscode.window.createQuickPick<ModelItem>();
  quickPick.title = vscode.l10n.t('Pick a video model');
  quickPick.placeholder = vscode.l10n.t('Type to filter by name, provider or id');
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  quickPick.ignoreFocusOut = true;
  quickPick.busy = true;
  quickPick.show();
  try {
    const pending = new Promise<VideoModel | undefined>((resolve) => {
      quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]?.model));
      quickPick.onDidHide(() => resolve(undefined));
      token.onCancellationRequested(() => resolve(undefined));
    });
    const models = await Promise.race([ctx.catalog.list(), pending.then(() => undefined)]);
    if (!models) return undefined;
    const usable = models.filter((m) => !needsTextToVideo || supportsTextToVideo(m)).filter((m) => supportsTextToVideo(m) || supportsImageToVideo(m));
    if (usable.length === 0) {
      throw hostError('notFound', vscode.l10n.t('OpenRouter lists no video model that can do this right now. Refresh the Models view later.'));
    }
    const fromWorkspace = workspaceDefaultModel(folder);
    const fromSetting = fromWorkspace ?? (readSettings().defaultModel || undefined);
    const preferred = fromSetting ?? ctx.extension.globalState.get<string>(StateKeys.lastModel) ?? '';
    const toItem = (m: VideoModel): ModelItem => ({ label: shortName(m), description: m.id, detail: summariseModel(vscode.l10n, m), model: m });
    const items: ModelItem[] = [];
    const first = usable.find((m) => m.id === preferred);
    if (first) {
      // Says where the first model comes from: a workspace's settings are the repository's choice, not the user's.
      const label = fromWorkspace !== undefined ? vscode.l10n.t("From this workspace's settings") : fromSetting !== undefined ? vscode.l10n.t('Default model') : vscode.l10n.t('Last used');
      items.push({ label, kind: vscode.QuickPickItemKind.Separator }, toItem(first));
    }
    const byProvider = new Map<string, VideoModel[]>();
    for (const m of usable) {
      const name = providerOf(m).displayName;
      byProvider.set(name, [...(byProvider.get(name) ?? []), m]);
    }
    for (const [name, list] of [...byProvider.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      items.push({ label: name, kind: vscode.QuickPickItemKind.Separator });
      for (const m of list.sort((a, b) => shortName(a).localeCompare(shortName(b)))) items.push(toItem(m));
    }
    quickPick.items = items;
    quickPick.busy = false;
    return await pending;
  } finally {
    quickPick.dispose();
  }
}

/**
 * Builds, plans (checks and prices) and submits a request; the UI steps run only for what `args` leaves open.
 * With `review`, the settings step and the cost confirmation are shown even when `args` names prompt and
 * model (a prefilled flow, e.g. from the player).
 */
export async function runGenerate(ctx: HostContext, rawArgs: unknown, options: { selection?: string; sourceUri?: vscode.Uri; review?: boolean } = {}): Promise<JobRecord | undefined> {
  const args = parseGenerateArgs(rawArgs);
  const automated = !options.review && args !== undefined && args.prompt !== undefined && args.model !== undefined;
  const folder = workspaceFolderFor(options.sourceUri);
  const targetFolder = resolveOutputFolder(folder, args?.outputDirectory);

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
  if (prompt === undefined && !args?.firstFrame) {
    prompt = await vscode.window.showInputBox({
      title: vscode.l10n.t('Generate Video'),
      prompt: vscode.l10n.t('Describe the video: subject, action, setting, camera, style.'),
      placeHolder: vscode.l10n.t('A golden retriever running on a beach at sunset, slow motion, cinematic'),
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Write a prompt, or press Escape to cancel.')),
    });
    if (prompt === undefined) return undefined;
  }

  const cts = new vscode.CancellationTokenSource();
  let model: VideoModel | undefined;
  try {
    if (args?.model) {
      model = await ctx.catalog.find(args.model);
      if (!model) {
        throw hostError('notFound', vscode.l10n.t('OpenRouter has no video model "{0}". Pick one from the Models view (ids look like google/veo-3.1-lite).', args.model));
      }
    } else {
      model = await pickModel(ctx, !args?.firstFrame, folder, cts.token);
      if (!model) return undefined;
    }
  } finally {
    cts.dispose();
  }

  const given = args ?? {};
  const frames: FrameImageInput[] = [];
  if (given.firstFrame) frames.push(await resolveFrame('first_frame', given.firstFrame, folder, true));
  if (given.lastFrame) frames.push(await resolveFrame('last_frame', given.lastFrame, folder, true));
  let request: VideoRequest = requestFromSettings(model, { ...given, prompt }, frames);

  if (!automated) {
    const reviewed = await pickParameters(model, request, folder);
    if (!reviewed) return undefined;
    request = reviewed;
  }

  // Checked and priced once: the confirmation shows this plan, and exactly this plan is submitted.
  let plan: SubmitPlan;
  try {
    plan = await planSubmit(model, request);
  } catch (error) {
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
  if (!(await confirmSubmit(ctx, plan, { question: vscode.l10n.t('Generate a video with {0}?', model.name), notes, fromWorkspace }))) return undefined;

  await ctx.extension.globalState.update(StateKeys.lastModel, model.id);
  return ctx.jobs.submit(plan, targetFolder);
}
