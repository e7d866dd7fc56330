import type * as vscode from 'vscode';
import { readDraft, type GenerateDraft } from '../../core/drafts/generateDraft';
import { addToPromptHistory, readPromptHistory } from '../../core/drafts/promptHistory';
import { StateKeys } from '../../ids';

/**
 * Where the Generate Video flow keeps what outlives one run: the draft (this workspace's state, so each
 * project offers back its own) and the prompt history (global state, shared by every window).
 */
export class DraftStore {
  constructor(private readonly context: Pick<vscode.ExtensionContext, 'workspaceState' | 'globalState'>) {}

  draft(): GenerateDraft | undefined {
    return readDraft(this.context.workspaceState.get<unknown>(StateKeys.generateDraft));
  }

  /** Keeps `draft` for the next Generate Video; an undefined draft keeps the one stored before. */
  async keep(draft: GenerateDraft | undefined): Promise<void> {
    if (draft) await this.context.workspaceState.update(StateKeys.generateDraft, draft);
  }

  async clear(): Promise<void> {
    await this.context.workspaceState.update(StateKeys.generateDraft, undefined);
  }

  history(): string[] {
    return readPromptHistory(this.context.globalState.get<unknown>(StateKeys.promptHistory));
  }

  async remember(prompt: string | undefined): Promise<void> {
    if (!prompt?.trim()) return;
    await this.context.globalState.update(StateKeys.promptHistory, addToPromptHistory(this.history(), prompt));
  }
}
