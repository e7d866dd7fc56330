import vscode = require('vscode');
import type { JobRecord, JobSource } from '../../core/jobs/jobRecord';
import { planSubmit, type SubmitPlan } from '../../core/jobs/submitPlan';
import { RequestValidationError } from '../../core/models/problems';
import { variantRequests } from '../../core/promptFiles/shotRequests';
import { formatUsd } from '../../core/pricing/estimateCost';
import { errorMessage, hostError } from '../errorMessages';
import type { HostContext } from '../hostContext';
import { resolveOutputFolder } from '../outputFolder';
import { readSettings } from '../settings';
import { isPromptFile, type PromptFileAnalyzer } from './promptFileAnalysis';
import { wordPromptFileProblem } from './promptFileWords';

/** The `openrouterVideo.generateFromFile` argument. */
export interface GenerateFromFileArgs {
  /** The prompt file's URI (default: the active editor's document). */
  uri?: string;
  /** The shot to generate, 0-based (default: every shot). */
  shot?: number;
}

export interface RunPromptFileOptions {
  /** The prompt file (its editor's unsaved text is what runs). */
  uri: vscode.Uri;
  /** The shot to generate, 0-based; every shot when absent. */
  shot?: number;
  /** Ask once, with the total, when it is above `confirmAboveUsd` or cannot be estimated. Default true. */
  confirm?: boolean;
  /** Called with each record as soon as OpenRouter has taken it (before the next shot is submitted). */
  onSubmitted?: (record: JobRecord) => void;
}

/** One planned job of a run: the plan, where it goes and which shot and variant it is. */
export interface PlannedShot {
  plan: SubmitPlan;
  targetFolder: string;
  source: JobSource;
}

/** Reads the command's argument, refusing wrong types with a clear message. */
export function parseGenerateFromFileArgs(value: unknown): GenerateFromFileArgs {
  if (value === undefined || value === null) return {};
  const v = value instanceof vscode.Uri ? { uri: value.toString() } : (value as Record<string, unknown>);
  if (typeof v !== 'object' || Array.isArray(v) || (v.uri !== undefined && typeof v.uri !== 'string') || (v.shot !== undefined && !(typeof v.shot === 'number' && Number.isInteger(v.shot) && v.shot >= 0))) {
    throw hostError('badRequest', vscode.l10n.t('Generate from Prompt File takes { uri?: string, shot?: number } (shot counts from 0). Nothing was submitted.'));
  }
  return { uri: v.uri as string | undefined, shot: v.shot as number | undefined };
}

/** What to plan: a prompt file and one of its shots (its 0-based index or its heading), or every shot. */
export interface PlanPromptFileOptions {
  uri: vscode.Uri;
  shot?: number | string;
}

/**
 * Reads and checks a prompt file as it is in the editor, refuses while it has problems, and plans its shots
 * (one, or all) with `planSubmit`, each with the file and shot it comes from. Nothing is submitted: the run
 * below and the agent tool confirm these plans and submit exactly them.
 */
export async function planPromptFile(ctx: Pick<HostContext, 'credentials'>, analyzer: PromptFileAnalyzer, options: PlanPromptFileOptions): Promise<PlannedShot[]> {
  const document = await vscode.workspace.openTextDocument(options.uri);
  if (!isPromptFile(document)) {
    throw hostError('badRequest', vscode.l10n.t('"{0}" is not a prompt file. Prompt files are Markdown files whose names end in .video.md.', vscode.workspace.asRelativePath(document.uri)));
  }
  if (!(await ctx.credentials.getKey())) {
    throw hostError('auth', vscode.l10n.t('No OpenRouter API key is set, so nothing was submitted. Run "OpenRouter Video: Set API Key" (or set OPENROUTER_API_KEY).'));
  }
  const analysis = await analyzer.analyze(document);
  if (!analysis.check) throw analysis.catalogueError ?? hostError('network', vscode.l10n.t('The model list could not be loaded. Check your connection and try again.'));
  const { check, parsed } = analysis;
  const shotIndex = shotIndexOf(parsed.shots, options.shot);
  if (check.problems.length > 0) {
    const first = check.problems[0];
    const line = first ? first.range.start.line + 1 : 0;
    throw hostError(
      'badRequest',
      vscode.l10n.t('Nothing was submitted: the prompt file has {0} problem(s) (see the Problems view). Line {1}: {2}', check.problems.length, line, first ? wordPromptFileProblem(vscode.l10n, first) : ''),
    );
  }

  const shots = check.shots.filter((s) => shotIndex === undefined || s.shot.index === shotIndex);
  const planned: PlannedShot[] = [];
  for (const shot of shots) {
    if (!shot.model) continue;
    const targetFolder = resolveOutputFolder(analysis.folder, shot.output);
    const requests = variantRequests(shot);
    for (const [variant, request] of requests.entries()) {
      let plan: SubmitPlan;
      try {
        plan = await planSubmit(shot.model, request);
      } catch (error) {
        if (!(error instanceof RequestValidationError)) throw error;
        throw hostError('badRequest', errorMessage(vscode.l10n, error));
      }
      const source: JobSource = { promptFile: analysis.relativePath, shot: shot.shot.index };
      if (shot.shot.name !== undefined) source.shotName = shot.shot.name;
      if (requests.length > 1) source.variant = variant;
      planned.push({ plan, targetFolder, source });
    }
  }
  return planned;
}

