/**
 * Shared helpers for the integration suites, which run inside the real extension host.
 *
 * - `getApi()`: the extension, activated, and its public API (the one of the latest activation; see
 *   `reactivate()`).
 * - `useFake()`: a per-suite fake OpenRouter started in this process, with the extension pointed at it
 *   through the user setting `openrouterVideo.apiBaseUrl` (restored afterwards).
 * - workspace and storage paths, waiting, file scans, job clean-up.
 *
 * Emulated window reload: `reactivate()` does what a reload does to the extension: `deactivate()`, then
 * `activate()` again over the same storage folders and workspace. The extension activates on
 * `onStartupFinished`, normally before the tests load, so VS Code's own ExtensionContext cannot be captured;
 * the new activation then gets a new window's context (`newWindowContext`: the same storage folders, state
 * and secrets of its own). When the tests load first, VS Code loads `dist/extension.js` with Node's `require`,
 * whose module cache this process shares: a thin wrapper in the cache remembers the context VS Code passes to
 * `activate()`, and the reload reuses it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startFakeOpenRouter, type FakeOpenRouter, type FakeOptions } from '../fake-openrouter/fakeOpenRouter';
import type { OpenRouterVideoApi } from '../../src/composition';
import type { JobRecord } from '../../src/core/jobs/jobRecord';
import { wordErrorInfo } from '../../src/host/errorMessages';

export const EXTENSION_ID = 'openrouter-video.openrouter-video';
export const MODEL = 'google/veo-3.1-lite';
/** The key the runner puts in the extension host's environment (OPENROUTER_API_KEY): the fallback key. */
export const ENV_KEY = process.env.OPENROUTER_API_KEY ?? '';

/** A fully specified request for google/veo-3.1-lite: with prompt and model given, nothing is asked. */
export function generateArgs(prompt: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { prompt, model: MODEL, duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: false, ...extra };
}

// ---- the extension, its module and its context ---------------------------------------------------

interface ExtensionModule {
  activate(context: vscode.ExtensionContext): Promise<OpenRouterVideoApi>;
  deactivate(): Promise<void> | undefined;
}

