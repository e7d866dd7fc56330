/**
 * The fake OpenRouter in a child process, for tests that measure the extension host: a fake inside the host
 * would spend the host's own thread serving the bytes the extension is timed receiving.
 *
 *   const fake = await startFakeProcess({ defaultScript: { body: { size } } });
 *   fake.baseUrl, fake.storageOrigin;  await fake.requests();  await fake.close();
 *
 * Run as a script, this module is that child: it starts the fake with the options given as JSON in argv[2],
 * sends its addresses to the parent, answers `requests` messages, and exits when the parent disconnects.
 */
import * as cp from 'node:child_process';
import { startFakeOpenRouter, type FakeOptions, type RecordedRequest } from '../fake-openrouter/fakeOpenRouter';

export interface FakeProcess {
  readonly baseUrl: string;
  readonly storageOrigin: string;
  readonly apiKey: string;
  /** What the fake recorded so far (bodies left out). */
  requests(): Promise<Omit<RecordedRequest, 'body'>[]>;
  close(): Promise<void>;
}

interface Ready {
  type: 'ready';
  baseUrl: string;
  storageOrigin: string;
  apiKey: string;
}

interface Requests {
  type: 'requests';
  requests: Omit<RecordedRequest, 'body'>[];
}

export function startFakeProcess(options: FakeOptions): Promise<FakeProcess> {
  const child = cp.fork(__filename, [JSON.stringify({ ...options, recordBodies: false })], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the fake's process exited with ${String(code)} before it listened`)));
    child.once('message', (message: Ready) => {
      resolve({
        baseUrl: message.baseUrl,
        storageOrigin: message.storageOrigin,
        apiKey: message.apiKey,
        requests: () =>
          new Promise((answer) => {
            child.once('message', (reply: Requests) => answer(reply.requests));
            child.send({ type: 'requests' });
          }),
        close: async () => {
          if (child.connected) child.disconnect();
          await exited;
        },
      });
    });
  });
}

async function serve(): Promise<void> {
  const fake = await startFakeOpenRouter(JSON.parse(process.argv[2] ?? '{}') as FakeOptions);
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'requests') return;
    const requests = fake.requests.map(({ body: _body, ...rest }) => rest);
    process.send?.({ type: 'requests', requests } satisfies Requests);
  });
  process.once('disconnect', () => void fake.close().then(() => process.exit(0)));
  process.send?.({ type: 'ready', baseUrl: fake.baseUrl, storageOrigin: fake.storageOrigin, apiKey: fake.apiKey } satisfies Ready);
}

if (require.main === module) void serve();
