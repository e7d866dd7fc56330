import vscode = require('vscode');
import { Secrets } from '../ids';

/**
 * The API key: kept in VS Code's secret storage; OPENROUTER_API_KEY from the environment is the fallback.
 * Never logged, never written to a setting or a file.
 */
export class Credentials implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private cached: string | undefined | null = null;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key === Secrets.apiKey) {
        this.cached = null;
        this.changed.fire();
      }
    });
  }

  /** The key to use, or undefined when signed out. */
  async getKey(): Promise<string | undefined> {
    if (this.cached === null) {
      const stored = (await this.secrets.get(Secrets.apiKey))?.trim();
      this.cached = stored ? stored : undefined;
    }
    if (this.cached) {
      return this.cached;
    }
    const fromEnv = this.env.OPENROUTER_API_KEY?.trim();
    return fromEnv ? fromEnv : undefined;
  }

  async source(): Promise<'secretStorage' | 'environment' | undefined> {
    const stored = (await this.secrets.get(Secrets.apiKey))?.trim();
    if (stored) return 'secretStorage';
    return this.env.OPENROUTER_API_KEY?.trim() ? 'environment' : undefined;
  }

  async setKey(key: string): Promise<void> {
    await this.secrets.store(Secrets.apiKey, key.trim());
    this.cached = key.trim();
    this.changed.fire();
  }

  async clearKey(): Promise<void> {
    await this.secrets.delete(Secrets.apiKey);
    this.cached = undefined;
    this.changed.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
