import path = require('node:path');
import vscode = require('vscode');
import { OpenRouterError } from '../../core/api/errors';
import type { FrameImageInput, FrameType, InputReferenceInput } from '../../core/api/videoRequest';
import { fileInsideFolder, folderStaysInside, type InsideProblem } from '../../core/download/workspacePath';
import type { JobRecord, JobSource } from '../../core/jobs/jobRecord';
import { planSubmit, type SubmitPlan } from '../../core/jobs/submitPlan';
import { requestFromSettings } from '../../core/models/requestFromSettings';
import { imageMimeType } from '../../core/models/validateRequest';
import { errorMessage, hostError, wordErrorInfo } from '../errorMessages';
import { parseGenerateArgs, type GenerateArgs } from '../generateFlow';
import { resolveOutputFolder } from '../outputFolder';
import { confirmationLines, confirmationTitle, savedResult, stillRunningResult } from './toolWords';
import { relativeOutputs, toolError, type AgentToolDeps } from './toolDeps';

/**
 * A `.video.md` shot as the tool's input: the workspace-relative file and the shot (its 0-based number or its
 * heading; may be left out when the file has one shot). The prompt-file planner plans it exactly as the file's
 * lens would; that plan is confirmed and submitted, with the file and shot recorded.
 */
export interface PromptFileInput {
  promptFile: string;
  shot?: string | number;
}

/** `#generateVideo`'s input: the Generate command's argument, or a shot of a prompt file. */
export type GenerateToolInput = GenerateArgs | PromptFileInput;

const ARG_KEYS = new Set(['prompt', 'model', 'duration', 'resolution', 'aspectRatio', 'size', 'generateAudio', 'seed', 'firstFrame', 'lastFrame', 'inputReferences', 'outputDirectory']);
/** A confirmed plan waits this long for its `invoke`. */
const PLAN_KEPT_MS = 30 * 60_000;

interface Prepared {
  plan: SubmitPlan;
  targetFolder: string;
  /** The prompt file and shot the plan comes from. */
  source?: JobSource;
  at: number;
}

/**
 * `openrouterVideo_generate`: `prepareInvocation` builds and checks the plan (nothing invalid reaches the
 * confirmation, which shows the model, settings, estimated cost and the budget left); `invoke` submits exactly
 * that plan through `JobService.submit`, shows the usual progress and waits for the video.
 */
export class GenerateTool implements vscode.LanguageModelTool<GenerateToolInput> {
  /** Plans confirmed in `prepareInvocation`, by their input, so `invoke` submits what the person saw. */
  private readonly prepared = new Map<string, Prepared>();

  constructor(private readonly deps: AgentToolDeps) {}

