import * as assert from 'node:assert/strict';
import { parsePromptFile, YamlBlockCache, type SourceRange } from '../../src/core/promptFiles/parsePromptFile';

/** The text a range covers. */
function textAt(text: string, range: SourceRange | undefined): string {
  assert.ok(range, 'range is set');
  const lines = text.split('\n');
  if (range.start.line === range.end.line) return (lines[range.start.line] ?? '').slice(range.start.character, range.end.character);
  const parts = [(lines[range.start.line] ?? '').slice(range.start.character)];
  for (let l = range.start.line + 1; l < range.end.line; l++) parts.push(lines[l] ?? '');
  parts.push((lines[range.end.line] ?? '').slice(0, range.end.character));
  return parts.join('\n');
}

const SINGLE = [
  '---',
  'model: google/veo-3.1   # the model',
  'duration: 8',
  'aspect_ratio: "16:9"',
  'generate_audio: true',
  'seed:',
  'input_references: [images/a.png, images/b.png]',
  'provider: { google-vertex: { negativePrompt: "blurry" } }',
  '---',
  '',
  'A slow dolly-in on a glass greenhouse at sunrise,',
  '<!-- not sent -->',
  'mist over the beds.',
  '',
].join('\n');

const STORYBOARD = [
  '---',
  'model: google/veo-3.1-lite',
  'duration: 4',
  '---',
  'Notes before the first shot are not sent.',
  '',
  '## Opening shot',
  '',
  '```yaml',
  'duration: 8',
  'resolution: 1080p',
  '```',
  'Wide aerial of a coastline at dawn.',
  '',
  '## The reveal ##',
  'A lighthouse beam sweeps across the fog.',
  '```yaml',
  'seed: 7',
  '```',
  '',
  '## Empty',
  '',
  '```text',
  '## not a heading inside a fence',
  '```',
].join('\n');

