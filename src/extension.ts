import type * as vscode from 'vscode';
import { compose, type OpenRouterVideoApi } from './composition';

let root: vscode.Disposable | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<OpenRouterVideoApi> {
  const composed = await compose(context);
  root = composed.disposable;
  context.subscriptions.push(composed.disposable);
  return composed.api;
}

export function deactivate(): Promise<void> | undefined {
  const r = root;
  root = undefined;
  r?.dispose();
  return undefined;
}
