/**
 * The messages between the gallery's webview (`media/gallery/gallery.js`) and the extension, both ways, in
 * one place. The webview's script is plain JavaScript: its side follows these shapes, and everything it
 * sends is checked here (`parseGalleryMessage`) before the host acts on it.
 */
import { isPosterKey } from '../../core/gallery/posterKey';

/** How a card's poster is drawn: from the cache, or captured from the video by the webview first. */
export type PosterView =
  /** The cached JPEG, as a webview resource URI. */
  | { src: string }
  /** Not cached yet: capture a frame of `videoSrc` and send it back as a `poster` message with `key`. */
  | { key: string; videoSrc: string };

/** One video, worded by the host. */
export interface GalleryCard {
  /** The entry's id (job client id and output index): what `open` sends back. */
  id: string;
  /** The prompt, shortened for the card. */
  title: string;
  /** The whole prompt (the card's tooltip). */
  prompt: string;
  model: string;
  cost: string;
  date: string;
  /** The card's accessible name: what it shows, and that Enter opens it. */
  ariaLabel: string;
  poster: PosterView;
}

/** Takes of one prompt or shot, side by side; a group of one is a single video. */
export interface GalleryGroup {
  key: string;
  /** Shown above groups of more than one take: the shot or prompt, and how many takes there are. */
  heading?: string;
  takes?: string;
  cards: GalleryCard[];
}

export interface GalleryView {
  groups: GalleryGroup[];
  /** The model select's options (the first, with an empty id, is "all models"). */
  models: { id: string; label: string }[];
  /** The filter the groups were made with (the webview's own, echoed). */
  filter: { text: string; model: string };
  /** Whether there is any saved video at all (the empty state), whatever the filter. */
  hasVideos: boolean;
  labels: {
    /** The list of videos' accessible name. */
    videos: string;
    search: string;
    searchPlaceholder: string;
    model: string;
    emptyTitle: string;
    emptyText: string;
    generate: string;
    noMatch: string;
    capturing: string;
  };
}

/** Host → webview. */
export type GalleryHostMessage =
  /** What to show; sent when the webview is ready, when the filter changes and when a job is saved or removed. */
  | { type: 'show'; view: GalleryView }
  /** The poster of `key` is cached: draw it from `src` from now on. */
  | { type: 'poster'; key: string; src: string };

/** Webview → host. */
export type GalleryWebviewMessage =
  /** The page has loaded (also after the view was hidden and shown again), with the filter it restored. */
  | { type: 'ready'; text: string; model: string }
  | { type: 'filter'; text: string; model: string }
  | { type: 'open'; id: string }
  | { type: 'generate' }
  | { type: 'poster'; key: string; dataUrl: string }
  | { type: 'posterFailed'; key: string; detail: string };

const MAX_TEXT = 500;

/** A message from the webview as the host may trust it, or undefined for anything else. */
export function parseGalleryMessage(value: unknown): GalleryWebviewMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  switch (m['type']) {
    case 'ready':
    case 'filter':
      return { type: m['type'], text: text(m['text']), model: text(m['model']) };
    case 'open':
      return typeof m['id'] === 'string' && m['id'].length <= MAX_TEXT ? { type: 'open', id: m['id'] } : undefined;
    case 'generate':
      return { type: 'generate' };
    case 'poster':
      return isPosterKey(m['key']) && typeof m['dataUrl'] === 'string' ? { type: 'poster', key: m['key'], dataUrl: m['dataUrl'] } : undefined;
    case 'posterFailed':
      return isPosterKey(m['key']) ? { type: 'posterFailed', key: m['key'], detail: text(m['detail']) } : undefined;
    default:
      return undefined;
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, MAX_TEXT) : '';
}
