/**
 * Typed errors. Code checks `kind` and `reason`, never the message text.
 *
 * Core never words an error for a person: an error carries a `kind` (what sort of failure, which decides
 * retries and actions), a `reason` code (what exactly happened) and `params` (the facts to put in the
 * sentence). `src/host/errorMessages.ts` turns them into one localised sentence. The `message` is a
 * technical line for logs (`reason` plus params), not for people.
 */
import { redact, redactParams } from '../shared/redact';

export type ErrorKind =
  | 'auth' // 401/403: missing, invalid or revoked key
  | 'payment' // 402: insufficient credits
  | 'rateLimited' // 429 (retryAfterMs when the server said)
  | 'badRequest' // 400: OpenRouter's message verbatim
  | 'notFound' // 404
  | 'server' // 5xx
  | 'network' // connection refused/reset, DNS, TLS
  | 'timeout' // no response (or no progress) in time
  | 'responseShape' // a response that does not fit the documented schema
  | 'badContent' // a download that is not a video (JSON/HTML body, wrong length)
  | 'insecure' // a URL that would send the key off the API origin
  | 'io' // the local disk refused a write
  | 'budget' // the spending budget does not allow it (nothing was sent)
  | 'cancelled'; // the caller aborted

export const ERROR_KINDS = [
  'auth',
  'payment',
  'rateLimited',
  'badRequest',
  'notFound',
  'server',
  'network',
  'timeout',
  'responseShape',
  'badContent',
  'insecure',
  'io',
  'budget',
  'cancelled',
] as const satisfies readonly ErrorKind[];

/**
 * Every reason code, one section per area. Adding one: add it here and its sentence in
 * `src/host/errorMessages.ts` (the compiler asks for it there, and the table test words every code).
 */
