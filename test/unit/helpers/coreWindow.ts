/**
 * One window's core, as the composition root wires it, against the fake OpenRouter: a job store on disk, a
 * client with its own Retry-After gate, a poller and a JobService. Tests that need more than one window (or
 * a window reopened over the same store) open several.
 */
import { createVideoApi, type ClientOptions } from '../../../src/core/api/client';
import { RateLimitGate } from '../../../src/core/api/retry';
import type { VideoApi } from '../../../src/core/api/videoApi';
import { downloadOutput } from '../../../src/core/download/downloader';
import { FileStorage } from '../../../src/core/jobs/fileStorage';
import { JobPoller } from '../../../src/core/jobs/jobPoller';
import { JobService, type JobServiceOptions } from '../../../src/core/jobs/jobService';
import { JobStore, type JobStoreOptions } from '../../../src/core/jobs/jobStore';
import type { JobPollerSettings } from '../../../src/core/jobs/pollerSettings';
import { systemClock } from '../../../src/core/shared/clock';
import { FakeOpenRouter } from '../../fake-openrouter/fakeOpenRouter';
import { TestLogger } from './testLogger';

/** Poll timing short enough for a test. */
export const FAST_POLL: JobPollerSettings = { firstDelayMs: 20, intervalMs: 20, maxIntervalMs: 50, jitter: 0 };

export interface CoreWindowOptions {
  fake: FakeOpenRouter;
  storePath: string;
  /** Default FAST_POLL. */
  poll?: JobPollerSettings;
  store?: JobStoreOptions;
  client?: Partial<ClientOptions>;
  /** Wraps the client the poller and the service use (a test that steps in before a call). */
  wrapApi?: (api: VideoApi) => VideoApi;
  /** Anything the test sets on the service (budget, workspace folders, sidecars…). */
  service?: Partial<JobServiceOptions>;
  logger?: TestLogger;
}

export interface CoreWindow {
  store: JobStore;
  api: VideoApi;
  poller: JobPoller;
  service: JobService;
  logger: TestLogger;
  /** Stops everything and waits for the last download and store write. */
  close(): Promise<void>;
}

/** A job store on disk and a client of the fake, without a poller or service: for tests that drive `submitJob` themselves. */
export interface StoreAndClient {
  store: JobStore;
  api: VideoApi;
  gate: RateLimitGate;
  /** Closes the store (waiting for its writes) and the client. */
  close(): Promise<void>;
}

export async function openStoreAndClient(options: Pick<CoreWindowOptions, 'fake' | 'storePath' | 'store' | 'client' | 'logger'>): Promise<StoreAndClient> {
  const { fake } = options;
  const logger = options.logger ?? new TestLogger();
  const store = await JobStore.load(new FileStorage(options.storePath), logger, systemClock, options.store);
  const gate = new RateLimitGate();
  const api = createVideoApi({
    baseUrl: fake.baseUrl,
    keyProvider: () => fake.apiKey,
    fetch: (input, init) => globalThis.fetch(input, init),
    userAgent: 'test',
    logger,
    gate,
    ...options.client,
  });
  return {
    store,
    api,
    gate,
    close: async () => {
      await store.dispose();
      await api.dispose();
    },
  };
}

export async function openCoreWindow(options: CoreWindowOptions): Promise<CoreWindow> {
  const logger = options.logger ?? new TestLogger();
  const parts = await openStoreAndClient({ ...options, logger });
  const { store, gate } = parts;
  const api = options.wrapApi ? options.wrapApi(parts.api) : parts.api;
  const poller = new JobPoller({ api, store, gate, logger, ...(options.poll ?? FAST_POLL) });
  const service = new JobService({
    api,
    store,
    poller,
    logger,
    download: downloadOutput,
    extensionVersion: '0.1.0-test',
    readImage: async () => ({ dataUrl: '', mimeType: 'image/png', bytes: 0 }),
    ...options.service,
  });
  let closed = false;
  return {
    store,
    api,
    poller,
    service,
    logger,
    close: async () => {
      if (closed) return;
      closed = true;
      service.dispose();
      poller.dispose();
      await service.settled();
      await parts.close();
    },
  };
}

/**
 * One fake OpenRouter for a mocha suite, reset after each test, and the windows (or anything else) a test opens,
 * closed after it: call in a `describe`, read `fake` in the tests.
 */
export function suiteFake(): { readonly fake: FakeOpenRouter; closeAfterTest(close: () => Promise<void>): void } {
  let fake: FakeOpenRouter | undefined;
  const closers: (() => Promise<void>)[] = [];
  before(async () => {
    fake = await FakeOpenRouter.start();
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    fake?.reset();
  });
  after(async () => {
    await fake?.close();
  });
  return {
    get fake() {
      if (!fake) throw new Error('the suite fake starts in before()');
      return fake;
    },
    closeAfterTest: (close) => void closers.push(close),
  };
}
