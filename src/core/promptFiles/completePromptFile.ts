/**
 * What to offer at a position of a prompt file, from the live catalogue: the keys a settings block still
 * lacks, model ids, the chosen model's durations, resolutions, aspect ratios, sizes and audio setting, its
 * passthrough parameters under `provider`, and workspace images for the frame keys. Pure: the host words
 * the details (a model's summary and price) and turns candidates into completion items.
 */
import type { VideoModel } from '../api/schemas';
import { audioControl, frameTypes, passthroughSlug, sortedDurations, sortedResolutions, takesInputReferences } from '../models/modelCapabilities';
import type { ParsedPromptFile, PromptSettingsBlock, SourcePosition, SourceRange } from './parsePromptFile';
import { PROMPT_FILE_KEYS, type PromptFileKey } from './shotRequests';

export type CompletionCandidate =
  | { kind: 'key'; label: PromptFileKey; insertText: string }
  | { kind: 'model'; label: string; insertText: string; model: VideoModel }
  | { kind: 'value'; label: string; insertText: string; key: PromptFileKey; current: boolean }
  | { kind: 'passthrough'; label: string; insertText: string; model: VideoModel }
  | { kind: 'providerSlug'; label: string; insertText: string; model: VideoModel }
  | { kind: 'image'; label: string; insertText: string; key: PromptFileKey };

export interface CompletionRequest {
  file: ParsedPromptFile;
  position: SourcePosition;
  /** The text of the position's line. */
  lineText: string;
  /** The text of the lines above it in the same block, nearest last (for nesting under `provider`). */
  linesAbove?: readonly string[];
  models: readonly VideoModel[];
  /** Workspace-relative image paths, for `first_frame`, `last_frame` and `input_references`. */
  imagePaths?: readonly string[];
}

export interface CompletionResult {
  candidates: CompletionCandidate[];
  /** The text the candidates replace (the word being typed). */
  replace: SourceRange;
}

/** The settings block the position is in, and the front matter's model for a shot's block. */
function blockAt(file: ParsedPromptFile, position: SourcePosition): PromptSettingsBlock | undefined {
  const blocks = [file.frontMatter, ...file.shots.map((s) => s.overrides)];
  return blocks.find((b) => b !== undefined && position.line > b.range.start.line && position.line < b.range.end.line);
}

function modelOf(file: ParsedPromptFile, block: PromptSettingsBlock, models: readonly VideoModel[]): VideoModel | undefined {
  const own = block.entries.find((e) => e.key === 'model')?.value;
  const id = typeof own === 'string' ? own : file.frontMatter?.entries.find((e) => e.key === 'model')?.value;
  return typeof id === 'string' ? models.find((m) => m.id === id.trim()) : undefined;
}

export { passthroughSlug };

