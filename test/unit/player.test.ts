/**
 * The player's parts that run without VS Code: the webview page's Content-Security-Policy, the checks on
 * what the webview sends, the sidecar reader and the last frame saved beside the video.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { OpenRouterError } from '../../src/core/api/errors';
import { buildSidecar, rerunArgsFor, writeSidecar } from '../../src/core/download/sidecar';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import { framePathFor, lastFramePathFor, saveFrame, saveLastFrame } from '../../src/core/media/capturedFrame';
import { readSidecar, sidecarFacts } from '../../src/core/media/readSidecar';
import { playerCsp, playerHtml } from '../../src/host/player/playerHtml';
import { parseWebviewMessage } from '../../src/host/player/playerMessages';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
/** A 1×1 PNG. */
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('player: the webview page', () => {
  const html = playerHtml({ cspSource: CSP_SOURCE, scriptUris: [`${CSP_SOURCE}/ext/media/shared/mediaEvents.js`, `${CSP_SOURCE}/ext/media/player/player.js`], styleUri: `${CSP_SOURCE}/ext/media/player/player.css`, language: 'en', title: 'fox <1>.mp4', nonce: 'n0nce' });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'") ?? '';

  it("has a strict CSP: nothing by default, scripts by nonce only, no 'unsafe-inline' or 'unsafe-eval'", () => {
    assert.equal(csp, playerCsp(CSP_SOURCE, 'n0nce'));
    const directives = new Map(csp.split(';').map((d) => { const [name = '', ...values] = d.trim().split(/\s+/); return [name, values]; }));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), ["'nonce-n0nce'"]);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe-eval/);
    assert.ok(!directives.has('connect-src') && !directives.has('frame-src'), 'no fetch and no frames');
  });

  it('names no remote origin: only the webview resource origin (and data: images)', () => {
    const sources = csp.split(';').flatMap((d) => d.trim().split(/\s+/).slice(1));
    for (const source of sources) {
      assert.ok([CSP_SOURCE, "'none'", "'nonce-n0nce'", 'data:'].includes(source), `unexpected source ${source}`);
    }
    assert.doesNotMatch(csp, /\*|https?:(?!\/\/file\+\.vscode-resource)/, 'no wildcard and no other http(s) origin');
  });

  it('has no inline script or style, and loads its scripts with the nonce', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.deepEqual(
      scripts.map((s) => /src="([^"]+)"/.exec(s[1]!)?.[1]),
      [`${CSP_SOURCE}/ext/media/shared/mediaEvents.js`, `${CSP_SOURCE}/ext/media/player/player.js`],
      'the shared script first, then its own',
    );
    for (const [, attributes, body] of scripts) {
      assert.match(attributes!, /nonce="n0nce"/);
      assert.equal(body!.trim(), '', 'no inline code');
    }
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, 'no inline style or event handler attribute');
    assert.match(html, /<title>fox &lt;1&gt;\.mp4<\/title>/, 'the title is escaped');
  });

  it('makes a new nonce for every page', () => {
    const page = () => playerHtml({ cspSource: CSP_SOURCE, scriptUris: ['s'], styleUri: 'c', language: 'en', title: 't' });
    const nonce = (text: string) => /nonce-([^']+)'/.exec(text.replace(/&#39;/g, "'"))?.[1];
    assert.notEqual(nonce(page()), nonce(page()));
    assert.ok((nonce(page()) ?? '').length >= 16);
  });
});

describe('player: messages from the webview', () => {
  it('takes the known shapes and nothing else', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'action', action: 'extend' }), { type: 'action', action: 'extend' });
    assert.deepEqual(parseWebviewMessage({ type: 'action', action: 'useFrame' }), { type: 'action', action: 'useFrame' });
    assert.deepEqual(parseWebviewMessage({ type: 'action', action: 'openPromptFile' }), { type: 'action', action: 'openPromptFile' });
    assert.deepEqual(parseWebviewMessage({ type: 'frame', which: 'last', dataUrl: PNG, seconds: 3.95 }), { type: 'frame', which: 'last', dataUrl: PNG, seconds: 3.95 });
    assert.deepEqual(parseWebviewMessage({ type: 'frame', which: 'current', dataUrl: PNG, seconds: 0, extra: 1 }), { type: 'frame', which: 'current', dataUrl: PNG, seconds: 0 });
    assert.equal(parseWebviewMessage({ type: 'action', action: 'deleteEverything' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'frame', which: 'last', dataUrl: 42, seconds: 1 }), undefined);
    assert.equal(parseWebviewMessage({ type: 'frame', which: 'first', dataUrl: PNG, seconds: 1 }), undefined, 'an unknown frame choice');
    assert.equal(parseWebviewMessage({ type: 'frame', which: 'current', dataUrl: PNG, seconds: -1 }), undefined, 'a negative time');
    assert.equal(parseWebviewMessage({ type: 'frame', which: 'current', dataUrl: PNG, seconds: '1' }), undefined, 'a time that is not a number');
    assert.equal(parseWebviewMessage({ type: 'frame', which: 'current', dataUrl: PNG }), undefined, 'no time');
    assert.equal(parseWebviewMessage({ type: 'eval', code: '1' }), undefined);
    assert.equal(parseWebviewMessage('ready'), undefined);
    assert.equal(parseWebviewMessage(null), undefined);
    assert.equal((parseWebviewMessage({ type: 'frameFailed', which: 'last', detail: 'x'.repeat(10_000) }) as { detail: string }).detail.length, 500);
    assert.equal(parseWebviewMessage({ type: 'frameFailed', detail: 'no choice' }), undefined);
  });
});

