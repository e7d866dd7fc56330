/**
 * The gallery's parts that run without VS Code: its entries from job records and sidecars, the filter, takes
 * grouped side by side, the poster cache (key, JPEG check, files in a temp folder), the webview page's
 * Content-Security-Policy and the checks on what the webview sends.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { galleryEntries, type GalleryEntry, type SavedFileFacts } from '../../src/core/gallery/galleryEntry';
import { filterEntries, modelsOf } from '../../src/core/gallery/galleryFilter';
import { isPosterKey, posterKey } from '../../src/core/gallery/posterKey';
import { promptLine } from '../../src/core/gallery/promptLine';
import { groupTakes, takeKey } from '../../src/core/gallery/takeGroups';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import { sidecarFacts } from '../../src/core/media/readSidecar';
import { galleryCsp, galleryHtml } from '../../src/host/gallery/galleryHtml';
import { parseGalleryMessage } from '../../src/host/gallery/galleryMessages';
import { jpegFromDataUrl, MAX_POSTER_BYTES, PosterCache } from '../../src/host/gallery/posterCache';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
/** The start of a JPEG (SOI and an APP0 marker) and some bytes: what the check looks at. */
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
const JPEG_URL = `data:image/jpeg;base64,${JPEG.toString('base64')}`;
const DIR = path.resolve('/videos');

function record(clientId: string, patch: Partial<JobRecord> & { prompt?: string; model?: string; files?: string[] }): JobRecord {
  const { prompt, model, files, ...rest } = patch;
  return {
    clientId,
    request: { model: model ?? 'google/veo-3.1-lite', ...(prompt !== undefined ? { prompt } : {}) },
    state: 'saved',
    history: [],
    createdAt: 0,
    updatedAt: 0,
    targetFolder: DIR,
    outputs: (files ?? [`${clientId}.mp4`]).map((f, index) => ({ index, file: path.join(DIR, f), savedAt: 1000 + index })),
    downloadAttempts: 1,
    ...rest,
  };
}

function entry(id: string, at: number, patch: Partial<GalleryEntry> = {}): GalleryEntry {
  return { id: `${id}#0`, clientId: id, file: path.join(DIR, `${id}.mp4`), size: 1, mtimeMs: 1, costEstimated: false, at, ...patch };
}

const onDisk = (files: Record<string, SavedFileFacts>) => (file: string) => files[path.basename(file)];

describe('gallery: entries from the job store and sidecars', () => {
  it('lists each saved output on disk, newest first, with prompt, model, cost and date', () => {
    const records = [
      record('old', { prompt: 'A fox', modelName: 'Google: Veo 3.1 Lite', costUsd: 0.4, outputs: [{ index: 0, file: path.join(DIR, 'old.mp4'), savedAt: 100 }] }),
      record('new', { prompt: 'A heron', estimatedCostUsd: 0.2, outputs: [{ index: 0, file: path.join(DIR, 'new.mp4'), savedAt: 200 }] }),
      record('two', { prompt: 'Rain', completedAt: 50, outputs: [{ index: 0, file: path.join(DIR, 'two-1.mp4') }, { index: 1, file: path.join(DIR, 'two-2.mp4') }] }),
      record('running', { prompt: 'Still going', state: 'in_progress', outputs: [] }),
      record('gone', { prompt: 'Moved away' }),
    ];
    const entries = galleryEntries(records, onDisk({ 'old.mp4': { size: 10, mtimeMs: 5 }, 'new.mp4': { size: 20, mtimeMs: 6 }, 'two-1.mp4': { size: 1, mtimeMs: 1 }, 'two-2.mp4': { size: 1, mtimeMs: 1 } }));
    assert.deepEqual(entries.map((e) => e.id), ['new#0', 'old#0', 'two#0', 'two#1']);
    const [heron, fox] = entries;
    assert.deepEqual(
      { prompt: fox!.prompt, modelId: fox!.modelId, modelName: fox!.modelName, costUsd: fox!.costUsd, costEstimated: fox!.costEstimated, at: fox!.at, size: fox!.size },
      { prompt: 'A fox', modelId: 'google/veo-3.1-lite', modelName: 'Google: Veo 3.1 Lite', costUsd: 0.4, costEstimated: false, at: 100, size: 10 },
    );
    assert.equal(heron!.costUsd, 0.2);
    assert.equal(heron!.costEstimated, true, 'an estimate is marked as one');
    assert.equal(heron!.file, path.join(DIR, 'new.mp4'));
  });

  it('fills what the record lacks from the sidecar, and takes its prompt-file source', () => {
    const sidecar = sidecarFacts({
      format: 'openrouter-video/sidecar',
      model: { id: 'kling/v2', name: 'Kling 2' },
      request: { prompt: 'From the sidecar' },
      cost: { actualUsd: 1.25 },
      completedAt: '2026-12-01T12:00:00.000Z',
      source: { promptFile: 'prompts/story.video.md', shot: 2, shotName: 'The harbour' },
    });
    assert.deepEqual(sidecar?.source, { promptFile: 'prompts/story.video.md', shot: 2, shotName: 'The harbour' });
    assert.equal(sidecarFacts({ format: 'openrouter-video/sidecar', source: { promptFile: 7, shot: 1 } })?.source, undefined, 'a malformed source is left out');
    const bare = record('c', { model: '', outputs: [{ index: 0, file: path.join(DIR, 'c.mp4') }] });
    const [e] = galleryEntries([bare], onDisk({ 'c.mp4': { size: 1, mtimeMs: 9, sidecar: sidecar! } }));
    assert.equal(e!.prompt, 'From the sidecar');
    assert.equal(e!.modelId, 'kling/v2');
    assert.equal(e!.modelName, 'Kling 2');
    assert.equal(e!.costUsd, 1.25);
    assert.equal(e!.at, Date.parse('2026-12-01T12:00:00.000Z'));
    assert.deepEqual(e!.source, { promptFile: 'prompts/story.video.md', shot: 2, shotName: 'The harbour' });
  });
});

