/**
 * The one place where core errors become words: each reason code's sentence, through `l10n.t`. Every
 * sentence says what happened and what to do next. Kept free of a runtime `vscode` import (the caller
 * passes `vscode.l10n`), so the unit tier words every code (test/unit/errorMessages.test.ts).
 */
import { OpenRouterError, type ErrorInfo, type ErrorKind, type ErrorParams, type OpenRouterErrorInit, type Reason } from '../core/api/errors';
import { RequestValidationError } from '../core/models/problems';
import { wordProblems } from './problemWords';
import { Settings } from '../ids';

/** The part of `vscode.l10n` used here. */
export interface L10n {
  t(message: string, args: Record<string, string | number | boolean>): string;
  t(message: string, ...args: (string | number | boolean)[]): string;
}

type Words = (l10n: L10n, p: Params) => string;

/** Params as the sentences read them: missing ones are empty strings, never "undefined". */
type Params = Readonly<Record<string, string | number | boolean>>;

/** OpenRouter's own words, when it gave any, as the start of a sentence. */
function said(l10n: L10n, p: Params): string {
  return p['said'] !== ''
    ? l10n.t('OpenRouter said: "{said}".', { said: p['said'] ?? '' })
    : l10n.t('OpenRouter answered HTTP {status}.', { status: p['status'] ?? '' });
}

/** A param, or `fallback` when it is missing. */
function orElse(value: string | number | boolean | undefined, fallback: string | number): string | number | boolean {
  return value === undefined || value === '' ? fallback : value;
}

/** " (code)" for an error code, or nothing. */
function inParens(value: string | number | boolean | undefined): string {
  return value === undefined || value === '' ? '' : ` (${String(value)})`;
}

/** The client call an error is about (params.what), as a noun: "OpenRouter sent <noun> …". */
function callNoun(l10n: L10n, p: Params): string {
  switch (p['what']) {
    case 'models':
      return l10n.t('the models list');
    case 'newJob':
      return l10n.t('the new job');
    case 'job':
      return l10n.t('the job status');
    case 'video':
      return l10n.t('the video');
    case 'keyInfo':
      return l10n.t('the key info');
    default:
      return l10n.t('an answer');
  }
}

/** The client call an error is about (params.what), as what was being done: "… while <doing>". */
function callDoing(l10n: L10n, p: Params): string {
  switch (p['what']) {
    case 'models':
      return l10n.t('listing video models');
    case 'newJob':
      return l10n.t('submitting the job');
    case 'job':
      return l10n.t('checking the job');
    case 'video':
      return l10n.t('downloading the video');
    case 'keyInfo':
      return l10n.t('reading the key info');
    default:
      return l10n.t('talking to OpenRouter');
  }
}

/** How every failed download's sentence ends: nothing is left, and the job can be downloaded again. */
function downloadAgain(l10n: L10n): string {
  return l10n.t('Nothing was saved. The job stays downloadable: run Download Again from the Jobs view.');
}

/** A body that is not a video (params.what), as a noun. */
function contentNoun(l10n: L10n, p: Params): string {
  switch (p['what']) {
    case 'json':
      return l10n.t('JSON');
    case 'html':
      return l10n.t('an HTML page');
    case 'xml':
      return l10n.t('XML');
    case 'text':
      return l10n.t('text');
    case 'image':
      return l10n.t('an image');
    case 'audio':
      return l10n.t('audio');
    default:
      return p['type'] !== '' ? `"${String(p['type'])}"` : l10n.t('something else');
  }
}

/** What a refused body said of itself (params.said), as " (it said: …)", or nothing. */
function bodySaid(l10n: L10n, p: Params): string {
  if (p['said'] === '') return '';
  return p['what'] === 'html' ? l10n.t(' (page title: "{said}")', { said: p['said'] ?? '' }) : l10n.t(' (it said: "{said}")', { said: p['said'] ?? '' });
}

/** What was being written when the disk refused (params.action). */
function diskAction(l10n: L10n, p: Params): string {
  switch (p['action']) {
    case 'saveVideo':
      return l10n.t('save the video');
    case 'createFolder':
      return l10n.t('create the output folder');
    case 'reserveName':
      return l10n.t('reserve a file name');
    case 'writeSidecar':
      return l10n.t('save the details file next to the video');
    default:
      return l10n.t('write the file');
  }
}

/** What a disk error's sentence ends with, by what was being written. */
function diskTail(l10n: L10n, p: Params): string {
  if (p['action'] === 'saveVideo') return ` ${l10n.t('The job stays downloadable: run Download Again from the Jobs view.')}`;
  if (p['action'] === 'writeSidecar') return ` ${l10n.t('The video itself was saved.')}`;
  return '';
}

/** The sentence of a folder that cannot be written to (no permission, or read-only). */
function diskNotWritable(l10n: L10n, p: Params): string {
  return (
    l10n.t(
      'Could not {action}: the folder "{folder}" is read-only or you lack permission to write there{code}. Set "{setting}" to a writable folder in the workspace, or fix the folder\'s permissions.',
      { action: diskAction(l10n, p), folder: p['folder'] ?? '', code: inParens(p['code']), setting: OUTPUT_SETTING },
    ) + diskTail(l10n, p)
  );
}

