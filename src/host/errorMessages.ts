/**
 * The one place where core errors become words: each reason code's sentence, through `l10n.t`. Every
 * sentence says what happened and what to do next. Kept free of a runtime `vscode` import (the caller
 * passes `vscode.l10n`), so the unit tier words every code (test/unit/errorMessages.test.ts).
 */
import { OpenRouterError, type ErrorInfo, type ErrorKind, type ErrorParams, type OpenRouterErrorInit, type Reason } from '../core/api/errors';
import { RequestValidationError } from '../core/models/problems';
import { wordProblems } from './problemWords';
import { afterFailedDownload, DOWNLOAD_SENTENCES } from './downloadWords';
import { wordOverBudget } from './spendWords';
import { inParens, orElse, type L10n, type Params, type Words } from './wordParts';

export type { L10n } from './wordParts';

/** OpenRouter's own words, when it gave any, as the start of a sentence. */
function said(l10n: L10n, p: Params): string {
  return p['said'] !== ''
    ? l10n.t('OpenRouter said: "{said}".', { said: p['said'] ?? '' })
    : l10n.t('OpenRouter answered HTTP {status}.', { status: p['status'] ?? '' });
}

/** The client call an error is about (params.what): as a noun ("OpenRouter sent <noun> …") and as what was being done ("… while <doing>"). */
const CALLS: Readonly<Record<string, (l10n: L10n) => { noun: string; doing: string }>> = {
  models: (l10n) => ({ noun: l10n.t('the models list'), doing: l10n.t('listing video models') }),
  newJob: (l10n) => ({ noun: l10n.t('the new job'), doing: l10n.t('submitting the job') }),
  job: (l10n) => ({ noun: l10n.t('the job status'), doing: l10n.t('checking the job') }),
  video: (l10n) => ({ noun: l10n.t('the video'), doing: l10n.t('downloading the video') }),
  keyInfo: (l10n) => ({ noun: l10n.t('the key info'), doing: l10n.t('reading the key info') }),
};

function call(l10n: L10n, p: Params): { noun: string; doing: string } {
  return CALLS[String(p['what'])]?.(l10n) ?? { noun: l10n.t('an answer'), doing: l10n.t('talking to OpenRouter') };
}

function callNoun(l10n: L10n, p: Params): string {
  return call(l10n, p).noun;
}

function callDoing(l10n: L10n, p: Params): string {
  return call(l10n, p).doing;
}

