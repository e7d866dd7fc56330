/**
 * Records the files compiled through node:vm from now on (the extension loads dist/composition.js and
 * dist/client.js so, with their code caches, not through the CommonJS loader). Returns the list, which grows as
 * they are compiled; `onCompile` is called with each file name just before it is compiled.
 */
export function recordVmScripts(onCompile?: (filename: string) => void): string[] {
  const compiled: string[] = [];
  // The module object itself: an `import * as` namespace is read-only.
  const vmModule = require('node:vm') as { Script: typeof import('node:vm').Script };
  const Original = vmModule.Script;
  vmModule.Script = class extends Original {
    constructor(code: string, options?: import('node:vm').ScriptOptions | string) {
      const filename = typeof options === 'string' ? options : options?.filename;
      if (filename) onCompile?.(filename);
      super(code, options);
      if (filename) compiled.push(filename);
    }
  };
  return compiled;
}