describe('gallery: filter and models', () => {
  const entries = [
    entry('a', 3, { prompt: 'A red fox runs through snow', modelId: 'google/veo-3.1', modelName: 'Veo 3.1' }),
    entry('b', 2, { prompt: 'A heron in the reeds', modelId: 'kling/v2' }),
    entry('c', 1, { prompt: 'Snowy mountains', modelId: 'google/veo-3.1', source: { promptFile: 'trip.video.md', shot: 0, shotName: 'Harbour' } }),
  ];

  it('keeps entries whose prompt has every word, in any case', () => {
    assert.deepEqual(filterEntries(entries, { text: 'SNOW' }).map((e) => e.clientId), ['a', 'c']);
    assert.deepEqual(filterEntries(entries, { text: 'fox snow' }).map((e) => e.clientId), ['a']);
    assert.deepEqual(filterEntries(entries, { text: '  ' }).map((e) => e.clientId), ['a', 'b', 'c']);
    assert.deepEqual(filterEntries(entries, { text: 'harbour' }).map((e) => e.clientId), ['c'], 'the shot name counts');
    assert.deepEqual(filterEntries(entries, { text: 'whale' }), []);
  });

  it('keeps one model, and combines with the text', () => {
    assert.deepEqual(filterEntries(entries, { model: 'google/veo-3.1' }).map((e) => e.clientId), ['a', 'c']);
    assert.deepEqual(filterEntries(entries, { model: 'google/veo-3.1', text: 'mountains' }).map((e) => e.clientId), ['c']);
    assert.deepEqual(filterEntries(entries, { model: '' }).length, 3, 'an empty model is all models');
  });

  it('lists the models present, by name, with how many videos each made', () => {
    assert.deepEqual(modelsOf(entries), [
      { id: 'kling/v2', name: 'kling/v2', count: 1 },
      { id: 'google/veo-3.1', name: 'Veo 3.1', count: 2 },
    ]);
  });
});

describe('gallery: takes side by side', () => {
  it('groups the same prompt on the same model, and the same prompt-file shot, newest group first', () => {
    const entries = [
      entry('fox1', 1, { prompt: 'A red fox', modelId: 'm1' }),
      entry('fox2', 5, { prompt: '  A red\nfox ', modelId: 'm1' }),
      entry('fox-other-model', 4, { prompt: 'A red fox', modelId: 'm2' }),
      entry('shot-a', 3, { prompt: 'Harbour at dawn', modelId: 'm1', source: { promptFile: 'trip.video.md', shot: 1 } }),
      entry('shot-b', 6, { prompt: 'Harbour at dawn, edited', modelId: 'm2', source: { promptFile: 'trip.video.md', shot: 1 } }),
      entry('other-shot', 2, { prompt: 'Harbour at dawn', modelId: 'm1', source: { promptFile: 'trip.video.md', shot: 2 } }),
      entry('no-prompt-1', 0),
      entry('no-prompt-2', 0.5),
    ];
    const groups = groupTakes(entries);
    assert.deepEqual(
      groups.map((g) => g.entries.map((e) => e.clientId)),
      [['shot-b', 'shot-a'], ['fox2', 'fox1'], ['fox-other-model'], ['other-shot'], ['no-prompt-2'], ['no-prompt-1']],
    );
    assert.equal(takeKey(entries[0]!), takeKey(entries[1]!), 'whitespace in the prompt does not count');
    assert.notEqual(takeKey(entries[0]!), takeKey(entries[2]!));
    assert.deepEqual(groupTakes([]), []);
  });

  it('shortens a prompt to one line, at a word', () => {
    assert.equal(promptLine('  A red\n fox  ', 40), 'A red fox');
    assert.equal(promptLine('A red fox runs through the snow at dawn', 20), 'A red fox runs…');
    assert.equal(promptLine('x'.repeat(30), 10), `${'x'.repeat(9)}…`);
  });
});