const SENTENCES: { readonly [R in Reason]: Words } = {
  // ---- Shared
  cancelled: (l10n) => l10n.t('Cancelled.'),
  recorded: (_l10n, p) => String(p['text']),
  worded: (_l10n, p) => String(p['text']),
  // ---- HTTP answers (api/)
  keyRejected: (l10n, p) => `${said(l10n, p)} ${l10n.t('Check your API key: run "OpenRouter Video: Set API Key".')}`,
  keyForbidden: (l10n, p) => `${said(l10n, p)} ${l10n.t('This key is not allowed to do that; check its permissions at https://openrouter.ai/keys.')}`,
  noCredits: (l10n, p) => `${said(l10n, p)} ${l10n.t('Add credits at https://openrouter.ai/credits, then try again.')}`,
  rateLimited: (l10n, p) =>
    `${said(l10n, p)} ${p['seconds'] !== '' ? l10n.t('Wait {seconds} s and try again.', { seconds: p['seconds'] ?? '' }) : l10n.t('Wait a moment and try again.')}`,
  requestRefused: (l10n, p) => `${said(l10n, p)} ${l10n.t('Change the request and try again.')}`,
  notFound: (l10n, p) =>
    `${said(l10n, p)} ${l10n.t('The model or job does not exist (any more); refresh the models list or check the job id.')}`,
  requestTimeout: (l10n, p) => `${said(l10n, p)} ${l10n.t('Try again in a moment.')}`,
  serverError: (l10n, p) => `${said(l10n, p)} ${l10n.t('OpenRouter or the provider is having trouble; try again in a moment.')}`,
  unexpectedStatus: (l10n, p) => `${said(l10n, p)} ${l10n.t('Unexpected status; see the log for details.')}`,
  // ---- Client (api/)
  noKey: (l10n) => l10n.t('No OpenRouter API key is set. Run "OpenRouter Video: Set API Key" to set your OpenRouter API key.'),
  keyUnreadable: (l10n) => l10n.t('Could not read the OpenRouter API key. Run "OpenRouter Video: Set API Key" to set your OpenRouter API key.'),
  baseUrlInvalid: (l10n, p) => l10n.t('The OpenRouter base URL "{url}" is not a valid URL; fix the setting.', { url: p['url'] ?? '' }),
  baseUrlScheme: (l10n, p) => l10n.t('The OpenRouter base URL "{url}" must use https.', { url: p['url'] ?? '' }),
  keyOffOrigin: (l10n, p) =>
    l10n.t('Refusing to send the API key to {origin}; it is not the OpenRouter API origin.', { origin: orElse(p['origin'], l10n.t('another site')) }),
  keyOverHttp: (l10n, p) =>
    l10n.t('Refusing to send the API key over plain http to {host}; use an https base URL.', { host: orElse(p['host'], l10n.t('another site')) }),
  pollingUrlInvalid: (l10n, p) => l10n.t('OpenRouter sent a polling URL that is not a valid URL ("{url}").', { url: p['url'] ?? '' }),
  pollingUrlForeign: (l10n, p) =>
    l10n.t(
      "Refusing to poll {origin}: the job's polling URL is not on the OpenRouter API origin ({apiOrigin}), and following it would send your API key there.",
      { origin: orElse(p['origin'], l10n.t('another site')), apiOrigin: p['apiOrigin'] ?? '' },
    ),
  noJobId: (l10n) => l10n.t('No job id given; cannot check the job.'),
  contentUrlInvalid: (l10n, p) => l10n.t('The video URL "{url}" is not a valid URL.', { url: p['url'] ?? '' }),
  contentUrlScheme: (l10n, p) =>
    l10n.t('Refusing to download from a {scheme} URL; only http(s) is supported.', { scheme: orElse(p['scheme'], l10n.t('non-http')) }),
  redirectScheme: (l10n, p) => l10n.t('Refusing to follow a redirect to a {scheme} URL.', { scheme: orElse(p['scheme'], l10n.t('non-http')) }),
  tooManyRedirects: (l10n, p) => l10n.t('The video download was redirected more than {max} times; try again later.', { max: orElse(p['max'], 5) }),
  linkExpired: (l10n, p) =>
    l10n.t(
      'The download link was refused by {host}{status}; it may have expired. Nothing was saved. Run Download Again from the Jobs view: it asks OpenRouter for the video again.',
      { host: orElse(p['host'], l10n.t('the storage server')), status: inParens(p['status'] !== '' ? `HTTP ${String(p['status'])}` : '') },
    ),
  notAVideo: (l10n, p) =>
    p['said'] !== ''
      ? l10n.t('OpenRouter answered the download with {contentType} instead of a video ("{said}"). Try again later.', {
          contentType: orElse(p['contentType'], l10n.t('something else')),
          said: p['said'] ?? '',
        })
      : l10n.t('OpenRouter answered the download with {contentType} instead of a video. Try again later.', {
          contentType: orElse(p['contentType'], l10n.t('something else')),
        }),
  responseTooLarge: (l10n, p) =>
    p['bytes'] !== ''
      ? l10n.t('OpenRouter sent {what} larger than {bytes} bytes; try again.', { what: callNoun(l10n, p), bytes: p['bytes'] ?? '' })
      : l10n.t('OpenRouter sent {what} that is too large; try again.', { what: callNoun(l10n, p) }),
  responseNotJson: (l10n, p) =>
    l10n.t('OpenRouter sent {what} that is not JSON (HTTP {status}, {contentType}). Try again; if it keeps happening, check the base URL setting.', {
      what: callNoun(l10n, p),
      status: orElse(p['status'], '-'),
      contentType: orElse(p['contentType'], l10n.t('no content type')),
    }),
  unexpectedShape: (l10n, p) =>
    l10n.t('OpenRouter sent {what} in an unexpected shape (field "{field}": {issue}). Try again; if it keeps happening, update the extension.', {
      what: callNoun(l10n, p),
      field: orElse(p['field'], '(body)'),
      issue: orElse(p['issue'], 'invalid'),
    }),
  clientClosed: (l10n) => l10n.t('The OpenRouter client was shut down.'),
  noAnswer: (l10n, p) =>
    p['seconds'] !== ''
      ? l10n.t('{host} did not answer within {seconds} s while {doing}; try again.', {
          host: orElse(p['host'], 'OpenRouter'),
          seconds: p['seconds'] ?? '',
          doing: callDoing(l10n, p),
        })
      : l10n.t('{host} did not answer in time while {doing}; try again.', { host: orElse(p['host'], 'OpenRouter'), doing: callDoing(l10n, p) }),
  connectTimeout: (l10n, p) =>
    l10n.t('Timed out connecting to {host} while {doing}; check your connection and try again.', {
      host: orElse(p['host'], 'OpenRouter'),
      doing: callDoing(l10n, p),
    }),
  tlsFailed: (l10n, p) =>
    l10n.t('A secure connection to {host} could not be set up{code}; check proxies or certificates.', {
      host: orElse(p['host'], 'OpenRouter'),
      code: inParens(p['code']),
    }),
  unreachable: (l10n, p) =>
    l10n.t('Could not reach {host} while {doing}{code}; check your connection and try again.', {
      host: orElse(p['host'], 'OpenRouter'),
      doing: callDoing(l10n, p),
      code: inParens(p['code']),
    }),
  connectionFailed: (l10n, p) =>
    l10n.t('The connection to {host} failed while {doing}{code}; try again.', {
      host: orElse(p['host'], 'OpenRouter'),
      doing: callDoing(l10n, p),
      code: inParens(p['code']),
    }),
  connectionBroke: (l10n, p) =>
    l10n.t('The connection to {host} broke during the download{code}; try again.', { host: orElse(p['host'], 'OpenRouter'), code: inParens(p['code']) }),
  // ---- Download, disk and file names (download/): downloadWords.ts
  ...DOWNLOAD_SENTENCES,
  // ---- Store (jobs/)
  submitInterrupted: (l10n) =>
    l10n.t(
      'The app stopped while this job was being submitted. OpenRouter may or may not have accepted it (and billed it); it was NOT resubmitted. If it shows up in your OpenRouter activity, adopt it with "Recover Job by ID".',
    ),
  downloadInterrupted: (l10n) => l10n.t('The app stopped while the video was being saved. It will be downloaded again; nothing was resubmitted.'),
  storeNotSaved: (l10n, p) =>
    p['detail'] !== ''
      ? l10n.t('Could not save the jobs list ({detail}). Check that the disk has free space, then try again.', { detail: p['detail'] ?? '' })
      : l10n.t('Could not save the jobs list. Check that the disk has free space, then try again.'),
  storeUnreadable: (l10n, p) =>
    p['detail'] !== ''
      ? l10n.t("Could not read the jobs list ({detail}). Check that the extension's storage folder can be read, then reload the window.", { detail: p['detail'] ?? '' })
      : l10n.t("Could not read the jobs list. Check that the extension's storage folder can be read, then reload the window."),
  storeClosed: (l10n) => l10n.t('The jobs list is closed because the window is closing.'),
  storeJobMissing: (l10n) => l10n.t('This job is no longer in the Jobs list.'),
  // ---- Jobs (jobs/)
  imageUnreadable: (l10n, p) =>
    l10n.t('Could not read the image "{path}" ({detail}). Nothing was submitted.', { path: p['path'] ?? '', detail: p['detail'] || l10n.t('unknown error') }),
  submitUnknown: (l10n, p) =>
    l10n.t(
      'The submit did not get a clear answer ({failure}). OpenRouter may have accepted the job, and billed it. It was NOT resubmitted. If it shows up in your OpenRouter activity, adopt it with "Recover Job by ID".',
      { failure: submitFailure(l10n, p) },
    ),
  remoteFailed: (l10n, p) =>
    p['said'] !== ''
      ? String(p['said'])
      : l10n.t('OpenRouter reported the job as "{status}" without giving a reason.', { status: p['status'] || 'failed' }),
  jobNotFound: (l10n, p) => {
    const again = l10n.t('OpenRouter may still have it, and bill it: use "Watch Again" to check on it; it is downloaded if it has finished.');
    if (p['minutes'] === '') return `${l10n.t('OpenRouter answered "not found" (HTTP 404) to the status checks of this job, so it is no longer checked.')} ${again}`;
    const minutes = p['minutes'] === 1 ? l10n.t('1 minute') : l10n.t('{minutes} minutes', { minutes: p['minutes'] ?? '' });
    return `${l10n.t('OpenRouter answered "not found" (HTTP 404) to every status check of this job for {minutes}, so it is no longer checked.', { minutes })} ${again}`;
  },
  watchLimit: (l10n, p) => {
    const again = l10n.t('OpenRouter may still finish it: use "Watch Again" to check on it.');
    if (p['minutes'] === '') return `${l10n.t('Stopped checking after the watch limit without a result.')} ${again}`;
    const minutes = p['minutes'] === 1 ? l10n.t('1 minute') : l10n.t('{minutes} minutes', { minutes: p['minutes'] ?? '' });
    return `${l10n.t('Stopped checking after {minutes} without a result.', { minutes })} ${again}`;
  },
  noSuchJob: (l10n, p) => l10n.t('No job with id {id}.', { id: p['id'] || '?' }),
  jobRemoved: (l10n) => l10n.t('The job was removed.'),
  serviceStopped: (l10n) => l10n.t('The job service was shut down.'),
  modelGone: (l10n, p) =>
    l10n.t('OpenRouter no longer lists the model "{model}", so the job cannot be run again.', { model: p['model'] ?? '' }),
  nothingToDownload: (l10n) => l10n.t('OpenRouter never confirmed this job, so there is nothing to download.'),
  nothingToWatch: (l10n) =>
    l10n.t('OpenRouter never confirmed this job, so there is nothing to watch. If you know its job id, use "Recover Job by ID".'),
  alreadyFinished: (l10n, p) => l10n.t('This job is already finished ({state}); there is nothing to watch.', { state: p['state'] || '?' }),
  alreadyReported: (l10n, p) =>
    l10n.t('OpenRouter already reported this job as {status}; there is nothing to watch. Download it instead.', { status: p['status'] || 'finished' }),
  noVideo: (l10n, p) =>
    p['said'] !== ''
      ? l10n.t('OpenRouter reports this job as {status}, so there is no video to download: {said}', { status: p['status'] || 'failed', said: p['said'] ?? '' })
      : l10n.t('OpenRouter reports this job as {status}, so there is no video to download; it gave no reason.', { status: p['status'] || 'failed' }),
  notFinished: (l10n, p) =>
    l10n.t('The job is not finished yet (OpenRouter says "{status}"), so there is nothing to download yet.', { status: p['status'] || 'pending' }),
  saveFailed: (l10n, p) =>
    l10n.t('Saving the video failed ({detail}). The job stays downloadable: run Download Again.', { detail: p['detail'] || l10n.t('unknown error') }),
  adoptNeedsUnknown: (l10n) => l10n.t('Only a job whose submit outcome is unknown can adopt a job id.'),
  noRecoverFolder: (l10n) => l10n.t('Open a folder (or choose an output folder) to recover a job into.'),
  badJobId: (l10n, p) => l10n.t('"{text}" is not an OpenRouter job id (letters, digits, "-" or "_").', { text: p['text'] ?? '' }),
  cannotContinue: (l10n, p) =>
    `${said(l10n, p)} ${l10n.t('The model {model} cannot extend job {jobId}: only some models continue a video, and only their own jobs. Nothing was started; use Run Again or Continue from Last Frame instead.', { model: p['model'] || '?', jobId: p['jobId'] || '?' })}`,
  previousNotCompleted: (l10n, p) =>
    `${said(l10n, p)} ${l10n.t('Job {jobId} is not completed on OpenRouter, so it cannot be extended yet. Nothing was started; try again once it has completed.', { jobId: p['jobId'] || '?' })}`,
  // ---- Media (media/)
  mp4Unreadable: (l10n, p) =>
    l10n.t('Could not read "{file}" as an MP4 ({detail}). Open it in your system player instead.', { file: p['file'] || '?', detail: p['detail'] || l10n.t('unknown error') }),
  notAPng: (l10n) => l10n.t('The player did not capture a PNG frame, so nothing was saved. Play the video to its end once, then try again.'),
  // ---- Money (money/)
  overBudget: wordOverBudget,
  // ---- Validation (models/)
  invalidRequest: (l10n) => l10n.t('Nothing was submitted: the request does not fit the model. Change it and try again.'),
};

