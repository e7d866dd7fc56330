/**
 * Takes: videos of the same shot of a prompt file, or of the same prompt on the same model, grouped so the
 * gallery shows them side by side to compare.
 */
import { newestFirst, type GalleryEntry } from './galleryEntry';

export interface TakeGroup {
  /** Stable across refreshes: the prompt file and shot, or the model and prompt, or the one video's id. */
  key: string;
  /** Newest first. */
  entries: GalleryEntry[];
}

/** What makes two videos takes of one thing. Whitespace in the prompt does not count. */
export function takeKey(entry: GalleryEntry): string {
  if (entry.source) return `shot\u0000${entry.source.promptFile}\u0000${entry.source.shot}`;
  if (entry.prompt !== undefined) return `prompt\u0000${entry.modelId ?? ''}\u0000${entry.prompt.trim().replace(/\s+/g, ' ')}`;
  return `video\u0000${entry.id}`;
}

/** The entries in groups of takes, the group with the newest video first. */
export function groupTakes(entries: readonly GalleryEntry[]): TakeGroup[] {
  const groups = new Map<string, TakeGroup>();
  for (const entry of [...entries].sort(newestFirst)) {
    const key = takeKey(entry);
    const group = groups.get(key);
    if (group) group.entries.push(entry);
    else groups.set(key, { key, entries: [entry] });
  }
  // Insertion order already puts the group whose first (newest) entry is newest first.
  return [...groups.values()];
}