describe('gallery: the poster cache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gallery-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('keys a poster by the video path, size and mtime', () => {
    const key = posterKey('/w/videos/fox.mp4', 1000, 1733000000000.5);
    assert.ok(isPosterKey(key));
    assert.equal(key, posterKey('/w/videos/../videos/fox.mp4', 1000, 1733000000000.9), 'the same file and times');
    assert.notEqual(key, posterKey('/w/videos/fox.mp4', 1001, 1733000000000));
    assert.notEqual(key, posterKey('/w/videos/fox.mp4', 1000, 1733000001000));
    assert.notEqual(key, posterKey('/w/videos/heron.mp4', 1000, 1733000000000));
    assert.doesNotMatch(key, /fox|videos/, 'no path in the name');
    assert.equal(isPosterKey('../../x'), false);
    assert.equal(isPosterKey(42), false);
  });

  it('takes only JPEG data URLs of a bounded size', () => {
    assert.deepEqual(jpegFromDataUrl(JPEG_URL), JPEG);
    assert.equal(jpegFromDataUrl(`data:image/png;base64,${JPEG.toString('base64')}`), undefined);
    assert.equal(jpegFromDataUrl(`data:image/jpeg;base64,${Buffer.from('<svg onload=alert(1)>').toString('base64')}`), undefined);
    assert.equal(jpegFromDataUrl('data:image/jpeg;base64,not base64!'), undefined);
    const huge = Buffer.concat([JPEG, Buffer.alloc(MAX_POSTER_BYTES)]);
    assert.equal(jpegFromDataUrl(`data:image/jpeg;base64,${huge.toString('base64')}`), undefined);
  });

  it('writes a poster once into its folder and finds it again, also from a new cache on the same folder', async () => {
    const folder = path.join(dir, 'gallery-posters');
    const cache = new PosterCache(folder);
    const key = posterKey('/w/videos/fox.mp4', 1, 2);
    assert.equal(await cache.find(key), undefined);
    const saved = await cache.save(key, JPEG_URL);
    assert.equal(saved, path.join(folder, `${key}.jpg`));
    assert.deepEqual(await fs.readFile(saved), JPEG);
    assert.equal(await cache.find(key), saved);
    assert.equal(await new PosterCache(folder).find(key), saved, 'read back from the folder');
    assert.deepEqual(await fs.readdir(folder), [`${key}.jpg`], 'no temporary file left');
    assert.equal(await cache.save(key, 'data:text/html;base64,PGI+'), undefined);
    assert.equal(await cache.save('../escape', JPEG_URL), undefined, 'a key of another shape is refused');
    assert.equal(await cache.find('../escape'), undefined);
  });

  it('removes the posters no video shown uses any more, and only those', async () => {
    const folder = path.join(dir, 'gallery-posters');
    const cache = new PosterCache(folder);
    const [fox, owl, owlAgain] = [posterKey('/w/videos/fox.mp4', 1, 2), posterKey('/w/videos/owl.mp4', 1, 2), posterKey('/w/videos/owl.mp4', 1, 3)];
    for (const key of [fox, owl, owlAgain]) await cache.save(key, JPEG_URL);
    await fs.writeFile(path.join(folder, 'notes.txt'), 'not a poster');
    // The fox's job left the store; the owl was downloaded again (a new mtime, so a new key).
    assert.equal(await cache.prune(new Set([owlAgain])), 2);
    assert.deepEqual((await fs.readdir(folder)).sort(), [`${owlAgain}.jpg`, 'notes.txt'].sort());
    assert.equal(await cache.find(fox), undefined);
    assert.equal(await cache.find(owlAgain), path.join(folder, `${owlAgain}.jpg`));
    assert.equal(await cache.prune(new Set([owlAgain])), 0, 'nothing more to remove');
    assert.equal(await new PosterCache(path.join(dir, 'missing')).prune(new Set()), 0, 'a folder not made yet');
  });
});