  async prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<GenerateToolInput>): Promise<vscode.PreparedToolInvocation> {
    const l10n = vscode.l10n;
    try {
      const { plan, targetFolder, source, folder, budgetLeftUsd } = await this.plan(options.input);
      this.keep(options.input, { plan, targetFolder, source, at: Date.now() });
      const frames = (plan.request.frames ?? []).map((f) => ({ frameType: f.frameType, path: relativeTo(folder, f.path) }));
      const references = (plan.request.inputReferences ?? []).map((r) => relativeTo(folder, r.path));
      const lines = confirmationLines(l10n, {
        modelName: plan.model.name,
        modelId: plan.model.id,
        request: plan.request,
        estimate: plan.estimate,
        charge: plan.budget,
        frames,
        references,
        outputFolder: relativeTo(folder, targetFolder) || '.',
        budgetLeftUsd,
        source,
      });
      return {
        invocationMessage: l10n.t('Generating a video with {0}', plan.model.name),
        confirmationMessages: { title: confirmationTitle(l10n, plan.model.name), message: new vscode.MarkdownString().appendText(lines.join('\n')) },
      };
    } catch (error) {
      throw toolError(error);
    }
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<GenerateToolInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    try {
      const prepared = this.take(options.input) ?? (await this.plan(options.input));
      const record = await this.deps.jobs.submit(prepared.plan, prepared.targetFolder, undefined, prepared.source);
      this.deps.notifications.track(record);
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(await this.waitForVideo(record, token))]);
    } catch (error) {
      throw toolError(error);
    }
  }

  /** Waits with the invocation's token: a cancelled wait leaves the job watched (it shows in the Jobs view). */
  private async waitForVideo(submitted: JobRecord, token: vscode.CancellationToken): Promise<string> {
    const jobId = submitted.jobId ?? submitted.clientId;
    const abort = new AbortController();
    const listener = token.onCancellationRequested(() => abort.abort());
    if (token.isCancellationRequested) abort.abort();
    let record: JobRecord;
    try {
      const settled = await this.deps.jobs.waitForJob(submitted.clientId, abort.signal);
      record = this.deps.store.get(settled.clientId) ?? settled;
    } catch (error) {
      if (abort.signal.aborted) return stillRunningResult(vscode.l10n, jobId, 'cancelled');
      throw error;
    } finally {
      listener.dispose();
    }
    if (record.state === 'saved') {
      return savedResult(vscode.l10n, { jobId, outputs: relativeOutputs(record), costUsd: record.costUsd, estimatedUsd: record.estimatedCostUsd });
    }
    if (record.state === 'stopped' || record.state === 'stale') return stillRunningResult(vscode.l10n, jobId, 'notWatched');
    const why = record.error ? wordErrorInfo(vscode.l10n, record.error) : record.state;
    throw hostError(record.error?.kind ?? 'server', vscode.l10n.t('The video job {id} ended {state}: {why}', { id: jobId, state: record.state, why }));
  }

  /**
   * The input as a checked, priced plan within the budget, and the folder to save into; throws what to change
   * otherwise. The budget's refusal is the one every submit gets (`SpendBudget.check`).
   */
  private async plan(input: GenerateToolInput): Promise<Prepared & { folder: vscode.WorkspaceFolder; budgetLeftUsd: number | undefined }> {
    const l10n = vscode.l10n;
    this.deps.assertEnabled();
    const given = this.inputOf(input);
    if (!(await this.deps.credentials.getKey())) {
      throw hostError('auth', l10n.t('No OpenRouter API key is set, so nothing was submitted. Ask the user to run "OpenRouter Video: Set API Key" (or to set OPENROUTER_API_KEY).'));
    }
    const folder = this.deps.workspaceFolder();
    if (!folder || folder.uri.scheme !== 'file') {
      throw hostError('io', l10n.t('Open a folder first: videos are saved into the workspace folder on disk.'));
    }
    const planned = given.kind === 'promptFile' ? await this.planShot(folder, given.input) : await this.planArgs(folder, given.args);
    if (!(await folderStaysInside(folder.uri.fsPath, planned.targetFolder))) {
      throw hostError('io', l10n.t('The output folder "{0}" leads outside the workspace folder (through a link). Choose a folder inside it. Nothing was submitted.', relativeTo(folder, planned.targetFolder)));
    }
    await this.deps.budget.check(planned.plan);
    const budgetLeftUsd = (await this.deps.budget.remaining()).leftUsd;
    return { ...planned, folder, budgetLeftUsd, at: Date.now() };
  }

  /** The Generate command's argument, planned with `planSubmit`. */
  private async planArgs(folder: vscode.WorkspaceFolder, args: GenerateArgs): Promise<{ plan: SubmitPlan; targetFolder: string }> {
    const l10n = vscode.l10n;
    if (!args.model) {
      throw hostError('badRequest', l10n.t('Say which model to use ("model"): call openrouterVideo_listModels for the ids. Nothing was submitted.'));
    }
    const model = await this.deps.catalog.find(args.model);
    if (!model) {
      throw hostError('notFound', l10n.t('OpenRouter has no video model "{0}". Call openrouterVideo_listModels for the ids. Nothing was submitted.', args.model));
    }
    const targetFolder = outputFolderFor(folder, args.outputDirectory);
    const frames: FrameImageInput[] = [];
    if (args.firstFrame) frames.push(await frameInside(folder, 'first_frame', args.firstFrame));
    if (args.lastFrame) frames.push(await frameInside(folder, 'last_frame', args.lastFrame));
    const references: InputReferenceInput[] = [];
    for (const ref of args.inputReferences ?? []) references.push(await imageInside(folder, ref));
    const request = requestFromSettings(model, args, frames);
    if (references.length > 0) request.inputReferences = references;
    try {
      return { plan: await planSubmit(model, request), targetFolder };
    } catch (error) {
      throw hostError('badRequest', errorMessage(l10n, error));
    }
  }

  /** One shot of a prompt file in the workspace, planned by the prompt-file planner as its lens would run it. */
  private async planShot(folder: vscode.WorkspaceFolder, input: PromptFileInput): Promise<{ plan: SubmitPlan; targetFolder: string; source: JobSource }> {
    const l10n = vscode.l10n;
    const found = await fileInsideFolder(folder.uri.fsPath, input.promptFile);
    if (!found.ok) throw hostError('badRequest', promptFileProblem(found.problem, input.promptFile));
    const shots = await this.deps.planPromptFile({ uri: vscode.Uri.file(found.path), shot: input.shot });
    const only = shots[0];
    if (shots.length !== 1 || !only?.source) {
      throw hostError(
        'badRequest',
        input.shot === undefined
          ? l10n.t('"{file}" would make {count} videos; the tool makes one per call. Give "shot" (its number, counted from 0, or its heading) and call once per shot. Nothing was submitted.', { file: input.promptFile, count: shots.length })
          : l10n.t('Shot {shot} of "{file}" would make {count} videos (its "variants"); the tool makes one per call. Run it from the file instead, or set "variants: 1". Nothing was submitted.', { shot: String(input.shot), file: input.promptFile, count: shots.length }),
      );
    }
    return { plan: only.plan, targetFolder: only.targetFolder, source: only.source };
  }

  /** The input, as the Generate command's argument or a prompt file's shot; unknown fields are refused with the ones accepted. */
  private inputOf(input: GenerateToolInput): { kind: 'args'; args: GenerateArgs } | { kind: 'promptFile'; input: PromptFileInput } {
    const l10n = vscode.l10n;
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw hostError('badRequest', l10n.t('The input must be an object with "model" and "prompt", or with "promptFile" and "shot". Nothing was submitted.'));
    }
    if ('promptFile' in input) {
      const { promptFile, shot, ...rest } = input as unknown as Record<string, unknown>;
      const extra = Object.keys(rest);
      if (extra.length > 0) {
        throw hostError('badRequest', l10n.t('With "promptFile", give only "shot": the file holds the settings. Remove {0}. Nothing was submitted.', extra.join(', ')));
      }
      if (typeof promptFile !== 'string' || promptFile.trim() === '') {
        throw hostError('badRequest', l10n.t('"promptFile" must be the workspace-relative path of a .video.md file. Nothing was submitted.'));
      }
      if (shot !== undefined && !(typeof shot === 'number' && Number.isInteger(shot) && shot >= 0) && !(typeof shot === 'string' && shot.trim() !== '')) {
        throw hostError('badRequest', l10n.t('"shot" must be the shot\'s number (counted from 0) or its heading. Nothing was submitted.'));
      }
      return { kind: 'promptFile', input: shot === undefined ? { promptFile } : { promptFile, shot } };
    }
    const unknown = Object.keys(input).filter((k) => !ARG_KEYS.has(k));
    if (unknown.length > 0) {
      throw hostError('badRequest', l10n.t('Unknown input field(s): {unknown}. The fields are: {known}. Nothing was submitted.', { unknown: unknown.join(', '), known: [...ARG_KEYS].join(', ') }));
    }
    return { kind: 'args', args: parseGenerateArgs(input) ?? {} };
  }

  private keep(input: GenerateToolInput, prepared: Prepared): void {
    const now = Date.now();
    for (const [key, value] of this.prepared) if (now - value.at > PLAN_KEPT_MS) this.prepared.delete(key);
    this.prepared.set(JSON.stringify(input), prepared);
  }

  private take(input: GenerateToolInput): Prepared | undefined {
    const key = JSON.stringify(input);
    const found = this.prepared.get(key);
    this.prepared.delete(key);
    return found && Date.now() - found.at <= PLAN_KEPT_MS ? found : undefined;
  }
}

