/**
 * The problems of a prompt file, each with the range of the text at fault: its syntax, its keys and values,
 * and every shot's request checked by `validateRequest`, the same check that guards a submit. Also what
 * each shot would cost. Pure: the caller passes the catalogue and the sizes of the images it named.
 */
import type { VideoModel } from '../api/schemas';
import { resolutionRank } from '../models/modelCapabilities';
import type { VideoRequest } from '../api/videoRequest';
import type { Problem, ProblemField, ProblemParams } from '../models/problems';
import { validateRequest } from '../models/validateRequest';
import { estimateCost, type CostEstimate } from '../pricing/estimateCost';
import type { ParsedPromptFile, PromptEntry, PromptSyntaxCode, SourceRange } from './parsePromptFile';
import { rangeOf, shotRequest, variantRequests, type PromptFileCode, type ShotContext, type ShotRequest } from './shotRequests';

/** One problem, where it is. `replacement` is the text a quick fix puts in `range` (the nearest supported value). */
export type PromptFileProblem = {
  range: SourceRange;
  /** The shots it stops (0-based); a problem of the front matter may stop several. */
  shots: number[];
  replacement?: string;
} & ({ kind: 'syntax'; code: PromptSyntaxCode; params?: ProblemParams } | { kind: 'file'; code: PromptFileCode; params?: ProblemParams } | { kind: 'request'; problem: Problem });

export interface ShotCheck extends ShotRequest {
  /** The cost of all its variants, when every one can be estimated. */
  estimate?: CostEstimate;
}

export interface PromptFileCheck {
  problems: PromptFileProblem[];
  shots: ShotCheck[];
}

/** The key a problem of each request field is written under. */
const FIELD_KEYS: Readonly<Record<ProblemField, readonly string[]>> = {
  model: ['model'],
  prompt: [],
  duration: ['duration'],
  resolution: ['resolution'],
  aspectRatio: ['aspect_ratio'],
  size: ['size'],
  frames: ['first_frame', 'last_frame'],
  inputReferences: ['input_references'],
  seed: ['seed'],
  generateAudio: ['generate_audio'],
  providerOptions: ['provider'],
  body: ['first_frame', 'last_frame', 'input_references'],
  callbackUrl: ['callback_url'],
};

/** Checks every shot of a parsed file. */
export function checkPromptFile(file: ParsedPromptFile, context: ShotContext): PromptFileCheck {
  const problems: PromptFileProblem[] = file.syntax.map((s) => ({ kind: 'syntax', code: s.code, range: s.range, params: s.params, shots: file.shots.map((shot) => shot.index) }));
  const seen = new Map<string, PromptFileProblem>();
  const add = (problem: PromptFileProblem, shot: number): void => {
    const key = JSON.stringify([problem.range, problem.kind, problem.kind === 'request' ? problem.problem : [problem.code, problem.params]]);
    const known = seen.get(key);
    if (known) {
      if (!known.shots.includes(shot)) known.shots.push(shot);
      return;
    }
    problem.shots = [shot];
    seen.set(key, problem);
    problems.push(problem);
  };

  const shots: ShotCheck[] = [];
  for (const shot of file.shots) {
    const read: ShotCheck = shotRequest(file, shot, context);
    for (const p of read.problems) add({ kind: 'file', code: p.code, range: p.range, params: p.params, shots: [] }, shot.index);
    if (read.model && read.request) {
      const validation = validateRequest(read.model, read.request);
      for (const problem of validation.problems) {
        const entry = entryFor(read.entries, problem);
        const range = problem.field === 'prompt' ? (shot.promptRange ?? shot.headingRange ?? rangeOf(read.entries, 'model', shot)) : (entry?.valueRange ?? rangeOf(read.entries, 'model', shot));
        const replacement = entry ? nearestReplacement(problem, entry) : undefined;
        add({ kind: 'request', problem, range, shots: [], ...(replacement !== undefined ? { replacement } : {}) }, shot.index);
      }
      if (validation.ok) {
        const estimate = sumEstimates(read.model, variantRequests(read));
        if (estimate) read.estimate = estimate;
      }
    }
    shots.push(read);
  }
  return { problems, shots };
}

