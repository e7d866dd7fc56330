import vscode = require('vscode');
import type { HostContext } from '../hostContext';
import { PROMPT_FILE_SELECTOR, PromptFileAnalyzer } from './promptFileAnalysis';
import { PromptFileDiagnostics } from './promptFileDiagnostics';
import { PromptFileImageWatcher } from './promptFileImageWatcher';
import { promptFileEditingProviders } from './promptFileEditing';
import { PromptFileLenses } from './promptFileLenses';

/**
 * The language features of `*.video.md` prompt files (plain Markdown, so preview and spell checkers still
 * work): diagnostics (which follow the images a file names), completion, hover, quick fixes and lenses, over one analyzer (one parse and one check
 * per document version). The commands live in the command table.
 */
export function registerPromptFiles(ctx: HostContext, analyzer: PromptFileAnalyzer): vscode.Disposable {
  const diagnostics = new PromptFileDiagnostics(analyzer, ctx.catalog.onDidChange, ctx.logger);
  const lenses = new PromptFileLenses(analyzer, ctx.store, [ctx.store.onDidChange, ctx.catalog.onDidChange, analyzer.onDidForgetChecks]);
  const editing = promptFileEditingProviders(analyzer, ctx.store);
  return vscode.Disposable.from(
    diagnostics,
    new PromptFileImageWatcher(analyzer),
    lenses,
    vscode.languages.registerCodeLensProvider(PROMPT_FILE_SELECTOR, lenses),
    vscode.languages.registerCompletionItemProvider(PROMPT_FILE_SELECTOR, editing.completion, ':', ' ', '{', '/'),
    vscode.languages.registerHoverProvider(PROMPT_FILE_SELECTOR, editing.hover),
    vscode.languages.registerCodeActionsProvider(PROMPT_FILE_SELECTOR, editing.codeActions, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );
}
