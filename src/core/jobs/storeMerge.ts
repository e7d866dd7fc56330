/**
 * Merging the jobs file another window wrote into this window's records, record by record. Two extension
 * hosts may share one storage folder (the same folder open in two browser tabs, empty windows sharing global
 * storage); each keeps its records in memory, and a write that simply replaced the file would drop the other
 * one's records. Before each write, and when the file changes, the store merges what is in the file:
 * - a record only in the file is another window's: it is taken, unless this window removed it and has not
 *   written that yet;
 * - a record in both: the one updated last wins (`updatedAt`; on a tie, this window's), except that a finished
 *   record (`prunable`: saved, failed, rejected…) always beats a watched one: no job goes from finished back to
 *   watched, so a watched copy is a window's view from before the job finished, however late its last poll answer;
 * - a record only here: new here (kept), or removed by another window since this one last saw the file
 *   (dropped).
 */
import type { JobRecord } from './jobRecord';
import { stateIs } from './jobStates';

export interface MergeInput {
  /** This window's records. */
  mine: ReadonlyMap<string, JobRecord>;
  /** The records the file holds now. */
  file: readonly JobRecord[];
  /** The clientIds the file held when this window last read or wrote it. */
  seenOnDisk: ReadonlySet<string>;
  /** Records this window removed that are not yet written. */
  removedHere: ReadonlySet<string>;
}

export interface MergeResult {
  /** Records to take from the file (another window's, or newer there). */
  adopted: JobRecord[];
  /** This window's records another window removed. */
  dropped: string[];
}

export function mergeFromFile({ mine, file, seenOnDisk, removedHere }: MergeInput): MergeResult {
  const adopted: JobRecord[] = [];
  const inFile = new Set<string>();
  for (const theirs of file) {
    inFile.add(theirs.clientId);
    if (removedHere.has(theirs.clientId)) continue;
    const ours = mine.get(theirs.clientId);
    if (!ours || newer(theirs, ours)) adopted.push(theirs);
  }
  const dropped: string[] = [];
  for (const clientId of mine.keys()) {
    if (!inFile.has(clientId) && seenOnDisk.has(clientId)) dropped.push(clientId);
  }
  return { adopted, dropped };
}

/** Whether the file's copy of a record replaces this window's (see above). */
function newer(theirs: JobRecord, ours: JobRecord): boolean {
  const finished = (r: JobRecord) => stateIs(r.state, 'prunable');
  const watched = (r: JobRecord) => stateIs(r.state, 'watched');
  if (finished(theirs) && watched(ours)) return true;
  if (finished(ours) && watched(theirs)) return false;
  return theirs.updatedAt > ours.updatedAt;
}