export function extension(): vscode.Extension<OpenRouterVideoApi> {
  const ext = vscode.extensions.getExtension<OpenRouterVideoApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded in this extension host`);
  return ext;
}

let capturedContext: vscode.ExtensionContext | undefined;
let latestApi: OpenRouterVideoApi | undefined;
let realModule: ExtensionModule | undefined;
/** Why the context could not be captured (then `reactivate()` is unavailable). */
let captureProblem: string | undefined;

/**
 * What VS Code hands out as the extension's exports (`ext.exports`, `ext.activate()`): the API of the
 * latest activation, so suites that hold it keep working after `reactivate()`. (Listeners added with
 * `onDidChangeJobs` before a reactivation stay with the old activation, as after a real reload.)
 */
const currentApi = new Proxy({} as OpenRouterVideoApi, {
  get: (_target, prop) => {
    const api = latestApi;
    const value: unknown = api ? Reflect.get(api, prop) : undefined;
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(api) : value;
  },
  has: (_target, prop) => latestApi !== undefined && prop in latestApi,
  ownKeys: () => (latestApi ? Reflect.ownKeys(latestApi) : []),
  getOwnPropertyDescriptor: (_target, prop) => {
    const descriptor = latestApi ? Reflect.getOwnPropertyDescriptor(latestApi, prop) : undefined;
    return descriptor ? { ...descriptor, configurable: true } : undefined;
  },
});

function installActivationProbe(): void {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) {
    captureProblem = `${EXTENSION_ID} is not loaded`;
    return;
  }
  const main = require.resolve(path.join(ext.extensionPath, String((ext.packageJSON as { main?: string }).main ?? 'dist/extension.js')));
  const cache: NodeJS.Dict<NodeJS.Module> = require.cache;
  if (ext.isActive || cache[main]) {
    // Activated on start-up (`onStartupFinished`) before the tests loaded: VS Code's context cannot be captured,
    // so a reload gets a new window's context over the same storage folders (`newWindowContext`).
    const active = cache[main]?.exports as ExtensionModule | undefined;
    if (!active || typeof active.activate !== 'function') {
      captureProblem = `${main} does not export activate()`;
      return;
    }
    realModule = active;
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(main) as ExtensionModule;
  const cached = cache[main] as NodeJS.Module | undefined;
  if (!cached || typeof loaded.activate !== 'function') {
    captureProblem = `${main} does not export activate()`;
    return;
  }
  realModule = loaded;
  const wrapper: ExtensionModule = {
    activate: async (context) => {
      capturedContext = context;
      latestApi = await loaded.activate(context);
      return currentApi;
    },
    deactivate: () => loaded.deactivate(),
  };
  cached.exports = wrapper;
}

/** A Memento kept in memory (a new window's state for this extension). */
class MemoryMemento implements vscode.Memento {
  private readonly values = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    return this.values.has(key) ? (this.values.get(key) as T) : defaultValue;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
  }
  setKeysForSync(): void {}
}

/** Secrets kept in memory: empty, so the extension falls back to the host's OPENROUTER_API_KEY, as the suites expect. */
class MemorySecrets implements vscode.SecretStorage {
  private readonly values = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  readonly onDidChange = this.changed.event;
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    this.changed.fire({ key });
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
    this.changed.fire({ key });
  }
}

/**
 * What a new window hands the extension when VS Code's own context could not be captured: the same storage
 * folders (so the job store on disk is what the new activation finds), the extension's description, and state
 * and secrets of its own. The extension reads nothing else of its context.
 */
function newWindowContext(): vscode.ExtensionContext {
  const ext = extension();
  const user = path.join(userDataFolder(), 'User');
  const workspaceStorage = path.dirname(jobStoreFile());
  return {
    extension: ext,
    extensionUri: ext.extensionUri,
    extensionPath: ext.extensionPath,
    storageUri: vscode.Uri.file(workspaceStorage),
    globalStorageUri: vscode.Uri.file(path.join(user, 'globalStorage', EXTENSION_ID)),
    subscriptions: [],
    globalState: new MemoryMemento(),
    workspaceState: new MemoryMemento(),
    secrets: new MemorySecrets(),
  } as unknown as vscode.ExtensionContext;
}

installActivationProbe();

/** The public API of the extension's latest activation (activating it if needed). */
export async function getApi(): Promise<OpenRouterVideoApi> {
  const api = await extension().activate();
  return latestApi ?? api;
}

/** Whether `getApi()` (and `ext.exports`, when the activation probe is in place) gives the latest activation's API. */
export async function exportsFollowReactivation(): Promise<boolean> {
  return (await getApi()) === latestApi && (capturedContext === undefined || extension().exports === currentApi);
}

/** Why `reactivate()` cannot run here, or undefined when it can. */
export function reactivationUnavailable(): string | undefined {
  if (captureProblem) return captureProblem;
  if (!realModule) return 'VS Code did not activate the extension through its main module';
  return undefined;
}

/** Skips each test of the suite, saying why, when `reactivate()` cannot run in this host. */
export function skipEachUnlessReactivationWorks(): void {
  beforeEach(function () {
    const problem = reactivationUnavailable();
    if (problem) {
      console.log(`      SKIPPED: cannot emulate a reload in this host: ${problem}`);
      this.skip();
    }
  });
}

/** The ExtensionContext VS Code gave the extension (only when the probe captured it). */
export function extensionContext(): vscode.ExtensionContext | undefined {
  return capturedContext;
}

/**
 * What a window reload does to the extension: deactivate(), then activate() with the same context.
 * `between` runs while it is deactivated (to look at the disk, or change the fake); the extension is
 * activated again even when it throws.
 */
export async function reactivate(between?: () => Promise<void>): Promise<OpenRouterVideoApi> {
  const problem = reactivationUnavailable();
  if (problem || !realModule) throw new Error(`Cannot reactivate: ${problem ?? 'unknown'}`);
  const module = realModule;
  const context = capturedContext ?? newWindowContext();
  await module.deactivate();
  try {
    await between?.();
  } finally {
    // Even when a check in between failed: later suites need a running extension.
    latestApi = await module.activate(context);
  }
  return latestApi;
}

// ---- a fake OpenRouter per suite -----------------------------------------------------------------

export interface FakeHandle {
  /** The running fake (valid inside the suite's tests). */
  readonly fake: FakeOpenRouter;
}

async function setApiBaseUrl(value: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('openrouterVideo').update('apiBaseUrl', value, vscode.ConfigurationTarget.Global);
}

/**
 * Starts a fake in `before` (accepting the host's OPENROUTER_API_KEY and `options.apiKeys`), points
 * the extension at it, resets it after each test, restores the setting and closes it in `after`.
 */
export function useFake(options: FakeOptions = {}): FakeHandle {
  let fake: FakeOpenRouter | undefined;
  let previous: string | undefined;
  before(async () => {
    await getApi();
    fake = await startFakeOpenRouter({ ...options, apiKeys: [ENV_KEY, ...(options.apiKeys ?? [])] });
    previous = vscode.workspace.getConfiguration('openrouterVideo').inspect<string>('apiBaseUrl')?.globalValue;
    await setApiBaseUrl(fake.baseUrl);
    assert.equal(vscode.workspace.getConfiguration('openrouterVideo').inspect<string>('apiBaseUrl')?.globalValue, fake.baseUrl);
  });
  afterEach(() => fake?.reset());
  after(async () => {
    await setApiBaseUrl(previous);
    await fake?.close();
  });
  return {
    get fake(): FakeOpenRouter {
      assert.ok(fake, 'the suite fake is not running (use it inside tests)');
      return fake;
    },
  };
}

// ---- workspace, storage, files -------------------------------------------------------------------

export function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder && folder.uri.scheme === 'file', 'the integration tier opens a folder on disk');
  return folder.uri.fsPath;
}

export function videosFolder(): string {
  return path.join(workspaceFolder(), 'videos');
}

export function sampleMp4(): Buffer {
  return fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fake-openrouter', 'fixtures', 'sample.mp4'));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a truthy value (returned), failing with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | null | Promise<T | undefined | false | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export function waitForFile(file: string, timeoutMs = 10_000): Promise<string> {
  return waitFor(`${file} to exist`, () => fs.existsSync(file) && file, timeoutMs);
}

export function waitForNoFile(file: string, timeoutMs = 10_000): Promise<true> {
  return waitFor(`${file} to be removed`, () => !fs.existsSync(file), timeoutMs);
}

/** Every file under `dir` (recursively); [] when it does not exist. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

/**
 * Answers the next input box the extension shows with `text` (undefined: the person pressed Escape), as a
 * person typing into it would: this tier cannot type into the workbench (the e2e tier does). The tests and the
 * extension share this extension's `vscode` API object, so the extension's next `showInputBox` call gets the
 * answer. Resolves with the options the box was shown with.
 */
export function answerNextInputBox(text: string | undefined): Promise<vscode.InputBoxOptions | undefined> {
  const window = vscode.window as { showInputBox: typeof vscode.window.showInputBox };
  const original = window.showInputBox;
  return new Promise((resolve) => {
    window.showInputBox = async (options) => {
      window.showInputBox = original;
      resolve(options);
      return text;
    };
  });
}

/** The text of the extension's log files (each window's), for what it logged. */
export function extensionLogText(): string {
  return extensionLogFolders()
    .flatMap((d) => listFiles(d))
    .filter((f) => f.endsWith('.log'))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}

/** The files among `files` whose bytes contain `needle` (as UTF-8). */
export function filesContaining(files: readonly string[], needle: string): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  return files.filter((f) => fs.readFileSync(f).includes(bytes));
}

/**
 * VS Code's user data folder (`User/`, `logs/`): derived from the captured context's global storage
 * (`<user data>/User/globalStorage/<extension id>`), else the runner's layout (`<temp>/user-data`
 * beside `<temp>/workspace`).
 */
export function userDataFolder(): string {
  const context = extensionContext();
  if (context) return path.resolve(context.globalStorageUri.fsPath, '..', '..', '..');
  const beside = path.join(path.dirname(workspaceFolder()), 'user-data');
  assert.ok(fs.existsSync(beside), `cannot tell VS Code's user data folder (no captured context, no ${beside})`);
  return beside;
}

