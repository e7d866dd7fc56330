/**
 * A minimal stand-in for the `vscode` module, enough to load dist/extension.js (or out/src/host/**) in plain
 * Node and run activate() / the tree providers: real EventEmitter and Disposable semantics, no-op UI.
 * `installVscodeStub()` makes `require('vscode')` resolve to it (Module._resolveFilename hook).
 */
import Module from 'node:module';
import * as path from 'node:path';

type Listener<T> = (e: T) => unknown;

class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  constructor(private readonly fn: () => unknown) {}
  dispose(): void {
    this.fn();
  }
}

class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>, thisArg?: unknown, disposables?: Disposable[]) => {
    const bound = thisArg ? listener.bind(thisArg) : listener;
    this.listeners.push(bound);
    const d = new Disposable(() => (this.listeners = this.listeners.filter((l) => l !== bound)));
    disposables?.push(d);
    return d;
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

class TreeItem {
  id?: string;
  description?: string;
  tooltip?: unknown;
  contextValue?: string;
  iconPath?: unknown;
  resourceUri?: unknown;
  command?: unknown;
  accessibilityInformation?: unknown;
  constructor(
    public label: string,
    public collapsibleState = 0,
  ) {}
}

class MarkdownString {
  value = '';
  supportThemeIcons = false;
  constructor(value?: string) {
    this.value = value ?? '';
  }
  appendMarkdown(s: string): this {
    this.value += s;
    return this;
  }
  appendText(s: string): this {
    this.value += s.replace(/[\\`*_{}[\]()#+\-.!<>]/g, '\\$&');
    return this;
  }
}

class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: unknown,
  ) {}
}
class ThemeColor {
  constructor(readonly id: string) {}
}

const Uri = {
  file: (p: string) => ({ scheme: 'file', fsPath: p, path: p, toString: () => `file://${p}` }),
  parse: (s: string) => ({ scheme: s.split(':')[0], fsPath: s, path: s, toString: () => s }),
  joinPath: (base: { fsPath: string }, ...parts: string[]) => Uri.file(path.join(base.fsPath, ...parts)),
};

function l10nT(message: string, ...args: unknown[]): string {
  return message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));
}

const noop = () => undefined;
const noopDisposable = () => new Disposable(noop);

export interface StubState {
  settings: Record<string, unknown>;
  workspaceFolder?: string;
  commands: Map<string, (...args: unknown[]) => unknown>;
  calls: { executeCommand: number; createTreeView: number };
}

export const stubState: StubState = { settings: {}, commands: new Map(), calls: { executeCommand: 0, createTreeView: 0 } };

function logChannel() {
  return { trace: noop, debug: noop, info: noop, warn: noop, error: noop, append: noop, appendLine: noop, show: noop, dispose: noop, logLevel: 2 };
}

export const vscodeStub = {
  version: '1.100.3',
  Disposable,
  EventEmitter,
  TreeItem,
  MarkdownString,
  ThemeIcon,
  ThemeColor,
  Uri,
  CancellationError: class extends Error {},
  CancellationTokenSource: class {
    token = { isCancellationRequested: false, onCancellationRequested: noopDisposable };
    cancel = noop;
    dispose = noop;
  },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  QuickPickItemKind: { Separator: -1, Default: 0 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  l10n: { t: l10nT },
  env: { clipboard: { writeText: async () => undefined }, openExternal: async () => true },
  commands: {
    registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
      stubState.commands.set(id, fn);
      return new Disposable(() => stubState.commands.delete(id));
    },
    executeCommand: async (id: string, ...args: unknown[]) => {
      stubState.calls.executeCommand++;
      return stubState.commands.get(id)?.(...args);
    },
  },
  window: {
    createOutputChannel: () => logChannel(),
    createTreeView: () => {
      stubState.calls.createTreeView++;
      const visibility = new EventEmitter<unknown>();
      return { visible: false, badge: undefined, onDidChangeVisibility: visibility.event, reveal: async () => undefined, dispose: noop };
    },
    createStatusBarItem: () => ({ text: '', tooltip: '', name: '', command: undefined, show: noop, hide: noop, dispose: noop }),
    showWarningMessage: async () => undefined,
    showInformationMessage: async () => undefined,
    showErrorMessage: async () => undefined,
    setStatusBarMessage: noopDisposable,
    withProgress: async (_o: unknown, task: (p: unknown, t: unknown) => unknown) =>
      task({ report: noop }, { isCancellationRequested: false, onCancellationRequested: noopDisposable }),
    activeTextEditor: undefined,
  },
  workspace: {
    get workspaceFolders() {
      return stubState.workspaceFolder ? [{ uri: Uri.file(stubState.workspaceFolder), name: 'ws', index: 0 }] : undefined;
    },
    isTrusted: true,
    getConfiguration: (section?: string) => ({
      get: (key: string, fallback?: unknown) => {
        const full = section ? `${section}.${key}` : key;
        return full in stubState.settings ? stubState.settings[full] : fallback;
      },
      inspect: () => undefined,
      update: async () => undefined,
      has: () => false,
    }),
    onDidChangeConfiguration: noopDisposable,
    asRelativePath: (p: string) => p,
    getWorkspaceFolder: () => undefined,
    findFiles: async () => [],
    fs: {},
  },
};

const STUB_PATH = path.join(__dirname, '__vscode_stub__.js');
let installed = false;

/** Makes `require('vscode')` return the stub in this process. */
export function installVscodeStub(): typeof vscodeStub {
  if (installed) return vscodeStub;
  installed = true;
  const M = Module as unknown as {
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
    _cache: Record<string, unknown>;
  };
  const original = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') return STUB_PATH;
    return original.call(this, request, ...rest);
  };
  const m = new Module(STUB_PATH);
  m.filename = STUB_PATH;
  m.loaded = true;
  m.exports = vscodeStub;
  (require.cache as Record<string, unknown>)[STUB_PATH] = m;
  return vscodeStub;
}

/** An ExtensionContext good enough for activate(). */
export function fakeExtensionContext(storageDir: string, packageJSON: unknown): Record<string, unknown> {
  const secrets = new Map<string, string>();
  const changed = new EventEmitter<unknown>();
  const memento = () => {
    const m = new Map<string, unknown>();
    return { get: (k: string, d?: unknown) => (m.has(k) ? m.get(k) : d), update: async (k: string, v: unknown) => void m.set(k, v), keys: () => [...m.keys()], setKeysForSync: noop };
  };
  return {
    subscriptions: [] as { dispose(): unknown }[],
    storageUri: Uri.file(storageDir),
    globalStorageUri: Uri.file(storageDir),
    logUri: Uri.file(storageDir),
    extensionUri: Uri.file(storageDir),
    extensionPath: storageDir,
    extension: { id: 'openrouter-video.openrouter-video', packageJSON },
    secrets: {
      get: async (k: string) => secrets.get(k),
      store: async (k: string, v: string) => void secrets.set(k, v),
      delete: async (k: string) => void secrets.delete(k),
      onDidChange: changed.event,
    },
    globalState: memento(),
    workspaceState: memento(),
    environmentVariableCollection: {},
    asAbsolutePath: (p: string) => path.join(storageDir, p),
  };
}