export const REASONS = [
  // ---- Shared
  'cancelled', // the caller stopped it
  'recorded', // a sentence stored by an older version of the extension: params.text
  'worded', // a sentence the host has already worded (host code only): params.text
  // ---- HTTP answers (api/)
  'keyRejected', // 401
  'keyForbidden', // 403
  'noCredits', // 402
  'rateLimited', // 429; params.seconds when the server said
  'requestRefused', // 400, 413, 422
  'notFound', // 404
  'requestTimeout', // 408
  'serverError', // 5xx
  'unexpectedStatus', // any other status
  // ---- Client (api/). params.what, where given, names the call: models, newJob, job, video, keyInfo
  'noKey', // no API key is set, so nothing was sent
  'keyUnreadable', // the key store failed when asked for the key
  'baseUrlInvalid', // the base URL is not a URL: params.url
  'baseUrlScheme', // the base URL is neither https nor http: params.url
  'keyOffOrigin', // a call that would carry the key to another origin than the API's: params.origin
  'keyOverHttp', // a call that would carry the key over plain http off loopback: params.host
  'pollingUrlInvalid', // a polling_url that is not a URL: params.url
  'pollingUrlForeign', // a polling_url off the API origin: params.origin, params.apiOrigin
  'noJobId', // getJob without a job id or polling_url
  'contentUrlInvalid', // a video URL that is not a URL: params.url
  'contentUrlScheme', // a video URL that is not http(s): params.scheme
  'redirectScheme', // a download redirected to a URL that is not http(s): params.scheme
  'tooManyRedirects', // a download redirected more than params.max times
  'linkExpired', // a storage link refused with 401/403 (not about the key): params.host, params.status
  'notAVideo', // a download answered with JSON or HTML: params.contentType, params.said
  'responseTooLarge', // a JSON answer over the size limit: params.what, params.bytes
  'responseNotJson', // an answer that is not JSON: params.what, params.status, params.contentType
  'unexpectedShape', // an answer that does not fit its schema: params.what, params.field, params.issue
  'clientClosed', // the client was disposed (the base URL changed, or the extension stops)
  'noAnswer', // no answer within the deadline: params.host, params.seconds, params.what
  'connectTimeout', // the connection was not made in time (nothing sent): params.host, params.what
  'tlsFailed', // the secure connection could not be set up (certificate, TLS): params.host, params.code
  'unreachable', // the connection was never made (refused, DNS, no route; nothing sent): params.host, params.what, params.code
  'connectionFailed', // the connection failed after the request may have been sent: params.host, params.what, params.code
  'connectionBroke', // the connection broke while a download's body was read: params.host, params.code
  // ---- Download (download/). A failed download leaves nothing behind and the job stays downloadable. An
  // error of another area that ends a download (an openContent that rejects) keeps its kind and reason and gets
  // params.downloadFailed = true: the host adds the same advice to its sentence.
  'downloadCancelled', // the caller stopped the download
  'downloadBroken', // the connection broke mid-body and every resume broke too: params.detail (an error code)
  'downloadStalled', // no bytes for params.seconds, and every resume stalled or broke too
  'downloadEndedEarly', // the body ended at params.received of params.total bytes, and every resume did too
  'downloadWrongRange', // a resume was answered with another part of the file, and so was every retry
  'downloadBadStatus', // an answer other than 200 or 206: params.status
  'downloadRefusedType', // a content type that is not a video: params.what (json, html, xml, text, image, audio, other), params.type, params.said
  'downloadNotVideo', // bytes that are JSON or HTML whatever the label: params.what (json, html), params.type, params.said
  'downloadEmpty', // an answer with no bytes
  'downloadTooManyBytes', // more bytes than announced: params.received, params.total
  'downloadUnrequestedRange', // a 206 for a part of the file that was not asked for
  'downloadTooLarge', // a video over the size cap: params.bytes (announced, or received so far with params.endless), params.limitMiB
  'downloadTooSlow', // the download's overall deadline passed: params.seconds, params.received, params.total
  'outputUrlInsecure', // a video link OpenRouter gave that is neither https nor loopback http: params.scheme, params.host
  // ---- Disk (download/). params.folder, params.file, params.code; params.action: saveVideo, createFolder, reserveName, writeSidecar
  'diskFull', // ENOSPC, EDQUOT
  'diskNoPermission', // EACCES, EPERM
  'diskReadOnly', // EROFS
  'diskNotAFolder', // ENOTDIR, EEXIST, ENOENT, EISDIR: the folder or one of its parents is not a folder
  'diskTooManyFiles', // EMFILE, ENFILE
  'diskFailed', // any other file-system error: params.detail
  // ---- File names (download/)
  'outsideFolder', // a file name that would leave the output folder: params.name, params.folder
  'badFileName', // a base name that is not a plain name: params.name
  'badFileExtension', // params.ext
  'noFreeFileName', // every `-2`, `-3`… name is taken: params.name, params.folder
  'outputFolderAbsolute', // the output folder setting is an absolute path: params.value
  'outputFolderHome', // it points at the home folder (`~`): params.value
  'outputFolderClimbs', // it leaves the workspace with `..`: params.value
  'outputFolderBadName', // it holds a name not every system accepts: params.value, params.segment
  'outputFolderOutside', // it resolves outside the workspace: params.value, params.resolved
  'outputFolderLinkedOutside', // on disk it leads outside the workspace through a link: params.folder, params.real ('' for a link to nothing), params.root
  'noWorkspaceFolder', // no folder is open to save into
  // ---- Store (jobs/)
  'submitInterrupted', // found in `submitting` on start-up: the app stopped mid-submit, the outcome is unknown
  'downloadInterrupted', // found in `downloading` on start-up: the app stopped mid-save, it downloads again
  'storeNotSaved', // the jobs file could not be written: params.detail
  'storeUnreadable', // the jobs file could not be read: params.detail
  'storeClosed', // a change asked of the store after it closed (the window is closing)
  'storeJobMissing', // a change asked for a job that is not in the store (removed meanwhile): params.clientId
  // ---- Jobs (jobs/)
  'imageUnreadable', // a frame image could not be read, so nothing was submitted: params.path, params.detail
  'submitUnknown', // the submit's answer was lost (OpenRouter may have taken and billed it): params.failure (an error kind), params.status, params.said
  'remoteFailed', // OpenRouter failed, cancelled or expired the job: params.status (its raw status), params.said (its own text, verbatim)
  'jobNotFound', // a poll answered 404: OpenRouter does not know the job
  'watchLimit', // watched longer than the limit without a result (stale): params.minutes
  'noSuchJob', // no job with this id on record: params.id
  'jobRemoved', // the job was removed while something waited for it
  'serviceStopped', // the job service was shut down (the window is closing)
  'modelGone', // Run Again: OpenRouter no longer lists the job's model: params.model
  'nothingToDownload', // a download of a job OpenRouter never confirmed (no job id)
  'nothingToWatch', // Watch Again of a job OpenRouter never confirmed (no job id)
  'alreadyFinished', // Watch Again of a job that is finished here: params.state
  'alreadyReported', // Watch Again of a job OpenRouter already finished: params.status
  'noVideo', // a download of a job OpenRouter failed: params.status, params.said
  'notFinished', // a download of a job OpenRouter is still working on: params.status
  'saveFailed', // saving a video failed in an unexpected way: params.detail
  'adoptNeedsUnknown', // Recover Job by ID into a record whose submit outcome is known
  'noRecoverFolder', // Recover Job by ID with no folder to save into
  'badJobId', // Recover Job by ID with text that is not a job id: params.text
  'cannotContinue', // an extend (previous_job_id) answered 400: the model cannot continue that job: params.model, params.jobId, params.status, params.said
  'previousNotCompleted', // an extend answered 409: the job to continue is not completed: params.jobId, params.status, params.said
  // ---- Media (media/)
  'mp4Unreadable', // a file that is not an MP4 with a readable moov box: params.file, params.detail
  'notAPng', // a captured frame that is not a PNG data URL
  // ---- Money (money/)
  'overBudget', // today's or this month's spend plus this submit would pass the limit, so nothing was submitted:
  // params.limit (daily, monthly), params.limitUsd, params.spentUsd, params.costUsd, params.basis (estimate,
  // approximate, ceiling, uncounted), params.seconds and params.perSecondUsd (for a ceiling)
  // ---- Validation (models/)
  'invalidRequest', // the request does not fit the model (a RequestValidationError carries the problems): params.count
] as const;
export type Reason = (typeof REASONS)[number];