/**
 * The extension's storage folders: `<user data>/User/workspaceStorage/<hash>/<extension id>` (jobs.json)
 * and `<user data>/User/globalStorage/<extension id>`, those that exist.
 */
export function extensionStorageFolders(): string[] {
  const context = extensionContext();
  if (context) {
    return [context.storageUri, context.globalStorageUri]
      .filter((u): u is vscode.Uri => u !== undefined)
      .map((u) => u.fsPath)
      .filter((d) => fs.existsSync(d));
  }
  const user = path.join(userDataFolder(), 'User');
  const found: string[] = [];
  const workspaceStorage = path.join(user, 'workspaceStorage');
  if (fs.existsSync(workspaceStorage)) {
    for (const hash of fs.readdirSync(workspaceStorage)) {
      const candidate = path.join(workspaceStorage, hash, EXTENSION_ID);
      if (fs.existsSync(candidate)) found.push(candidate);
    }
  }
  const global = path.join(user, 'globalStorage', EXTENSION_ID);
  if (fs.existsSync(global)) found.push(global);
  return found;
}

/** The extension's log folder (its "OpenRouter Video" log channel is written there). */
export function extensionLogFolders(): string[] {
  const context = extensionContext();
  if (context) return [context.logUri.fsPath].filter((d) => fs.existsSync(d));
  const logs = path.join(userDataFolder(), 'logs');
  const found: string[] = [];
  const subfolders = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name)) : []);
  for (const session of subfolders(logs)) {
    for (const host of subfolders(session)) {
      const candidate = path.join(host, EXTENSION_ID);
      if (fs.existsSync(candidate)) found.push(candidate);
    }
  }
  return found;
}

