/**
 * The fake OpenRouter in a process of its own, driven over IPC (child_process.fork), so that the process
 * under measurement pays neither its CPU nor its memory. It also keeps a request log with start and end
 * times (ms, wall clock with sub-ms precision), which the fake's own `requests` list lacks.
 *
 *   const fake = await FakeHostClient.start();
 *   const { ids } = await fake.call('createJobs', { specs: [{ script: { body: { size } }, completed: true }] });
 *   await fake.stop();
 */
import * as cp from 'node:child_process';
import type * as http from 'node:http';
import * as path from 'node:path';
import type { Fault, JobScript } from '../../test/fake-openrouter/fakeOpenRouter';

export interface LoggedRequest {
  route: string;
  method: string;
  path: string;
  jobId?: string;
  start: number;
  end?: number;
  status?: number;
  retryAfter?: string;
}

export interface JobSpec {
  script?: JobScript;
  /** Force `completed` right away (downloads). */
  completed?: boolean;
}

type Command =
  | { cmd: 'info' }
  | { cmd: 'createJobs'; specs: JobSpec[] }
  | { cmd: 'inject'; fault: Fault }
  | { cmd: 'log'; since?: number }
  | { cmd: 'clearLog' }
  | { cmd: 'jobs' }
  | { cmd: 'usage' };

/** Wall-clock ms with sub-ms precision, comparable across processes of this machine. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

// ---- child side ----------------------------------------------------------------------------------

async function child(): Promise<void> {
  const { startFakeOpenRouter } = await import('../../test/fake-openrouter/fakeOpenRouter.js');
  const fake = await startFakeOpenRouter({ recordBodies: false });
  const log: LoggedRequest[] = [];
  const apiServer = (fake as unknown as { apiServer: http.Server }).apiServer;
  apiServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/api\/v1\/videos\/([^/]+)(\/content)?$/.exec(url.pathname);
    const route = url.pathname === '/api/v1/videos' ? 'submit' : m ? (m[2] ? 'content' : 'poll') : url.pathname;
    const entry: LoggedRequest = { route, method: req.method ?? 'GET', path: url.pathname, start: wallNow() };
    if (m && m[1] !== 'models') entry.jobId = m[1];
    log.push(entry);
    // writeHead(status, headers) headers are not visible to getHeader(): sniff them on the way out.
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => http.ServerResponse;
    (res as unknown as { writeHead: (...args: unknown[]) => http.ServerResponse }).writeHead = (...args: unknown[]) => {
      const headers = args.find((a) => typeof a === 'object' && a !== null) as Record<string, unknown> | undefined;
      const ra = headers && Object.entries(headers).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
      if (ra !== undefined) entry.retryAfter = String(ra);
      return writeHead(...args);
    };
    const done = () => {
      if (entry.end === undefined) {
        entry.end = wallNow();
        entry.status = res.statusCode;
        const ra = res.getHeader('retry-after');
        if (ra !== undefined) entry.retryAfter ??= String(ra);
      }
    };
    res.on('finish', done);
    res.on('close', done);
  });
  // Jobs drop their recorded requests: the fake keeps every request; over long runs that is memory only.
  const reply = (id: number, value: unknown, error?: string) => process.send!({ id, value, error });
  process.on('message', (message: { id: number } & Command) => {
    try {
      switch (message.cmd) {
        case 'info':
          reply(message.id, { baseUrl: fake.baseUrl, origin: fake.origin, apiKey: fake.apiKey, pid: process.pid });
          return;
        case 'createJobs': {
          const jobs = message.specs.map((spec) => {
            const job = fake.createJob('google/veo-3.1-lite', spec.script ?? {});
            if (spec.completed) fake.setJobStatus(job.id, 'completed');
            return { id: job.id, submittedAt: job.submittedAt, contentUrl: `${fake.baseUrl}/videos/${job.id}/content?index=0` };
          });
          reply(message.id, jobs);
          return;
        }
        case 'inject':
          fake.inject(message.fault);
          reply(message.id, true);
          return;
        case 'log':
          reply(message.id, message.since === undefined ? log : log.filter((e) => e.start >= message.since!));
          return;
        case 'clearLog':
          log.length = 0;
          fake.requests.length = 0;
          reply(message.id, true);
          return;
        case 'jobs':
          reply(
            message.id,
            [...fake.jobs.values()].map((j) => ({ id: j.id, submittedAt: j.submittedAt, polls: j.polls, status: j.status, completeAfterMs: j.script.completeAfterMs })),
          );
          return;
        case 'usage':
          reply(message.id, { cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
          return;
      }
    } catch (error) {
      reply(message.id, undefined, error instanceof Error ? error.message : String(error));
    }
  });
  process.on('disconnect', () => {
    void fake.close().finally(() => process.exit(0));
  });
  process.send!({ ready: true });
}

// ---- parent side ---------------------------------------------------------------------------------

export class FakeHostClient {
  private next = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  info!: { baseUrl: string; origin: string; apiKey: string; pid: number };

  private constructor(private readonly proc: cp.ChildProcess) {
    proc.on('message', (m: { id?: number; value?: unknown; error?: string }) => {
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m.value);
    });
  }

  static async start(): Promise<FakeHostClient> {
    const proc = cp.fork(__filename, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    await new Promise<void>((resolve, reject) => {
      proc.once('message', () => resolve());
      proc.once('exit', (code) => reject(new Error(`fake host exited (${code})`)));
    });
    const client = new FakeHostClient(proc);
    client.info = (await client.call({ cmd: 'info' })) as FakeHostClient['info'];
    return client;
  }

  call(command: Command): Promise<unknown> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.proc.send({ id, ...command });
    });
  }

  createJobs(specs: JobSpec[]): Promise<{ id: string; submittedAt: number; contentUrl: string }[]> {
    return this.call({ cmd: 'createJobs', specs }) as Promise<{ id: string; submittedAt: number; contentUrl: string }[]>;
  }

  log(since?: number): Promise<LoggedRequest[]> {
    return this.call(since === undefined ? { cmd: 'log' } : { cmd: 'log', since }) as Promise<LoggedRequest[]>;
  }

  async stop(): Promise<void> {
    if (!this.proc.connected) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.disconnect();
    await exited;
  }
}

if (require.main === module && process.argv.includes('--child')) {
  void child();
}

export const FAKE_HOST_PATH = path.resolve(__filename);