/** Whether a shot can be generated: no problem stops it. */
export function shotIsReady(check: PromptFileCheck, shotIndex: number): boolean {
  return !check.problems.some((p) => p.shots.includes(shotIndex));
}

/** The entry a request problem is about. */
function entryFor(entries: ReadonlyMap<string, PromptEntry>, problem: Problem): PromptEntry | undefined {
  const frameType = problem.params?.frameType;
  if (problem.field === 'frames' && typeof frameType === 'string' && entries.has(frameType)) return entries.get(frameType);
  for (const key of FIELD_KEYS[problem.field]) {
    const entry = entries.get(key);
    if (entry) return entry;
  }
  return undefined;
}

/** The cost of several requests of one model, or the first one that cannot be estimated. */
function sumEstimates(model: VideoModel, requests: readonly VideoRequest[]): CostEstimate | undefined {
  let total: Extract<CostEstimate, { kind: 'estimate' }> | undefined;
  for (const request of requests) {
    const one = estimateCost(model, request);
    if (one.kind === 'unavailable') return one;
    total = total === undefined ? one : { ...total, usd: Math.round((total.usd + one.usd) * 10_000) / 10_000 };
  }
  return total;
}

/** Adds estimates; unavailable when any part is. */
export function totalEstimate(estimates: readonly (CostEstimate | undefined)[]): { usd: number } | undefined {
  let usd = 0;
  for (const e of estimates) {
    if (!e || e.kind !== 'estimate') return undefined;
    usd += e.usd;
  }
  return { usd: Math.round(usd * 10_000) / 10_000 };
}

/** For a value the model does not offer: the offered value nearest to it, written as the entry writes values. */
function nearestReplacement(problem: Problem, entry: PromptEntry): string | undefined {
  if (!problem.code.endsWith('NotOffered')) return undefined;
  const choices = problem.params?.choices;
  const value = problem.params?.value;
  if (!Array.isArray(choices) || choices.length === 0 || value === undefined) return undefined;
  const nearest = nearestChoice(problem.field, value as string | number, choices as readonly (string | number)[]);
  if (nearest === undefined) return undefined;
  const quote = /^["']/.exec(entry.valueText)?.[0];
  const needsQuotes = typeof nearest === 'string' && /[:#{}[\],&*!|>'"%@`]/.test(nearest);
  const q = quote ?? (needsQuotes ? '"' : '');
  return `${q}${String(nearest)}${q}`;
}

/** The choice nearest to `value`: by number, by resolution rank, by ratio, or by pixel count. */
export function nearestChoice(field: ProblemField, value: string | number, choices: readonly (string | number)[]): string | number | undefined {
  const measure = (v: string | number): number => {
    if (typeof v === 'number') return v;
    if (field === 'resolution') return resolutionRank(v);
    const ratio = /^\s*(\d+(?:\.\d+)?)\s*[:xX×]\s*(\d+(?:\.\d+)?)\s*$/.exec(v);
    if (ratio) {
      const a = Number(ratio[1]);
      const b = Number(ratio[2]);
      // Aspect ratios compare by the log of their shape, sizes by the log of their area.
      return field === 'size' ? Math.log(a * b) : Math.log(a / b);
    }
    const n = Number.parseFloat(v);
    return Number.isFinite(n) ? n : Number.NaN;
  };
  const target = measure(value);
  if (!Number.isFinite(target)) return choices[0];
  let best: string | number | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const choice of choices) {
    const distance = Math.abs(measure(choice) - target);
    if (distance < bestDistance) {
      best = choice;
      bestDistance = distance;
    }
  }
  return best;
}
