// Bundles the extension. Three outputs, so activation stays light:
//   dist/extension.js    - activate()/deactivate() only; loads the next one through a V8 code cache
//   dist/composition.js  - the composition root, views, store, poller (zod/mini only)
//   dist/client.js       - the HTTP client (undici), loaded on the first network call
// `import('…/openRouterClient')` in the host becomes a `require('./client.js')` (no `import()` left: the
// composition bundle is compiled with node:vm, which has no loader for it).
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
};

async function main() {
  if (!watch) {
    // No stale chunks or source maps from an earlier build may end up in the package.
    require('node:fs').rmSync('dist', { recursive: true, force: true });
  }
  const contexts = await Promise.all([
    esbuild.context({
      ...common,
      entryPoints: { extension: 'src/extension.ts' },
      outdir: 'dist',
      plugins: [sharedExternalsPlugin],
    }),
    esbuild.context({
      ...common,
      entryPoints: { composition: 'src/composition.ts' },
      outdir: 'dist',
      plugins: [lazyClientPlugin, sharedExternalsPlugin],
      supported: { 'dynamic-import': false },
    }),
    esbuild.context({
      ...common,
      entryPoints: { client: 'src/core/api/openRouterClient.ts' },
      outdir: 'dist',
    }),
  ]);
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
