/**
 * The player's parts that run without VS Code: the webview page's Content-Security-Policy, the checks on
 * what the webview sends, the sidecar reader and the last frame saved beside the video.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { OpenRouterError } from '../../src/core/api/errors';
import { buildSidecar, writeSidecar } from '../../src/core/download/sidecar';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import { lastFramePathFor, saveLastFrame } from '../../src/core/media/lastFrame';
import { readSidecar, sidecarFacts } from '../../src/core/media/readSidecar';
import { playerCsp, playerHtml } from '../../src/host/player/playerHtml';
import { parseWebviewMessage } from '../../src/host/player/playerMessages';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
/** A 1×1 PNG. */
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('player: the webview page', () => {
  const html = playerHtml({ cspSource: CSP_SOURCE, scriptUri: `${CSP_SOURCE}/ext/media/player/player.js`, styleUri: `${CSP_SOURCE}/ext/media/player/player.css`, language: 'en', title: 'fox <1>.mp4', nonce: 'n0nce' });
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

  it('has no inline script or style, and loads its script with the nonce', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]![1]!, /nonce="n0nce"/);
    assert.match(scripts[0]![1]!, /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/media\/player\/player\.js"/);
    assert.equal(scripts[0]![2]!.trim(), '', 'no inline code');
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, 'no inline style or event handler attribute');
    assert.match(html, /<title>fox &lt;1&gt;\.mp4<\/title>/, 'the title is escaped');
  });

  it('makes a new nonce for every page', () => {
    const page = () => playerHtml({ cspSource: CSP_SOURCE, scriptUri: 's', styleUri: 'c', language: 'en', title: 't' });
    const nonce = (text: string) => /nonce-([^']+)'/.exec(text.replace(/&#39;/g, "'"))?.[1];
    assert.notEqual(nonce(page()), nonce(page()));
    assert.ok((nonce(page()) ?? '').length >= 16);
  });
});

describe('player: messages from the webview', () => {
  it('takes the known shapes and nothing else', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'action', action: 'extend' }), { type: 'action', action: 'extend' });
    assert.deepEqual(parseWebviewMessage({ type: 'lastFrame', dataUrl: PNG }), { type: 'lastFrame', dataUrl: PNG });
    assert.equal(parseWebviewMessage({ type: 'action', action: 'deleteEverything' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'lastFrame', dataUrl: 42 }), undefined);
    assert.equal(parseWebviewMessage({ type: 'eval', code: '1' }), undefined);
    assert.equal(parseWebviewMessage('ready'), undefined);
    assert.equal(parseWebviewMessage(null), undefined);
    assert.equal((parseWebviewMessage({ type: 'lastFrameFailed', detail: 'x'.repeat(10_000) }) as { detail: string }).detail.length, 500);
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

  it('saves the captured frame as <video>.last.png, replacing an earlier one', async () => {
    const video = path.join(dir, 'fox.mp4');
    const saved = await saveLastFrame(video, PNG);
    assert.equal(saved, lastFramePathFor(video));
    assert.equal(path.basename(saved), 'fox.mp4.last.png');
    assert.deepEqual(await fs.readFile(saved), Buffer.from(PNG.split(',')[1]!, 'base64'));
    await saveLastFrame(video, PNG);
    assert.deepEqual((await fs.readdir(dir)).sort(), ['fox.mp4.last.png']);
  });

  it('refuses anything that is not a PNG data URL, writing nothing', async () => {
    const video = path.join(dir, 'fox.mp4');
    for (const bad of ['data:image/jpeg;base64,/9j/4AAQ', `data:image/png;base64,${Buffer.from('not a png at all').toString('base64')}`, 'https://example.com/x.png', 'data:image/png;base64,@@@']) {
      await assert.rejects(saveLastFrame(video, bad), (e: unknown) => OpenRouterError.is(e, 'badContent') && e.reason === 'notAPng');
    }
    assert.deepEqual(await fs.readdir(dir), []);
  });
});
