import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadWithCodeCache } from '../../src/codeCache';

interface Bundle {
  answer(): string;
  sibling: string;
  filename: string;
}

/**
 * One load in a fresh process, as at a start of VS Code: within one process V8 keeps compiled scripts in memory
 * and would not even look at the cache file.
 */
function loadInFreshProcess(file: string, cacheDir: string, save = true): { compiledWith: string; answer: string } {
  const script = `
    const { loadWithCodeCache } = require(${JSON.stringify(require.resolve('../../src/codeCache'))});
    const loaded = loadWithCodeCache(process.argv[1], process.argv[2]);
    const out = { compiledWith: loaded.compiledWith, answer: loaded.exports.answer() };
    (process.argv[3] === 'save' ? loaded.saveCache() : Promise.resolve()).then(() => process.stdout.write(JSON.stringify(out)));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script, file, cacheDir, save ? 'save' : 'no'], { encoding: 'utf8' })) as {
    compiledWith: string;
    answer: string;
  };
}

describe('loadWithCodeCache (the composition bundle, compiled with a V8 code cache)', () => {
  let dir: string;
  let file: string;
  let cacheDir: string;

  const source = (answer: string) =>
    `"use strict";\nconst sibling = require('./sibling.js');\nmodule.exports = { answer() { return ${JSON.stringify(answer)}; }, sibling, filename: __filename };\n`;
  const cacheFiles = () => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).sort() : []);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orv-codecache-'));
    file = path.join(dir, 'bundle.js');
    cacheDir = path.join(dir, 'storage', 'code-cache');
    fs.writeFileSync(path.join(dir, 'sibling.js'), 'module.exports = "next to it";\n');
    fs.writeFileSync(file, source('first'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs the file as CommonJS (its own require, __filename) and writes its cache when asked, no temporary left', async () => {
    const first = loadWithCodeCache<Bundle>(file, cacheDir);
    assert.equal(first.compiledWith, 'source');
    assert.equal(first.exports.answer(), 'first');
    assert.equal(first.exports.sibling, 'next to it');
    assert.equal(first.exports.filename, file);
    assert.deepEqual(cacheFiles(), [], 'nothing written before saveCache()');
    await first.saveCache();
    assert.equal(cacheFiles().length, 1);
    assert.match(cacheFiles()[0]!, /^bundle\.js\.\d+-\d+-\d+-\d+-.+\.bin$/);
    assert.ok(fs.statSync(path.join(cacheDir, cacheFiles()[0]!)).size > 0);
    assert.ok(!cacheFiles().some((f) => f.endsWith('.tmp')));
  });

  it('in fresh processes: compiled from the source, then from the cache it wrote', () => {
    assert.deepEqual(loadInFreshProcess(file, cacheDir), { compiledWith: 'source', answer: 'first' });
    assert.equal(cacheFiles().length, 1);
    assert.deepEqual(loadInFreshProcess(file, cacheDir), { compiledWith: 'cache', answer: 'first' });
    assert.equal(cacheFiles().length, 1);
  });

  it('a bundle it requires by a name in alsoCached (the HTTP client) is loaded through a cache of its own, used by the next process; required twice, it is one module', () => {
    fs.writeFileSync(path.join(dir, 'dep.js'), '"use strict";\nmodule.exports = { made: Math.random() };\n');
    fs.writeFileSync(
      file,
      '"use strict";\nconst a = require("./dep.js");\nconst b = require("./dep.js");\nconst sibling = require("./sibling.js");\n' +
        'module.exports = { answer() { return String(a === b) + " / " + sibling; } };\n',
    );
    const script = `
      const { loadWithCodeCache } = require(${JSON.stringify(require.resolve('../../src/codeCache'))});
      const deps = [];
      const loaded = loadWithCodeCache(process.argv[1], process.argv[2], { alsoCached: ['./dep.js'], onLoaded: (d, request) => deps.push([request, d]) });
      Promise.all([loaded.saveCache(), ...deps.map(([, d]) => d.saveCache())]).then(() =>
        process.stdout.write(JSON.stringify({ answer: loaded.exports.answer(), deps: deps.map(([request, d]) => [request, d.compiledWith]) })));`;
    const run = () => JSON.parse(execFileSync(process.execPath, ['-e', script, file, cacheDir], { encoding: 'utf8' })) as { answer: string; deps: string[][] };
    const first = run();
    assert.equal(first.answer, 'true / next to it', 'one module object for both requires; other requires as usual');
    assert.deepEqual(first.deps, [['./dep.js', 'source']]);
    assert.deepEqual(
      cacheFiles().map((f) => f.replace(/\..*$/, '')),
      ['bundle', 'dep'],
    );
    const second = run();
    assert.equal(second.answer, 'true / next to it');
    assert.deepEqual(second.deps, [['./dep.js', 'cache']]);
  });

  it('never runs stale code: a changed file of the same length gets a new cache, and the old one is removed', () => {
    loadInFreshProcess(file, cacheDir);
    const old = cacheFiles();
    // Same length, other content, and the old modification time put back (as some installers do): V8 on its own
    // would check only the length.
    const { atimeMs, mtimeMs } = fs.statSync(file);
    fs.writeFileSync(file, source('other'));
    fs.utimesSync(file, atimeMs / 1000, mtimeMs / 1000);
    assert.ok(Math.abs(fs.statSync(file).mtimeMs - mtimeMs) < 1, 'the modification time is back');
    assert.deepEqual(loadInFreshProcess(file, cacheDir), { compiledWith: 'source', answer: 'other' });
    assert.equal(cacheFiles().length, 1);
    assert.notDeepEqual(cacheFiles(), old);
    assert.deepEqual(loadInFreshProcess(file, cacheDir), { compiledWith: 'cache', answer: 'other' });
  });

  it('a damaged cache is rejected by V8 and replaced; the code runs all the same', () => {
    loadInFreshProcess(file, cacheDir);
    const cached = path.join(cacheDir, cacheFiles()[0]!);
    fs.writeFileSync(cached, Buffer.from('not a code cache at all'));
    assert.deepEqual(loadInFreshProcess(file, cacheDir), { compiledWith: 'source', answer: 'first' });
    assert.deepEqual(loadInFreshProcess(file, cacheDir), { compiledWith: 'cache', answer: 'first' });
  });

  it('a cache folder it cannot write leaves the next start compiling as usual (no error)', async () => {
    fs.mkdirSync(path.dirname(cacheDir), { recursive: true });
    fs.writeFileSync(cacheDir, 'a file where the folder should be');
    const loaded = loadWithCodeCache<Bundle>(file, cacheDir);
    await loaded.saveCache();
    assert.equal(loadWithCodeCache<Bundle>(file, cacheDir).compiledWith, 'source');
  });

  it('a file it cannot read goes to plain require, which reports the problem', () => {
    assert.throws(() => loadWithCodeCache<Bundle>(path.join(dir, 'missing.js'), cacheDir), /Cannot find module/);
  });
});
