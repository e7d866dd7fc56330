import { stat } from 'node:fs/promises';
import path = require('node:path');
import vscode = require('vscode');
import { describeError } from '../../core/api/errors';
import type { JobStoreChange } from '../../core/jobs/jobStoreTypes';
import { galleryEntries, type GalleryEntry, type SavedFileFacts } from '../../core/gallery/galleryEntry';
import { posterKey } from '../../core/gallery/posterKey';
import { readSidecar } from '../../core/media/readSidecar';
import { Commands, Views } from '../../ids';
import { openInPlayer } from '../player/openInPlayer';
import { showError } from '../errorPresenter';
import type { HostContext } from '../hostContext';
import { galleryHtml } from './galleryHtml';
import { parseGalleryMessage, type GalleryHostMessage, type GalleryWebviewMessage, type PosterView } from './galleryMessages';
import { galleryView } from './galleryView';
import { POSTER_FOLDER, PosterCache } from './posterCache';

/**
 * The Gallery view (`openrouterVideo.gallery`): every saved video of the job store as a poster with its
 * prompt, model, cost and date, newest first, filtered by prompt and model, takes of one prompt or shot side
 * by side; a click opens the player.
 *
 * The webview is not kept alive while hidden (a grid of images is cheap to draw again): it keeps its filter
 * and scroll position with `setState` and says `ready` with its filter, and the host sends the view again.
 * Posters are captured once by the webview and cached beside the job store (see posterCache.ts); the ones no
 * video shown uses any more are removed after each render.
 */
