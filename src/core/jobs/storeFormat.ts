/**
 * The jobs file's format: `{"version":1,"jobs":[…]}`, records oldest first, each checked on its own by the
 * zod schema in recordSchema.ts. Reading never loses anything: a file that cannot be used at all (not JSON,
 * no version, a newer version) is set aside whole and the store starts empty; records that do not fit are
 * dropped one by one, after the original file has been copied aside once.
 */
import { redact } from '../shared/redact';
import { ERROR_KINDS, OpenRouterError, describeError, type ErrorInfo, type ErrorKind } from '../api/errors';
import type { Logger } from '../shared/logger';
import type { JobStorage } from './fileStorage';
import type { JobRecord } from './jobRecord';
import { jobRecordSchema } from './recordSchema';

export const STORE_VERSION = 1;

/** What a read of the store gives. */
export interface StoreContents {
  /** The records that fit, in file order (oldest first). */
  records: JobRecord[];
  /** Records that did not fit the schema and were dropped. */
  dropped: number;
  /** Where unusable text was set aside, if anything was. */
  setAsidePath?: string;
  /** Why text was set aside: the whole file (`corrupt`, `newer-version`), or records that did not fit. */
  setAsideReason?: SetAsideReason;
}

/** Why the store set text aside. */
export type SetAsideReason = 'corrupt' | 'newer-version' | 'invalid-records';

/** A parse of the text, before anything is set aside. */
export type ParsedStore =
  | { readonly usable: true; readonly records: JobRecord[]; readonly dropped: number; readonly firstProblem?: string }
  | { readonly usable: false; readonly reason: 'corrupt' | 'newer-version'; readonly why: string };

/**
 * Reads and parses the store, setting aside what cannot be used. Throws (`storeUnreadable`) only when the
 * storage itself cannot be read, so an unreadable file is never overwritten with an empty list.
 */
export async function readStore(storage: JobStorage, logger: Logger): Promise<StoreContents> {
  let text: string | undefined;
  try {
    text = await storage.read();
  } catch (error) {
    throw new OpenRouterError('io', 'storeUnreadable', { detail: describeError(error) }, { cause: error });
  }
  if (text === undefined || text.trim() === '') {
    return { records: [], dropped: 0 };
  }
  const parsed = parseStore(text);
  if (!parsed.usable) {
    const where = await setAside(storage, text, parsed.reason, logger);
    logger.warn(`Starting with an empty jobs list: ${parsed.why}.` + (where ? ` The file was kept as ${where}.` : ''));
    return { records: [], dropped: 0, setAsidePath: where, setAsideReason: parsed.reason };
  }
  if (parsed.dropped === 0) {
    return { records: parsed.records, dropped: 0 };
  }
  const where = await setAside(storage, text, 'invalid-records', logger);
  logger.warn(
    `Dropped ${parsed.dropped} job record(s) that could not be read (first: ${parsed.firstProblem}).` +
      (where ? ` The original file was copied to ${where}.` : ''),
  );
  return { records: parsed.records, dropped: parsed.dropped, setAsidePath: where, setAsideReason: 'invalid-records' };
}

/** Parses a store text (pure). */
export function parseStore(text: string): ParsedStore {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { usable: false, reason: 'corrupt', why: `the jobs file is not valid JSON (${describeError(error)})` };
  }
  if (!isPlainObject(data)) {
    return { usable: false, reason: 'corrupt', why: 'the jobs file does not hold a jobs list' };
  }
  const { version, jobs } = data;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { usable: false, reason: 'corrupt', why: 'the jobs file has no valid version' };
  }
  if (version > STORE_VERSION) {
    return {
      usable: false,
      reason: 'newer-version',
      why: `the jobs file was written by a newer version of the extension (format ${version}; this one reads ${STORE_VERSION})`,
    };
  }
  if (!Array.isArray(jobs)) {
    return { usable: false, reason: 'corrupt', why: 'the jobs file has no jobs list' };
  }
  const records: JobRecord[] = [];
  let firstProblem: string | undefined;
  jobs.forEach((raw: unknown, i) => {
    const result = jobRecordSchema().safeParse(migrateRecord(raw));
    if (result.success) {
      records.push(withoutUndefined(result.data));
    } else if (firstProblem === undefined) {
      const issue = result.error.issues[0];
      firstProblem = `job #${i}: ${issue?.path.map(String).join('.') || '(record)'}: ${issue?.message ?? 'invalid'}`;
    }
  });
  return { usable: true, records, dropped: jobs.length - records.length, firstProblem };
}

/** The store text for `records`, oldest first. `cache` keeps each record's JSON (records are never mutated). */
export function serialiseStore(records: readonly JobRecord[], cache?: WeakMap<JobRecord, string>): string {
  const parts = records.map((record) => {
    let json = cache?.get(record);
    if (json === undefined) {
      json = JSON.stringify(record);
      cache?.set(record, json);
    }
    return json;
  });
  return `{"version":${STORE_VERSION},"jobs":[${parts.join(',')}]}`;
}

/**
 * A record written by the previous version kept its error as an English sentence (`error`) and its kind
 * beside it (`errorKind`); it becomes an `ErrorInfo` that keeps the sentence as it was (`recorded`).
 */
function migrateRecord(raw: unknown): unknown {
  if (!isPlainObject(raw) || typeof raw['error'] !== 'string') {
    return raw;
  }
  const { error, errorKind, ...rest } = raw;
  const kind: ErrorKind = ERROR_KINDS.find((k) => k === errorKind) ?? 'server';
  // A stored sentence may hold a key OpenRouter echoed back in an error: it is redacted here.
  const info: ErrorInfo = { kind, reason: 'recorded', params: { text: redact(String(error)) } };
  return { ...rest, error: info };
}

async function setAside(storage: JobStorage, text: string, reason: string, logger: Logger): Promise<string | undefined> {
  try {
    return await storage.setAside(text, reason);
  } catch (error) {
    logger.error(`Could not keep a copy of the unreadable jobs file: ${describeError(error)}`);
    return undefined;
  }
}

/** The schema gives `error: undefined` for an error it leaves out; a stored record has no such keys. */
function withoutUndefined(record: JobRecord): JobRecord {
  for (const key of Object.keys(record) as (keyof JobRecord)[]) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
