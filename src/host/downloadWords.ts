/**
 * How the download area's errors read (core/download/: the downloader, the disk, file names and the output
 * folder setting): each reason code's sentence, through `l10n.t`. A failed download's sentence ends with what
 * the user can do: the job stays downloadable. errorMessages.ts takes this table into its own.
 */
import type { Reason } from '../core/api/errors';
import { Settings } from '../ids';
import { inParens, orElse, type L10n, type Params, type Words } from './wordParts';

/** How every failed download's sentence ends: nothing is left, and the job can be downloaded again. */
function downloadAgain(l10n: L10n): string {
  return l10n.t('Nothing was saved. The job stays downloadable: run Download Again from the Jobs view.');
}

/** What follows another area's sentence when its error ended a download (params.downloadFailed). */
export function afterFailedDownload(l10n: L10n, reason: Reason): string {
  if (reason === 'linkExpired') return ''; // its sentence says what to do already
  if (reason === 'notFound') return ` ${l10n.t('Nothing was saved. OpenRouter may no longer hold this video; you can still try Download Again from the Jobs view.')}`;
  return ` ${downloadAgain(l10n)}`;
}

/** A body that is not a video (params.what), as a noun. */
const CONTENT_NOUNS: Readonly<Record<string, (l10n: L10n) => string>> = {
  json: (l10n) => l10n.t('JSON'),
  html: (l10n) => l10n.t('an HTML page'),
  xml: (l10n) => l10n.t('XML'),
  text: (l10n) => l10n.t('text'),
  image: (l10n) => l10n.t('an image'),
  audio: (l10n) => l10n.t('audio'),
};

function contentNoun(l10n: L10n, p: Params): string {
  const noun = CONTENT_NOUNS[String(p['what'])];
  if (noun) return noun(l10n);
  return p['type'] !== '' ? `"${String(p['type'])}"` : l10n.t('something else');
}

/** What a refused body said of itself (params.said), as " (it said: …)", or nothing. */
function bodySaid(l10n: L10n, p: Params): string {
  if (p['said'] === '') return '';
  return p['what'] === 'html' ? l10n.t(' (page title: "{said}")', { said: p['said'] ?? '' }) : l10n.t(' (it said: "{said}")', { said: p['said'] ?? '' });
}

/** What was being written when the disk refused (params.action). */
function diskAction(l10n: L10n, p: Params): string {
  const actions: Readonly<Record<string, string>> = {
    saveVideo: l10n.t('save the video'),
    createFolder: l10n.t('create the output folder'),
    reserveName: l10n.t('reserve a file name'),
    writeSidecar: l10n.t('save the details file next to the video'),
    saveFrame: l10n.t('save the last frame next to the video'),
  };
  return actions[String(p['action'])] ?? l10n.t('write the file');
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

/** The video size cap setting's full name. */
const SIZE_SETTING = `${Settings.section}.${Settings.maxVideoSizeMiB}`;

/** The output folder setting's full name, for sentences that ask to change it. */
const OUTPUT_SETTING = `${Settings.section}.${Settings.outputDirectory}`;

/** What to set the output folder to instead. */
function outputFolderInstead(l10n: L10n): string {
  return l10n.t('Set "{setting}" to a folder inside the workspace, relative to it, such as "videos" or "media/videos".', { setting: OUTPUT_SETTING });
}

export const DOWNLOAD_SENTENCES = {
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
  downloadTooLarge: (l10n, p) =>
    `${
      p['endless'] === true
        ? l10n.t('The download went on past the limit of {limit} MiB per video ("{setting}"), so it was stopped.', { limit: orElse(p['limitMiB'], 2048), setting: SIZE_SETTING })
        : l10n.t('The video is {size} MiB, over the limit of {limit} MiB per video ("{setting}"), so it was not downloaded.', {
            size: typeof p['bytes'] === 'number' ? Math.ceil(p['bytes'] / (1024 * 1024)) : '?',
            limit: orElse(p['limitMiB'], 2048),
            setting: SIZE_SETTING,
          })
    } ${l10n.t('Nothing was saved. If you expect a video this large, raise the setting, then run Download Again from the Jobs view.')}`,
  downloadTooSlow: (l10n, p) =>
    `${l10n.t('The download did not finish within {seconds} s ({received} of {total} bytes): the connection or the server is too slow.', {
      seconds: orElse(p['seconds'], '?'),
      received: orElse(p['received'], '?'),
      total: orElse(p['total'], '?'),
    })} ${downloadAgain(l10n)}`,
  outputUrlInsecure: (l10n, p) =>
    l10n.t(
      'OpenRouter gave a video link over {scheme} to {host}, which is refused: videos are only downloaded over https. Nothing was saved. Check that "{setting}" is OpenRouter\'s address, then run Download Again from the Jobs view: it asks OpenRouter for the links again.',
      { scheme: orElse(p['scheme'], '?'), host: orElse(p['host'], '?'), setting: `${Settings.section}.${Settings.apiBaseUrl}` },
    ),
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
  outputFolderLinkedOutside: (l10n, p) =>
    `${
      p['real']
        ? l10n.t('The output folder "{folder}" leads outside the workspace through a symbolic link (it is really "{real}"), so nothing was written there.', { folder: p['folder'] ?? '', real: p['real'] })
        : l10n.t('The output folder "{folder}" is a symbolic link that leads nowhere, so nothing was written there.', { folder: p['folder'] ?? '' })
    } ${l10n.t('Replace the link with a real folder inside the workspace, or set "{setting}" to another folder.', { setting: OUTPUT_SETTING })}`,
  noWorkspaceFolder: (l10n) => l10n.t('Open a folder or workspace first: videos are saved inside it.'),
} satisfies Partial<Record<Reason, Words>>;
