import path = require('node:path');
import vscode = require('vscode');
import type { VideoModel } from '../../core/api/schemas';
import { checkPromptFile, type PromptFileCheck } from '../../core/promptFiles/checkPromptFile';
import type { ParsedPromptFile, SourceRange, YamlBlockCache } from '../../core/promptFiles/parsePromptFile';
import { localImagePaths } from '../../core/promptFiles/shotRequests';
import type { ModelCatalog } from '../modelCatalog';

/** Prompt files: Markdown whose name ends in `.video.md`. */
export const PROMPT_FILE_SELECTOR: vscode.DocumentFilter = { language: 'markdown', pattern: '**/*.video.md' };

export function isPromptFile(document: vscode.TextDocument): boolean {
  return vscode.languages.match(PROMPT_FILE_SELECTOR, document) > 0;
}

/** A prompt file read and checked at one version of its text. */
export interface PromptFileAnalysis {
  version: number;
  parsed: ParsedPromptFile;
  folder: vscode.WorkspaceFolder | undefined;
  /** Workspace-relative path with `/` separators, as records and sidecars name it. */
  relativePath: string;
  /** Absent when the catalogue could not be loaded (then only syntax is checked). */
  check?: PromptFileCheck;
  models?: readonly VideoModel[];
  /** Why the catalogue is missing, when it is. */
  catalogueError?: unknown;
}

export function toRange(range: SourceRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

/** The key an image path is known by (a file URI's path, so drive letters and separators compare equal). */
function imageKey(file: string): string {
  return vscode.Uri.file(file).toString();
}

/**
 * One parse and one check per document version, shared by diagnostics, completion, hover, lenses and runs.
 * A catalogue change forgets the checks (the parses stay); so does a change to an image a check looked up.
 */
export class PromptFileAnalyzer implements vscode.Disposable {
  private readonly parses = new Map<string, { version: number; parsed: ParsedPromptFile }>();
  private readonly checks = new Map<string, { version: number; analysis: Promise<PromptFileAnalysis> }>();
  /** The images each document's check looked up, by document. */
  private readonly images = new Map<string, ReadonlySet<string>>();
  private readonly checksForgotten = new vscode.EventEmitter<readonly vscode.Uri[]>();
  /** Checks of these documents were forgotten because an image they name changed on disk: check them again. */
  readonly onDidForgetChecks = this.checksForgotten.event;
  private readonly subscriptions: vscode.Disposable[] = [this.checksForgotten];
  /**
   * The parser and its YAML library, loaded on the first prompt file rather than at activation; with the cache
   * of YAML blocks by text, across documents and versions (a keystroke re-reads only the block it changed).
   */
  private parser: Promise<{ parse: (text: string) => ParsedPromptFile }> | undefined;

  constructor(private readonly catalog: ModelCatalog) {
    this.subscriptions.push(
      catalog.onDidChange(() => this.checks.clear()),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
    );
  }

  /** The document's parse at its current version (completion needs it without the catalogue). */
  async parse(document: vscode.TextDocument): Promise<ParsedPromptFile> {
    const key = document.uri.toString();
    const cached = this.parses.get(key);
    if (cached && cached.version === document.version) return cached.parsed;
    const version = document.version;
    const text = document.getText();
    const parsed = (await this.loadParser()).parse(text);
    this.parses.set(key, { version, parsed });
    return parsed;
  }

  private loadParser(): Promise<{ parse: (text: string) => ParsedPromptFile }> {
    this.parser ??= import('../../core/promptFiles/parsePromptFile.js').then(({ parsePromptFile, YamlBlockCache: Cache }) => {
      const yaml: YamlBlockCache = new Cache(5000);
      return { parse: (text: string) => parsePromptFile(text, yaml) };
    });
    return this.parser;
  }

  /** The document read and checked against the catalogue at its current version. */
  analyze(document: vscode.TextDocument): Promise<PromptFileAnalysis> {
    const key = document.uri.toString();
    const cached = this.checks.get(key);
    if (cached && cached.version === document.version) return cached.analysis;
    const analysis = this.run(document);
    this.checks.set(key, { version: document.version, analysis });
    analysis.catch(() => this.checks.delete(key));
    return analysis;
  }

  /** The models, or undefined when they cannot be loaded right now. */
  async models(): Promise<readonly VideoModel[] | undefined> {
    try {
      return await this.catalog.list();
    } catch {
      return undefined;
    }
  }

  forget(uri: vscode.Uri): void {
    this.parses.delete(uri.toString());
    this.checks.delete(uri.toString());
    this.images.delete(uri.toString());
  }

  /** An image was created, changed or deleted: forgets the checks that looked it up, and says which they were. */
  imageChanged(image: vscode.Uri): void {
    const key = imageKey(image.fsPath);
    const documents: vscode.Uri[] = [];
    for (const [document, images] of this.images) {
      if (!images.has(key)) continue;
      this.checks.delete(document);
      this.images.delete(document);
      documents.push(vscode.Uri.parse(document));
    }
    if (documents.length > 0) this.checksForgotten.fire(documents);
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.parses.clear();
    this.checks.clear();
    this.images.clear();
  }

  private async run(document: vscode.TextDocument): Promise<PromptFileAnalysis> {
    const version = document.version;
    const parsed = await this.parse(document);
    const folder = vscode.workspace.getWorkspaceFolder(document.uri) ?? vscode.workspace.workspaceFolders?.[0];
    const relativePath = vscode.workspace.asRelativePath(document.uri, false).split(path.sep).join('/');
    const base: PromptFileAnalysis = { version, parsed, folder, relativePath };
    let models: readonly VideoModel[];
    try {
      models = await this.catalog.list();
    } catch (error) {
      return { ...base, catalogueError: error };
    }
    const workspaceFolder = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
    const imageSizes = new Map<string, number | null>();
    const imagePaths = localImagePaths(parsed, workspaceFolder);
    this.images.set(document.uri.toString(), new Set(imagePaths.map(imageKey)));
    await Promise.all(
      imagePaths.map(async (file) => {
        try {
          const stat = await vscode.workspace.fs.stat(vscode.Uri.file(file));
          imageSizes.set(file, stat.type & vscode.FileType.File ? stat.size : null);
        } catch {
          imageSizes.set(file, null);
        }
      }),
    );
    return { ...base, models, check: checkPromptFile(parsed, { models, workspaceFolder, imageSizes }) };
  }
}
