/** The job store's public shapes: its changes, its inputs, its options and what a load reports. */
import type { JobRecord } from './jobRecord';
import type { SetAsideReason } from './storeFormat';

export interface JobStoreChange {
  /** Records created or updated (their new value). */
  changed: JobRecord[];
  /** clientIds of removed (or pruned) records. */
  removed: string[];
}

/** What `create` needs; everything it assigns itself (id, times, history) is left out. */
export type JobInit = Pick<JobRecord, 'request' | 'targetFolder' | 'state'> &
  Partial<Omit<JobRecord, 'clientId' | 'createdAt' | 'updatedAt' | 'history' | 'request' | 'targetFolder' | 'state'>>;

/** Fields an update may set. An explicit `undefined` clears a field. */
export type JobPatch = Partial<Omit<JobRecord, 'clientId' | 'createdAt' | 'updatedAt' | 'history'>>;

/** A patch, or a function of the current record returning one (`undefined`: leave the record as it is). */
export type JobUpdate = JobPatch | ((record: JobRecord) => JobPatch | undefined);

export interface JobStoreOptions {
  /**
   * Changes made with `{ lazy: true }` (poll bookkeeping) are written within this many ms, or with the
   * next ordinary change, whichever comes first. 0 writes them at once. Default 2000.
   */
  lazyWriteMs?: number;
  /** How many prunable (finished) jobs are kept, newest first; older ones are removed. Default 500. */
  keepFinishedJobs?: number;
  /** Merge the file whenever it changes (another window wrote it), not only before each write. Default false. */
  followOtherWriters?: boolean;
}

export interface UpdateOptions {
  /** Not urgent: may be written a little later (see `JobStoreOptions.lazyWriteMs`). */
  lazy?: boolean;
}

export interface JobStoreLoadReport {
  /** Records loaded (after recovery and pruning). */
  loaded: number;
  /** Records that did not fit the schema and were dropped. */
  dropped: number;
  /** Records moved out of `submitting`/`downloading` because the app stopped during them. */
  recovered: number;
  /** Finished jobs beyond `keepFinishedJobs`, removed from the list. */
  pruned: number;
  /** Where unusable text was set aside, if anything was. */
  setAsidePath?: string;
  /**
   * Set when the file could not be used whole (`corrupt`, `newer-version`: the store started empty) or some records
   * were dropped (`invalid-records`), also when the copy could not be made: the host tells the user.
   */
  setAsideReason?: SetAsideReason;
}
