import path = require('node:path');
import vscode = require('vscode');
import { describeError } from '../../core/api/errors';
import { rerunArgsFor } from '../../core/download/sidecar';
import { canExtend } from '../../core/jobs/extendRequest';
import type { JobRecord } from '../../core/jobs/jobRecord';
import { framePathFor, lastFramePathFor, saveFrame } from '../../core/media/capturedFrame';
import { readMp4Info, type Mp4Info } from '../../core/media/mp4Info';
import { readSidecar } from '../../core/media/readSidecar';
import { Commands, Editors } from '../../ids';
import { showError } from '../errorPresenter';
import type { GenerateArgs } from '../generateFlow';
import { runGenerate } from '../generateFlow';
import type { HostContext } from '../hostContext';
import { generateFromImage } from '../imageFlow';
import type { JobNotifications } from '../jobProgress';
import { findPromptFile, openPromptFileAtShot } from '../promptFiles/openShot';
import type { PromptFileAnalyzer } from '../promptFiles/promptFileAnalysis';
import { parseWebviewMessage, type FrameChoice, type HostMessage, type PlayerAction } from './playerMessages';
import { playerHtml } from './playerHtml';
import { playerView, type PlayerFacts } from './playerView';

/**
 * The player: a read-only custom editor for MP4 files (`openrouterVideo.player`, `openrouterVideo.savedVideo`). It plays the video large
 * and shows beside it what made it (from the sidecar and the job record) and what to do next.
 *
 * The webview is not kept alive while hidden (a playing video would hold its decoder and memory): it saves
 * its position and loop with `setState`, and the host sends the details again each time it says `ready`.
 */
export class PlayerProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(
    private readonly ctx: HostContext,
    private readonly notifications: JobNotifications,
    private readonly promptFiles: PromptFileAnalyzer,
  ) {}

  /**
   * One provider behind both view types: `player`, offered for any MP4 (Reopen Editor With…), and `savedVideo`,
   * the default for the names this extension gives the videos it saves.
   */
  static register(ctx: HostContext, notifications: JobNotifications, promptFiles: PromptFileAnalyzer): vscode.Disposable {
    const provider = new PlayerProvider(ctx, notifications, promptFiles);
    const options = { supportsMultipleEditorsPerDocument: true, webviewOptions: { retainContextWhenHidden: false } };
    return vscode.Disposable.from(
      vscode.window.registerCustomEditorProvider(Editors.player, provider, options),
      vscode.window.registerCustomEditorProvider(Editors.savedVideo, provider, options),
    );
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
      scriptUris: [vscode.Uri.joinPath(media, 'shared', 'mediaEvents.js'), vscode.Uri.joinPath(media, 'player', 'player.js')].map((uri) => webview.asWebviewUri(uri).toString()),
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
              if (message.action === 'continueFromLastFrame') post({ type: 'captureFrame', which: 'last' });
              else if (message.action === 'useFrame') post({ type: 'captureFrame', which: 'current' });
              else await this.act(message.action, document.uri);
              break;
            case 'frame':
              await this.continueFrom(document.uri, message.which, message.dataUrl, message.seconds);
              break;
            case 'frameFailed':
              this.ctx.logger.warn(`Capturing the ${message.which} frame of ${document.uri.fsPath} failed: ${message.detail}`);
              void vscode.window.showWarningMessage(
                message.which === 'last'
                  ? vscode.l10n.t('The player could not capture the last frame ({0}). Play the video once, then try again.', message.detail)
                  : vscode.l10n.t('The player could not capture the frame on screen ({0}). Play the video once, then try again.', message.detail),
              );
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
    const source = sidecar?.source ?? record?.source;
    const promptFile = source ? await findPromptFile(source.promptFile, uri) : undefined;
    if (promptFile) facts.promptFile = promptFile.fsPath;
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

  private async act(action: Exclude<PlayerAction, 'continueFromLastFrame' | 'useFrame'>, uri: vscode.Uri): Promise<void> {
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
      case 'runAgainWithChanges':
        await this.runAgainWithChanges(facts, uri);
        return;
      case 'openPromptFile': {
        const source = facts.sidecar?.source ?? facts.record?.source;
        if (source && facts.promptFile) await openPromptFileAtShot(this.promptFiles, vscode.Uri.file(facts.promptFile), source);
        return;
      }
    }
  }

  /** The Generate flow prefilled with this video's settings: the prompt to change first, then the settings and the cost. */
  private async runAgainWithChanges(facts: PlayerFacts, uri: vscode.Uri): Promise<void> {
    const root = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
    const args: GenerateArgs | undefined = facts.sidecar?.rerun ? { ...facts.sidecar.rerun } : facts.record ? rerunArgsFor(facts.record.request, root) : undefined;
    if (!args) return;
    const prompt = await vscode.window.showInputBox({
      title: vscode.l10n.t('Run Again with Changes'),
      prompt: vscode.l10n.t('Change the prompt, then review the settings and the cost. The new job is billed again.'),
      value: args.prompt ?? '',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() || args.firstFrame ? undefined : vscode.l10n.t('Write a prompt, or press Escape to cancel.')),
    });
    if (prompt === undefined) return;
    delete args.prompt;
    if (prompt.trim() !== '') args.prompt = prompt.trim();
    await this.generate(args, uri);
  }

  /**
   * Saves the captured frame beside the video (`<video>.last.png`, or `<video>.frame-<seconds>.png` for the frame
   * on screen) and opens the Generate flow with it as the first frame, on the video's model when it takes one.
   */
  private async continueFrom(uri: vscode.Uri, which: FrameChoice, dataUrl: string, seconds: number): Promise<void> {
    const png = await saveFrame(which === 'last' ? lastFramePathFor(uri.fsPath) : framePathFor(uri.fsPath, seconds), dataUrl);
    const facts = await this.facts(uri);
    const name = path.basename(png);
    const record = await generateFromImage(this.ctx, {
      image: png,
      frameType: 'first_frame',
      model: facts.sidecar?.modelId ?? facts.record?.request.model,
      sourceUri: uri,
      ask: {
        title: which === 'last' ? vscode.l10n.t('Continue from Last Frame') : vscode.l10n.t('Use Frame as First Frame'),
        prompt:
          which === 'last'
            ? vscode.l10n.t('Saved the last frame as {0}. Describe what happens next (or leave it empty to animate the frame alone).', name)
            : vscode.l10n.t('Saved the frame as {0}. Describe what happens from it (or leave it empty to animate the frame alone).', name),
        value: facts.sidecar?.prompt ?? facts.record?.request.prompt ?? '',
      },
    });
    if (record) this.notifications.track(record);
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