/** Why a submit's outcome is unknown (submitUnknown's params), as a clause. */
function submitFailure(l10n: L10n, p: Params): string {
  if (p['status'] !== '') {
    return p['said'] !== ''
      ? l10n.t('OpenRouter answered HTTP {status}: "{said}"', { status: p['status'] ?? '', said: p['said'] ?? '' })
      : l10n.t('OpenRouter answered HTTP {status}', { status: p['status'] ?? '' });
  }
  switch (p['failure']) {
    case 'network':
      return l10n.t('the connection broke after the request was sent');
    case 'timeout':
      return l10n.t('no answer came in time');
    case 'responseShape':
      return l10n.t('OpenRouter answered, but the answer could not be read');
    case 'cancelled':
      return l10n.t('the request was cut off');
    default:
      return l10n.t('an unexpected error; see the log');
  }
}

function normalise(params: ErrorParams | undefined): Params {
  return new Proxy(
    {},
    {
      get: (_target, key: string) => {
        const value = params?.[key];
        return value === undefined ? '' : value;
      },
    },
  ) as Params;
}

/** The sentence for a reason code and its params. */
export function wordReason(l10n: L10n, reason: Reason, params?: ErrorParams): string {
  const text = SENTENCES[reason](l10n, normalise(params));
  return params?.['downloadFailed'] === true ? `${text}${afterFailedDownload(l10n, reason)}` : text;
}

