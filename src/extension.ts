/**
 * The module VS Code loads: activate() and deactivate(), handing over to the composition root.
 *
 * The rest of the extension is a second bundle (dist/composition.js), loaded by activate() through a V8 code
 * cache kept in the extension's global storage (src/codeCache.ts): from the second start on, neither loading it
 * nor running activate() pays for parsing and compiling the code again. The HTTP client (dist/client.js), which
 * composition.js loads on the first network call, and dist/work.js (src/work.ts), loaded when the user acts or a
 * job is in flight, get a code cache of their own the same way.
 */
import path = require('node:path');
import type * as vscode from 'vscode';
import { loadWithCodeCache, type LoadedModule } from './codeCache';
import type { Composed, OpenRouterVideoApi } from './composition';

type CompositionModule = typeof import('./composition');

/** The cache is written this long after activation, so that what the views ran at start-up is in it too. */
const SAVE_CACHE_AFTER_MS = 3_000;

let composition: LoadedModule<CompositionModule> | undefined;
let root: Composed | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<OpenRouterVideoApi> {
  composition ??= loadWithCodeCache<CompositionModule>(path.join(__dirname, 'composition.js'), path.join(context.globalStorageUri.fsPath, 'code-cache'), {
    // The HTTP client (undici), loaded on the first network call: ~14 ms of compiling in every session without it;
    // and dist/work.js (src/work.ts), loaded when the user acts or a job is in flight.
    alsoCached: ['./client.js', './work.js'],
    onLoaded: (client) => {
      const saveClient = setTimeout(() => void client.saveCache(), SAVE_CACHE_AFTER_MS);
      saveClient.unref();
      context.subscriptions.push({ dispose: () => clearTimeout(saveClient) });
    },
  });
  const loaded = composition;
  root = await loaded.exports.compose(context);
  context.subscriptions.push(root.disposable);
  const save = setTimeout(() => void loaded.saveCache(), SAVE_CACHE_AFTER_MS);
  save.unref();
  context.subscriptions.push({ dispose: () => clearTimeout(save) });
  return root.api;
}

/** VS Code waits for this promise: the job store's last write lands before the host stops. */
export function deactivate(): Promise<void> | undefined {
  const r = root;
  root = undefined;
  return r?.shutdown();
}
