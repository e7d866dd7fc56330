/**
 * Records the files compiled through node:vm from now on (the extension loads dist/composition.js so, with its
 * code cache, not through the CommonJS loader). Returns the list, which grows as they are compiled.
 */
export function recordVmScripts(): string[] {
  const compiled: string[] = [];
  // The module object itself: an `import * as` namespace is read-only.
  const vmModule = require('node:vm') as { Script: typeof import('node:vm').Script };
  const Original = vmModule.Script;
  vmModule.Script = class extends Original {
    constructor(code: string, options?: import('node:vm').ScriptOptions | string) {
      super(code, options);
      const filename = typeof options === 'string' ? options : options?.filename;
      if (filename) compiled.push(filename);
    }
  };
  return compiled;
}
