import vscode = require('vscode');
import { promptExcerpt, type GenerateDraft } from '../../core/drafts/generateDraft';

/** Typed prompts longer than this offer Open as Prompt File beside Enter. */
export const LONG_PROMPT_CHARS = 400;

/** What the prompt step ends with; undefined is Escape (with the text typed so far). */
export type PromptChoice = { kind: 'prompt'; prompt: string } | { kind: 'draft'; draft: GenerateDraft } | { kind: 'promptFile'; prompt: string };

interface PromptItem extends vscode.QuickPickItem {
  action?: 'typed' | 'draft' | 'history' | 'promptFile';
  text?: string;
}

/**
 * The prompt step: a quick pick whose first row is the text typed (Enter uses it), then "Continue the draft"
 * when one is kept, then the recent prompts (picking one uses it), and Open as Prompt File (a title button, and a
 * row once the text is long). On Escape, `escaped` receives the text typed so far.
 */
export async function pickPrompt(options: { draft?: GenerateDraft; history: readonly string[]; initial?: string }, escaped: (typed: string) => void): Promise<PromptChoice | undefined> {
  const quickPick = vscode.window.createQuickPick<PromptItem>();
  quickPick.title = vscode.l10n.t('Generate Video');
  // An example says more than an instruction: subject, action, setting, camera, style.
  quickPick.placeholder = vscode.l10n.t('A golden retriever running on a beach at sunset, slow motion, cinematic');
  quickPick.ignoreFocusOut = true;
  quickPick.matchOnDetail = true;
  const fileButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('new-file'), tooltip: vscode.l10n.t('Open as Prompt File') };
  quickPick.buttons = [fileButton];

  const update = (): void => {
    const value = quickPick.value;
    const items: PromptItem[] = [];
    if (value.trim() !== '') {
      items.push({ action: 'typed', label: value.replace(/\s+/g, ' '), description: vscode.l10n.t('Press Enter to use this prompt'), alwaysShow: true });
      if (value.length > LONG_PROMPT_CHARS) {
        items.push({ action: 'promptFile', label: `$(new-file) ${vscode.l10n.t('Open as Prompt File')}`, description: vscode.l10n.t('a long prompt is easier to refine in a file'), alwaysShow: true });
      }
    } else if (options.draft) {
      const draft = options.draft;
      const what = draft.prompt !== undefined ? promptExcerpt(draft.prompt) : vscode.l10n.t('(no prompt yet)');
      items.push({ action: 'draft', label: `$(edit) ${vscode.l10n.t('Continue the draft: {0}', what)}`, description: draft.modelId, alwaysShow: true });
    }
    if (options.history.length > 0) {
      items.push({ label: vscode.l10n.t('Recent prompts'), kind: vscode.QuickPickItemKind.Separator });
      for (const text of options.history) items.push({ action: 'history', label: text.replace(/\s+/g, ' '), text });
    }
    quickPick.items = items;
  };

  try {
    return await new Promise<PromptChoice | undefined>((settle) => {
      let settled = false;
      const resolve = (choice: PromptChoice | undefined): void => {
        settled = true;
        settle(choice);
      };
      quickPick.onDidChangeValue(update);
      quickPick.onDidTriggerButton((button) => {
        if (button === fileButton) resolve({ kind: 'promptFile', prompt: quickPick.value });
      });
      quickPick.onDidAccept(() => {
        const item = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
        const typed = quickPick.value;
        if (item?.action === 'draft' && options.draft) resolve({ kind: 'draft', draft: options.draft });
        else if (item?.action === 'history' && item.text !== undefined) resolve({ kind: 'prompt', prompt: item.text });
        else if (item?.action === 'promptFile') resolve({ kind: 'promptFile', prompt: typed });
        else if (typed.trim() !== '') resolve({ kind: 'prompt', prompt: typed });
      });
      quickPick.onDidHide(() => {
        if (settled) return;
        escaped(quickPick.value);
        resolve(undefined);
      });
      if (options.initial) quickPick.value = options.initial;
      update();
      quickPick.show();
    });
  } finally {
    quickPick.dispose();
  }
}
