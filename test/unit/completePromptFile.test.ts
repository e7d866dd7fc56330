import * as assert from 'node:assert/strict';
import { completePromptFile, type CompletionResult } from '../../src/core/promptFiles/completePromptFile';
import { parsePromptFile } from '../../src/core/promptFiles/parsePromptFile';
import { MODELS } from './helpers/capturedModels';

/** Completes at the `|` in `text`. */
function complete(textWithCursor: string, imagePaths?: string[]): CompletionResult {
  const offset = textWithCursor.indexOf('|');
  const text = textWithCursor.replace('|', '');
  const lines = text.slice(0, offset).split('\n');
  const line = lines.length - 1;
  const character = (lines[line] ?? '').length;
  const all = text.split('\n');
  return completePromptFile({
    file: parsePromptFile(text),
    position: { line, character },
    lineText: all[line] ?? '',
    linesAbove: all.slice(0, line),
    models: MODELS,
    imagePaths,
  });
}

const labels = (result: CompletionResult): string[] => result.candidates.map((c) => c.label);

describe('completePromptFile', () => {
  it('offers every model id of the catalogue after `model:`, each with its model', () => {
    const result = complete('---\nmodel: goo|\n---\nA prompt');
    assert.equal(result.candidates.length, MODELS.length);
    assert.ok(labels(result).includes('google/veo-3.1-lite'));
    const veo = result.candidates.find((c) => c.label === 'google/veo-3.1');
    assert.ok(veo?.kind === 'model' && veo.model.name === 'Google: Veo 3.1');
    assert.deepEqual(result.replace, { start: { line: 1, character: 7 }, end: { line: 1, character: 10 } });
  });

  it('offers the chosen model’s durations, resolutions, aspect ratios and sizes', () => {
    const front = (line: string) => `---\nmodel: google/veo-3.1-lite\n${line}\n---\nA prompt`;
    assert.deepEqual(labels(complete(front('duration: |'))), ['4', '6', '8']);
    assert.deepEqual(labels(complete(front('resolution: |'))), ['720p', '1080p']);
    const ratios = complete(front('aspect_ratio: |'));
    assert.deepEqual(labels(ratios), ['16:9', '9:16']);
    assert.equal(ratios.candidates[0]?.insertText, '"16:9"');
    assert.equal(labels(complete(front('size: |'))).length, 4);
    assert.deepEqual(labels(complete(front('generate_audio: |'))), ['true', 'false']);
  });

  it('marks the current value', () => {
    const result = complete('---\nmodel: google/veo-3.1-lite\nduration: 6|\n---\nA prompt');
    assert.deepEqual(
      result.candidates.filter((c) => c.kind === 'value' && c.current).map((c) => c.label),
      ['6'],
    );
  });

  it('offers the keys a block lacks at the start of a line', () => {
    const result = complete('---\nmodel: google/veo-3.1\nd|\n---\nA prompt');
    const keys = labels(result);
    assert.ok(keys.includes('duration') && keys.includes('aspect_ratio') && keys.includes('variants'));
    assert.ok(!keys.includes('model'));
    assert.equal(result.candidates.find((c) => c.label === 'duration')?.insertText, 'duration: ');
  });

  it('uses the front matter’s model in a shot’s override block, and the shot’s own model when it names one', () => {
    const text = (override: string) => `---\nmodel: google/veo-3.1-lite\n---\n## One\n\`\`\`yaml\n${override}\n\`\`\`\nA`;
    assert.deepEqual(labels(complete(text('duration: |'))), ['4', '6', '8']);
    assert.deepEqual(labels(complete(text('model: kwaivgi/kling-video-o1\nduration: |'))), ['5', '10']);
  });

  it('offers passthrough parameters under provider, in flow and block style', () => {
    const flow = complete('---\nmodel: google/veo-3.1\nprovider: { google-vertex: { neg|\n---\nA');
    assert.ok(labels(flow).includes('negativePrompt'));
    const slug = complete('---\nmodel: google/veo-3.1\nprovider: { |\n---\nA');
    assert.deepEqual(labels(slug), ['google-vertex']);
    const block = complete('---\nmodel: kwaivgi/kling-v3.0-pro\nprovider:\n  kwaivgi:\n    |\n---\nA');
    assert.deepEqual(labels(block), ['negative_prompt', 'cfg_scale']);
    const blockSlug = complete('---\nmodel: kwaivgi/kling-v3.0-pro\nprovider:\n  |\n---\nA');
    assert.deepEqual(labels(blockSlug), ['kwaivgi']);
  });

  it('offers workspace images for frame keys the model takes', () => {
    const images = ['images/start.png', 'images/end.png'];
    assert.deepEqual(labels(complete('---\nmodel: google/veo-3.1\nfirst_frame: |\n---\nA', images)), images);
    assert.deepEqual(labels(complete('---\nmodel: minimax/hailuo-2.3\nlast_frame: |\n---\nA', images)), []);
  });

  it('offers nothing in the prompt text or in a comment', () => {
    assert.deepEqual(labels(complete('---\nmodel: google/veo-3.1\n---\nA prompt |')), []);
    assert.deepEqual(labels(complete('---\nmodel: google/veo-3.1 # |\n---\nA')), []);
  });
});
