import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { checkPromptFile, nearestChoice, shotIsReady, totalEstimate, type PromptFileCheck, type PromptFileProblem } from '../../src/core/promptFiles/checkPromptFile';
import { parsePromptFile, type SourceRange } from '../../src/core/promptFiles/parsePromptFile';
import { localImagePaths, resolveImageReference, shotRequest, variantRequests, type ShotContext } from '../../src/core/promptFiles/shotRequests';
import { wordProblem } from '../../src/host/problemWords';
import { MODELS } from './helpers/capturedModels';
import { l10n } from './helpers/fakeL10n';

const WORKSPACE = path.resolve('/work/space');
const CONTEXT: ShotContext = { models: MODELS, workspaceFolder: WORKSPACE };

function check(text: string, context: Partial<ShotContext> = {}): PromptFileCheck {
  return checkPromptFile(parsePromptFile(text), { ...CONTEXT, ...context });
}

/** `kind:code` of every problem, in order. */
function codes(result: PromptFileCheck): string[] {
  return result.problems.map((p) => (p.kind === 'request' ? `request:${p.problem.code}` : `${p.kind}:${p.code}`));
}

function textAt(text: string, range: SourceRange): string {
  const line = text.split('\n')[range.start.line] ?? '';
  return range.start.line === range.end.line ? line.slice(range.start.character, range.end.character) : line.slice(range.start.character);
}

function only(result: PromptFileCheck): PromptFileProblem {
  assert.equal(result.problems.length, 1, `one problem, got ${codes(result).join(', ')}`);
  return result.problems[0] as PromptFileProblem;
}

const file = (front: string, body = 'A lighthouse at dusk, waves crashing.'): string => `---\n${front}\n---\n${body}\n`;

