/**
 * How a model and a request's price read: a model's one-line summary (pickers, the Models view) and the cost
 * estimate's basis, or why there is none. Core gives the facts; this module words them through `l10n.t`.
 * Kept free of a runtime `vscode` import (the caller passes `vscode.l10n`), so the unit tier checks the words.
 */
import type { VideoModel } from '../core/api/schemas';
import type { VideoRequest } from '../core/api/videoRequest';
import { audioControl, isEditOrUpscaleModel, sortedDurations, sortedResolutions, supportsTextToVideo } from '../core/models/modelCapabilities';
import { formatUsd, lowestPerSecondUsd, pricingKind, type CostBasis, type CostEstimate, type UnpricedFacts, type UnpricedReason } from '../core/pricing/estimateCost';
import type { L10n } from './wordParts';

/** `5 s`, `5 or 10 s`, `4–8 s` ('' when the model takes no duration). */
function durationRange(l10n: L10n, durations: readonly number[]): string {
  const first = durations[0];
  const last = durations[durations.length - 1];
  if (first === undefined || last === undefined) return '';
  if (durations.length === 1) return l10n.t('{value} s', { value: first });
  if (durations.length === 2) return l10n.t('{first} or {last} s', { first, last });
  return l10n.t('{first}–{last} s', { first, last });
}

/**
 * One line for quick picks, e.g. `4–8 s · 720p–4K · audio · from $0.20/s`.
 * Parts that do not apply are left out; models that cannot generate from a prompt say why.
 */
export function summariseModel(l10n: L10n, model: VideoModel): string {
  const parts: string[] = [];
  if (isEditOrUpscaleModel(model)) parts.push(model.upscale_factor != null ? l10n.t('upscales a video') : l10n.t('edits a video'));
  else if (!supportsTextToVideo(model)) parts.push(l10n.t('needs provider input'));
  const durations = durationRange(l10n, sortedDurations(model));
  if (durations) parts.push(durations);
  const resolutions = sortedResolutions(model);
  const lowest = resolutions[0];
  const highest = resolutions[resolutions.length - 1];
  if (lowest !== undefined && highest !== undefined) parts.push(resolutions.length > 1 ? `${lowest}–${highest}` : lowest);
  if (audioControl(model) !== 'none') parts.push(l10n.t('audio'));
  const kind = pricingKind(model);
  const cheapest = lowestPerSecondUsd(model);
  if (kind === 'perSecond' && cheapest !== undefined) parts.push(l10n.t('from {price}/s', { price: formatUsd(cheapest) }));
  else if (kind === 'perToken') parts.push(l10n.t('priced per token (approx. estimate)'));
  else if (kind === 'perMegapixelSecond') parts.push(l10n.t('priced per megapixel-second'));
  return parts.join(' · ');
}

/** A per-token price in full (`$0.0000035`): `formatUsd` stops at six decimals. */
function formatTokenPrice(usd: number): string {
  const [whole = '0', fraction = ''] = usd.toFixed(10).replace(/0+$/, '').split('.');
  return `$${whole}.${fraction.padEnd(2, '0')}`;
}

/**
 * What an estimate is made of, e.g. `5 s × $0.10/s (720p, image-to-video, with audio) + 1 image × $0.01`, or for
 * a token-priced model `≈ 86,400 video tokens (1280×720, 24 fps, 4 s) × $0.000007 per token (approximate: …)`.
 */
