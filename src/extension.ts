/**
 * The module VS Code loads: activate() and deactivate(), handing over to the composition root.
 *
 * The rest of the extension is a second bundle (dist/composition.js), evaluated from a timer queued as this
 * module loads instead of before activate() can run. VS Code loads an extension's code and prepares its
 * ExtensionContext side by side, and the context needs a round trip to the workbench (the extension's storage),
 * whose request VS Code sends on a timer it queued just before loading this module. Evaluating our code in the
 * next timer puts that work inside the round trip rather than in front of it: bench/activation measured the
 * first load → end of activate() going from load + round trip + activate() to about max(load, round trip) +
 * activate(). When the context is ready first (or the timer has not fired), activate() loads the bundle itself.
 */
import type * as vscode from 'vscode';
import type { Composed, OpenRouterVideoApi } from './composition';

type CompositionModule = typeof import('./composition');

let composition: CompositionModule | undefined;
let root: Composed | undefined;

function loadComposition(): CompositionModule {
  // esbuild keeps this one require as a separate file (see esbuild.js): it is what the timer below loads early.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  composition ??= require('./composition') as CompositionModule;
  return composition;
}

const preload = setTimeout(() => {
  try {
    loadComposition();
  } catch {
    // activate() loads it again and VS Code reports the error there.
  }
}, 0);
preload.unref();

export async function activate(context: vscode.ExtensionContext): Promise<OpenRouterVideoApi> {
  clearTimeout(preload);
  root = await loadComposition().compose(context);
  context.subscriptions.push(root.disposable);
  return root.api;
}

/** VS Code waits for this promise: the job store's last write lands before the host stops. */
export function deactivate(): Promise<void> | undefined {
  const r = root;
  root = undefined;
  return r?.shutdown();
}
