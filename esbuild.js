// Bundles the extension into one file, in the shape of VS Code's esbuild sample:
// src/extension.ts → dist/extension.js (CommonJS for Node, `vscode` left to the host).
//   node esbuild.js               a development build with a source map
//   node esbuild.js --production  minified, no source map (what `vscode:prepublish` runs)
//   node esbuild.js --watch       rebuilds on every change
const fs = require('node:fs');
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

async function main() {
  // A fresh dist/ each time, so that no file from an earlier build (a stale source map) is packaged.
  if (!watch) fs.rmSync('dist', { recursive: true, force: true });
  const ctx = await esbuild.context({
    entryPoints: ['src/extension.ts'],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    outfile: 'dist/extension.js',
    external: ['vscode'],
    logLevel: 'warning',
    legalComments: 'none',
  });
  if (watch) {
    await ctx.watch();
  } else {
    await ctx.rebuild();
    await ctx.dispose();
  }
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