export function wordCostBasis(l10n: L10n, basis: CostBasis): string {
  if (basis.tokens !== undefined) {
    const t = basis.tokens;
    const text = l10n.t('≈ {count} video tokens ({width}×{height}, 24 fps, {seconds} s) × {price} per token', {
      count: t.count.toLocaleString('en-US'),
      width: t.width,
      height: t.height,
      seconds: basis.seconds,
      price: formatTokenPrice(t.perTokenUsd),
    });
    const audio = basis.audio === undefined ? '' : basis.audio ? ` (${l10n.t('with audio')})` : ` (${l10n.t('without audio')})`;
    return l10n.t('{basis}{audio}; approximate: OpenRouter counts the tokens, and the real cost is known when the job completes', { basis: text, audio });
  }
  let text = l10n.t('{seconds} s × {price}/s', { seconds: basis.seconds, price: formatUsd(basis.perSecondUsd) });
  const details: string[] = [];
  if (basis.resolution !== undefined) details.push(basis.resolution);
  if (basis.mode !== undefined) details.push(basis.mode === 'imageToVideo' ? l10n.t('image-to-video') : l10n.t('text-to-video'));
  if (basis.audio !== undefined) details.push(basis.audio ? l10n.t('with audio') : l10n.t('without audio'));
  if (details.length > 0) text = `${text} (${details.join(', ')})`;
  if (basis.images !== undefined) {
    const price = formatUsd(basis.images.eachUsd);
    text =
      basis.images.count === 1
        ? l10n.t('{basis} + 1 image × {price}', { basis: text, price })
        : l10n.t('{basis} + {count} images × {price}', { basis: text, count: basis.images.count, price });
  }
  if (basis.references !== undefined) {
    const price = formatUsd(basis.references.eachUsd);
    text =
      basis.references.count === 1
        ? l10n.t('{basis} + 1 reference image × {price} (approximate: OpenRouter does not say the unit of this price)', { basis: text, price })
        : l10n.t('{basis} + {count} reference images × {price} (approximate: OpenRouter does not say the unit of this price)', { basis: text, count: basis.references.count, price });
  }
  if (basis.minimumUsd !== undefined) {
    text = l10n.t('{basis}, raised to the {minimum} minimum charge', { basis: text, minimum: formatUsd(basis.minimumUsd) });
  }
  return text;
}

const UNPRICED: { readonly [R in UnpricedReason]: (l10n: L10n, facts: UnpricedFacts) => string } = {
  perToken: (l10n) => l10n.t('priced per video token, and OpenRouter lists no token price this extension can use; the cost is known only when the job completes'),
  perMegapixelSecond: (l10n) =>
    l10n.t('priced per megapixel-second of the source video being upscaled; the cost depends on that video and is known when the job completes'),
  noPrice: (l10n, f) => l10n.t('OpenRouter lists no price for {model}; the cost is known only when the job completes', { model: f.model }),
  unknownUnits: (l10n, f) =>
    l10n.t('OpenRouter prices {model} in units this extension does not understand ({keys}); the cost is known only when the job completes', {
      model: f.model,
      keys: (f.keys ?? []).join(', '),
    }),
  lengthFromInput: (l10n, f) =>
    f.minimumUsd !== undefined
      ? l10n.t('priced per second of output, and {model} takes no duration: the length depends on its input (at least {minimum})', {
          model: f.model,
          minimum: formatUsd(f.minimumUsd),
        })
      : l10n.t('priced per second of output, and {model} takes no duration: the length depends on its input', { model: f.model }),
  durationNeeded: (l10n) => l10n.t('choose a duration first; the price is per second'),
  durationTooShort: (l10n) => l10n.t('choose a duration of at least 1 s first; the price is per second'),
  resolutionNeeded: (l10n, f) => l10n.t('the price of {model} depends on the resolution; choose a resolution first', { model: f.model }),
  noPriceAtResolution: (l10n, f) => l10n.t('OpenRouter lists no per-second price for {model} at {resolution}', { model: f.model, resolution: f.resolution ?? '' }),
};

/** Why the cost cannot be known in advance, as a clause (no capital, no full stop). */
export function wordUnpriced(l10n: L10n, reason: UnpricedReason, facts: UnpricedFacts): string {
  return UNPRICED[reason](l10n, facts);
}

/** The estimate's basis, or why there is none. */
export function wordEstimate(l10n: L10n, estimate: CostEstimate): string {
  return estimate.kind === 'estimate' ? wordCostBasis(l10n, estimate.basis) : wordUnpriced(l10n, estimate.reason, estimate.facts);
}

/** A request's settings in one line, e.g. `4 s · 720p · 16:9 · no audio · 1 frame image(s)`. */
export function wordRequestSettings(l10n: L10n, r: VideoRequest): string {
  const parts: string[] = [];
  if (r.duration !== undefined) parts.push(`${r.duration} s`);
  if (r.size) parts.push(r.size);
  else {
    if (r.resolution) parts.push(r.resolution);
    if (r.aspectRatio) parts.push(r.aspectRatio);
  }
  if (r.generateAudio !== undefined) parts.push(r.generateAudio ? l10n.t('audio') : l10n.t('no audio'));
  const frames = r.frames?.length ?? 0;
  if (frames > 0) parts.push(l10n.t('{0} frame image(s)', frames));
  const references = r.inputReferences?.length ?? 0;
  if (references > 0) parts.push(l10n.t('{0} reference image(s)', references));
  const options = Object.values(r.providerOptions ?? {}).reduce((n, parameters) => n + Object.keys(parameters).length, 0);
  if (options > 0) parts.push(l10n.t('{0} provider option(s)', options));
  return parts.join(' · ');
}
