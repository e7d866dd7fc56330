/**
 * The module VS Code loads: activate() and deactivate(), handing over to the composition root.
 */
import type * as vscode from 'vscode';
import { compose, type Composed, type OpenRouterVideoApi } from './composition';

let root: Composed | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<OpenRouterVideoApi> {
  root = await compose(context);
  context.subscriptions.push(root.disposable);
  return root.api;
}

/** VS Code waits for this promise: the job store's last write lands before the host stops. */
export function deactivate(): Promise<void> | undefined {
  const r = root;
  root = undefined;
  return r?.shutdown();
}
