import vscode = require('vscode');
import type { VideoModel } from '../core/api/schemas';
import type { VideoApi } from '../core/api/videoApi';
import type { Logger } from '../core/shared/logger';

export type CatalogState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; models: VideoModel[]; fetchedAt: number }
  | { kind: 'error'; error: unknown };

/** The live model catalogue, fetched on first need and on refresh; the Models view and the generate flow share it. */
export class ModelCatalog implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private state: CatalogState = { kind: 'idle' };
  private inFlight: Promise<VideoModel[]> | undefined;

  constructor(
    private readonly api: VideoApi,
    private readonly logger: Logger,
  ) {}

  get current(): CatalogState {
    return this.state;
  }

  /** The models, fetching them if needed. `refresh` bypasses every cache. */
  async list(options: { refresh?: boolean; signal?: AbortSignal } = {}): Promise<VideoModel[]> {
    if (!options.refresh && this.state.kind === 'ready') {
      return this.state.models;
    }
    if (this.inFlight && !options.refresh) {
      return this.inFlight;
    }
    this.state = { kind: 'loading' };
    this.changed.fire();
    const run = this.api.listModels({ refresh: options.refresh, signal: options.signal });
    this.inFlight = run;
    try {
      const models = await run;
      this.state = { kind: 'ready', models, fetchedAt: Date.now() };
      this.logger.info(`Loaded ${models.length} video models`);
      return models;
    } catch (error) {
      this.state = { kind: 'error', error };
      throw error;
    } finally {
      if (this.inFlight === run) this.inFlight = undefined;
      this.changed.fire();
    }
  }

  async find(id: string): Promise<VideoModel | undefined> {
    const models = await this.list();
    return models.find((m) => m.id === id);
  }

  /** Forget the models (e.g. the base URL changed). */
  invalidate(): void {
    this.state = { kind: 'idle' };
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