describe('gallery: the webview page', () => {
  const html = galleryHtml({ cspSource: CSP_SOURCE, scriptUris: [`${CSP_SOURCE}/ext/media/shared/mediaEvents.js`, `${CSP_SOURCE}/ext/media/gallery/gallery.js`], styleUri: `${CSP_SOURCE}/ext/media/gallery/gallery.css`, language: 'en', nonce: 'n0nce' });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'") ?? '';

  it("has a strict CSP: nothing by default, scripts by nonce only, no 'unsafe-inline' or 'unsafe-eval'", () => {
    assert.equal(csp, galleryCsp(CSP_SOURCE, 'n0nce'));
    const directives = new Map(csp.split(';').map((d) => { const [name = '', ...values] = d.trim().split(/\s+/); return [name, values]; }));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), ["'nonce-n0nce'"]);
    assert.deepEqual(directives.get('img-src'), [CSP_SOURCE], 'posters only from the cache folder, not data: URLs');
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe-eval/);
    assert.ok(!directives.has('connect-src') && !directives.has('frame-src'), 'no fetch and no frames');
  });

  it('names no remote origin: only the webview resource origin', () => {
    const sources = csp.split(';').flatMap((d) => d.trim().split(/\s+/).slice(1));
    for (const source of sources) assert.ok([CSP_SOURCE, "'none'", "'nonce-n0nce'"].includes(source), `unexpected source ${source}`);
    assert.doesNotMatch(csp, /\*|data:|blob:|https?:(?!\/\/file\+\.vscode-resource)/, 'no wildcard, no data: or blob:, no other http(s) origin');
  });

  it('has no inline script or style, and loads its scripts with the nonce', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.deepEqual(
      scripts.map((s) => /src="([^"]+)"/.exec(s[1]!)?.[1]),
      [`${CSP_SOURCE}/ext/media/shared/mediaEvents.js`, `${CSP_SOURCE}/ext/media/gallery/gallery.js`],
      'the shared script first, then its own',
    );
    for (const [, attributes, body] of scripts) {
      assert.match(attributes!, /nonce="n0nce"/);
      assert.equal(body!.trim(), '', 'no inline code');
    }
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, 'no inline style or event handler attribute');
  });

  it('makes a new nonce for every page', () => {
    const page = () => galleryHtml({ cspSource: CSP_SOURCE, scriptUris: ['s'], styleUri: 'c', language: 'en' });
    const nonce = (text: string) => /nonce-([^']+)'/.exec(text.replace(/&#39;/g, "'"))?.[1];
    assert.notEqual(nonce(page()), nonce(page()));
  });

  it('the webview script and style use no inline code, eval or remote URLs', async () => {
    const root = path.join(__dirname, '../../../media/gallery');
    const script = await fs.readFile(path.join(root, 'gallery.js'), 'utf8');
    const style = await fs.readFile(path.join(root, 'gallery.css'), 'utf8');
    assert.doesNotMatch(script, /\beval\(|new Function|innerHTML|insertAdjacentHTML|document\.write|setAttribute\('style'|\.style\./, 'DOM built with textContent and classes only');
    assert.doesNotMatch(script + style, /https?:\/\//, 'nothing remote');
  });
});

describe('gallery: messages from the webview', () => {
  const key = posterKey('/w/fox.mp4', 1, 1);
  it('takes the known shapes and nothing else', () => {
    assert.deepEqual(parseGalleryMessage({ type: 'ready', text: 'fox', model: 'm' }), { type: 'ready', text: 'fox', model: 'm' });
    assert.deepEqual(parseGalleryMessage({ type: 'filter', text: 7 }), { type: 'filter', text: '', model: '' });
    assert.deepEqual(parseGalleryMessage({ type: 'open', id: 'c#0' }), { type: 'open', id: 'c#0' });
    assert.deepEqual(parseGalleryMessage({ type: 'generate' }), { type: 'generate' });
    assert.deepEqual(parseGalleryMessage({ type: 'poster', key, dataUrl: JPEG_URL }), { type: 'poster', key, dataUrl: JPEG_URL });
    assert.equal(parseGalleryMessage({ type: 'poster', key: '../../x', dataUrl: JPEG_URL }), undefined);
    assert.equal(parseGalleryMessage({ type: 'open', id: 42 }), undefined);
    assert.equal(parseGalleryMessage({ type: 'eval', code: '1' }), undefined);
    assert.equal(parseGalleryMessage(null), undefined);
    assert.equal((parseGalleryMessage({ type: 'posterFailed', key, detail: 'x'.repeat(10_000) }) as { detail: string }).detail.length, 500);
  });
});
