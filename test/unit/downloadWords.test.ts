/**
 * How the host words the download area's errors: the sentences users read (and the integration tier matches),
 * through the same path a job's error takes. Every code reads as a sentence: errorMessages.test.ts.
 */
import * as assert from 'node:assert/strict';
import { OpenRouterError } from '../../src/core/api/errors';
import { diskError, validateOutputDirectory } from '../../src/core/download/fileNames';
import { errorMessage, wordErrorInfo } from '../../src/host/errorMessages';
import { l10n } from './helpers/fakeL10n';

const DOWNLOAD_AGAIN = 'The job stays downloadable: run Download Again from the Jobs view.';
const SET_TO = 'Set "openrouterVideo.outputDirectory" to a folder inside the workspace, relative to it, such as "videos" or "media/videos".';

describe('download errors in words', () => {
  it('an error of another area that ended a download gets the advice; notFound its own; an expired link none', () => {
    const html = new OpenRouterError('badContent', 'notAVideo', { contentType: 'text/html', said: undefined, downloadFailed: true });
    assert.equal(errorMessage(l10n, html), `OpenRouter answered the download with text/html instead of a video. Try again later. Nothing was saved. ${DOWNLOAD_AGAIN}`);
    const gone = new OpenRouterError('notFound', 'notFound', { status: 404, said: 'Not Found', downloadFailed: true });
    assert.match(wordErrorInfo(l10n, gone.info), /Nothing was saved\. OpenRouter may no longer hold this video; you can still try Download Again from the Jobs view\.$/);
    const expired = new OpenRouterError('notFound', 'linkExpired', { host: 'cdn.example', status: 403, downloadFailed: true });
    assert.equal((errorMessage(l10n, expired).match(/Download Again/g) ?? []).length, 1);
    const unmarked = new OpenRouterError('badContent', 'notAVideo', { contentType: 'text/html' });
    assert.doesNotMatch(errorMessage(l10n, unmarked), /Download Again/);
  });

  it("words the downloader's own failures with the advice", () => {
    const rows: [OpenRouterError, string][] = [
      [new OpenRouterError('cancelled', 'downloadCancelled'), `The download was cancelled; nothing was saved. ${DOWNLOAD_AGAIN}`],
      [new OpenRouterError('network', 'downloadBroken', { detail: 'ECONNRESET' }), `The download was interrupted (ECONNRESET). Nothing was saved. ${DOWNLOAD_AGAIN}`],
      [new OpenRouterError('timeout', 'downloadStalled', { seconds: 60 }), `The download stalled: no data for 60 s. Nothing was saved. ${DOWNLOAD_AGAIN}`],
      [
        new OpenRouterError('badContent', 'downloadNotVideo', { what: 'json', type: 'video/mp4', said: 'Provider returned error' }),
        `The download was labelled video/mp4 but contains JSON, not a video (it said: "Provider returned error"). Nothing was saved. ${DOWNLOAD_AGAIN}`,
      ],
      [
        new OpenRouterError('badContent', 'downloadRefusedType', { what: 'html', type: 'text/html', said: 'Bad Gateway' }),
        `The download returned an HTML page (text/html) instead of a video (page title: "Bad Gateway"). Nothing was saved. ${DOWNLOAD_AGAIN}`,
      ],
      [new OpenRouterError('badContent', 'downloadEmpty'), `The download was empty: OpenRouter sent no video bytes. Nothing was saved. ${DOWNLOAD_AGAIN}`],
      [
        new OpenRouterError('badContent', 'downloadTooLarge', { bytes: 3 * 1024 * 1024 * 1024, limitMiB: 2048 }),
        'The video is 3072 MiB, over the limit of 2048 MiB per video ("openrouterVideo.maxVideoSizeMiB"), so it was not downloaded. Nothing was saved. If you expect a video this large, raise the setting, then run Download Again from the Jobs view.',
      ],
      [
        new OpenRouterError('badContent', 'downloadTooLarge', { bytes: 2048 * 1024 * 1024 + 1, limitMiB: 2048, endless: true }),
        'The download went on past the limit of 2048 MiB per video ("openrouterVideo.maxVideoSizeMiB"), so it was stopped. Nothing was saved. If you expect a video this large, raise the setting, then run Download Again from the Jobs view.',
      ],
      [
        new OpenRouterError('timeout', 'downloadTooSlow', { seconds: 124, received: 1000, total: 16_777_216 }),
        `The download did not finish within 124 s (1000 of 16777216 bytes): the connection or the server is too slow. Nothing was saved. ${DOWNLOAD_AGAIN}`,
      ],
      [
        new OpenRouterError('insecure', 'outputUrlInsecure', { scheme: 'http', host: 'video-cdn.example' }),
        'OpenRouter gave a video link over http to video-cdn.example, which is refused: videos are only downloaded over https. Nothing was saved. Check that "openrouterVideo.apiBaseUrl" is OpenRouter\'s address, then run Download Again from the Jobs view: it asks OpenRouter for the links again.',
      ],
    ];
    for (const [error, sentence] of rows) assert.equal(errorMessage(l10n, error), sentence, error.reason);
  });

  it('words disk errors by family and action, naming the folder and the setting', () => {
    const disk = (code: string, action: 'saveVideo' | 'createFolder' | 'writeSidecar') =>
      errorMessage(l10n, diskError(Object.assign(new Error(code), { code }), { folder: '/w/videos', action }));
    assert.equal(
      disk('EACCES', 'saveVideo'),
      `Could not save the video: the folder "/w/videos" is read-only or you lack permission to write there (EACCES). Set "openrouterVideo.outputDirectory" to a writable folder in the workspace, or fix the folder's permissions. ${DOWNLOAD_AGAIN}`,
    );
    assert.equal(disk('ENOSPC', 'saveVideo'), `Could not save the video: the disk holding "/w/videos" is full (ENOSPC). Free some space. ${DOWNLOAD_AGAIN}`);
    assert.equal(disk('EMFILE', 'saveVideo'), `Could not save the video in "/w/videos": too many open files (EMFILE). Close some programs and try again. ${DOWNLOAD_AGAIN}`);
    assert.equal(
      disk('ENOTDIR', 'createFolder'),
      'Could not create the output folder: "/w/videos" (or one of its parents) is not a folder that can be written to (ENOTDIR). Set "openrouterVideo.outputDirectory" to a folder in the workspace, or move the file in the way.',
    );
    assert.equal(disk('EROFS', 'writeSidecar').endsWith('(EROFS). Set "openrouterVideo.outputDirectory" to a writable folder in the workspace, or fix the folder\'s permissions. The video itself was saved.'), true);
  });

  it('words a refused output folder setting, naming the setting and what to set instead', () => {
    const word = (workspace: string, setting: string) => {
      const result = validateOutputDirectory(workspace, setting);
      assert.ok(!result.ok);
      return errorMessage(l10n, new OpenRouterError('io', result.reason, result.params));
    };
    assert.equal(word('/w', '/etc'), `The output folder "/etc" is an absolute path; videos are only saved inside the workspace. ${SET_TO}`);
    assert.equal(word('/w', '~/videos'), `The output folder "~/videos" points at the home folder; videos are only saved inside the workspace. ${SET_TO}`);
    assert.equal(word('/w', 'media/../../x'), `The output folder "media/../../x" uses ".." to leave the workspace; videos are only saved inside it. ${SET_TO}`);
    assert.equal(word('/w', 'CON'), `The output folder "CON" contains "CON", which is not a valid folder name on every system. ${SET_TO}`);
    assert.equal(word('', 'videos'), 'Open a folder or workspace first: videos are saved inside it.');
  });
});
