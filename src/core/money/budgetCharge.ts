/**
 * What a submit counts against the budget before OpenRouter reports its cost:
 * - `estimate`: the cost estimate (per-second prices);
 * - `approximate`: the approximate estimate of a token-priced model;
 * - `ceiling`: no estimate could be made, so the model's highest price at the longest length the request allows
 *   (highest per-second price × duration; for a token-priced model, its highest token price at its largest frame);
 * - `uncounted`: not even a ceiling is known (no price, unknown units, a length set by the input): it counts
 *   its minimum charge, if any, until the job's own cost is known.
 */
import type { VideoModel } from '../api/schemas';
import type { VideoRequest } from '../api/videoRequest';
import { sortedDurations } from '../models/modelCapabilities';
import { highestPerSecondUsd, minimumChargeUsd, pricingKind, type CostEstimate } from '../pricing/estimateCost';
import { highestTokenPrice, largestFrame, videoTokens } from '../pricing/tokenPricing';

export type ChargeBasis = 'estimate' | 'approximate' | 'ceiling' | 'uncounted';

export interface BudgetCharge {
  usd: number;
  basis: ChargeBasis;
  /** For a ceiling: the seconds it was counted for and the highest per-second price (the effective one for tokens). */
  seconds?: number;
  perSecondUsd?: number;
}

function round4(usd: number): number {
  return Math.round(usd * 10_000) / 10_000;
}

/** The seconds a ceiling counts: the request's duration, else the longest the model offers. */
function ceilingSeconds(model: VideoModel, request: VideoRequest): number | undefined {
  if (request.duration !== undefined && Number.isFinite(request.duration) && request.duration > 0) return request.duration;
  const durations = sortedDurations(model);
  return durations[durations.length - 1];
}

/** What this request counts against the budget (see above). */
export function budgetCharge(model: VideoModel, request: VideoRequest, estimate: CostEstimate): BudgetCharge {
  if (estimate.kind === 'estimate') {
    return { usd: estimate.usd, basis: estimate.approximate ? 'approximate' : 'estimate' };
  }
  const seconds = ceilingSeconds(model, request);
  const kind = pricingKind(model);
  if (seconds !== undefined && kind === 'perSecond') {
    const perSecondUsd = highestPerSecondUsd(model);
    if (perSecondUsd !== undefined) return { usd: round4(perSecondUsd * seconds), basis: 'ceiling', seconds, perSecondUsd };
  }
  if (seconds !== undefined && kind === 'perToken') {
    const price = highestTokenPrice(model);
    const frame = largestFrame(model);
    if (price !== undefined && frame !== undefined) {
      const usd = round4(videoTokens(frame, seconds) * price);
      return { usd, basis: 'ceiling', seconds, perSecondUsd: usd / seconds };
    }
  }
  return { usd: minimumChargeUsd(model) ?? 0, basis: 'uncounted' };
}
