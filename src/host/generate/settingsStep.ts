import vscode = require('vscode');
import type { VideoModel } from '../../core/api/schemas';
import type { FrameType, VideoRequest } from '../../core/api/videoRequest';
import { promptExcerpt } from '../../core/drafts/generateDraft';
import { audioControl, frameTypes, sortedDurations, sortedResolutions, takesInputReferences } from '../../core/models/modelCapabilities';
import { requestForModel } from '../../core/models/requestFromSettings';
import { estimateCost, formatUsd } from '../../core/pricing/estimateCost';
import { describeRequest } from '../confirmSubmit';
import { errorMessage } from '../errorMessages';
import type { HostContext } from '../hostContext';
import { wordEstimate } from '../modelWords';
import { imageLabel, pickFrame, pickReferences } from './imageSteps';
import { pickModel } from './modelStep';
import { describeProviderOptions, pickProviderOption } from './providerStep';

type Row = 'accept' | 'prompt' | 'model' | 'duration' | 'resolution' | 'aspectRatio' | 'audio' | 'firstFrame' | 'lastFrame' | 'references' | 'provider' | 'promptFile';

interface SettingsItem extends vscode.QuickPickItem {
  row: Row;
}

/** How the summary ends: generate this, save it as a prompt file, or Escape (what was chosen so far). */
export type SummaryOutcome = { kind: 'generate' | 'promptFile' | 'escape'; model: VideoModel; request: VideoRequest };

function costText(model: VideoModel, request: VideoRequest): { cost: string; detail: string } {
  const estimate = estimateCost(model, request);
  const cost =
    estimate.kind !== 'estimate'
      ? vscode.l10n.t('cost known after completion')
      : estimate.approximate
        ? vscode.l10n.t('approx. {0}', `≈${formatUsd(estimate.usd)}`)
        : vscode.l10n.t('estimated {0}', formatUsd(estimate.usd));
  return { cost, detail: wordEstimate(vscode.l10n, estimate) };
}

function frameText(request: VideoRequest, type: FrameType): string {
  const f = request.frames?.find((x) => x.frameType === type);
  return f ? imageLabel(f.path) : vscode.l10n.t('none');
}

function rows(model: VideoModel, request: VideoRequest): SettingsItem[] {
  const { cost, detail } = costText(model, request);
  const separator = (label = ''): SettingsItem => ({ row: 'accept', label, kind: vscode.QuickPickItemKind.Separator });
  const items: SettingsItem[] = [
    { row: 'accept', label: `$(check) ${vscode.l10n.t('Generate')}`, description: `${describeRequest(request)} — ${cost}`, detail },
    separator(),
    { row: 'prompt', label: vscode.l10n.t('Prompt'), description: request.prompt ? promptExcerpt(request.prompt, 80) : vscode.l10n.t('none') },
    { row: 'model', label: vscode.l10n.t('Model'), description: `${model.name} (${model.id})` },
  ];
  if (sortedDurations(model).length > 0) items.push({ row: 'duration', label: vscode.l10n.t('Duration'), description: request.duration !== undefined ? `${request.duration} s` : vscode.l10n.t('provider default') });
  if (sortedResolutions(model).length > 0 && !request.size) items.push({ row: 'resolution', label: vscode.l10n.t('Resolution'), description: request.resolution ?? vscode.l10n.t('provider default') });
  if ((model.supported_aspect_ratios ?? []).length > 0 && !request.size) items.push({ row: 'aspectRatio', label: vscode.l10n.t('Aspect ratio'), description: request.aspectRatio ?? vscode.l10n.t('provider default') });
  if (audioControl(model) === 'toggle') items.push({ row: 'audio', label: vscode.l10n.t('Audio'), description: request.generateAudio === false ? vscode.l10n.t('off') : vscode.l10n.t('on') });
  const frames = frameTypes(model);
  if (frames.includes('first_frame')) items.push({ row: 'firstFrame', label: vscode.l10n.t('First frame image'), description: frameText(request, 'first_frame') });
  if (frames.includes('last_frame')) items.push({ row: 'lastFrame', label: vscode.l10n.t('Last frame image'), description: frameText(request, 'last_frame') });
  if (takesInputReferences(model)) {
    const refs = request.inputReferences ?? [];
    items.push({ row: 'references', label: vscode.l10n.t('Reference images'), description: refs.length > 0 ? refs.map((r) => imageLabel(r.path)).join(', ') : vscode.l10n.t('none') });
  }
  if ((model.allowed_passthrough_parameters ?? []).length > 0) {
    items.push({ row: 'provider', label: vscode.l10n.t('Provider options'), description: describeProviderOptions(request) ?? vscode.l10n.t('none') });
  }
  items.push(separator(), { row: 'promptFile', label: `$(new-file) ${vscode.l10n.t('Open as Prompt File')}`, description: vscode.l10n.t('keep refining this draft in a .video.md file') });
  return items;
}

