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

/**
 * Reads the settings. The API base URL is read only from user (global) settings and the default:
 * a workspace's .vscode/settings.json can never redirect the key, even if VS Code's scope rules change.
 */
export function readSettings(): ExtensionSettings {
  const c = config();
  /** A setting that decides where the key goes or what is spent: the user's value or the default, never a workspace's. */
  const userOnly = <T>(key: string, fallback: T): T => {
    const found = c.inspect<T>(key);
    return found?.globalValue ?? found?.defaultValue ?? fallback;
  };
  const apiBaseUrl = userOnly(Settings.apiBaseUrl, DEFAULT_BASE_URL).trim().replace(/\/+$/, '') || DEFAULT_BASE_URL;
  const poll = Number(c.get<number>(Settings.pollIntervalSeconds, 30));
  const confirm = Number(userOnly(Settings.confirmAboveUsd, 1));
  const keep = Number(c.get<number>(Settings.keepFinishedJobs, 500));
  const daily = Number(userOnly(Settings.budgetDailyUsd, 20));
  const monthly = Number(userOnly(Settings.budgetMonthlyUsd, 0));
  const maxVideo = Number(userOnly(Settings.maxVideoSizeMiB, 2048));
  return {
    apiBaseUrl,
    defaultModel: (c.get<string>(Settings.defaultModel, '') ?? '').trim(),
    outputDirectory: (c.get<string>(Settings.outputDirectory, 'videos') ?? 'videos').trim() || 'videos',
    pollIntervalSeconds: Number.isFinite(poll) ? Math.min(300, Math.max(2, poll)) : 30,
    confirmAboveUsd: Number.isFinite(confirm) && confirm >= 0 ? confirm : 1,
    budgetDailyUsd: Number.isFinite(daily) && daily >= 0 ? daily : 20,
    budgetMonthlyUsd: Number.isFinite(monthly) && monthly >= 0 ? monthly : 0,
    writeSidecar: c.get<boolean>(Settings.writeSidecar, true) !== false,
    keepFinishedJobs: Number.isFinite(keep) ? Math.max(10, Math.floor(keep)) : 500,
    agentToolsEnabled: userOnly<boolean>(Settings.agentToolsEnabled, true) !== false,
    maxVideoSizeMiB: Number.isFinite(maxVideo) && maxVideo >= 1 ? Math.floor(maxVideo) : 2048,
  };
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
