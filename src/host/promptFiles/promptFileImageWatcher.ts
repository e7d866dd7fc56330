import vscode = require('vscode');
import { IMAGE_EXTENSIONS } from '../../core/models/validateRequest';
import { isPromptFile, type PromptFileAnalyzer } from './promptFileAnalysis';

/** Image files a prompt file can name, in either case (a watcher's glob matches case-sensitively on most systems). */
const IMAGE_GLOB = `**/*.{${IMAGE_EXTENSIONS.flatMap((e) => [e, e.toUpperCase()]).join(',')}}`;

/**
 * Watches the workspace's image files while a prompt file is open (the watcher is made on the first one and
 * disposed with the last), so a check that found an image missing (or present) runs again when that image is
 * created, deleted or renamed.
 */
export class PromptFileImageWatcher implements vscode.Disposable {
  private watcher: vscode.FileSystemWatcher | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly analyzer: PromptFileAnalyzer) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (isPromptFile(d)) this.start();
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (isPromptFile(d) && !vscode.workspace.textDocuments.some((o) => o !== d && !o.isClosed && isPromptFile(o))) this.stop();
      }),
    ];
    if (vscode.workspace.textDocuments.some(isPromptFile)) this.start();
  }

  private start(): void {
    if (this.watcher) return;
    const watcher = vscode.workspace.createFileSystemWatcher(IMAGE_GLOB);
    const changed = (uri: vscode.Uri) => this.analyzer.imageChanged(uri);
    watcher.onDidCreate(changed);
    watcher.onDidChange(changed);
    watcher.onDidDelete(changed);
    this.watcher = watcher;
  }

  private stop(): void {
    this.watcher?.dispose();
    this.watcher = undefined;
  }

  dispose(): void {
    this.stop();
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