describe('checkPromptFile', () => {
  it('finds nothing wrong with a file that fits its model, and prices it', () => {
    const result = check(file('model: google/veo-3.1-lite\nduration: 8\nresolution: 720p\naspect_ratio: "16:9"\ngenerate_audio: true\nseed: 42'));
    assert.deepEqual(codes(result), []);
    assert.equal(result.shots[0]?.estimate?.kind, 'estimate');
    assert.ok(shotIsReady(result, 0));
  });

  it('underlines a duration the model does not offer, in the validator’s words, with the nearest as the fix', () => {
    const text = file('model: google/veo-3.1-lite\nduration: 5');
    const problem = only(check(text));
    assert.equal(problem.kind, 'request');
    assert.ok(problem.kind === 'request');
    assert.equal(problem.problem.code, 'durationNotOffered');
    assert.equal(textAt(text, problem.range), '5');
    assert.equal(problem.replacement, '4');
    assert.match(wordProblem(l10n, problem.problem), /5 s/);
    assert.match(wordProblem(l10n, problem.problem), /4, 6 or 8/);
  });

  it('offers the nearest resolution, aspect ratio and size, keeping the writer’s quotes', () => {
    const resolution = only(check(file('model: google/veo-3.1-lite\nresolution: 4K')));
    assert.equal(resolution.replacement, '1080p');
    const ratio = only(check(file("model: google/veo-3.1-lite\naspect_ratio: '21:9'")));
    assert.equal(ratio.replacement, "'16:9'");
    const bare = only(check(file('model: google/veo-3.1-lite\naspect_ratio: 21:9')));
    assert.equal(bare.replacement, '"16:9"');
    assert.equal(nearestChoice('size', '1000x1000', ['1280x720', '1920x1080', '640x360']), '1280x720');
    assert.equal(nearestChoice('duration', 9, [4, 6, 8]), 8);
  });

  it('reports unknown keys at the key and values of the wrong type at the value', () => {
    const text = file('model: google/veo-3.1-lite\nnegative_prompt: blurry\nduration: 8s\ngenerate_audio: yes please\nseed: 1.5');
    const result = check(text);
    assert.deepEqual(codes(result), ['file:unknownKey', 'file:wrongType', 'file:wrongType', 'file:wrongType']);
    assert.equal(textAt(text, result.problems[0]?.range as SourceRange), 'negative_prompt');
    assert.deepEqual(
      result.problems.slice(1).map((p) => (p.kind === 'file' ? p.params?.expected : '')),
      ['number', 'trueOrFalse', 'wholeNumber'],
    );
    assert.equal(textAt(text, result.problems[1]?.range as SourceRange), '8s');
  });

  it('reports a missing model, and a model no longer in the catalogue', () => {
    assert.deepEqual(codes(check(file('duration: 8'))), ['file:modelMissing']);
    const text = file('model: openai/sora-2-pro');
    const gone = only(check(text));
    assert.ok(gone.kind === 'file');
    assert.equal(gone.code, 'modelUnknown');
    assert.equal(gone.params?.model, 'openai/sora-2-pro');
    assert.equal(textAt(text, gone.range), 'openai/sora-2-pro');
  });

  it('reports an empty prompt at the shot heading', () => {
    const text = '---\nmodel: google/veo-3.1-lite\n---\n## Silent\n\n## Spoken\nA voice.';
    const result = check(text);
    const problem = only(result);
    assert.ok(problem.kind === 'request');
    assert.equal(problem.problem.code, 'emptyPrompt');
    assert.equal(problem.range.start.line, 3);
    assert.deepEqual(problem.shots, [0]);
    assert.equal(shotIsReady(result, 0), false);
    assert.equal(shotIsReady(result, 1), true);
  });

  it('reports missing images, images outside the workspace, and a relative image with no folder', () => {
    const start = path.join(WORKSPACE, 'images/start.png');
    const end = path.join(WORKSPACE, 'images/end.png');
    const text = file('model: google/veo-3.1\nfirst_frame: images/start.png\nlast_frame: images/end.png');
    const parsed = parsePromptFile(text);
    assert.deepEqual(localImagePaths(parsed, WORKSPACE).sort(), [end, start].sort());
    const missing = only(check(text, { imageSizes: new Map([[start, 1000], [end, null]]) }));
    assert.ok(missing.kind === 'file');
    assert.equal(missing.code, 'imageMissing');
    assert.equal(textAt(text, missing.range), 'images/end.png');

    assert.deepEqual(codes(check(file('model: google/veo-3.1\nfirst_frame: ../secret.png'))), ['file:imageOutside']);
    assert.deepEqual(codes(check(file('model: google/veo-3.1\nfirst_frame: /etc/x.png'))), ['file:imageOutside']);
    assert.deepEqual(codes(check(file('model: google/veo-3.1\nfirst_frame: images/a.png'), { workspaceFolder: undefined })), ['file:imageNoFolder']);
    assert.deepEqual(resolveImageReference('https://example.com/a.png', undefined), { kind: 'url', url: 'https://example.com/a.png' });
  });

  it('reports images too large for the request limit', () => {
    const start = path.join(WORKSPACE, 'start.png');
    const result = check(file('model: google/veo-3.1\nfirst_frame: start.png'), { imageSizes: new Map([[start, 60 * 1024 * 1024]]) });
    assert.deepEqual(codes(result), ['request:bodyTooLarge']);
  });

  it('reports frame types, seeds, audio and provider options the model does not take, at their values', () => {
    const text = file('model: minimax/hailuo-2.3\nlast_frame: https://example.com/end.png\nseed: 3\ngenerate_audio: true\nprovider: { minimax: { watermark: false } }');
    assert.deepEqual(codes(check(text)), ['request:frameTypeNotTaken', 'request:seedNotTaken', 'request:audioUnavailable', 'request:providerOptionNotAccepted']);
    const problems = check(text).problems;
    assert.equal(textAt(text, problems[0]?.range as SourceRange), 'https://example.com/end.png');
    assert.equal(textAt(text, problems[3]?.range as SourceRange), '{ minimax: { watermark: false } }');
  });

  it('sends input_references to a model that takes them: workspace files and https URLs, in order, sized', () => {
    const png = path.join(WORKSPACE, 'images', 'style.png');
    const result = check(file('model: minimax/hailuo-3\nduration: 6\ninput_references: [images/style.png, https://example.com/look.jpg]'), { imageSizes: new Map([[png, 1234]]) });
    assert.deepEqual(codes(result), []);
    assert.deepEqual(result.shots[0]?.request?.inputReferences, [{ path: png, byteLength: 1234, mimeType: 'image/png' }, { path: 'https://example.com/look.jpg' }]);
    assert.deepEqual(localImagePaths(parsePromptFile(file('model: minimax/hailuo-3\ninput_references: [images/style.png, https://example.com/x.png]')), WORKSPACE), [png]);
    // One path on its own reads as a list of one.
    assert.deepEqual(check(file('model: minimax/hailuo-3\ninput_references: images/style.png')).shots[0]?.request?.inputReferences, [{ path: png, mimeType: 'image/png' }]);
  });

  it('refuses input_references a model does not take, one missing or outside the workspace, and one beside frame images', () => {
    const text = file('model: google/veo-3.1\ninput_references: [a.png]');
    const notTaken = only(check(text));
    assert.ok(notTaken.kind === 'request');
    assert.equal(notTaken.problem.code, 'referencesNotTaken');
    assert.equal(textAt(text, notTaken.range), '[a.png]');
    assert.deepEqual(codes(check(file('model: minimax/hailuo-3\ninput_references: [gone.png]'), { imageSizes: new Map([[path.join(WORKSPACE, 'gone.png'), null]]) })), ['file:imageMissing']);
    assert.deepEqual(codes(check(file('model: minimax/hailuo-3\ninput_references: [../x.png]'))), ['file:imageOutside']);
    assert.deepEqual(codes(check(file('model: minimax/hailuo-3\nfirst_frame: a.png\ninput_references: [b.png]'))), ['request:referencesWithFrames']);
  });

  it('refuses a bad output folder and a variants count out of range', () => {
    const output = only(check(file('model: google/veo-3.1\noutput: ../elsewhere')));
    assert.ok(output.kind === 'file');
    assert.equal(output.code, 'outputInvalid');
    assert.equal(output.params?.reason, 'outputFolderClimbs');
    assert.deepEqual(codes(check(file('model: google/veo-3.1\nvariants: 0'))), ['file:variantsRange']);
    assert.deepEqual(codes(check(file('model: google/veo-3.1\nvariants: 11'))), ['file:variantsRange']);
  });

  it('reports syntax problems for every shot', () => {
    const result = check('---\nmodel: [google/veo-3.1\n---\n## A\nx\n## B\ny');
    assert.equal(result.problems[0]?.kind, 'syntax');
    assert.deepEqual(result.problems[0]?.shots, [0, 1]);
  });

  it('applies shot overrides over the front matter, and reports a front-matter problem once for all shots', () => {
    const text = '---\nmodel: google/veo-3.1-lite\nduration: 5\n---\n## One\nA\n## Two\n```yaml\nduration: 6\n```\nB\n## Three\nC';
    const result = check(text);
    const problem = only(result);
    assert.deepEqual(problem.shots, [0, 2]);
    assert.equal(problem.range.start.line, 2);
    assert.equal(result.shots[1]?.request?.duration, 6);
    assert.equal(result.shots[1]?.estimate?.kind, 'estimate');
  });

  it('points an override’s problem at the override', () => {
    const text = '---\nmodel: google/veo-3.1-lite\nduration: 4\n---\n## One\n```yaml\nresolution: 4K\n```\nA';
    const problem = only(check(text));
    assert.equal(problem.range.start.line, 6);
    assert.equal(problem.replacement, '1080p');
  });

  it('makes one request per variant, with the next seed each time, and prices them all', () => {
    const parsed = parsePromptFile(file('model: google/veo-3.1-lite\nduration: 4\nresolution: 720p\nseed: 10\nvariants: 3'));
    const shot = shotRequest(parsed, parsed.shots[0]!, CONTEXT);
    assert.deepEqual(
      variantRequests(shot).map((r) => r.seed),
      [10, 11, 12],
    );
    const result = checkPromptFile(parsed, CONTEXT);
    const one = check(file('model: google/veo-3.1-lite\nduration: 4\nresolution: 720p\nseed: 10')).shots[0]?.estimate;
    assert.ok(one?.kind === 'estimate' && result.shots[0]?.estimate?.kind === 'estimate');
    assert.equal(result.shots[0].estimate.usd, Math.round(one.usd * 3 * 10_000) / 10_000);
    assert.deepEqual(totalEstimate([one, one]), { usd: Math.round(one.usd * 2 * 10_000) / 10_000 });
    assert.equal(totalEstimate([one, undefined]), undefined);
  });

  it('checks every model of the capture with its own defaults without a false alarm', () => {
    for (const m of MODELS) {
      const durations = m.supported_durations ?? [];
      const front = [`model: ${m.id}`, durations[0] !== undefined ? `duration: ${durations[0]}` : ''].filter(Boolean).join('\n');
      const result = check(file(front));
      const unexpected = result.problems.filter((p) => !(p.kind === 'request' && p.problem.code === 'editsVideo'));
      assert.deepEqual(unexpected, [], m.id);
    }
  });
});
