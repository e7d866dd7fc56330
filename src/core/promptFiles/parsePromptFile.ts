/**
 * Reads a `*.video.md` prompt file: YAML front matter (the request's settings, by the API's key names) and a
 * Markdown body. A body without `##` headings is one prompt; with them it is a storyboard, each heading
 * starting a shot whose text is its prompt, and a fenced `yaml` block right under a heading overriding
 * front-matter keys for that shot. Text before the first heading of a storyboard is a note and is not sent;
 * HTML comments (`<!-- … -->`) are never sent.
 *
 * Every key, value and shot keeps its source range (0-based line and UTF-16 character, as editors count), so
 * diagnostics, completion and lenses point at the text. Pure: no I/O, never throws.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';

export interface SourcePosition {
  line: number;
  character: number;
}

export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

/** One `key: value` of the front matter or of a shot's override block. */
export interface PromptEntry {
  key: string;
  /** The value as YAML reads it (`null` for `key:` with nothing after it). */
  value: unknown;
  keyRange: SourceRange;
  /** The value's text without a trailing comment; empty (at the key's end) when there is none. */
  valueRange: SourceRange;
  /** The value exactly as written (quotes included), e.g. for a quick fix to keep the writer's quoting. */
  valueText: string;
  /** For a list value, each item with its range. */
  items?: { value: unknown; range: SourceRange }[];
}

/** A block of settings: the front matter, or a shot's fenced `yaml` block. */
export interface PromptSettingsBlock {
  entries: PromptEntry[];
  /** From the opening to the closing delimiter line, both included. */
  range: SourceRange;
  /** The lines between the delimiters (where a new key goes). */
  contentRange: SourceRange;
}

export interface PromptShot {
  /** 0-based position in the file. */
  index: number;
  /** The heading's text; absent for a file without `##` headings. */
  name?: string;
  headingRange?: SourceRange;
  /** The whole section: heading (if any) to the line before the next heading. */
  range: SourceRange;
  /** The prompt: the section's text without the heading, the override block and HTML comments, trimmed. */
  prompt: string;
  /** Where the prompt's text starts and ends; absent when it is empty. */
  promptRange?: SourceRange;
  overrides?: PromptSettingsBlock;
}

export const PROMPT_SYNTAX_CODES = [
  'yamlSyntax', // the YAML does not parse: detail (the YAML library's error code)
  'frontMatterUnclosed', // a `---` first line without a closing `---`
  'settingsNotMap', // the front matter or an override block is not a set of `key: value` lines
  'keyNotText', // a key that is not plain text (e.g. a list used as a key)
] as const;
export type PromptSyntaxCode = (typeof PROMPT_SYNTAX_CODES)[number];

export interface PromptSyntaxProblem {
  code: PromptSyntaxCode;
  range: SourceRange;
  params?: Readonly<Record<string, string>>;
}

export interface ParsedPromptFile {
  frontMatter?: PromptSettingsBlock;
  /** One shot for a plain prompt; one per `##` heading for a storyboard. */
  shots: PromptShot[];
  storyboard: boolean;
  syntax: PromptSyntaxProblem[];
  /** Where the body starts (the line after the front matter). */
  bodyStart: SourcePosition;
}

/** Offsets → positions over one text. */
class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.min(Math.max(line, 0), this.starts.length - 1)] ?? 0;
  }

  /** The line's text without its line break. */
  lineText(line: number): string {
    const start = this.lineStart(line);
    const next = line + 1 < this.starts.length ? this.lineStart(line + 1) : this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$/, '');
  }

  position(offset: number): SourcePosition {
    const clamped = Math.min(Math.max(offset, 0), this.text.length);
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - (this.starts[low] ?? 0) };
  }

  range(start: number, end: number): SourceRange {
    return { start: this.position(start), end: this.position(end) };
  }

  /** From the start of `first` to the end of `last` (without its line break). */
  lines(first: number, last: number): SourceRange {
    return { start: { line: first, character: 0 }, end: { line: last, character: this.lineText(last).length } };
  }
}

const FRONT_MATTER_OPEN = /^---\s*$/;
const FRONT_MATTER_CLOSE = /^(---|\.\.\.)\s*$/;
const SHOT_HEADING = /^ {0,3}##[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)/;
const YAML_INFO = /^ya?ml$/i;
const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;

