import type * as vscode from 'vscode';
import type { JobService } from '../core/jobs/jobService';
import type { JobStore } from '../core/jobs/jobStore';
import type { SpendBudget } from '../core/money/budget';
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
  /**
   * The spending budget. `remaining()` gives what is left today and this month (for "budget left" in a
   * confirmation); `check(plan)` refuses early, before a confirmation. Every submit is checked again by
   * `JobService.submit` whatever the caller did.
   */
  readonly budget: SpendBudget;
  /** Focus the Jobs view and reveal a job in it. */
  revealJob(clientId: string): Promise<void>;
}
