/**
 * How to tell a video this extension saved by its name alone: `<slug>-YYYYMMDD-HHMMSS` from `baseNameFor`, then any
 * `-out<n>` (`outputBaseName`) or `-<n>` (`reserveUniquePath`), then `.mp4`.
 *
 * The player is the default editor for these names. A custom editor's selector can only be a file pattern, so
 * the name stands in for "has a sidecar"; the glob below is the manifest's `filenamePattern` (VS Code's glob has
 * no repetition, hence the spelled-out digits) and `isSavedVideoName` is the same test for the host, so the
 * extension opens a saved video in the editor the Explorer would pick.
 */
const DIGIT = '[0-9]';

export const SAVED_VIDEO_GLOB = `*-${DIGIT.repeat(8)}-${DIGIT.repeat(6)}*.mp4`;

const SAVED_VIDEO_NAME = /-\d{8}-\d{6}[^/\\]*\.mp4$/;

/** Whether `fileName` (a base name, not a path) has the shape of a video this extension saved. */
export function isSavedVideoName(fileName: string): boolean {
  return SAVED_VIDEO_NAME.test(fileName);
}