/**
 * Parses a prompt file. Never throws: what does not parse is reported in `syntax`. A `cache` kept across the
 * versions of one document spares re-reading the YAML blocks that did not change.
 */
export function parsePromptFile(text: string, cache: YamlBlockCache = new YamlBlockCache()): ParsedPromptFile {
  const index = new LineIndex(text);
  const syntax: PromptSyntaxProblem[] = [];
  let bodyLine = 0;
  let frontMatter: PromptSettingsBlock | undefined;

  if (FRONT_MATTER_OPEN.test(index.lineText(0).replace(/^\uFEFF/, ''))) {
    let close = -1;
    for (let line = 1; line < index.lineCount; line++) {
      if (FRONT_MATTER_CLOSE.test(index.lineText(line))) {
        close = line;
        break;
      }
    }
    if (close < 0) {
      syntax.push({ code: 'frontMatterUnclosed', range: index.lines(0, 0) });
      bodyLine = 1;
    } else {
      frontMatter = readSettings(index, 0, close, syntax, cache);
      bodyLine = close + 1;
    }
  }

  const { shots, storyboard } = readBody(index, bodyLine, syntax, cache);
  return { frontMatter, shots, storyboard, syntax, bodyStart: { line: Math.min(bodyLine, index.lineCount - 1), character: 0 } };
}

/** A YAML block read on its own, with offsets relative to its text (so a read can be reused wherever it sits). */
interface YamlBlock {
  errors: { from: number; to: number; code: string }[];
  notMap: boolean;
  badKeys: { from: number; to: number }[];
  entries: {
    key: string;
    value: unknown;
    key0: number;
    key1: number;
    value0: number;
    value1: number;
    items?: { value: unknown; from: number; to: number }[];
  }[];
}

/**
 * Remembers YAML blocks by their text, so a storyboard re-read after a keystroke parses only the block that
 * changed. Bounded: the oldest blocks are forgotten first. Values are shared between reads: never mutate them.
 */
export class YamlBlockCache {
  private readonly blocks = new Map<string, YamlBlock>();

  constructor(private readonly capacity = 1000) {}

  read(source: string): YamlBlock {
    const known = this.blocks.get(source);
    if (known) return known;
    const block = readYaml(source);
    if (this.blocks.size >= this.capacity) {
      const oldest = this.blocks.keys().next().value;
      if (oldest !== undefined) this.blocks.delete(oldest);
    }
    this.blocks.set(source, block);
    return block;
  }
}

function readYaml(source: string): YamlBlock {
  const doc = parseDocument(source, { prettyErrors: false });
  const block: YamlBlock = { errors: doc.errors.map((e) => ({ from: e.pos[0], to: e.pos[1], code: e.code })), notMap: false, badKeys: [], entries: [] };
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) return block;
  if (!isMap(contents)) {
    block.notMap = true;
    return block;
  }
  const at = (node: YamlNode | null | undefined, fallback: number): [number, number] => {
    const r = node?.range;
    return r ? [r[0], r[1]] : [fallback, fallback];
  };
  for (const pair of contents.items) {
    const keyNode = pair.key as YamlNode | null;
    const [key0, key1] = at(keyNode, 0);
    if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
      block.badKeys.push({ from: key0, to: key1 });
      continue;
    }
    const valueNode = pair.value as YamlNode | null;
    const [value0, value1] = at(valueNode, key1);
    const entry: YamlBlock['entries'][number] = { key: String(keyNode.value), value: valueNode ? valueNode.toJS(doc) : null, key0, key1, value0, value1 };
    if (isSeq(valueNode)) {
      entry.items = valueNode.items.map((item) => {
        const node = item as YamlNode;
        const [from, to] = at(node, value0);
        return { value: node.toJS(doc), from, to };
      });
    }
    block.entries.push(entry);
  }
  return block;
}