export class GalleryViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly media: vscode.Uri;
  /** media/shared: the script the gallery shares with the player. */
  private readonly shared: vscode.Uri;
  private readonly posters: PosterCache;
  private readonly disposables: vscode.Disposable[] = [];
  /** Listeners on the current view and its webview. */
  private readonly viewSubscriptions: vscode.Disposable[] = [];
  private filter = { text: '', model: '' };
  /** The entries last shown, and the client ids they belong to. */
  private entries: GalleryEntry[] = [];
  private shownJobs = new Set<string>();
  /** Sidecars read, by video path, with the video's mtime they were read at. */
  private readonly sidecars = new Map<string, { mtimeMs: number; facts: SavedFileFacts['sidecar'] }>();
  /** Posters the webview was asked to capture: key → video path. */
  private readonly pending = new Map<string, string>();
  /** The folders the webview may load from, as last set. */
  private roots = '';
  private refreshing: Promise<void> | undefined;
  private again = false;

  /** @param storageFolder the job store's folder: the posters of its videos are kept beside it. */
  constructor(
    private readonly ctx: HostContext,
    storageFolder: string,
  ) {
    this.media = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'gallery');
    this.shared = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'shared');
    this.posters = new PosterCache(path.join(storageFolder, POSTER_FOLDER));
    this.disposables.push(
      vscode.window.registerWebviewViewProvider(Views.gallery, this),
      ctx.store.onDidChange((change) => {
        if (this.view?.visible && this.concerns(change)) this.refresh();
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.roots = '';
    const webview = view.webview;
    // The folders of the videos on record now, so the first render does not change them (and load the page again).
    this.setRoots(this.rootsFor(this.videosOnRecord()));
    webview.html = galleryHtml({
      cspSource: webview.cspSource,
      scriptUris: [vscode.Uri.joinPath(this.shared, 'mediaEvents.js'), vscode.Uri.joinPath(this.media, 'gallery.js')].map((uri) => webview.asWebviewUri(uri).toString()),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.media, 'gallery.css')).toString(),
      language: vscode.env.language,
    });
    const subscriptions = this.viewSubscriptions;
    subscriptions.splice(0).forEach((s) => s.dispose());
    subscriptions.push(
      webview.onDidReceiveMessage(async (raw: unknown) => {
        const message = parseGalleryMessage(raw);
        if (!message) return;
        try {
          await this.receive(message);
        } catch (error) {
          void showError(error, this.ctx.logger, 'gallery');
        }
      }),
      view.onDidDispose(() => {
        subscriptions.splice(0).forEach((s) => s.dispose());
        if (this.view === view) this.view = undefined;
      }),
    );
  }

  /** Reads the store and the files again and shows the result (when the view is open). */
  refresh(): void {
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = this.show()
      .catch((error: unknown) => this.ctx.logger.warn(`Refreshing the gallery failed: ${describeError(error)}`))
      .finally(() => {
        this.refreshing = undefined;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  private async receive(message: GalleryWebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
      case 'filter':
        this.filter = { text: message.text, model: message.model };
        this.refresh();
        return;
      case 'open':
        await this.open(message.id);
        return;
      case 'generate':
        await vscode.commands.executeCommand(Commands.generate);
        return;
      case 'poster':
        await this.savePoster(message.key, message.dataUrl);
        return;
      case 'posterFailed':
        this.ctx.logger.warn(`Capturing a poster of ${this.pending.get(message.key) ?? 'a video'} failed: ${message.detail}`);
        this.pending.delete(message.key);
        return;
    }
  }

  private async show(): Promise<void> {
    const view = this.view;
    if (!view) return;
    const entries = await this.readEntries();
    this.entries = entries;
    this.shownJobs = new Set(entries.map((e) => e.clientId));
    // New roots load the page again; it says `ready` once loaded, and is shown then.
    if (this.setRoots(this.rootsFor(this.videosOnRecord()))) return;
    // Asked for again below for every poster still missing; a capture in flight for a video still shown stays welcome.
    this.pending.clear();
    const posters = new Map<string, PosterView>();
    const keys = new Map(entries.map((e) => [e.id, posterKey(e.file, e.size, e.mtimeMs)]));
    await Promise.all(entries.map(async (e) => posters.set(e.id, await this.posterOf(e, keys.get(e.id)!, view.webview))));
    this.post({ type: 'show', view: galleryView(entries, this.filter, (e) => posters.get(e.id)!) });
    const removed = await this.posters.prune(new Set(keys.values()));
    if (removed > 0) this.ctx.logger.debug(`Removed ${removed} gallery poster(s) no saved video uses any more.`);
  }

  /** Every saved video's path the store has, on disk or not. */
  private videosOnRecord(): string[] {
    return [...new Set(this.ctx.store.all().flatMap((r) => r.outputs.flatMap((o) => (o.file === undefined ? [] : [path.resolve(o.file)]))))];
  }

  /** The store's saved videos that are on disk, with their sizes, mtimes and sidecars. */
  private async readEntries(): Promise<GalleryEntry[]> {
    const files = this.videosOnRecord();
    const present = new Set(files);
    for (const known of this.sidecars.keys()) if (!present.has(known)) this.sidecars.delete(known);
    const facts = new Map<string, SavedFileFacts>();
    await Promise.all(
      files.map(async (file) => {
        const info = await stat(file).catch(() => undefined);
        if (!info?.isFile()) return;
        const known = this.sidecars.get(file);
        const sidecar = known && known.mtimeMs === info.mtimeMs ? known.facts : await readSidecar(file);
        this.sidecars.set(file, { mtimeMs: info.mtimeMs, facts: sidecar });
        facts.set(file, sidecar ? { size: info.size, mtimeMs: info.mtimeMs, sidecar } : { size: info.size, mtimeMs: info.mtimeMs });
      }),
    );
    return galleryEntries(this.ctx.store.all(), (file) => facts.get(file));
  }

  private async posterOf(entry: GalleryEntry, key: string, webview: vscode.Webview): Promise<PosterView> {
    const cached = await this.posters.find(key);
    if (cached) return { src: webview.asWebviewUri(vscode.Uri.file(cached)).toString() };
    this.pending.set(key, entry.file);
    return { key, videoSrc: webview.asWebviewUri(vscode.Uri.file(entry.file)).toString() };
  }

  private async savePoster(key: string, dataUrl: string): Promise<void> {
    const file = this.pending.get(key);
    if (file === undefined) return; // not asked for (or already saved)
    this.pending.delete(key);
    const saved = await this.posters.save(key, dataUrl);
    if (!saved) {
      this.ctx.logger.warn(`The gallery's poster of ${file} was not a JPEG of at most 1 MiB: not cached.`);
      return;
    }
    const webview = this.view?.webview;
    if (webview) this.post({ type: 'poster', key, src: webview.asWebviewUri(vscode.Uri.file(saved)).toString() });
  }

  private async open(id: string): Promise<void> {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry) {
      this.refresh();
      return;
    }
    const uri = vscode.Uri.file(entry.file);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      this.refresh();
      void vscode.window.showWarningMessage(vscode.l10n.t('The saved video {0} was moved or deleted.', vscode.workspace.asRelativePath(uri)));
      return;
    }
    await openInPlayer(uri);
    await this.ctx.jobs.markOpened(entry.clientId);
  }

  /** Whether a store change touches what the gallery shows: a saved video added, changed or removed. */
  private concerns({ changed, removed }: JobStoreChange): boolean {
    return removed.some((id) => this.shownJobs.has(id)) || changed.some((r) => this.shownJobs.has(r.clientId) || r.outputs.some((o) => o.file !== undefined));
  }

  /**
   * What the webview may load: its scripts and css, the poster cache, and the workspace folders that hold the
   * videos shown (a video outside every workspace folder: its own folder).
   */
  private rootsFor(videos: readonly string[]): vscode.Uri[] {
    const roots = new Map<string, vscode.Uri>();
    const add = (uri: vscode.Uri) => roots.set(uri.toString(), uri);
    add(this.media);
    add(this.shared);
    add(vscode.Uri.file(this.posters.folder));
    for (const video of videos) {
      const uri = vscode.Uri.file(video);
      add(vscode.workspace.getWorkspaceFolder(uri)?.uri ?? vscode.Uri.joinPath(uri, '..'));
    }
    return [...roots.values()];
  }

  /**
   * Sets the webview's options when its roots change; the page then loads again and says `ready`. Returns
   * whether they changed.
   */
  private setRoots(roots: vscode.Uri[]): boolean {
    const key = roots.map((r) => r.toString()).sort().join('\n');
    if (!this.view || key === this.roots) return false;
    this.roots = key;
    this.view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: roots };
    return true;
  }

  private post(message: GalleryHostMessage): void {
    void this.view?.webview.postMessage(message);
  }

  dispose(): void {
    for (const d of this.viewSubscriptions.splice(0)) d.dispose();
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}
