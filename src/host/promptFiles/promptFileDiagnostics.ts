import vscode = require('vscode');
import type { HostLogger } from '../log';
import { isPromptFile, toRange, type PromptFileAnalyzer } from './promptFileAnalysis';
import { wordPromptFileProblem } from './promptFileWords';

/** How long typing must pause before a prompt file is checked again. */
const DEBOUNCE_MS = 250;

/** A diagnostic's code for a prompt file problem: what the quick fix and tests match on. */
export function diagnosticCode(problem: { kind: string; code?: string; problem?: { code: string } }): string {
  return problem.kind === 'request' ? (problem.problem?.code ?? '') : (problem.code ?? '');
}

/**
 * Problems of open prompt files as diagnostics, updated as the user types (debounced), when the catalogue
 * changes and when an image a file names is created or deleted. Each check runs once per document version (the analyzer caches it).
 */
export class PromptFileDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('openrouterVideo.promptFiles');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly analyzer: PromptFileAnalyzer,
    onCatalogueChange: vscode.Event<void>,
    private readonly logger: HostLogger,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
      onCatalogueChange(() => this.refreshAll()),
      analyzer.onDidForgetChecks((uris) => this.refresh(uris)),
    );
    this.refreshAll();
  }

  /** Checks every open prompt file again. */
  refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  /** Checks these open documents again. */
  private refresh(uris: readonly vscode.Uri[]): void {
    const keys = new Set(uris.map((u) => u.toString()));
    for (const document of vscode.workspace.textDocuments) {
      if (keys.has(document.uri.toString())) this.schedule(document, 0);
    }
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!isPromptFile(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.update(document);
      }, delayMs),
    );
  }

  private async update(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed) return;
    const version = document.version;
    try {
      const analysis = await this.analyzer.analyze(document);
      if (document.isClosed || document.version !== version) return;
      const problems = analysis.check?.problems ?? analysis.parsed.syntax.map((s) => ({ kind: 'syntax' as const, code: s.code, range: s.range, params: s.params, shots: [] }));
      this.collection.set(
        document.uri,
        problems.map((problem) => {
          const diagnostic = new vscode.Diagnostic(toRange(problem.range), wordPromptFileProblem(vscode.l10n, problem), vscode.DiagnosticSeverity.Error);
          diagnostic.source = 'OpenRouter Video';
          diagnostic.code = diagnosticCode(problem);
          return diagnostic;
        }),
      );
    } catch (error) {
      this.logger.error(`Checking ${document.uri.toString()} failed`, error);
    }
  }

  private clear(uri: vscode.Uri): void {
    clearTimeout(this.timers.get(uri.toString()));
    this.timers.delete(uri.toString());
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.collection.dispose();
  }
}