/** The output folder setting's full name, for sentences that ask to change it. */
const OUTPUT_SETTING = `${Settings.section}.${Settings.outputDirectory}`;

/** What to set the output folder to instead. */
function outputFolderInstead(l10n: L10n): string {
  return l10n.t('Set "{setting}" to a folder inside the workspace, relative to it, such as "videos" or "media/videos".', { setting: OUTPUT_SETTING });
}

/** How every failed download's sentence ends: nothing is left, and the job can be downloaded again. */
function downloadAgain(l10n: L10n): string {
  return l10n.t('Nothing was saved. The job stays downloadable: run Download Again from the Jobs view.');
}

/** A body that is not a video (params.what), as a noun. */
function contentNoun(l10n: L10n, p: Params): string {
  switch (p['what']) {
    case 'json':
      return l10n.t('JSON');
    case 'html':
      return l10n.t('an HTML page');
    case 'xml':
      return l10n.t('XML');
    case 'text':
      return l10n.t('text');
    case 'image':
      return l10n.t('an image');
    case 'audio':
      return l10n.t('audio');
    default:
      return p['type'] !== '' ? `"${String(p['type'])}"` : l10n.t('something else');
  }
}

/** What a refused body said of itself (params.said), as " (it said: …)", or nothing. */
function bodySaid(l10n: L10n, p: Params): string {
  if (p['said'] === '') return '';
  return p['what'] === 'html' ? l10n.t(' (page title: "{said}")', { said: p['said'] ?? '' }) : l10n.t(' (it said: "{said}")', { said: p['said'] ?? '' });
}

/** What was being written when the disk refused (params.action). */
function diskAction(l10n: L10n, p: Params): string {
  switch (p['action']) {
    case 'saveVideo':
      return l10n.t('save the video');
    case 'createFolder':
      return l10n.t('create the output folder');
    case 'reserveName':
      return l10n.t('reserve a file name');
    case 'writeSidecar':
      return l10n.t('save the details file next to the video');
    default:
      return l10n.t('write the file');
  }
}

/** What a disk error's sentence ends with, by what was being written. */
function diskTail(l10n: L10n, p: Params): string {
  if (p['action'] === 'saveVideo') return ` ${l10n.t('The job stays downloadable: run Download Again from the Jobs view.')}`;
  if (p['action'] === 'writeSidecar') return ` ${l10n.t('The video itself was saved.')}`;
  return '';
}

/** The sentence of a folder that cannot be written to (no permission, or read-only). */
function diskNotWritable(l10n: L10n, p: Params): string {
  return (
    l10n.t(
      'Could not {action}: the folder "{folder}" is read-only or you lack permission to write there{code}. Set "{setting}" to a writable folder in the workspace, or fix the folder\'s permissions.',
      { action: diskAction(l10n, p), folder: p['folder'] ?? '', code: inParens(p['code']), setting: OUTPUT_SETTING },
    ) + diskTail(l10n, p)
  );
}

/** The output folder setting's full name, for sentences that ask to change it. */
const OUTPUT_SETTING = `${Settings.section}.${Settings.outputDirectory}`;

