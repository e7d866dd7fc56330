import type * as vscode from 'vscode';
import type { JobService } from '../core/jobs/jobService';
import type { JobStore } from '../core/jobs/jobStore';
import type { ApiProvider } from './apiProvider';
import type { Credentials } from './credentials';
import type { HostLogger } from './log';
import type { ModelCatalog } from './modelCatalog';

/** What the host reads of the job store. Every change goes through the `JobService`. */
export type JobStoreReader = Pick<JobStore, 'all' | 'get' | 'findByJobId' | 'onDidChange'>;

/** The one object that owns every service; commands and views receive it. */
export interface HostContext {
  readonly extension: vscode.ExtensionContext;
  readonly version: string;
  readonly logger: HostLogger;
  readonly credentials: Credentials;
  readonly api: ApiProvider;
  readonly catalog: ModelCatalog;
  readonly store: JobStoreReader;
  readonly jobs: JobService;
  /** Focus the Jobs view and reveal a job in it. */
  revealJob(clientId: string): Promise<void>;
}
