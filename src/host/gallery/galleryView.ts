import vscode = require('vscode');
import type { GalleryEntry } from '../../core/gallery/galleryEntry';
import { filterEntries, modelsOf, type GalleryFilter } from '../../core/gallery/galleryFilter';
import { promptLine } from '../../core/gallery/promptLine';
import { groupTakes } from '../../core/gallery/takeGroups';
import { formatUsd } from '../../core/pricing/estimateCost';
import type { GalleryCard, GalleryView, PosterView } from './galleryMessages';

/** How many characters of the prompt a card shows. */
const TITLE_CHARS = 90;

/** The gallery's page content, worded: the entries the filter lets through, in groups of takes. */
export function galleryView(entries: readonly GalleryEntry[], filter: Required<GalleryFilter>, posterOf: (entry: GalleryEntry) => PosterView): GalleryView {
  const l = vscode.l10n;
  const dates = new Intl.DateTimeFormat(vscode.env.language, { dateStyle: 'medium', timeStyle: 'short' });
  const models = modelsOf(entries);
  // A model filter whose model is gone (its last video removed) shows everything again.
  const model = models.some((m) => m.id === filter.model) ? filter.model : '';
  const groups = groupTakes(filterEntries(entries, { text: filter.text, model })).map((group) => {
    const first = group.entries[0]!;
    const cards = group.entries.map((entry): GalleryCard => cardOf(entry, dates, posterOf(entry)));
    return cards.length > 1 ? { key: group.key, heading: headingOf(first), takes: l.t('{0} takes', cards.length), cards } : { key: group.key, cards };
  });
  return {
    groups,
    models: [{ id: '', label: l.t('All models') }, ...models.map((m) => ({ id: m.id, label: `${m.name} (${m.count})` }))],
    filter: { text: filter.text, model },
    hasVideos: entries.length > 0,
    labels: {
      videos: l.t('Saved videos'),
      search: l.t('Filter by prompt'),
      searchPlaceholder: l.t('Filter by prompt'),
      model: l.t('Filter by model'),
      emptyTitle: l.t('No saved videos yet'),
      emptyText: l.t('Videos you generate appear here, newest first, with their prompt, model and cost.'),
      generate: l.t('Generate Video'),
      noMatch: l.t('No videos match the filter.'),
      capturing: l.t('Loading poster…'),
    },
  };
}

function cardOf(entry: GalleryEntry, dates: Intl.DateTimeFormat, poster: PosterView): GalleryCard {
  const l = vscode.l10n;
  const prompt = entry.prompt ?? l.t('(no prompt)');
  const model = entry.modelName ?? entry.modelId ?? l.t('unknown model');
  const cost = entry.costUsd === undefined ? '' : entry.costEstimated ? l.t('{0} (estimated)', formatUsd(entry.costUsd)) : formatUsd(entry.costUsd);
  const date = dates.format(entry.at);
  const title = promptLine(prompt, TITLE_CHARS);
  const ariaLabel = [title, model, cost, date].filter((p) => p !== '').join(', ') + '. ' + l.t('Press Enter to open it in the player.');
  return { id: entry.id, title, prompt, model, cost, date, ariaLabel, poster };
}

function headingOf(entry: GalleryEntry): string {
  if (entry.source) {
    const shot = entry.source.shotName ?? vscode.l10n.t('shot {0}', entry.source.shot + 1);
    return `${entry.source.promptFile} · ${shot}`;
  }
  return promptLine(entry.prompt ?? '', TITLE_CHARS);
}