/** The facts a sentence needs. Strings are shown as they are (they may come from OpenRouter). */
export type ErrorParams = Readonly<Record<string, string | number | boolean | undefined>>;

/** An error as a job record keeps it: enough to word it again later, in any language. */
export interface ErrorInfo {
  kind: ErrorKind;
  reason: Reason;
  params?: ErrorParams;
}

export interface OpenRouterErrorInit {
  /** HTTP status of the answer, when there was one. */
  status?: number;
  /** OpenRouter's own message, verbatim. */
  serverMessage?: string;
  retryAfterMs?: number;
  /** For network errors: whether the request provably never reached the server (connection refused). */
  notSent?: boolean;
  field?: string;
  cause?: unknown;
}

export class OpenRouterError extends Error {
  override readonly name = 'OpenRouterError';
  readonly status?: number;
  readonly serverMessage?: string;
  readonly retryAfterMs?: number;
  readonly notSent: boolean;
  readonly field?: string;

  readonly params: ErrorParams;

  /** Params and OpenRouter's message are redacted here, so no key or credential is kept, shown or logged. */
  constructor(
    readonly kind: ErrorKind,
    readonly reason: Reason,
    params: ErrorParams = {},
    init: OpenRouterErrorInit = {},
  ) {
    const clean = { ...init, serverMessage: init.serverMessage === undefined ? undefined : redact(init.serverMessage) };
    super(technicalMessage(kind, reason, redactParams(params), clean), init.cause === undefined ? undefined : { cause: init.cause });
    this.params = redactParams(params);
    this.status = init.status;
    this.serverMessage = clean.serverMessage;
    this.retryAfterMs = init.retryAfterMs;
    this.notSent = init.notSent ?? false;
    this.field = init.field;
  }

  /** What a job record keeps of it. */
  get info(): ErrorInfo {
    return { kind: this.kind, reason: this.reason, params: { ...this.params } };
  }

  static is(value: unknown, kind?: ErrorKind): value is OpenRouterError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'OpenRouterError' &&
      typeof (value as { kind?: unknown }).kind === 'string' &&
      (kind === undefined || (value as { kind: unknown }).kind === kind)
    );
  }
}

/** `kind/reason key=value …`: one line for the log; a worded error's own sentence. */
function technicalMessage(kind: ErrorKind, reason: Reason, params: ErrorParams, init: OpenRouterErrorInit): string {
  // A sentence the host has worded (or an older version stored) is its own message.
  if ((reason === 'worded' || reason === 'recorded') && typeof params['text'] === 'string') return params['text'];
  const facts = Object.entries({ ...params, status: init.status ?? params['status'], said: init.serverMessage ?? params['said'] })
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
  return [`${kind}/${reason}`, ...facts].join(' ');
}

/** Whether a read (GET) that failed this way is worth retrying. */
export function isRetryableRead(error: OpenRouterError): boolean {
  return (
    error.kind === 'network' ||
    error.kind === 'timeout' ||
    error.kind === 'rateLimited' ||
    (error.kind === 'server' && (error.status === 500 || error.status === 502 || error.status === 503))
  );
}

/** Parses a Retry-After header (seconds or HTTP date) into milliseconds, or undefined. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value === null || value.trim() === '') {
    return undefined;
  }
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) {
    return Math.round(seconds * 1000);
  }
  const date = Date.parse(value);
  if (Number.isFinite(date)) {
    return Math.max(0, date - now);
  }
  return undefined;
}

/** Maps an HTTP error status and OpenRouter's message to a typed error. */
export function errorFromStatus(status: number, serverMessage: string | undefined, retryAfterMs?: number): OpenRouterError {
  const init: OpenRouterErrorInit = { status, serverMessage, retryAfterMs };
  const params: ErrorParams = { status, said: serverMessage };
  if (status === 401) return new OpenRouterError('auth', 'keyRejected', params, init);
  if (status === 403) return new OpenRouterError('auth', 'keyForbidden', params, init);
  if (status === 402) return new OpenRouterError('payment', 'noCredits', params, init);
  if (status === 429) {
    const seconds = retryAfterMs !== undefined ? Math.ceil(retryAfterMs / 1000) : undefined;
    return new OpenRouterError('rateLimited', 'rateLimited', { ...params, seconds }, init);
  }
  if (status === 400 || status === 413 || status === 422) return new OpenRouterError('badRequest', 'requestRefused', params, init);
  if (status === 404) return new OpenRouterError('notFound', 'notFound', params, init);
  if (status === 408) return new OpenRouterError('timeout', 'requestTimeout', params, init);
  if (status >= 500) return new OpenRouterError('server', 'serverError', params, init);
  return new OpenRouterError('badRequest', 'unexpectedStatus', params, init);
}

/** The stopped-by-the-caller error. */
export function cancelledError(cause?: unknown): OpenRouterError {
  return new OpenRouterError('cancelled', 'cancelled', {}, { cause });
}

/** Throws `cancelledError` when `signal` has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw cancelledError(signal.reason);
  }
}

/** An error's message for a log line, whatever was thrown. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
