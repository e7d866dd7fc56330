import path = require('node:path');
import vscode = require('vscode');
import type { JobRecord } from '../../core/jobs/jobRecord';
import type { Mp4Info } from '../../core/media/mp4Info';
import type { SidecarFacts } from '../../core/media/readSidecar';
import { formatUsd } from '../../core/pricing/estimateCost';
import { formatElapsed } from '../views/jobPresenter';
import type { PlayerAction, PlayerView } from './playerMessages';

/** What the player knows of one video: its sidecar, its job record (if still listed) and its boxes. */
export interface PlayerFacts {
  file: string;
  sidecar?: SidecarFacts;
  record?: JobRecord;
  info?: Mp4Info;
  /** Whether the job can be extended (completed, on record). */
  extendable: boolean;
  /** The prompt file the video came from, when it still exists (its path on disk). */
  promptFile?: string;
}

/** The player's page content, worded. */
export function playerView(facts: PlayerFacts, videoSrc: string): PlayerView {
  const { sidecar: s, record: r } = facts;
  const l = vscode.l10n;
  const details: PlayerView['details'] = [];
  const add = (id: string, label: string, value: string | undefined) => {
    if (value !== undefined && value !== '') details.push({ id, label, value });
  };
  const prompt = s?.prompt ?? r?.request.prompt;
  add('prompt', l.t('Prompt'), prompt);
  const modelId = s?.modelId ?? r?.request.model;
  const modelName = s?.modelName ?? r?.modelName;
  add('model', l.t('Model'), modelName && modelId && modelName !== modelId ? `${modelName} (${modelId})` : (modelId ?? modelName));
  add('settings', l.t('Settings'), settingsLine(facts));
  add('cost', l.t('Cost'), costLine(s, r));
  add('took', l.t('Time taken'), tookLine(s, r));
  add('jobId', l.t('Job id'), s?.jobId ?? r?.jobId);
  add('extends', l.t('Extends job'), s?.previousJobId ?? r?.request.previousJobId);
  const source = s?.source ?? r?.source;
  add('promptFile', l.t('Prompt file'), source?.promptFile);
  if (source) add('shot', l.t('Shot'), source.shotName !== undefined ? `${source.shot + 1} · ${source.shotName}` : String(source.shot + 1));
  add('codecs', l.t('Streams'), codecLine(facts.info));

  const actions: PlayerView['actions'] = [];
  const action = (id: PlayerAction, label: string, title?: string) => actions.push(title ? { action: id, label, title } : { action: id, label });
  if (modelId) action('runAgain', l.t('Run Again'), l.t('Submit a new job with the same settings (billed again)'));
  if (s?.rerun || r) action('runAgainWithChanges', l.t('Run Again with Changes'), l.t('Open Generate Video with these settings to change the prompt or settings first'));
  if (facts.extendable) action('extend', l.t('Extend'), l.t('Continue this video with a new job on the same model'));
  action('continueFromLastFrame', l.t('Continue from Last Frame'), l.t('Save the last frame as a PNG beside the video and generate from it'));
  action('useFrame', l.t('Use Frame as First Frame…'), l.t('Save the frame on screen as a PNG beside the video and generate from it'));
  if (facts.promptFile) action('openPromptFile', l.t('Open Prompt File'), l.t('Open the prompt file at this shot'));
  if (prompt) action('copyPrompt', l.t('Copy Prompt'));
  action('reveal', l.t('Reveal'), l.t('Show the video in the Explorer'));
  action('openExternal', l.t('Open in System Player'));

  const view: PlayerView = {
    videoSrc,
    fileName: path.basename(facts.file),
    details,
    actions,
    labels: {
      loop: l.t('Loop'),
      playPause: l.t('Space: play or pause'),
      details: l.t('Details'),
      capturing: l.t('Capturing the last frame…'),
      keys: l.t('Space play/pause · ←/→ 1 s · , and . one frame'),
    },
  };
  if (facts.info?.hasAac) view.audioNote = l.t("This clip's audio (AAC) can't play inside VS Code.");
  return view;
}

function settingsLine(facts: PlayerFacts): string | undefined {
  const s = facts.sidecar;
  const q = facts.record?.request;
  const parts: string[] = [];
  const duration = s?.duration ?? q?.duration;
  if (duration !== undefined) parts.push(`${duration} s`);
  const size = s?.size ?? q?.size;
  if (size) parts.push(size);
  else {
    const resolution = s?.resolution ?? q?.resolution;
    const aspect = s?.aspectRatio ?? q?.aspectRatio;
    if (resolution) parts.push(resolution);
    if (aspect) parts.push(aspect);
  }
  const audio = s?.generateAudio ?? q?.generateAudio;
  if (audio !== undefined) parts.push(audio ? vscode.l10n.t('audio') : vscode.l10n.t('no audio'));
  const seed = s?.seed ?? q?.seed;
  if (seed !== undefined) parts.push(vscode.l10n.t('seed {0}', seed));
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

function costLine(s: SidecarFacts | undefined, r: JobRecord | undefined): string | undefined {
  const actual = r?.costUsd ?? s?.actualUsd;
  if (actual !== undefined) return formatUsd(actual);
  const estimated = r?.estimatedCostUsd ?? s?.estimatedUsd;
  return estimated !== undefined ? vscode.l10n.t('{0} (estimated)', formatUsd(estimated)) : undefined;
}

function tookLine(s: SidecarFacts | undefined, r: JobRecord | undefined): string | undefined {
  const start = r?.submittedAt ?? r?.createdAt ?? time(s?.submittedAt ?? s?.createdAt);
  const end = r?.completedAt ?? time(s?.completedAt);
  return start !== undefined && end !== undefined && end >= start ? formatElapsed(end - start) : undefined;
}

function time(iso: string | undefined): number | undefined {
  const ms = iso === undefined ? NaN : Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

function codecLine(info: Mp4Info | undefined): string | undefined {
  if (!info) return undefined;
  const parts: string[] = [];
  const video = info.tracks.find((t) => t.kind === 'video');
  if (video) parts.push(video.width && video.height ? `${video.format} ${video.width}×${video.height}` : video.format);
  const audio = info.tracks.find((t) => t.kind === 'audio');
  if (audio) parts.push(audio.format === 'mp4a' && info.hasAac ? 'AAC' : audio.format);
  else parts.push(vscode.l10n.t('no audio'));
  if (info.durationSeconds !== undefined) parts.push(`${info.durationSeconds.toFixed(1)} s`);
  return parts.join(' · ');
}