/**
 * The summary: Enter on the first row generates; the Prompt and Model rows and every setting the model takes
 * can be changed without starting over (a new model keeps what still applies); Open as Prompt File hands the
 * draft over to a file.
 */
export async function reviewSettings(ctx: HostContext, model: VideoModel, request: VideoRequest, folder: vscode.WorkspaceFolder | undefined): Promise<SummaryOutcome> {
  for (;;) {
    const choice = await vscode.window.showQuickPick(rows(model, request), {
      title: vscode.l10n.t('Generate Video with {0}', model.name),
      placeHolder: vscode.l10n.t('Press Enter to generate, or pick a row to change it'),
      ignoreFocusOut: true,
    });
    if (!choice) return { kind: 'escape', model, request };
    if (choice.row === 'accept') return { kind: 'generate', model, request };
    if (choice.row === 'promptFile') return { kind: 'promptFile', model, request };
    try {
      if (choice.row === 'model') {
        const cts = new vscode.CancellationTokenSource();
        try {
          // Without a first frame, only models that generate from a prompt can take this request.
          const next = await pickModel(ctx, !(request.frames ?? []).some((f) => f.frameType === 'first_frame'), folder, cts.token, model.id);
          if (next && next.id !== model.id) {
            request = requestForModel(next, request);
            model = next;
          }
        } finally {
          cts.dispose();
        }
        continue;
      }
      const updated = await changeRow(choice.row, model, request, folder);
      if (updated) request = updated;
    } catch (error) {
      // A bad pick (e.g. an unreadable image) keeps everything chosen so far: say why and show the summary again.
      void vscode.window.showWarningMessage(errorMessage(vscode.l10n, error));
    }
  }
}

async function changeRow(row: Row, model: VideoModel, request: VideoRequest, folder: vscode.WorkspaceFolder | undefined): Promise<VideoRequest | undefined> {
  const pick = async (values: string[], current: string | undefined, title: string) =>
    (await vscode.window.showQuickPick(values.map((v) => ({ label: v, description: v === current ? vscode.l10n.t('current') : undefined })), { title, ignoreFocusOut: true }))?.label;
  switch (row) {
    case 'prompt': {
      const prompt = await vscode.window.showInputBox({
        title: vscode.l10n.t('Prompt'),
        prompt: vscode.l10n.t('Describe the video: subject, action, setting, camera, style.'),
        value: request.prompt ?? '',
        ignoreFocusOut: true,
      });
      if (prompt === undefined) return undefined;
      const updated = { ...request };
      if (prompt.trim() !== '') updated.prompt = prompt.trim();
      else delete updated.prompt;
      return updated;
    }
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
      return pickFrame('first_frame', request, folder);
    case 'lastFrame':
      return pickFrame('last_frame', request, folder);
    case 'references':
      return pickReferences(request, folder);
    case 'provider':
      return pickProviderOption(model, request);
    default:
      return undefined;
  }
}