/** The index of the shot asked for (by index, or by its heading's text, ignoring case), refusing one the file lacks. */
function shotIndexOf(shots: readonly { index: number; name?: string }[], shot: number | string | undefined): number | undefined {
  if (shot === undefined) return undefined;
  const wanted = typeof shot === 'string' ? shot.trim().toLowerCase() : undefined;
  const found = shots.find((s) => (wanted === undefined ? s.index === shot : s.name?.trim().toLowerCase() === wanted));
  if (found) return found.index;
  if (typeof shot === 'number') {
    throw hostError('badRequest', vscode.l10n.t('The prompt file has no shot {0} (it has {1}, counted from 0). Nothing was submitted.', shot, shots.length));
  }
  const headings = shots.flatMap((s) => (s.name !== undefined ? [`"${s.name}"`] : []));
  throw hostError(
    'badRequest',
    headings.length > 0
      ? vscode.l10n.t('The prompt file has no shot headed "{0}"; its shots are {1} (or give the shot\'s number, counted from 0). Nothing was submitted.', shot, headings.join(', '))
      : vscode.l10n.t('The prompt file has no shot headed "{0}": it has no ## headings, so its one shot is number 0. Nothing was submitted.', shot),
  );
}

/**
 * Generates a prompt file's shots (one, or all): plans them (`planPromptFile`), asks once with the total, then
 * submits each through `JobService.submit`, recording the file and shot. Resolves with the submitted records,
 * in order. This is the one way to run a prompt file; the command and the lenses call it, and the agent tool
 * plans with `planPromptFile`.
 */
export async function runPromptFile(ctx: HostContext, analyzer: PromptFileAnalyzer, options: RunPromptFileOptions): Promise<JobRecord[]> {
  const planned = await planPromptFile(ctx, analyzer, options);
  if (options.confirm !== false && !(await confirmTotal(planned))) return [];

  const records: JobRecord[] = [];
  for (const job of planned) {
    const record = await ctx.jobs.submit(job.plan, job.targetFolder, undefined, job.source);
    records.push(record);
    options.onSubmitted?.(record);
  }
  return records;
}

/** Asks once when the total is above `confirmAboveUsd` or not known in advance. */
async function confirmTotal(planned: readonly PlannedShot[]): Promise<boolean> {
  let usd = 0;
  let known = true;
  for (const { plan } of planned) {
    if (plan.estimate.kind === 'estimate') usd += plan.estimate.usd;
    else known = false;
  }
  const { confirmAboveUsd } = readSettings();
  if (known && usd <= confirmAboveUsd) return true;
  const submit = vscode.l10n.t('Submit');
  const detail = known
    ? vscode.l10n.t('Estimated total: {0} for {1} video(s).', formatUsd(Math.round(usd * 10_000) / 10_000), planned.length)
    : vscode.l10n.t('The cost of some of the {0} video(s) cannot be estimated in advance.', planned.length);
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Generate {0} video(s) from this prompt file?', planned.length),
    { modal: true, detail: `${detail}\n${vscode.l10n.t('They are billed to your OpenRouter account even if you stop watching.')}` },
    submit,
  );
  return choice === submit;
}

/** The command: the argument's file (default: the active editor), its shot (default: all). Resolves to the job ids. */
export async function generateFromFile(ctx: HostContext, analyzer: PromptFileAnalyzer, track: (record: JobRecord) => void, rawArgs: unknown): Promise<string[]> {
  const args = parseGenerateFromFileArgs(rawArgs);
  const uri = args.uri !== undefined ? vscode.Uri.parse(args.uri) : vscode.window.activeTextEditor?.document.uri;
  if (!uri) {
    throw hostError('badRequest', vscode.l10n.t('Open a .video.md prompt file first, then run Generate from Prompt File.'));
  }
  // Each job is tracked as it is taken, so a failure at a later shot leaves the earlier ones watched and shown.
  const records = await runPromptFile(ctx, analyzer, { uri, shot: args.shot, onSubmitted: track });
  return records.flatMap((r) => (r.jobId !== undefined ? [r.jobId] : []));
}
