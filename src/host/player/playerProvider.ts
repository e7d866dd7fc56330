import path = require('node:path');
import vscode = require('vscode');
import { describeError } from '../../core/api/errors';
import { canExtend } from '../../core/jobs/extendRequest';
import type { JobRecord } from '../../core/jobs/jobRecord';
import { saveLastFrame } from '../../core/media/lastFrame';
import { readMp4Info, type Mp4Info } from '../../core/media/mp4Info';
import { readSidecar } from '../../core/media/readSidecar';
import { frameTypes } from '../../core/models/modelCapabilities';
import { Commands, Editors } from '../../ids';
import { showError } from '../errorPresenter';
import type { GenerateArgs } from '../generateFlow';
import { runGenerate } from '../generateFlow';
import type { HostContext } from '../hostContext';
import type { JobNotifications } from '../jobProgress';
import { parseWebviewMessage, type HostMessage, type PlayerAction } from './playerMessages';
import { playerHtml } from './playerHtml';
import { playerView, type PlayerFacts } from './playerView';

/**
 * The player: a read-only custom editor for MP4 files (`openrouterVideo.player`). It plays the video large
 * and shows beside it what made it (from the sidecar and the job record) and what to do next.
 *
 * The webview is not kept alive while hidden (a playing video would hold its decoder and memory): it saves
 * its position and loop with `setState`, and the host sends the details again each time it says `ready`.
 */
