import vscode = require('vscode');
import { DEFAULT_BASE_URL } from '../core/api/videoApi';
import { isSecureOrLoopback } from '../core/shared/loopback';
import { Settings } from '../ids';

export interface ExtensionSettings {
  apiBaseUrl: string;
  defaultModel: string;
  outputDirectory: string;
  pollIntervalSeconds: number;
  confirmAboveUsd: number;
  /** Spending limits in USD (0 = none), from user settings only. */
  budgetDailyUsd: number;
  budgetMonthlyUsd: number;
  writeSidecar: boolean;
  keepFinishedJobs: number;
  /** Offer the language model tools to chat agents (user settings only, like every spending guard). */
  agentToolsEnabled: boolean;
  /** The largest video downloaded, in MiB (user settings only). */
  maxVideoSizeMiB: number;
}

/** Why an API base URL is refused, or undefined when it is acceptable. */
export function checkApiBaseUrl(value: string): string | undefined {
  if (!URL.canParse(value)) {
    return vscode.l10n.t('The setting openrouterVideo.apiBaseUrl ("{0}") is not a valid URL. Set it to {1} or clear it.', value, DEFAULT_BASE_URL);
  }
  if (isSecureOrLoopback(value)) {
    return undefined;
  }
  return vscode.l10n.t(
    'The setting openrouterVideo.apiBaseUrl ("{0}") must use https:// (plain http is allowed only for 127.0.0.1 or localhost), so your API key is never sent in the clear. Set it to {1} or clear it.',
    value,
    DEFAULT_BASE_URL,
  );
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(Settings.section);
}

type Config = vscode.WorkspaceConfiguration;

/** A setting that decides where the key goes or what is spent: the user's value or the default, never a workspace's. */
function userOnly<T>(c: Config, key: string, fallback: T): T {
  const found = c.inspect<T>(key);
  return found?.globalValue ?? found?.defaultValue ?? fallback;
}

/** How each setting is read and made sane. `inspect` (userOnly) costs far more than `get`, so each reads only its own. */
const READERS: { [K in keyof ExtensionSettings]: (c: Config) => ExtensionSettings[K] } = {
  apiBaseUrl: (c) => userOnly(c, Settings.apiBaseUrl, DEFAULT_BASE_URL).trim().replace(/\/+$/, '') || DEFAULT_BASE_URL,
  defaultModel: (c) => (c.get<string>(Settings.defaultModel, '') ?? '').trim(),
  outputDirectory: (c) => (c.get<string>(Settings.outputDirectory, 'videos') ?? 'videos').trim() || 'videos',
  pollIntervalSeconds: (c) => {
    const poll = Number(c.get<number>(Settings.pollIntervalSeconds, 30));
    return Number.isFinite(poll) ? Math.min(300, Math.max(2, poll)) : 30;
  },
  confirmAboveUsd: (c) => {
    const confirm = Number(userOnly(c, Settings.confirmAboveUsd, 1));
    return Number.isFinite(confirm) && confirm >= 0 ? confirm : 1;
  },
  budgetDailyUsd: (c) => {
    const daily = Number(userOnly(c, Settings.budgetDailyUsd, 20));
    return Number.isFinite(daily) && daily >= 0 ? daily : 20;
  },
  budgetMonthlyUsd: (c) => {
    const monthly = Number(userOnly(c, Settings.budgetMonthlyUsd, 0));
    return Number.isFinite(monthly) && monthly >= 0 ? monthly : 0;
  },
  writeSidecar: (c) => c.get<boolean>(Settings.writeSidecar, true) !== false,
  keepFinishedJobs: (c) => {
    const keep = Number(c.get<number>(Settings.keepFinishedJobs, 500));
    return Number.isFinite(keep) ? Math.max(10, Math.floor(keep)) : 500;
  },
  agentToolsEnabled: (c) => userOnly<boolean>(c, Settings.agentToolsEnabled, true) !== false,
  maxVideoSizeMiB: (c) => {
    const maxVideo = Number(userOnly(c, Settings.maxVideoSizeMiB, 2048));
    return Number.isFinite(maxVideo) && maxVideo >= 1 ? Math.floor(maxVideo) : 2048;
  },
};

/**
 * Reads the settings: each property is read when it is used, so a caller pays only for the settings it asks
 * for. The API base URL and the spending guards are read only from user (global) settings and the defaults:
 * a workspace's .vscode/settings.json can never redirect the key, even if VS Code's scope rules change.
 */
export function readSettings(): ExtensionSettings {
  const c = config();
  const settings = {} as ExtensionSettings;
  for (const key of Object.keys(READERS) as (keyof ExtensionSettings)[]) {
    Object.defineProperty(settings, key, { get: () => READERS[key](c), enumerable: true });
  }
  return settings;
}

/**
 * Whether the value of `key` in effect comes from a workspace's or a folder's settings (`.vscode/settings.json`,
 * a `.code-workspace` file) rather than the user's settings or the default. `scope` is the folder asked about.
 */
export function setInWorkspace(key: string, scope?: vscode.Uri): boolean {
  const found = vscode.workspace.getConfiguration(Settings.section, scope).inspect(key);
  return found?.workspaceFolderValue !== undefined || found?.workspaceValue !== undefined;
}

export function onDidChangeSettings(listener: (keys: (keyof ExtensionSettings)[]) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    const keys = (Object.keys(Settings) as (keyof typeof Settings)[])
      .filter((k) => k !== 'section')
      .filter((k) => e.affectsConfiguration(`${Settings.section}.${Settings[k]}`)) as (keyof ExtensionSettings)[];
    if (keys.length > 0) {
      listener(keys);
    }
  });
}