/** The sentence for an error a job record keeps. */
export function wordErrorInfo(l10n: L10n, info: ErrorInfo): string {
  return wordReason(l10n, info.reason, info.params);
}

/** One sentence for anything thrown: a core error's words, else the error's own message. */
export function errorMessage(l10n: L10n, error: unknown): string {
  if (error instanceof RequestValidationError) {
    return `${l10n.t('Nothing was submitted.')} ${wordProblems(l10n, error.problems)}`;
  }
  if (OpenRouterError.is(error) && error.reason in SENTENCES) {
    return wordReason(l10n, error.reason, error.params);
  }
  return error instanceof Error ? error.message : String(error);
}

/** An error the host raises with a sentence it has already worded (`l10n.t`). */
export function hostError(kind: ErrorKind, text: string, init: OpenRouterErrorInit = {}): OpenRouterError {
  return new OpenRouterError(kind, 'worded', { text }, init);
}

/**
 * The same error for a caller outside the extension (another extension, a script running a command): its
 * message is the sentence a person would read; kind, status and the original (as `cause`) stay.
 */
export function wordedForCaller(l10n: L10n, error: unknown): unknown {
  if (!OpenRouterError.is(error) || error.reason === 'worded') return error;
  return hostError(error.kind, errorMessage(l10n, error), {
    status: error.status,
    serverMessage: error.serverMessage,
    retryAfterMs: error.retryAfterMs,
    notSent: error.notSent,
    field: error.field,
    cause: error,
  });
}