export class PlayerProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(
    private readonly ctx: HostContext,
    private readonly notifications: JobNotifications,
  ) {}

  static register(ctx: HostContext, notifications: JobNotifications): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(Editors.player, new PlayerProvider(ctx, notifications), {
      supportsMultipleEditorsPerDocument: true,
      webviewOptions: { retainContextWhenHidden: false },
    });
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const media = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media');
    const folder = vscode.Uri.joinPath(document.uri, '..');
    const webview = panel.webview;
    webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [folder, media] };
    webview.html = playerHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'player', 'player.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'player', 'player.css')).toString(),
      language: vscode.env.language,
      title: path.basename(document.uri.fsPath),
    });
    const post = (message: HostMessage) => void webview.postMessage(message);
    const file = path.resolve(document.uri.fsPath);
    /** The client id of the job record shown, if any. */
    let shownJob: string | undefined;
    const show = async () => {
      const facts = await this.facts(document.uri);
      shownJob = facts.record?.clientId;
      post({ type: 'show', view: playerView(facts, webview.asWebviewUri(document.uri).toString()) });
    };
    const subscriptions = [
      webview.onDidReceiveMessage(async (raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (!message) return;
        try {
          switch (message.type) {
            case 'ready':
              await show();
              break;
            case 'action':
              if (message.action === 'continueFromLastFrame') post({ type: 'captureLastFrame' });
              else await this.act(message.action, document.uri);
              break;
            case 'lastFrame':
              await this.continueFrom(document.uri, message.dataUrl);
              break;
            case 'lastFrameFailed':
              this.ctx.logger.warn(`Capturing the last frame of ${document.uri.fsPath} failed: ${message.detail}`);
              void vscode.window.showWarningMessage(vscode.l10n.t('The player could not capture the last frame ({0}). Play the video once, then try again.', message.detail));
              break;
          }
        } catch (error) {
          void showError(error, this.ctx.logger, 'player');
        }
      }),
      // A change to this video's job (its cost arrives, it is removed) changes what the player shows.
      this.ctx.store.onDidChange(({ changed, removed }) => {
        const concerns =
          (shownJob !== undefined && removed.includes(shownJob)) ||
          changed.some((r) => r.clientId === shownJob || r.outputs.some((o) => o.file !== undefined && path.resolve(o.file) === file));
        if (panel.visible && concerns) show().catch((error: unknown) => this.ctx.logger.warn(`Refreshing the player failed: ${describeError(error)}`));
      }),
    ];
    panel.onDidDispose(() => subscriptions.forEach((s) => s.dispose()));
  }

  /** The sidecar, the job record and the boxes of the video. */
  private async facts(uri: vscode.Uri): Promise<PlayerFacts> {
    const file = uri.fsPath;
    const [sidecar, info] = await Promise.all([readSidecar(file), this.mp4Info(file)]);
    const record = this.recordOf(file, sidecar?.jobId);
    const facts: PlayerFacts = { file, extendable: record !== undefined && canExtend(record) };
    if (sidecar) facts.sidecar = sidecar;
    if (record) facts.record = record;
    if (info) facts.info = info;
    return facts;
  }

  private async mp4Info(file: string): Promise<Mp4Info | undefined> {
    try {
      return await readMp4Info(file);
    } catch (error) {
      this.ctx.logger.warn(`Reading the boxes of ${file} failed: ${describeError(error)}`);
      return undefined;
    }
  }

  private recordOf(file: string, jobId: string | undefined): JobRecord | undefined {
    const byFile = this.ctx.store.all().find((r) => r.outputs.some((o) => o.file !== undefined && path.resolve(o.file) === path.resolve(file)));
    return byFile ?? (jobId ? this.ctx.store.findByJobId(jobId) : undefined);
  }

  private async act(action: Exclude<PlayerAction, 'continueFromLastFrame'>, uri: vscode.Uri): Promise<void> {
    const facts = await this.facts(uri);
    switch (action) {
      case 'copyPrompt': {
        const prompt = facts.sidecar?.prompt ?? facts.record?.request.prompt ?? '';
        await vscode.env.clipboard.writeText(prompt);
        void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the prompt'), 3000);
        return;
      }
      case 'reveal':
        await vscode.commands.executeCommand('revealInExplorer', uri);
        return;
      case 'openExternal':
        await vscode.env.openExternal(uri);
        return;
      case 'runAgain':
        if (facts.record) {
          await quietly(vscode.commands.executeCommand(Commands.jobsRerun, facts.record.clientId));
        } else if (facts.sidecar?.rerun) {
          await this.generate({ ...facts.sidecar.rerun }, uri);
        }
        return;
      case 'extend':
        // A string argument without a prompt: Extend asks for the prompt and confirms the cost.
        if (facts.record?.jobId) await quietly(vscode.commands.executeCommand(Commands.jobsExtend, facts.record.jobId));
        return;
    }
  }

  /** Saves the captured frame beside the video and opens the Generate flow with it as the first frame. */
  private async continueFrom(uri: vscode.Uri, dataUrl: string): Promise<void> {
    const png = await saveLastFrame(uri.fsPath, dataUrl);
    const facts = await this.facts(uri);
    const modelId = facts.sidecar?.modelId ?? facts.record?.request.model;
    const model = modelId ? await this.ctx.catalog.find(modelId).catch(() => undefined) : undefined;
    const prompt = await vscode.window.showInputBox({
      title: vscode.l10n.t('Continue from Last Frame'),
      prompt: vscode.l10n.t('Saved the last frame as {0}. Describe what happens next (or leave it empty to animate the frame alone).', path.basename(png)),
      value: facts.sidecar?.prompt ?? facts.record?.request.prompt ?? '',
      ignoreFocusOut: true,
    });
    if (prompt === undefined) return;
    const args: GenerateArgs = { firstFrame: png };
    if (prompt.trim() !== '') args.prompt = prompt.trim();
    // The same model when it takes a first frame; otherwise the flow asks for one that does.
    if (model && frameTypes(model).includes('first_frame')) args.model = model.id;
    await this.generate(args, uri);
  }

  private async generate(args: GenerateArgs, uri: vscode.Uri): Promise<void> {
    const record = await runGenerate(this.ctx, args, { review: true, sourceUri: uri });
    if (record) this.notifications.track(record);
  }
}

/** A command run from the player: its own wrapper has shown any error already. */
async function quietly(running: Thenable<unknown>): Promise<void> {
  try {
    await running;
  } catch {
    // shown by the command wrapper
  }
}
