// Bundles the extension. Four outputs, so activation stays light:
//   dist/extension.js    - activate()/deactivate() only; loads the next one through a V8 code cache
//   dist/composition.js  - the composition root, views, store, poller (zod/mini only)
//   dist/client.js       - the HTTP client (undici), loaded on the first network call
//   dist/work.js         - the generate flow, validation, the downloader, sidecars: loaded when the user acts or a
//                          job is in flight (src/work.ts)
// `import('…/openRouterClient')` in the host becomes a `require('./client.js')`, and `import('…/work')` or
// `import('…/jobWork')` a `require('./work.js')` (no `import()` left: the composition bundle is compiled with
// node:vm, which has no loader for it).
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').Plugin} */
const lazyClientPlugin = {
  name: 'lazy-client',
  setup(build) {
    build.onResolve({ filter: /core\/api\/openRouterClient(\.js)?$/ }, (args) => {
      if (args.kind === 'dynamic-import' && args.importer && !args.importer.endsWith('openRouterClient.ts')) {
        return { path: './client.js', external: true };
      }
      return undefined;
    });
  },
};

/**
 * The composition bundle's `import()` of src/work.ts or src/core/jobs/jobWork.ts (which work.ts re-exports) loads
 * dist/work.js: that code is not compiled at activation.
 * @type {import('esbuild').Plugin}
 */
const lazyWorkPlugin = {
  name: 'lazy-work',
  setup(build) {
    build.onResolve({ filter: /(^|\/)(work|jobWork)(\.js)?$/ }, (args) => (args.kind === 'dynamic-import' ? { path: './work.js', external: true } : undefined));
  },
};

/**
 * One `require()` per external module (vscode, node:*) for the whole bundle, instead of one in each module that
 * imports it: each call goes through VS Code's module interceptors (dist/composition.js made 33 at activation
 * before this, 4 after).
 * The bundle asks a small shim module, which esbuild evaluates once and caches.
 * @type {import('esbuild').Plugin}
 */
const sharedExternalsPlugin = {
  name: 'shared-externals',
  setup(build) {
    build.onResolve({ filter: /^(vscode|node:.+)$/ }, (args) =>
      args.namespace === 'shared-external' ? { path: args.path, external: true } : { path: args.path, namespace: 'shared-external' },
    );
    build.onLoad({ filter: /.*/, namespace: 'shared-external' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * The four bundles' build options (paths relative to the repository root). test/unit/bundles.test.ts builds them in
 * memory to check what each one holds.
 * @param {boolean} production
 * @returns {import('esbuild').BuildOptions[]}
 */
function bundleOptions(production) {
  /** @type {import('esbuild').BuildOptions} */
  const common = {
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    external: ['vscode'],
    logLevel: 'warning',
    legalComments: 'none',
    outdir: 'dist',
  };
  return [
    { ...common, entryPoints: { extension: 'src/extension.ts' }, plugins: [sharedExternalsPlugin] },
    {
      ...common,
      entryPoints: { composition: 'src/composition.ts' },
      plugins: [lazyClientPlugin, lazyWorkPlugin, sharedExternalsPlugin],
      supported: { 'dynamic-import': false },
    },
    {
      ...common,
      entryPoints: { work: 'src/work.ts' },
      plugins: [lazyClientPlugin, sharedExternalsPlugin],
      supported: { 'dynamic-import': false },
    },
    { ...common, entryPoints: { client: 'src/core/api/openRouterClient.ts' } },
  ];
}

async function main() {
  if (!watch) {
    // No stale chunks or source maps from an earlier build may end up in the package.
    require('node:fs').rmSync('dist', { recursive: true, force: true });
  }
  const contexts = await Promise.all(bundleOptions(production).map((options) => esbuild.context(options)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
    process.exit(1);
  });
}

module.exports = { bundleOptions };