/** What to set the output folder to instead. */
function outputFolderInstead(l10n: L10n): string {
  return l10n.t('Set "{setting}" to a folder inside the workspace, relative to it, such as "videos" or "media/videos".', { setting: OUTPUT_SETTING });
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
  // ---- Download (download/)
  downloadCancelled: (l10n) => l10n.t('The download was cancelled; nothing was saved. The job stays downloadable: run Download Again from the Jobs view.'),
  downloadBroken: (l10n, p) => `${l10n.t('The download was interrupted{detail}.', { detail: inParens(p['detail']) })} ${downloadAgain(l10n)}`,
  downloadStalled: (l10n, p) => `${l10n.t('The download stalled: no data for {seconds} s.', { seconds: orElse(p['seconds'], 60) })} ${downloadAgain(l10n)}`,
  downloadEndedEarly: (l10n, p) =>
    `${l10n.t('The download ended early ({received} of {total} bytes).', { received: orElse(p['received'], '?'), total: orElse(p['total'], '?') })} ${downloadAgain(l10n)}`,
  downloadWrongRange: (l10n) => `${l10n.t('The server answered the resume request with the wrong part of the file.')} ${downloadAgain(l10n)}`,
  downloadBadStatus: (l10n, p) => `${l10n.t('The download answered HTTP {status} instead of the video.', { status: orElse(p['status'], '?') })} ${downloadAgain(l10n)}`,
  downloadRefusedType: (l10n, p) =>
    `${l10n.t('The download returned {what}{type} instead of a video{said}.', { what: contentNoun(l10n, p), type: p['what'] === 'other' ? '' : inParens(p['type']), said: bodySaid(l10n, p) })} ${downloadAgain(l10n)}`,
  downloadNotVideo: (l10n, p) =>
    `${
      p['type'] !== ''
        ? l10n.t('The download was labelled {type} but contains {what}, not a video{said}.', { type: p['type'] ?? '', what: contentNoun(l10n, p), said: bodySaid(l10n, p) })
        : l10n.t('The download had no content type and contains {what}, not a video{said}.', { what: contentNoun(l10n, p), said: bodySaid(l10n, p) })
    } ${downloadAgain(l10n)}`,
  downloadEmpty: (l10n) => `${l10n.t('The download was empty: OpenRouter sent no video bytes.')} ${downloadAgain(l10n)}`,
  downloadTooManyBytes: (l10n, p) =>
    `${l10n.t('The download sent more bytes than announced ({received} of {total}); the file would be corrupt.', { received: orElse(p['received'], '?'), total: orElse(p['total'], '?') })} ${downloadAgain(l10n)}`,
  downloadUnrequestedRange: (l10n) => `${l10n.t('The download answered a part of the file that was not asked for.')} ${downloadAgain(l10n)}`,
  // ---- Disk (download/)
  diskFull: (l10n, p) =>
    l10n.t('Could not {action}: the disk holding "{folder}" is full{code}. Free some space.', { action: diskAction(l10n, p), folder: p['folder'] ?? '', code: inParens(p['code']) }) +
    diskTail(l10n, p),
  diskNoPermission: (l10n, p) => diskNotWritable(l10n, p),
  diskReadOnly: (l10n, p) => diskNotWritable(l10n, p),
  diskNotAFolder: (l10n, p) =>
    l10n.t('Could not {action}: "{folder}" (or one of its parents) is not a folder that can be written to{code}. Set "{setting}" to a folder in the workspace, or move the file in the way.', {
      action: diskAction(l10n, p),
      folder: p['folder'] ?? '',
      code: inParens(p['code']),
      setting: OUTPUT_SETTING,
    }) + diskTail(l10n, p),
  diskTooManyFiles: (l10n, p) =>
    l10n.t('Could not {action} in "{folder}": too many open files{code}. Close some programs and try again.', { action: diskAction(l10n, p), folder: p['folder'] ?? '', code: inParens(p['code']) }) +
    diskTail(l10n, p),
  diskFailed: (l10n, p) =>
    l10n.t('Could not {action} in "{folder}"{detail}.', { action: diskAction(l10n, p), folder: p['folder'] ?? '', detail: p['detail'] !== '' ? `: ${String(p['detail'])}` : inParens(p['code']) }) +
    diskTail(l10n, p),
  // ---- File names (download/)
  outsideFolder: (l10n, p) =>
    l10n.t('Refusing to write "{name}": it is not inside the output folder "{folder}". This is a bug; please report it.', { name: p['name'] ?? '', folder: p['folder'] ?? '' }),
  badFileName: (l10n, p) => l10n.t('Refusing to use "{name}" as a file name: it must be a plain name without folders.', { name: p['name'] ?? '' }),
  badFileExtension: (l10n, p) => l10n.t('Refusing to use "{ext}" as a file extension.', { ext: p['ext'] ?? '' }),
  noFreeFileName: (l10n, p) =>
    l10n.t('Could not find a free file name for "{name}" in "{folder}". Tidy up the folder and try again.', { name: p['name'] ?? '', folder: p['folder'] ?? '' }),
  outputFolderAbsolute: (l10n, p) =>
    `${l10n.t('The output folder "{value}" is an absolute path; videos are only saved inside the workspace.', { value: p['value'] ?? '' })} ${outputFolderInstead(l10n)}`,
  outputFolderHome: (l10n, p) =>
    `${l10n.t('The output folder "{value}" points at the home folder; videos are only saved inside the workspace.', { value: p['value'] ?? '' })} ${outputFolderInstead(l10n)}`,
  outputFolderClimbs: (l10n, p) =>
    `${l10n.t('The output folder "{value}" uses ".." to leave the workspace; videos are only saved inside it.', { value: p['value'] ?? '' })} ${outputFolderInstead(l10n)}`,
  outputFolderBadName: (l10n, p) =>
    `${l10n.t('The output folder "{value}" contains "{segment}", which is not a valid folder name on every system.', { value: p['value'] ?? '', segment: p['segment'] ?? '' })} ${outputFolderInstead(l10n)}`,
  outputFolderOutside: (l10n, p) =>
    `${l10n.t('The output folder "{value}" resolves outside the workspace ("{resolved}").', { value: p['value'] ?? '', resolved: p['resolved'] ?? '' })} ${outputFolderInstead(l10n)}`,
  noWorkspaceFolder: (l10n) => l10n.t('Open a folder or workspace first: videos are saved inside it.'),
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
  jobNotFound: (l10n) =>
    l10n.t(
      'OpenRouter does not know this job (HTTP 404), so it can no longer be checked or downloaded. Check your OpenRouter activity; if it is there, note its id and use "Recover Job by ID".',
    ),
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
  return SENTENCES[reason](l10n, normalise(params));
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