/** Candidates at a position; none outside the front matter and the override blocks. */
export function completePromptFile(request: CompletionRequest): CompletionResult {
  const { file, position, lineText, models } = request;
  const before = lineText.slice(0, position.character);
  const word = /[\w./:-]*$/.exec(before)?.[0] ?? '';
  const replace: SourceRange = { start: { line: position.line, character: position.character - word.length }, end: position };
  const none: CompletionResult = { candidates: [], replace };
  const block = blockAt(file, position);
  if (!block || /#/.test(before.replace(/"[^"]*"|'[^']*'/g, ''))) return none;
  const model = modelOf(file, block, models);

  const indented = /^\s+/.test(lineText);
  const keyLine = /^([\w-]+)\s*:\s*(.*)$/.exec(before);
  if (indented || (keyLine?.[1] === 'provider' && /\{/.test(keyLine[2] ?? ''))) {
    return { candidates: model ? nestedCandidates(before, request.linesAbove ?? [], model) : [], replace };
  }
  if (!keyLine) {
    if (!/^[\w-]*$/.test(before)) return none;
    const present = new Set(block.entries.filter((e) => e.keyRange.start.line !== position.line).map((e) => e.key));
    const candidates: CompletionCandidate[] = PROMPT_FILE_KEYS.filter((k) => !present.has(k)).map((k) => ({ kind: 'key', label: k, insertText: `${k}: ` }));
    return { candidates, replace };
  }

  const key = keyLine[1] as PromptFileKey;
  const current = (keyLine[2] ?? '').replace(/^["']|["']$/g, '');
  const quotedReplace: SourceRange = { start: { line: position.line, character: position.character - (keyLine[2] ?? '').length }, end: position };
  const values = (list: readonly (string | number)[], quote = false): CompletionResult => ({
    candidates: list.map((v) => ({ kind: 'value', key, label: String(v), insertText: quote ? `"${v}"` : String(v), current: String(v) === current })),
    replace: quote ? quotedReplace : replace,
  });
  switch (key) {
    case 'model':
      return { candidates: models.map((m) => ({ kind: 'model', label: m.id, insertText: m.id, model: m })), replace };
    case 'duration':
      return values(model ? sortedDurations(model) : []);
    case 'resolution':
      return values(model ? sortedResolutions(model) : []);
    case 'aspect_ratio':
      return values(model?.supported_aspect_ratios ?? [], true);
    case 'size':
      return values(model?.supported_sizes ?? []);
    case 'generate_audio':
      return values(model && audioControl(model) === 'toggle' ? ['true', 'false'] : []);
    case 'first_frame':
    case 'last_frame':
    case 'input_references': {
      if (model && (key === 'input_references' ? !takesInputReferences(model) : !frameTypes(model).includes(key))) return none;
      const paths = request.imagePaths ?? [];
      return { candidates: paths.map((p) => ({ kind: 'image', key, label: p, insertText: p })), replace };
    }
    case 'provider':
      return { candidates: model ? [providerSnippet(model)] : [], replace };
    default:
      return none;
  }
}

function providerSnippet(model: VideoModel): CompletionCandidate {
  const slug = passthroughSlug(model);
  return { kind: 'providerSlug', label: slug, insertText: `{ ${slug}: { } }`, model };
}

/**
 * Under `provider`: the provider's slug one level down, its passthrough parameters two levels down (block
 * style by indentation, flow style by the open braces before the cursor).
 */
function nestedCandidates(before: string, linesAbove: readonly string[], model: VideoModel): CompletionCandidate[] {
  const params = (): CompletionCandidate[] =>
    (model.allowed_passthrough_parameters ?? []).map((p) => ({ kind: 'passthrough', label: p, insertText: `${p}: `, model }));
  const flow = /^provider\s*:(.*)$/.exec(before);
  if (flow) {
    const text = flow[1] ?? '';
    const depth = (text.match(/\{/g)?.length ?? 0) - (text.match(/\}/g)?.length ?? 0);
    if (depth >= 2 && /[{,]\s*[\w-]*$/.test(text)) return params();
    if (depth === 1 && /\{\s*[\w-]*$/.test(text)) return [{ ...providerSnippet(model), insertText: `${passthroughSlug(model)}: ` }];
    return [];
  }
  const indent = (line: string): number => /^\s*/.exec(line)?.[0].length ?? 0;
  const mine = indent(before);
  const parents: string[] = [];
  let level = mine;
  for (let i = linesAbove.length - 1; i >= 0 && level > 0; i--) {
    const line = linesAbove[i] ?? '';
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const own = indent(line);
    if (own < level) {
      parents.unshift(/^\s*([\w-]+)\s*:/.exec(line)?.[1] ?? '');
      level = own;
    }
  }
  if (parents[0] !== 'provider' || !/^\s*[\w-]*$/.test(before)) return [];
  if (parents.length === 1) return [{ ...providerSnippet(model), insertText: `${passthroughSlug(model)}:` }];
  if (parents.length === 2) return params();
  return [];
}
