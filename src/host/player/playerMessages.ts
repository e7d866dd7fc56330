/**
 * The messages between the player's webview (`media/player/player.js`) and the extension, both ways, in
 * one place. The webview's script is plain JavaScript: its side follows these shapes, and everything it
 * sends is checked here (`parseWebviewMessage`) before the host acts on it.
 */

/** What the player shows beside the video: already worded by the host, ready to display. */
export interface PlayerView {
  /** The video as a webview resource URI. */
  videoSrc: string;
  fileName: string;
  /** Rows of the details list: a label and its value (prompt, model, settings, cost, time taken, job id). */
  details: { label: string; value: string; id: string }[];
  /** Set when the clip's audio cannot play in the webview (AAC): the sentence to show. */
  audioNote?: string;
  /** The actions the player offers, with their words; absent ones are not shown. */
  actions: { action: PlayerAction; label: string; title?: string }[];
  /** The other words the webview shows. */
  labels: { loop: string; playPause: string; details: string; capturing: string; keys: string };
}

export const PLAYER_ACTIONS = [
  'runAgain',
  'runAgainWithChanges',
  'copyPrompt',
  'reveal',
  'openExternal',
  'extend',
  'continueFromLastFrame',
  'useFrame',
  'openPromptFile',
] as const;
export type PlayerAction = (typeof PLAYER_ACTIONS)[number];

/** Which frame to capture: the video's last one, or the one on screen. */
export const FRAME_CHOICES = ['last', 'current'] as const;
export type FrameChoice = (typeof FRAME_CHOICES)[number];

/** Host → webview. */
export type HostMessage =
  /** What to show; sent whenever the webview says it is ready (also after it was hidden and shown again). */
  | { type: 'show'; view: PlayerView }
  /** Draw a frame to a canvas (seeking to the end first for `last`) and send it back as `frame`. */
  | { type: 'captureFrame'; which: FrameChoice };

/** Webview → host. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'action'; action: PlayerAction }
  /** The captured frame as a PNG data URL, and the video's time at that frame in seconds. */
  | { type: 'frame'; which: FrameChoice; dataUrl: string; seconds: number }
  | { type: 'frameFailed'; which: FrameChoice; detail: string };

/** A message from the webview as the host may trust it, or undefined for anything else. */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  switch (m['type']) {
    case 'ready':
      return { type: 'ready' };
    case 'action':
      return typeof m['action'] === 'string' && (PLAYER_ACTIONS as readonly string[]).includes(m['action']) ? { type: 'action', action: m['action'] as PlayerAction } : undefined;
    case 'frame': {
      const which = frameChoice(m['which']);
      const seconds = typeof m['seconds'] === 'number' && Number.isFinite(m['seconds']) && m['seconds'] >= 0 ? m['seconds'] : undefined;
      return which && typeof m['dataUrl'] === 'string' && seconds !== undefined ? { type: 'frame', which, dataUrl: m['dataUrl'], seconds } : undefined;
    }
    case 'frameFailed': {
      const which = frameChoice(m['which']);
      return which ? { type: 'frameFailed', which, detail: typeof m['detail'] === 'string' ? m['detail'].slice(0, 500) : '' } : undefined;
    }
    default:
      return undefined;
  }
}

function frameChoice(value: unknown): FrameChoice | undefined {
  return typeof value === 'string' && (FRAME_CHOICES as readonly string[]).includes(value) ? (value as FrameChoice) : undefined;
}
