import vscode = require('vscode');
import type { Logger } from '../core/shared/logger';
import { redact } from '../core/shared/redact';

/**
 * The one log channel, behind the core's Logger interface. Everything is redacted before it is
 * written: bearer tokens, OpenRouter keys, the current key (whatever its form) and data URLs.
 */
export class HostLogger implements Logger, vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private secrets: string[] = [];
  private readonly createdAt = Date.now();
  private showAgain: NodeJS.Timeout | undefined;

  constructor(name: string) {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** Known secret values to scrub (the current API key). */
  setSecrets(values: readonly (string | undefined)[]): void {
    this.secrets = values.filter((v): v is string => typeof v === 'string' && v.length >= 4);
  }

  show(): void {
    this.channel.show(true);
    // Right after activation the workbench may not have registered the channel yet (a log channel is
    // registered asynchronously) and drops the reveal: seen when Show Log itself activated the extension.
    // Ask once more shortly after, only in that window.
    if (Date.now() - this.createdAt < 5_000 && !this.showAgain) {
      this.showAgain = setTimeout(() => {
        this.showAgain = undefined;
        this.channel.show(true);
      }, 500);
    }
  }

  private fmt(message: string | Error, args: unknown[]): string {
    const parts = [message instanceof Error ? (message.stack ?? message.message) : message];
    for (const a of args) {
      if (a instanceof Error) {
        parts.push(a.stack ?? a.message);
      } else if (typeof a === 'string') {
        parts.push(a);
      } else {
        try {
          parts.push(JSON.stringify(a));
        } catch {
          parts.push(String(a));
        }
      }
    }
    return redact(parts.join(' '), this.secrets);
  }

  trace(message: string, ...args: unknown[]): void {
    this.channel.trace(this.fmt(message, args));
  }
  debug(message: string, ...args: unknown[]): void {
    this.channel.debug(this.fmt(message, args));
  }
  info(message: string, ...args: unknown[]): void {
    this.channel.info(this.fmt(message, args));
  }
  warn(message: string, ...args: unknown[]): void {
    this.channel.warn(this.fmt(message, args));
  }
  error(message: string | Error, ...args: unknown[]): void {
    this.channel.error(this.fmt(message, args));
  }

  dispose(): void {
    clearTimeout(this.showAgain);
    this.channel.dispose();
  }
}
