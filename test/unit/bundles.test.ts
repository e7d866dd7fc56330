import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.join(__dirname, '../../..');

interface BuiltBundle {
  /** Source files bundled in, relative to the repository root. */
  inputs: string[];
  code: string;
}

/** Builds each bundle of esbuild.js in memory (production settings) and returns what went into it. */
async function buildAll(): Promise<Map<string, BuiltBundle>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { bundleOptions } = require(path.join(root, 'esbuild.js')) as { bundleOptions(production: boolean): esbuild.BuildOptions[] };
  const built = new Map<string, BuiltBundle>();
  for (const options of bundleOptions(true)) {
    const result = await esbuild.build({ ...options, absWorkingDir: root, write: false, metafile: true, logLevel: 'silent' });
    for (const [file, output] of Object.entries(result.metafile.outputs)) {
      const text = result.outputFiles.find((f) => path.relative(root, f.path) === file)?.text ?? '';
      built.set(path.basename(file, '.js'), { inputs: Object.keys(output.inputs), code: text });
    }
  }
  return built;
}

describe('bundles (what activation compiles)', function () {
  this.timeout(60_000);
  let bundles: Map<string, BuiltBundle>;
  before(async () => {
    bundles = await buildAll();
  });

  const lazyWork = [
    'src/core/download/downloader.ts',
    'src/core/download/sidecar.ts',
    'src/core/models/validateRequest.ts',
    'src/core/jobs/recordSchema.ts',
    'src/host/generateFlow.ts',
    'src/host/readImage.ts',
  ];

  it('builds the four bundles', () => {
    assert.deepEqual([...bundles.keys()].sort(), ['client', 'composition', 'extension', 'work']);
  });

  it('leaves the generate flow, validation, the downloader, sidecars and zod out of the activation bundle', () => {
    const composition = bundles.get('composition')!;
    const present = composition.inputs.filter((f) => lazyWork.includes(f) || f.includes('node_modules/zod/') || f.includes('node_modules/undici/'));
    assert.deepEqual(present, [], `in dist/composition.js: ${present.join(', ')}`);
    // The job code itself is there (a check that the inputs are read right).
    assert.ok(composition.inputs.includes('src/core/jobs/jobService.ts'));
  });

  it("points the activation bundle's import() of that code at dist/work.js and dist/client.js", () => {
    const { code } = bundles.get('composition')!;
    assert.match(code, /require\("\.\/work\.js"\)/);
    assert.match(code, /require\("\.\/client\.js"\)/);
    assert.doesNotMatch(code, /\bimport\(/, 'node:vm compiles this bundle: it has no loader for import()');
  });

  it('puts that code in dist/work.js, without the activation code or the HTTP client', () => {
    const work = bundles.get('work')!;
    for (const file of lazyWork) assert.ok(work.inputs.includes(file), `${file} is in dist/work.js`);
    const heavy = work.inputs.filter((f) => /src\/core\/jobs\/(jobService|jobStore|jobPoller)\.ts$|node_modules\/undici\//.test(f));
    assert.deepEqual(heavy, [], `in dist/work.js: ${heavy.join(', ')}`);
    assert.doesNotMatch(work.code, /\bimport\(/);
  });
});
