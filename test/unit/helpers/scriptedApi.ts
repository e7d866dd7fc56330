/** A VideoApi whose getJob answers come from the test (for poller tests with a fake clock). */
import { OpenRouterError } from '../../../src/core/api/errors';
import type { RateLimitGate } from '../../../src/core/api/retry';
import { normaliseStatus, type KeyInfo, type VideoJob, type VideoModel } from '../../../src/core/api/schemas';
import type { CallOptions, ContentRequest, ContentResponse, VideoApi } from '../../../src/core/api/videoApi';
import type { WireVideoRequest } from '../../../src/core/api/videoRequest';
import type { Clock } from '../../../src/core/shared/clock';

export function videoJob(id: string, rawStatus: string, extra: Partial<VideoJob> = {}): VideoJob {
  return { id, status: normaliseStatus(rawStatus), rawStatus, unsignedUrls: [], ...extra };
}

export interface GetJobCall {
  jobId: string;
  at: number;
  pollingUrl?: string;
  signal?: AbortSignal;
}

export type GetJobHandler = (jobId: string, call: GetJobCall) => Promise<VideoJob> | VideoJob;

export class ScriptedApi implements VideoApi {
  readonly baseUrl = 'https://openrouter.test/api/v1';
  readonly calls: GetJobCall[] = [];
  handler: GetJobHandler = (jobId) => videoJob(jobId, 'pending');

  /** With a gate, a scripted 429's Retry-After is recorded there, as the client does. */
  constructor(
    private readonly clock: Clock,
    private readonly gate?: RateLimitGate,
  ) {}

  callsFor(jobId: string): GetJobCall[] {
    return this.calls.filter((c) => c.jobId === jobId);
  }

  async getJob(jobId: string, options: CallOptions & { pollingUrl?: string } = {}): Promise<VideoJob> {
    const call: GetJobCall = { jobId, at: this.clock.now(), pollingUrl: options.pollingUrl, signal: options.signal };
    this.calls.push(call);
    try {
      return await this.handler(jobId, call);
    } catch (error) {
      if (OpenRouterError.is(error, 'rateLimited') && error.retryAfterMs !== undefined) this.gate?.hold(error.retryAfterMs);
      throw error;
    }
  }

  contentUrl(jobId: string, index: number, unsignedUrls?: readonly string[]): string {
    return unsignedUrls?.[index] ?? `${this.baseUrl}/videos/${jobId}/content?index=${index}`;
  }

  listModels(): Promise<VideoModel[]> {
    return Promise.reject(new Error('ScriptedApi.listModels is not scripted'));
  }

  submit(_body: WireVideoRequest): Promise<VideoJob> {
    return Promise.reject(new Error('ScriptedApi.submit is not scripted'));
  }

  openContent(_request: ContentRequest): Promise<ContentResponse> {
    return Promise.reject(new Error('ScriptedApi.openContent is not scripted'));
  }

  getKeyInfo(): Promise<KeyInfo> {
    return Promise.reject(new Error('ScriptedApi.getKeyInfo is not scripted'));
  }

  dispose(): void {}
}

/** A promise the test settles by hand. */
export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export { seededRandom } from '../../helpers/seededRandom';