/** Reads the YAML between delimiter lines `open` and `close` (exclusive) as a settings block. */
function readSettings(index: LineIndex, open: number, close: number, syntax: PromptSyntaxProblem[], cache: YamlBlockCache): PromptSettingsBlock {
  const start = index.lineStart(open + 1);
  const end = close > open + 1 ? index.lineStart(close) : start;
  const contentRange: SourceRange = close > open + 1 ? index.lines(open + 1, close - 1) : { start: { line: open + 1, character: 0 }, end: { line: open + 1, character: 0 } };
  const settings: PromptSettingsBlock = { entries: [], range: index.lines(open, close), contentRange };
  const yaml = cache.read(index.text.slice(start, end));
  for (const e of yaml.errors) {
    syntax.push({ code: 'yamlSyntax', range: index.range(start + e.from, start + Math.max(e.to, e.from + 1)), params: { detail: e.code } });
  }
  if (yaml.notMap) syntax.push({ code: 'settingsNotMap', range: contentRange });
  for (const bad of yaml.badKeys) syntax.push({ code: 'keyNotText', range: index.range(start + bad.from, start + bad.to) });
  for (const e of yaml.entries) {
    const entry: PromptEntry = {
      key: e.key,
      value: e.value,
      keyRange: index.range(start + e.key0, start + e.key1),
      valueRange: index.range(start + e.value0, start + e.value1),
      valueText: index.text.slice(start + e.value0, start + e.value1),
    };
    if (e.items) entry.items = e.items.map((item) => ({ value: item.value, range: index.range(start + item.from, start + item.to) }));
    settings.entries.push(entry);
  }
  return settings;
}

interface Section {
  heading?: { line: number; name: string };
  first: number;
  last: number;
}

/** Splits the body at `##` headings outside fenced code, then reads each shot. */
function readBody(index: LineIndex, bodyLine: number, syntax: PromptSyntaxProblem[], cache: YamlBlockCache): { shots: PromptShot[]; storyboard: boolean } {
  const headings: { line: number; name: string }[] = [];
  let fence: string | undefined;
  for (let line = bodyLine; line < index.lineCount; line++) {
    const text = index.lineText(line);
    const fenceMatch = FENCE.exec(text);
    if (fence !== undefined) {
      if (fenceMatch && fenceMatch[1]?.[0] === fence[0] && (fenceMatch[1]?.length ?? 0) >= fence.length && (fenceMatch[2] ?? '') === '') fence = undefined;
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1];
      continue;
    }
    const heading = SHOT_HEADING.exec(text);
    if (heading) headings.push({ line, name: (heading[1] ?? '').trim() });
  }

  const last = index.lineCount - 1;
  if (headings.length === 0) {
    return { shots: [readShot(index, { first: bodyLine, last }, 0, syntax, cache)], storyboard: false };
  }
  const sections: Section[] = headings.map((heading, i) => ({
    heading,
    first: heading.line + 1,
    last: (headings[i + 1]?.line ?? last + 1) - 1,
  }));
  return { shots: sections.map((section, i) => readShot(index, section, i, syntax, cache)), storyboard: true };
}

function readShot(index: LineIndex, section: Section, shotIndex: number, syntax: PromptSyntaxProblem[], cache: YamlBlockCache): PromptShot {
  const firstLine = section.heading?.line ?? section.first;
  const lastLine = Math.max(section.last, firstLine);
  const shot: PromptShot = { index: shotIndex, range: index.lines(firstLine, lastLine), prompt: '' };
  if (section.heading) {
    shot.name = section.heading.name;
    shot.headingRange = index.lines(section.heading.line, section.heading.line);
  }

  let textFirst = section.first;
  if (section.heading) {
    let line = section.first;
    while (line <= section.last && index.lineText(line).trim() === '') line++;
    const open = line <= section.last ? FENCE.exec(index.lineText(line)) : null;
    if (open && YAML_INFO.test(open[2] ?? '')) {
      const marker = open[1] ?? '```';
      let close = line + 1;
      while (close <= section.last && !new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`).test(index.lineText(close))) close++;
      if (close <= section.last) {
        shot.overrides = readSettings(index, line, close, syntax, cache);
        textFirst = close + 1;
      }
    }
  }

  if (textFirst <= section.last) {
    const from = index.lineStart(textFirst);
    const to = index.lineStart(section.last) + index.lineText(section.last).length;
    // Comments become spaces of the same length, so offsets keep pointing at the source.
    const raw = index.text.slice(from, to).replace(HTML_COMMENT, (c) => c.replace(/[^\n]/g, ' '));
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed !== '') {
      shot.prompt = trimmed
        .split('\n')
        .map((l) => l.trimEnd())
        .join('\n')
        .replace(/\n{3,}/g, '\n\n');
      shot.promptRange = index.range(from + lead, from + lead + trimmed.length);
    }
  }
  return shot;
}
