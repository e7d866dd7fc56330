/** The gallery's filter: by words of the prompt and by model, and the models there are to pick from. */
import type { GalleryEntry } from './galleryEntry';

export interface GalleryFilter {
  /** Words that must all appear (any case) in the prompt, or in the prompt file and shot name. */
  text?: string;
  /** Only this model id. */
  model?: string;
}

/** The entries `filter` lets through, in their order. */
export function filterEntries(entries: readonly GalleryEntry[], filter: GalleryFilter): GalleryEntry[] {
  const words = (filter.text ?? '').toLocaleLowerCase().split(/\s+/).filter((w) => w !== '');
  const model = filter.model || undefined;
  return entries.filter((e) => {
    if (model !== undefined && e.modelId !== model) return false;
    if (words.length === 0) return true;
    const haystack = [e.prompt, e.source?.promptFile, e.source?.shotName].filter((t) => t !== undefined).join('\n').toLocaleLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

export interface GalleryModel {
  id: string;
  /** The model's name when a record or sidecar has it, else its id. */
  name: string;
  /** How many videos were made with it. */
  count: number;
}

/** The models the entries were made with, by name. */
export function modelsOf(entries: readonly GalleryEntry[]): GalleryModel[] {
  const models = new Map<string, GalleryModel>();
  for (const e of entries) {
    if (e.modelId === undefined) continue;
    const known = models.get(e.modelId);
    if (known) {
      known.count += 1;
      if (known.name === known.id && e.modelName) known.name = e.modelName;
    } else {
      models.set(e.modelId, { id: e.modelId, name: e.modelName ?? e.modelId, count: 1 });
    }
  }
  return [...models.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