describe('parsePromptFile', () => {
  it('reads the front matter with the range of every key and value', () => {
    const file = parsePromptFile(SINGLE);
    assert.deepEqual(file.syntax, []);
    const entries = file.frontMatter?.entries ?? [];
    assert.deepEqual(
      entries.map((e) => e.key),
      ['model', 'duration', 'aspect_ratio', 'generate_audio', 'seed', 'input_references', 'provider'],
    );
    const byKey = new Map(entries.map((e) => [e.key, e]));
    assert.equal(byKey.get('model')?.value, 'google/veo-3.1');
    assert.equal(textAt(SINGLE, byKey.get('model')?.valueRange), 'google/veo-3.1');
    assert.equal(textAt(SINGLE, byKey.get('model')?.keyRange), 'model');
    assert.equal(byKey.get('duration')?.value, 8);
    assert.deepEqual(byKey.get('duration')?.valueRange, { start: { line: 2, character: 10 }, end: { line: 2, character: 11 } });
    assert.equal(byKey.get('aspect_ratio')?.value, '16:9');
    assert.equal(byKey.get('aspect_ratio')?.valueText, '"16:9"');
    assert.equal(byKey.get('generate_audio')?.value, true);
    assert.equal(byKey.get('seed')?.value, null);
    assert.deepEqual(byKey.get('provider')?.value, { 'google-vertex': { negativePrompt: 'blurry' } });
    const refs = byKey.get('input_references');
    assert.deepEqual(refs?.value, ['images/a.png', 'images/b.png']);
    assert.deepEqual(
      refs?.items?.map((i) => textAt(SINGLE, i.range)),
      ['images/a.png', 'images/b.png'],
    );
    assert.deepEqual(file.frontMatter?.range, { start: { line: 0, character: 0 }, end: { line: 8, character: 3 } });
  });

  it('reads a body without ## headings as one prompt, HTML comments left out', () => {
    const file = parsePromptFile(SINGLE);
    assert.equal(file.storyboard, false);
    assert.equal(file.shots.length, 1);
    const [shot] = file.shots;
    assert.equal(shot?.name, undefined);
    assert.equal(shot?.prompt, 'A slow dolly-in on a glass greenhouse at sunrise,\n\nmist over the beds.');
    assert.equal(shot?.promptRange?.start.line, 10);
    assert.equal(shot?.promptRange?.end.line, 12);
    assert.deepEqual(file.bodyStart, { line: 9, character: 0 });
  });

  it('splits a storyboard at ## headings, with each shot’s yaml block and prompt', () => {
    const file = parsePromptFile(STORYBOARD);
    assert.deepEqual(file.syntax, []);
    assert.equal(file.storyboard, true);
    assert.deepEqual(
      file.shots.map((s) => s.name),
      ['Opening shot', 'The reveal', 'Empty'],
    );
    const [opening, reveal, empty] = file.shots;
    assert.equal(opening?.prompt, 'Wide aerial of a coastline at dawn.');
    assert.deepEqual(
      opening?.overrides?.entries.map((e) => [e.key, e.value]),
      [
        ['duration', 8],
        ['resolution', '1080p'],
      ],
    );
    assert.equal(textAt(STORYBOARD, opening?.overrides?.entries[0]?.valueRange), '8');
    assert.equal(opening?.overrides?.entries[0]?.valueRange.start.line, 9);
    assert.equal(textAt(STORYBOARD, opening?.headingRange), '## Opening shot');
    // A yaml block that does not come first is part of the prompt, not an override.
    assert.equal(reveal?.overrides, undefined);
    assert.match(reveal?.prompt ?? '', /^A lighthouse beam sweeps across the fog\.\n```yaml\nseed: 7\n```$/);
    // The heading inside a fence is text, not a shot.
    assert.equal(empty?.prompt, '```text\n## not a heading inside a fence\n```');
    assert.equal(empty?.range.start.line, 20);
    assert.equal(empty?.range.end.line, 24);
  });

  it('gives an empty shot no prompt and no prompt range', () => {
    const file = parsePromptFile('## One\n\n## Two\nText');
    assert.equal(file.shots[0]?.prompt, '');
    assert.equal(file.shots[0]?.promptRange, undefined);
    assert.equal(file.shots[1]?.prompt, 'Text');
  });

  it('reports YAML syntax errors with their range, and keeps reading the body', () => {
    const text = '---\nmodel: google/veo-3.1\nduration: [8\n---\nA prompt';
    const file = parsePromptFile(text);
    assert.ok(file.syntax.length > 0);
    assert.equal(file.syntax[0]?.code, 'yamlSyntax');
    assert.ok((file.syntax[0]?.range.start.line ?? 0) >= 1 && (file.syntax[0]?.range.start.line ?? 0) <= 3);
    assert.equal(file.shots[0]?.prompt, 'A prompt');
  });

  it('reports an unclosed front matter and a front matter that is not key: value lines', () => {
    assert.equal(parsePromptFile('---\nmodel: x\nA prompt').syntax[0]?.code, 'frontMatterUnclosed');
    assert.equal(parsePromptFile('---\n- a\n- b\n---\nA prompt').syntax[0]?.code, 'settingsNotMap');
    assert.equal(parsePromptFile('---\n? [a]\n: b\n---\nA prompt').syntax[0]?.code, 'keyNotText');
  });

  it('accepts CRLF line ends and an empty front matter', () => {
    const file = parsePromptFile('---\r\nmodel: google/veo-3.1\r\n---\r\nA prompt\r\n');
    assert.equal(file.frontMatter?.entries[0]?.value, 'google/veo-3.1');
    assert.equal(file.shots[0]?.prompt, 'A prompt');
    const empty = parsePromptFile('---\n---\nA prompt');
    assert.deepEqual(empty.frontMatter?.entries, []);
    assert.deepEqual(empty.syntax, []);
  });

  it('reads a file without front matter as a prompt', () => {
    const file = parsePromptFile('Just a prompt.');
    assert.equal(file.frontMatter, undefined);
    assert.equal(file.shots[0]?.prompt, 'Just a prompt.');
  });

  it('reads the same with a block cache, placing a reused block where it now sits, and re-reads a changed one', () => {
    const cache = new YamlBlockCache(10);
    const first = parsePromptFile(STORYBOARD, cache);
    assert.deepEqual(first, parsePromptFile(STORYBOARD));
    const moved = STORYBOARD.replace('Notes before the first shot are not sent.', 'Notes\n\nmore notes');
    const second = parsePromptFile(moved, cache);
    assert.deepEqual(second, parsePromptFile(moved));
    assert.deepEqual(second.shots[0]?.overrides?.entries[0]?.valueRange, { start: { line: 11, character: 10 }, end: { line: 11, character: 11 } }, 'the unchanged block, two lines lower');
    const changed = parsePromptFile(moved.replace('resolution: 1080p', 'resolution: 720p'), cache);
    assert.equal(changed.shots[0]?.overrides?.entries[1]?.value, '720p');
  });
});
