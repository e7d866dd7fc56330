/**
 * Helpers for the fault-injection suites (faults.test.ts, soak.test.ts) that run inside the real
 * extension host, on top of helpers.ts: requests for the public API, fresh output folders, read-only
 * folders and a full disk (with a probe that says why they cannot be made here), and a wider key scan.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { VideoRequest } from '../../src/core/api/videoRequest';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import { errorText, MODEL, workspaceFolder } from './helpers';

/** The public API's request for MODEL (google/veo-3.1-lite) that helpers.generateArgs describes for the command. */
export function request(prompt: string, extra: Partial<VideoRequest> = {}): VideoRequest {
  return { model: MODEL, prompt, duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: false, ...extra };
}

/** Names in `dir` (not recursive) ending with `suffix`; [] when it does not exist. */
export function filesEndingWith(dir: string, suffix: string): string[] {
  try {
    return fs.readdirSync(dir).filter((f) => f.endsWith(suffix)).sort();
  } catch {
    return [];
  }
}

/** A fresh, empty output folder inside the workspace. */
export function freshOutputFolder(label: string): string {
  const dir = path.join(workspaceFolder(), `out-${label}-${Date.now().toString(36)}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Bytes of the saved output `index` of a job (fails when there is none). */
export function savedBytes(record: JobRecord, index = 0): Buffer {
  const file = record.outputs.find((o) => o.index === index)?.file;
  if (!file) throw new Error(`job ${record.jobId} has no saved output ${index} (state ${record.state}: ${errorText(record)})`);
  return fs.readFileSync(file);
}

// ---- Read-only folders and full disks ----------------------------------------------------------

export type Undo = () => void;

function canWrite(dir: string): boolean {
  const probe = path.join(dir, `.probe-${process.pid}-${Date.now()}`);
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes `dir` unwritable: mode 0555, and when that does not stop this process (root), the immutable
 * attribute (`chattr +i`). Returns how to undo it, or a reason why it cannot be done here.
 */
export function makeReadOnly(dir: string): { undo: Undo } | { reason: string } {
  fs.chmodSync(dir, 0o555);
  if (!canWrite(dir)) return { undo: () => fs.chmodSync(dir, 0o755) };
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'pipe' });
  } catch (error) {
    fs.chmodSync(dir, 0o755);
    return { reason: `mode 0555 does not stop this user (uid ${os.userInfo().uid}) and chattr +i failed: ${String(error).split('\n')[0]}` };
  }
  const undo = () => {
    execFileSync('chattr', ['-i', dir], { stdio: 'pipe' });
    fs.chmodSync(dir, 0o755);
  };
  if (canWrite(dir)) {
    undo();
    return { reason: 'neither mode 0555 nor chattr +i makes a folder read-only for this user here' };
  }
  return { undo };
}

/** Mounts a tiny tmpfs (`sizeKiB`) at `dir` so writes fail with ENOSPC; needs root. */
export function mountTinyDisk(dir: string, sizeKiB: number): { undo: Undo } | { reason: string } {
  if (process.platform !== 'linux') return { reason: `a tmpfs mount needs Linux (this is ${process.platform})` };
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    return { reason: `cannot mount a small tmpfs here (needs root/CAP_SYS_ADMIN): ${String(error).split('\n')[0]}` };
  }
  return { undo: () => execFileSync('umount', ['-l', dir], { stdio: 'pipe' }) };
}

// ---- The key scan ------------------------------------------------------------------------------

/** Every regular file under `root`, skipping `skip(dir)` folders. */
export function walk(root: string, skip: (dir: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skip(full)) visit(full);
      } else if (entry.isFile()) {
        out.push(full);
      }
    }
  };
  visit(root);
  return out;
}

/** The files among `files` whose bytes contain any of `needles` (searched as UTF-8 and as UTF-16LE). */
export function filesContainingAny(files: readonly string[], needles: readonly string[]): string[] {
  const patterns = needles.flatMap((n) => [Buffer.from(n, 'utf8'), Buffer.from(n, 'utf16le')]);
  const hits: string[] = [];
  for (const file of files) {
    let data: Buffer;
    try {
      data = fs.readFileSync(file);
    } catch {
      continue;
    }
    if (patterns.some((p) => data.includes(p))) hits.push(file);
  }
  return hits;
}
