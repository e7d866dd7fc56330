/**
 * The Generate Video flow's pure parts: the draft kept on Escape, the prompt history, a model change that keeps
 * what still applies, and a draft turned into a prompt file that reads back as the same request.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { VideoRequest } from '../../src/core/api/videoRequest';
import { makeDraft, promptExcerpt, readDraft } from '../../src/core/drafts/generateDraft';
import { addToPromptHistory, PROMPT_HISTORY_LIMIT, readPromptHistory } from '../../src/core/drafts/promptHistory';
import { requestForModel } from '../../src/core/models/requestFromSettings';
import { parsePromptFile } from '../../src/core/promptFiles/parsePromptFile';
import { promptFileChange, promptFileFromRequest, promptFileSlug } from '../../src/core/promptFiles/promptFileFromRequest';
import { shotRequest } from '../../src/core/promptFiles/shotRequests';
import { MODELS, model } from './helpers/capturedModels';

const WORKSPACE = path.resolve('/work/space');
const PROMPT = 'A heron lifting off a misty lake at dawn';

describe('Generate Video draft', () => {
  it('keeps the prompt, the model and the request; nothing when there is nothing to keep', () => {
    assert.equal(makeDraft(undefined), undefined);
    assert.equal(makeDraft('   '), undefined);
    assert.deepEqual(makeDraft(PROMPT), { prompt: PROMPT });
    const request: VideoRequest = { model: 'google/veo-3.1', prompt: 'old', duration: 8, callbackUrl: 'https://x.example/hook', previousJobId: 'j' };
    assert.deepEqual(makeDraft(PROMPT, 'google/veo-3.1', request), { prompt: PROMPT, modelId: 'google/veo-3.1', request: { model: 'google/veo-3.1', prompt: PROMPT, duration: 8 } });
    // A model but no prompt yet (e.g. Escape in the prompt step of a flow started from the Models view).
    assert.deepEqual(makeDraft('', 'google/veo-3.1'), { modelId: 'google/veo-3.1' });
  });

  it('reads a stored draft back, and ignores what is not one', () => {
    const stored = JSON.parse(JSON.stringify(makeDraft(PROMPT, 'minimax/hailuo-3', { model: 'minimax/hailuo-3', inputReferences: [{ path: '/w/a.png' }], providerOptions: { minimax: { aigc_watermark: false } } })));
    assert.deepEqual(readDraft(stored), {
      prompt: PROMPT,
      modelId: 'minimax/hailuo-3',
      request: { model: 'minimax/hailuo-3', prompt: PROMPT, inputReferences: [{ path: '/w/a.png' }], providerOptions: { minimax: { aigc_watermark: false } } },
    });
    for (const junk of [undefined, null, 42, 'text', [], { prompt: 7 }, { request: { duration: 4 } }, {}]) assert.equal(readDraft(junk), undefined, JSON.stringify(junk));
  });

  it('shows a prompt on one line, cut with an ellipsis', () => {
    assert.equal(promptExcerpt('a\n  b'), 'a b');
    assert.equal(promptExcerpt('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
  });
});

describe('prompt history', () => {
  it('puts the newest first, once, trimmed, and keeps at most 50', () => {
    let history: string[] = [];
    history = addToPromptHistory(history, 'one');
    history = addToPromptHistory(history, ' two ');
    history = addToPromptHistory(history, 'one');
    history = addToPromptHistory(history, '   ');
    assert.deepEqual(history, ['one', 'two']);
    for (let i = 0; i < 60; i++) history = addToPromptHistory(history, `prompt ${i}`);
    assert.equal(history.length, PROMPT_HISTORY_LIMIT);
    assert.equal(history[0], 'prompt 59');
    assert.equal(history[49], 'prompt 10');
  });

  it('reads a stored history leniently', () => {
    assert.deepEqual(readPromptHistory(['a', 3, 'b', 'a', '', null]), ['a', 'b']);
    assert.deepEqual(readPromptHistory('a'), []);
    assert.deepEqual(readPromptHistory(undefined), []);
  });
});

describe('requestForModel: another model keeps what still applies', () => {
  it('keeps offered settings, frames of accepted types, references and allowed provider options; defaults the rest', () => {
    const previous: VideoRequest = {
      model: 'google/veo-3.1',
      prompt: PROMPT,
      duration: 8,
      resolution: '1080p',
      aspectRatio: '9:16',
      generateAudio: false,
      seed: 7,
      frames: [
        { frameType: 'first_frame', path: '/w/start.png' },
        { frameType: 'last_frame', path: '/w/end.png' },
      ],
      providerOptions: { 'google-vertex': { negativePrompt: 'blurry', enhancePrompt: true } },
    };
    // Hailuo 2.3: 6 or 10 s, 1080p, 16:9 only, no audio control, no seed, first frames only, its own options.
    assert.deepEqual(requestForModel(model('minimax/hailuo-2.3'), previous), {
      model: 'minimax/hailuo-2.3',
      prompt: PROMPT,
      duration: 6,
      resolution: '1080p',
      aspectRatio: '16:9',
      frames: [{ frameType: 'first_frame', path: '/w/start.png' }],
    });
    // Veo 3.1 Lite takes all of it.
    assert.deepEqual(requestForModel(model('google/veo-3.1-lite'), previous), { ...previous, model: 'google/veo-3.1-lite' });
    // Kling takes negative_prompt, not Veo's negativePrompt; references go to a model that takes them.
    const kling = requestForModel(model('kwaivgi/kling-v3.0-pro'), { ...previous, providerOptions: { x: { negative_prompt: 'blur', cfg_scale: 0.5, other: 1 } } });
    assert.deepEqual(kling.providerOptions, { kwaivgi: { negative_prompt: 'blur', cfg_scale: 0.5 } });
    const refs = { model: 'minimax/hailuo-3', prompt: PROMPT, inputReferences: [{ path: '/w/style.png' }] };
    assert.deepEqual(requestForModel(model('heygen/heygen-video-1'), refs).inputReferences, [{ path: '/w/style.png' }]);
    assert.equal(requestForModel(model('google/veo-3.1'), refs).inputReferences, undefined);
  });
});

describe('a draft as a prompt file', () => {
  it('writes the API key names and the prompt as the body, and reads back as the same request', () => {
    const request: VideoRequest = {
      model: 'minimax/hailuo-3',
      prompt: `${PROMPT}\n\nSlow motion, soft light.`,
      duration: 6,
      resolution: '2K',
      aspectRatio: '16:9',
      generateAudio: true,
      inputReferences: [{ path: path.join(WORKSPACE, 'images', 'style one.png') }, { path: 'https://example.com/look.jpg' }],
      providerOptions: { minimax: { aigc_watermark: false } },
    };
    const text = promptFileFromRequest(request, WORKSPACE);
    assert.equal(
      text,
      [
        '---',
        'model: minimax/hailuo-3',
        'duration: 6',
        'resolution: 2K',
        'aspect_ratio: "16:9"',
        'generate_audio: true',
        'input_references: ["images/style one.png", "https://example.com/look.jpg"]',
        'provider: {"minimax":{"aigc_watermark":false}}',
        '---',
        `${PROMPT}\n\nSlow motion, soft light.`,
        '',
      ].join('\n'),
    );
    const file = parsePromptFile(text);
    const read = shotRequest(file, file.shots[0]!, { models: MODELS, workspaceFolder: WORKSPACE });
    assert.deepEqual(read.problems, []);
    assert.deepEqual(read.request, {
      ...request,
      inputReferences: [{ path: path.join(WORKSPACE, 'images', 'style one.png'), mimeType: 'image/png' }, { path: 'https://example.com/look.jpg' }],
    });
  });

  it('writes frames by workspace path and seeds and sizes as numbers and strings', () => {
    const text = promptFileFromRequest(
      { model: 'google/veo-3.1', prompt: PROMPT, size: '1280x720', seed: 42, frames: [{ frameType: 'first_frame', path: path.join(WORKSPACE, 'start.png') }] },
      WORKSPACE,
    );
    assert.match(text, /^size: 1280x720$/m);
    assert.match(text, /^seed: 42$/m);
    assert.match(text, /^first_frame: start\.png$/m);
    const file = parsePromptFile(text);
    assert.deepEqual(shotRequest(file, file.shots[0]!, { models: MODELS, workspaceFolder: WORKSPACE }).request?.frames, [
      { frameType: 'first_frame', path: path.join(WORKSPACE, 'start.png'), mimeType: 'image/png' },
    ]);
  });

  it('says when a prompt file would not read back the prompt: a "## " line starts a shot, a comment is not sent', () => {
    assert.equal(promptFileChange(`${PROMPT}\n\nSlow motion, soft light.`), undefined);
    assert.equal(promptFileChange('A title card\n## Scene two\nThe heron lands'), 'splitsIntoShots');
    assert.equal(promptFileChange('## Only a heading line'), 'splitsIntoShots', 'one heading still makes a storyboard');
    assert.equal(promptFileChange('#hashtag and ### three hashes are text'), undefined);
    assert.equal(promptFileChange('Text\n```\n## inside a fence\n```'), undefined, 'a heading inside fenced code is text');
    assert.equal(promptFileChange('A heron <!-- not sent --> at dawn'), 'dropsComment');
    // The reading it guards: the heading line is gone from what the file sends.
    const file = parsePromptFile(promptFileFromRequest({ model: 'google/veo-3.1', prompt: 'A title card\n## Scene two\nThe heron lands' }));
    assert.deepEqual(file.shots.map((shot) => shot.prompt), ['The heron lands']);
  });

  it('names the file after the prompt’s first words', () => {
    assert.equal(promptFileSlug('A Heron, lifting off a misty lake at dawn — slowly!'), 'a-heron-lifting-off-a-misty-lake-at-dawn');
    assert.equal(promptFileSlug('Café crème'), 'cafe-creme');
    assert.equal(promptFileSlug('!!!'), 'video');
    assert.equal(promptFileSlug('x'.repeat(60)), 'x'.repeat(40));
  });
});