/** The output folder; one the agent named and that does not fit is refused in words about its input, not the setting. */
function outputFolderFor(folder: vscode.WorkspaceFolder, given: string | undefined): string {
  try {
    return resolveOutputFolder(folder, given);
  } catch (error) {
    if (given === undefined || !OpenRouterError.is(error) || !error.reason.startsWith('outputFolder')) throw error;
    throw hostError('badRequest', vscode.l10n.t('The output folder "{0}" must be a folder inside the workspace folder, relative to it (such as "videos" or "media/videos"). Nothing was submitted.', given));
  }
}

function relativeTo(folder: vscode.WorkspaceFolder, file: string): string {
  return path.relative(folder.uri.fsPath, file).split(path.sep).join('/');
}

/** An image named by the agent (a frame or a reference): an existing file inside the workspace folder, on real paths. */
async function imageInside(folder: vscode.WorkspaceFolder, ref: string): Promise<InputReferenceInput> {
  const found = await fileInsideFolder(folder.uri.fsPath, ref);
  if (!found.ok) throw hostError('badRequest', imageProblem(found.problem, ref));
  const image: InputReferenceInput = { path: found.path };
  const mime = imageMimeType({ path: found.path });
  if (mime) image.mimeType = mime;
  return image;
}

async function frameInside(folder: vscode.WorkspaceFolder, frameType: FrameType, ref: string): Promise<FrameImageInput> {
  return { frameType, ...(await imageInside(folder, ref)) };
}

function imageProblem(problem: InsideProblem, ref: string): string {
  const l10n = vscode.l10n;
  switch (problem) {
    case 'notAPath':
      return l10n.t('The image "{0}" must be a path of a file in the workspace, not a URL. Nothing was submitted.', ref);
    case 'outside':
      return l10n.t('The image "{0}" is outside the workspace folder; only images inside it can be sent. Nothing was submitted.', ref);
    case 'missing':
      return l10n.t('The image "{0}" was not found in the workspace folder. Check the path; nothing was submitted.', ref);
    case 'notAFile':
      return l10n.t('"{0}" is not a file. Give the path of a PNG, JPEG or WebP image; nothing was submitted.', ref);
  }
}

function promptFileProblem(problem: InsideProblem, ref: string): string {
  const l10n = vscode.l10n;
  switch (problem) {
    case 'notAPath':
      return l10n.t('"promptFile" must be the path of a .video.md file in the workspace, not a URL ("{0}"). Nothing was submitted.', ref);
    case 'outside':
      return l10n.t('The prompt file "{0}" is outside the workspace folder; only prompt files inside it can be run. Nothing was submitted.', ref);
    case 'missing':
      return l10n.t('The prompt file "{0}" was not found in the workspace folder. Check the path; nothing was submitted.', ref);
    case 'notAFile':
      return l10n.t('"{0}" is not a file. Give the path of a .video.md prompt file; nothing was submitted.', ref);
  }
}
