/**
 * Job statuses as the extension understands them. Kept apart from the zod wire schemas (schemas.ts) so the
 * poller and the job service, which load at activation, do not pull in and build those schemas.
 */

/** Statuses as the extension understands them. Anything else on the wire becomes `unknown`. */
export type WireStatus = 'pending' | 'in_progress' | 'completed' | 'failed' | 'cancelled' | 'expired' | 'unknown';

export function normaliseStatus(raw: string): WireStatus {
  switch (raw.toLowerCase()) {
    case 'pending':
    case 'queued':
      return 'pending';
    case 'in_progress':
    case 'processing':
    case 'running':
      return 'in_progress';
    case 'completed':
    case 'succeeded':
    case 'success':
      return 'completed';
    case 'failed':
    case 'dead':
      return 'failed';
    case 'cancelled':
    case 'canceled':
      return 'cancelled';
    case 'expired':
      return 'expired';
    default:
      return 'unknown';
  }
}
