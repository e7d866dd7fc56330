/**
 * Standalone fake OpenRouter:
 *   node out/test/fake-openrouter/cli.js [--port N] [--key K]... [--complete-after-polls N | --complete-after-ms N]
 *        [--polling-url absolute|relative|foreign] [--content-origin api|storage] [--latency-ms N] [--models FILE]
 *        [--sandbox-clips]
 * Prints `Fake OpenRouter listening at <baseUrl>` and `API key: <key>` on stdout, then serves until SIGINT/SIGTERM.
 */
import * as fs from 'node:fs';
import { DEFAULT_API_KEY, startFakeOpenRouter, type FakeOptions, type JobScript } from './fakeOpenRouter';

const USAGE = `Usage: node out/test/fake-openrouter/cli.js [options]
  --port N                   API port on 127.0.0.1 (default: any free port)
  --key K                    accepted API key (repeatable; default ${DEFAULT_API_KEY})
  --complete-after-polls N   jobs answer 'pending' to N polls, then 'completed'
  --complete-after-ms N      jobs are 'pending' until N ms after submit, then 'completed' (10000 ≈ a 10 s job)
  --polling-url MODE         absolute (default) | relative | foreign
  --content-origin ORIGIN    api (default) | storage (unsigned_urls on the no-auth storage server)
  --latency-ms N             delay before every response
  --models FILE              JSON file with {"data":[...]} or [...] to serve instead of the 30-model capture
  --sandbox-clips            serve the clip in clips/ matching each request (aspect ratio, duration, audio)
                             instead of fixtures/sample.mp4
  --help                     this text`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv: string[]): FakeOptions {
  const options: FakeOptions = {};
  const script: JobScript = {};
  const keys: string[] = [];
  const number = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isInteger(n) || n < 0) fail(`${flag} needs a non-negative integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) fail(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      case '--port':
        options.port = number(flag, value());
        break;
      case '--key':
        keys.push(value());
        break;
      case '--complete-after-polls': {
        const n = number(flag, value());
        script.statuses = [...Array<string>(n).fill('pending'), 'completed'];
        break;
      }
      case '--complete-after-ms':
        script.completeAfterMs = number(flag, value());
        break;
      case '--polling-url': {
        const mode = value();
        if (mode !== 'absolute' && mode !== 'relative' && mode !== 'foreign') fail('--polling-url must be absolute, relative or foreign');
        script.pollingUrl = mode;
        break;
      }
      case '--content-origin': {
        const origin = value();
        if (origin !== 'api' && origin !== 'storage') fail('--content-origin must be api or storage');
        script.contentOrigin = origin;
        break;
      }
      case '--latency-ms':
        options.latencyMs = number(flag, value());
        break;
      case '--models': {
        const file = value();
        const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
        const data = Array.isArray(parsed) ? parsed : (parsed as { data?: unknown }).data;
        if (!Array.isArray(data)) fail(`${file} holds neither {"data":[...]} nor [...]`);
        options.models = data;
        break;
      }
      case '--sandbox-clips':
        options.sandboxClips = true;
        break;
      default:
        fail(`Unknown option ${arg}`);
    }
  }
  if (keys.length > 0) options.apiKeys = keys;
  if (Object.keys(script).length > 0) options.defaultScript = script;
  return options;
}

async function main(): Promise<void> {
  const fake = await startFakeOpenRouter(parseArgs(process.argv.slice(2)));
  console.log(`Fake OpenRouter listening at ${fake.baseUrl}`);
  console.log(`API key: ${fake.apiKey}`);
  console.error(`Storage (CDN, no auth) origin: ${fake.storageOrigin}. Stop with Ctrl+C.`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`Fake OpenRouter: ${signal}, closing.`);
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`Fake OpenRouter failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
