import type { JobStorage } from '../../../src/core/jobs/fileStorage';

/** JobStorage in memory, with knobs for failures and slow writes. */
export class MemoryStorage implements JobStorage {
  readonly writes: string[] = [];
  readonly setAsides: { text: string; reason: string }[] = [];
  /** The next N writes reject. */
  failWrites = 0;
  /** Writes wait for this before landing (when set). */
  gate: Promise<void> | undefined;

  constructor(public text: string | undefined = undefined) {}

  async read(): Promise<string | undefined> {
    return this.text;
  }

  async write(text: string): Promise<void> {
    if (this.gate) await this.gate;
    if (this.failWrites > 0) {
      this.failWrites--;
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    }
    this.writes.push(text);
    this.text = text;
  }

  async update(next: (current: string | undefined) => Promise<string | undefined>): Promise<void> {
    const text = await next(this.text);
    if (text !== undefined) await this.write(text);
  }

  async setAside(text: string, reason: string): Promise<string | undefined> {
    this.setAsides.push({ text, reason });
    return `memory://jobs.${reason}.json`;
  }

  /** The jobs currently stored, parsed. */
  jobs(): { clientId: string; state: string; [key: string]: unknown }[] {
    return this.text === undefined ? [] : (JSON.parse(this.text) as { jobs: never[] }).jobs;
  }
}
