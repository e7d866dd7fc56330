/**
 * Loads a CommonJS bundle compiled with a V8 code cache, so that from the second start on the extension's code is
 * not parsed and compiled again (VS Code does the same for its own code). bench/activation: loading the composition
 * bundle and running activate() are mostly compilation on a cold start.
 *
 * - The cache lives in a folder of the caller's choosing (the extension's global storage), one file per bundle,
 *   named after the bundle's size, inode, modification and change times (read through the same descriptor as the
 *   source), V8's version and the CPU architecture. The name carries the file's identity because V8 checks only the
 *   source's length before it trusts a cache; the change time moves on any rewrite, even one that restores the
 *   modification time. It is fsynced before it gets its name: a torn cache of the right length is never there.
 * - A missing, unreadable or rejected cache costs nothing but the ordinary compile; `saveCache()` then writes a
 *   fresh one (temporary file, then rename: a window starting meanwhile never reads half a file) and removes the
 *   bundle's older caches.
 * - If the file cannot be compiled this way at all, plain `require` loads it.
 * - Bundles the file requires by a name listed in `alsoCached` (the HTTP client, loaded on the first network call)
 *   are loaded the same way, each with a cache of its own; `onLoaded` gets each of them, to save its cache later.
 */
import fs = require('node:fs');
import Module from 'node:module';
import path = require('node:path');
import vm = require('node:vm');

export interface LoadedModule<T> {
  readonly exports: T;
  /** 'cache': compiled from the code cache; 'source': no usable cache (yet); 'require': loaded by plain require. */
  readonly compiledWith: 'cache' | 'source' | 'require';
  /**
   * Writes the code cache when this load had none it could use: call it once the code that matters has run
   * (V8 includes every function compiled so far). Never rejects.
   */
  saveCache(): Promise<void>;
}

type CommonJsWrapper = (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;

export interface CodeCacheOptions {
  /** Requests (as the file writes them, e.g. './client.js') loaded through a code cache too, when first required. */
  alsoCached?: readonly string[];
  /** Called once for each of those when it has been loaded (e.g. to call its `saveCache()` a little later). */
  onLoaded?: (loaded: LoadedModule<unknown>, request: string) => void;
}

export function loadWithCodeCache<T>(file: string, cacheDir: string, options: CodeCacheOptions = {}): LoadedModule<T> {
  let source: string;
  let cacheFile: string;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const stat = fs.fstatSync(fd);
    source = fs.readFileSync(fd, 'utf8');
    const identity = [stat.size, stat.ino, Math.trunc(stat.mtimeMs), Math.trunc(stat.ctimeMs), process.versions.v8, process.arch].join('-');
    cacheFile = path.join(cacheDir, `${cachePrefix(file)}${identity}.bin`);
  } catch {
    return plainRequire<T>(file);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // None yet.
  }
  let script: vm.Script;
  try {
    script = new vm.Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  } catch {
    return plainRequire<T>(file);
  }
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as CommonJsWrapper;
  // A require of the file's own: VS Code hands each extension its own `vscode` API by the requiring file's path.
  wrapper.call(module.exports, module.exports, requireFor(file, cacheDir, options), module, file, path.dirname(file));
  const usedCache = cachedData !== undefined && script.cachedDataRejected !== true;
  return {
    exports: module.exports as T,
    compiledWith: usedCache ? 'cache' : 'source',
    saveCache: async () => {
      if (usedCache) return;
      try {
        const data = script.createCachedData();
        await fs.promises.mkdir(cacheDir, { recursive: true });
        const temporary = `${cacheFile}.${process.pid}.tmp`;
        const handle = await fs.promises.open(temporary, 'w');
        try {
          await handle.writeFile(data);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fs.promises.rename(temporary, cacheFile);
        const prefix = cachePrefix(file);
        for (const name of await fs.promises.readdir(cacheDir)) {
          const full = path.join(cacheDir, name);
          if (name.startsWith(prefix) && name.endsWith('.bin') && full !== cacheFile) await fs.promises.rm(full, { force: true });
        }
      } catch {
        // No cache this time (read-only storage, disk full): the next start compiles as usual.
      }
    },
  };
}

/** `file`'s own require, except that the requests in `alsoCached` are loaded through their own code cache (once). */
function requireFor(file: string, cacheDir: string, options: CodeCacheOptions): NodeJS.Require {
  const base = Module.createRequire(file);
  const cached = options.alsoCached ?? [];
  if (cached.length === 0) return base;
  const loaded = new Map<string, unknown>();
  const wrapped = ((request: string): unknown => {
    if (!cached.includes(request)) return base(request);
    if (!loaded.has(request)) {
      const dependency = loadWithCodeCache<unknown>(base.resolve(request), cacheDir);
      loaded.set(request, dependency.exports);
      options.onLoaded?.(dependency, request);
    }
    return loaded.get(request);
  }) as NodeJS.Require;
  return Object.assign(wrapped, { resolve: base.resolve, cache: base.cache, extensions: base.extensions, main: base.main });
}

function cachePrefix(file: string): string {
  return `${path.basename(file)}.`;
}

function plainRequire<T>(file: string): LoadedModule<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(file) as T;
  return { exports, compiledWith: 'require', saveCache: () => Promise.resolve() };
}