describe('player: the sidecar and the last frame beside the video', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'player-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads what the sidecar says of a saved video', async () => {
    const video = path.join(dir, 'fox.mp4');
    const record: JobRecord = {
      clientId: 'c-1',
      jobId: 'Nxff2D1Z6w4Zk9iNuZam',
      request: { model: 'google/veo-3.1', prompt: 'A red fox', duration: 4, resolution: '720p', aspectRatio: '16:9', previousJobId: 'Prev' },
      modelName: 'Google: Veo 3.1',
      state: 'saved',
      history: [],
      createdAt: Date.UTC(2026, 11, 1, 12, 0, 0),
      submittedAt: Date.UTC(2026, 11, 1, 12, 0, 1),
      completedAt: Date.UTC(2026, 11, 1, 12, 1, 31),
      updatedAt: 0,
      estimatedCostUsd: 1.6,
      costUsd: 1.2,
      targetFolder: dir,
      outputs: [{ index: 0, file: video }],
      downloadAttempts: 1,
    };
    await writeSidecar(video, buildSidecar(record, record.outputs[0]!, '0.1.0'));
    const facts = await readSidecar(video);
    assert.equal(facts?.prompt, 'A red fox');
    assert.equal(facts?.modelId, 'google/veo-3.1');
    assert.equal(facts?.modelName, 'Google: Veo 3.1');
    assert.equal(facts?.jobId, 'Nxff2D1Z6w4Zk9iNuZam');
    assert.equal(facts?.actualUsd, 1.2);
    assert.equal(facts?.previousJobId, 'Prev');
    assert.equal(facts?.completedAt, '2026-12-01T12:01:31.000Z');
    assert.equal(facts?.rerun?.model, 'google/veo-3.1');
    assert.equal(await readSidecar(path.join(dir, 'none.mp4')), undefined);
    assert.equal(sidecarFacts({ format: 'something/else' }), undefined);
    assert.deepEqual(sidecarFacts({ format: 'openrouter-video/sidecar', request: { prompt: 7 }, cost: { actualUsd: 'free' } }), {});
  });

  it('reads the prompt file and shot a video came from, and only a well-formed one', async () => {
    const video = path.join(dir, 'harbour.mp4');
    const record: JobRecord = {
      clientId: 'c-2',
      request: { model: 'google/veo-3.1-lite', prompt: 'A harbour at dawn' },
      state: 'saved',
      history: [],
      createdAt: 0,
      updatedAt: 0,
      targetFolder: dir,
      outputs: [{ index: 0, file: video }],
      downloadAttempts: 1,
      source: { promptFile: 'prompts/storyboard.video.md', shot: 1, shotName: 'Lighthouse' },
    };
    await writeSidecar(video, buildSidecar(record, record.outputs[0]!, '0.1.0'));
    assert.deepEqual((await readSidecar(video))?.source, { promptFile: 'prompts/storyboard.video.md', shot: 1, shotName: 'Lighthouse' });
    const base = { format: 'openrouter-video/sidecar' };
    assert.deepEqual(sidecarFacts({ ...base, source: { promptFile: 'a.video.md', shot: 0 } })?.source, { promptFile: 'a.video.md', shot: 0 });
    assert.equal(sidecarFacts({ ...base, source: { promptFile: 'a.video.md' } })?.source, undefined, 'no shot');
    assert.equal(sidecarFacts({ ...base, source: { promptFile: 'a.video.md', shot: 1.5 } })?.source, undefined, 'a shot that is not a position');
    assert.equal(sidecarFacts({ ...base, source: { promptFile: 'a.video.md', shot: -1 } })?.source, undefined);
    assert.equal(sidecarFacts({ ...base, source: { shot: 0 } })?.source, undefined, 'no prompt file');
    assert.equal(sidecarFacts({ ...base, source: 'a.video.md' })?.source, undefined);
  });

  it("Run Again with Changes without a sidecar: the record's request as the sidecar's rerun would say it", () => {
    const root = path.join(dir, 'ws');
    const request = {
      model: 'google/veo-3.1-lite',
      prompt: 'A kite',
      duration: 4,
      aspectRatio: '16:9',
      generateAudio: false,
      seed: 7,
      frames: [
        { frameType: 'first_frame' as const, path: path.join(root, 'images', 'still.png') },
        { frameType: 'last_frame' as const, path: path.join(dir, 'outside.png') },
      ],
    };
    assert.deepEqual(rerunArgsFor(request, root), {
      model: 'google/veo-3.1-lite',
      prompt: 'A kite',
      duration: 4,
      aspectRatio: '16:9',
      generateAudio: false,
      seed: 7,
      firstFrame: 'images/still.png',
      lastFrame: 'outside.png',
    });
    const record = { clientId: 'c', request, state: 'saved', history: [], createdAt: 0, updatedAt: 0, targetFolder: root, outputs: [{ index: 0 }], downloadAttempts: 0 } as JobRecord;
    assert.deepEqual(buildSidecar(record, record.outputs[0]!, '0.1.0', root).rerun, rerunArgsFor(request, root), 'the same as the sidecar writes');
    assert.deepEqual(rerunArgsFor({ model: 'm' }), { model: 'm' });
  });

  it('saves the captured frame as <video>.last.png, replacing an earlier one', async () => {
    const video = path.join(dir, 'fox.mp4');
    const saved = await saveLastFrame(video, PNG);
    assert.equal(saved, lastFramePathFor(video));
    assert.equal(path.basename(saved), 'fox.mp4.last.png');
    assert.deepEqual(await fs.readFile(saved), Buffer.from(PNG.split(',')[1]!, 'base64'));
    await saveLastFrame(video, PNG);
    assert.deepEqual((await fs.readdir(dir)).sort(), ['fox.mp4.last.png']);
  });

  it('names the frame on screen <video>.frame-<seconds>.png, to the hundredth of a second', () => {
    const video = path.join(dir, 'fox.mp4');
    assert.equal(path.basename(framePathFor(video, 1.5)), 'fox.mp4.frame-1.5.png');
    assert.equal(path.basename(framePathFor(video, 2)), 'fox.mp4.frame-2.png');
    assert.equal(path.basename(framePathFor(video, 0)), 'fox.mp4.frame-0.png');
    assert.equal(path.basename(framePathFor(video, 10.004)), 'fox.mp4.frame-10.png');
    assert.equal(path.basename(framePathFor(video, 1 / 24)), 'fox.mp4.frame-0.04.png');
    assert.notEqual(framePathFor(video, 1 / 24), framePathFor(video, 2 / 24), 'two frames a frame apart');
    assert.equal(path.basename(framePathFor(video, Number.NaN)), 'fox.mp4.frame-0.png');
    assert.equal(path.dirname(framePathFor(video, 3)), dir, 'beside the video');
  });

  it('saves the frame on screen under its own name, beside the last frame', async () => {
    const video = path.join(dir, 'fox.mp4');
    await saveLastFrame(video, PNG);
    const saved = await saveFrame(framePathFor(video, 1.25), PNG);
    assert.equal(saved, path.join(dir, 'fox.mp4.frame-1.25.png'));
    await saveFrame(framePathFor(video, 1.25), PNG);
    assert.deepEqual((await fs.readdir(dir)).sort(), ['fox.mp4.frame-1.25.png', 'fox.mp4.last.png']);
  });

  it('refuses anything that is not a PNG data URL, writing nothing', async () => {
    const video = path.join(dir, 'fox.mp4');
    for (const bad of ['data:image/jpeg;base64,/9j/4AAQ', `data:image/png;base64,${Buffer.from('not a png at all').toString('base64')}`, 'https://example.com/x.png', 'data:image/png;base64,@@@']) {
      await assert.rejects(saveLastFrame(video, bad), (e: unknown) => OpenRouterError.is(e, 'badContent') && e.reason === 'notAPng');
    }
    assert.deepEqual(await fs.readdir(dir), []);
  });
});