/** jobs.json of this window's job store. */
export function jobStoreFile(): string {
  const file = extensionStorageFolders()
    .map((d) => path.join(d, 'jobs.json'))
    .find((f) => fs.existsSync(f));
  assert.ok(file, `no jobs.json under ${extensionStorageFolders().join(', ') || '(no storage folder found)'}`);
  return file;
}

// ---- jobs ----------------------------------------------------------------------------------------

/** Runs Generate Video with a full argument; resolves with OpenRouter's job id. */
export async function generate(args: Record<string, unknown>): Promise<string> {
  const id = await vscode.commands.executeCommand<string | undefined>('openrouterVideo.generate', args);
  assert.equal(typeof id, 'string', `Generate Video resolved to ${String(id)}, not a job id`);
  return id as string;
}

/**
 * `api.waitForJob(id)` of the latest activation, failing after `timeoutMs` with where the job is stuck
 * (instead of the bare mocha timeout).
 */
export async function waitForJob(jobId: string, timeoutMs = 15_000): Promise<JobRecord> {
  const api = await getApi();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const r = api.getJobs().find((x) => x.jobId === jobId || x.clientId === jobId);
      reject(new Error(`job ${jobId} did not settle within ${timeoutMs} ms: ${r ? `state ${r.state}, remote ${r.remoteStatus ?? '-'}, ${r.pollCount ?? 0} poll(s), error ${r.error ?? '-'}` : 'not in getJobs()'}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([api.waitForJob(jobId), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function findJob(jobId: string): Promise<JobRecord> {
  const record = (await getApi()).getJobs().find((r) => r.jobId === jobId);
  assert.ok(record, `job ${jobId} is not in getJobs()`);
  return record;
}

/** Polls getJobs() until the job with this OpenRouter id satisfies `predicate`. */
export async function waitForRecord(jobId: string, predicate: (r: JobRecord) => boolean, what: string, timeoutMs = 10_000): Promise<JobRecord> {
  return waitFor(`job ${jobId}: ${what}`, async () => (await getApi()).getJobs().find((r) => r.jobId === jobId && predicate(r)), timeoutMs);
}

/**
 * Clean-up: the jobs' files (videos, sidecars, leftover .part files) are deleted and the jobs removed
 * from the list. Active jobs are stopped first (removing an active one would ask in a modal dialog).
 */
export async function removeJobs(records: readonly JobRecord[]): Promise<void> {
  const api = await getApi();
  for (const r of records) {
    const current = api.getJobs().find((x) => x.clientId === r.clientId);
    if (!current) continue;
    if (current.state === 'pending' || current.state === 'in_progress') {
      await vscode.commands.executeCommand('openrouterVideo.jobs.stopWatching', current.clientId);
    }
    for (const o of current.outputs) {
      for (const f of [o.file, o.sidecar, o.file && `${o.file}.part`]) {
        if (f) fs.rmSync(f, { force: true });
      }
    }
    await vscode.commands.executeCommand('openrouterVideo.jobs.remove', current.clientId);
  }
}

/** Jobs created after `since` (a snapshot of client ids taken before the test). */
export async function jobsSince(before: ReadonlySet<string>): Promise<JobRecord[]> {
  return (await getApi()).getJobs().filter((r) => !before.has(r.clientId));
}

export async function jobIds(): Promise<Set<string>> {
  return new Set((await getApi()).getJobs().map((r) => r.clientId));
}

/**
 * Mocha hooks for a suite that creates jobs: remembers the jobs before each test and, after it, removes
 * the new ones with their files, and any file the test left in the videos folder.
 */
export function cleanUpJobsAfterEach(): void {
  let known = new Set<string>();
  let filesBefore = new Set<string>();
  let folderExisted = false;
  beforeEach(async () => {
    known = await jobIds();
    folderExisted = fs.existsSync(videosFolder());
    filesBefore = new Set(listFiles(videosFolder()));
  });
  afterEach(async () => {
    await removeJobs(await jobsSince(known));
    for (const f of listFiles(videosFolder())) {
      if (!filesBefore.has(f)) fs.rmSync(f, { force: true });
    }
    if (!folderExisted && fs.existsSync(videosFolder()) && fs.readdirSync(videosFolder()).length === 0) {
      fs.rmdirSync(videosFolder());
    }
  });
}

/** A record's error as the extension words it for the user ('' when it has none). */
export function errorText(record: Pick<JobRecord, 'error'> | undefined): string {
  return record?.error ? wordErrorInfo(vscode.l10n, record.error) : '';
}
