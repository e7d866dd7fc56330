import vscode = require('vscode');
import type { VideoRequest } from '../core/api/videoRequest';
import type { JobRecord } from '../core/jobs/jobRecord';
import type { JobService } from '../core/jobs/jobService';
import type { JobStore } from '../core/jobs/jobStore';
import type { BudgetLeft, SpendBudget } from '../core/money/budget';
import { planSubmit } from '../core/jobs/submitPlan';
import type { IDisposable } from '../core/shared/disposable';
import { hostError, wordedForCaller } from './errorMessages';
import type { ModelCatalog } from './modelCatalog';
import { confirmSubmit } from './confirmSubmit';
import { resolveOutputFolder } from './outputFolder';

/** What `activate()` returns to other extensions. */
export interface OpenRouterVideoApi {
  /**
   * Validates and submits a request (billed to the user's key) and resolves with the job record once
   * OpenRouter accepted it. Above the user's confirmAboveUsd (or when the cost cannot be known) the user is
   * asked first, as for a command argument; declined, it rejects and nothing is sent. `targetFolder` defaults to
   * the configured output folder of the first workspace folder. With `previousJobId` (an OpenRouter job id of a
   * completed job of the same model) the new job extends it.
   */
  submit(request: VideoRequest, options?: { targetFolder?: string }): Promise<JobRecord>;
  /** Resolves when the job (by local client id or OpenRouter job id) reaches a final state. */
  waitForJob(id: string): Promise<JobRecord>;
  /** Every job, newest first. */
  getJobs(): readonly JobRecord[];
  /** Fires whenever jobs change. */
  readonly onDidChangeJobs: vscode.Event<readonly JobRecord[]>;
  /**
   * Today's and this month's spend (USD, across workspaces) and what is left of each budget limit (undefined:
   * no limit). `submit` refuses a request that would not fit.
   */
  getBudget(): Promise<BudgetLeft>;
}

export interface PublicApiDeps {
  jobs: JobService;
  store: JobStore;
  catalog: ModelCatalog;
  budget: SpendBudget;
}

/**
 * The public API over the job service: a submit is planned (validated and priced) as the generate flow plans
 * it. Its errors leave the extension as one sentence each, as the commands show them, with their kind kept.
 */
export class PublicApi implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<readonly JobRecord[]>();
  private readonly subscription: IDisposable;
  readonly api: OpenRouterVideoApi;

  constructor(private readonly deps: PublicApiDeps) {
    this.subscription = deps.store.onDidChange(() => this.changed.fire(deps.store.all()));
    this.api = {
      submit: (request, options = {}) => worded(this.submit(request, options.targetFolder)),
      waitForJob: (id) => worded(deps.jobs.waitForJob(id)),
      getJobs: () => deps.store.all(),
      onDidChangeJobs: this.changed.event,
      getBudget: () => worded(deps.budget.remaining()),
    };
  }

  private async submit(request: VideoRequest, targetFolder: string | undefined): Promise<JobRecord> {
    const model = await this.deps.catalog.find(request.model);
    if (!model) {
      throw hostError('notFound', vscode.l10n.t('OpenRouter has no video model "{0}".', request.model));
    }
    const target = targetFolder ?? resolveOutputFolder(vscode.workspace.workspaceFolders?.[0]);
    const plan = await planSubmit(model, request);
    // Another extension may skip every question but the budget and the cost confirmation, as a command argument may.
    const confirmed = await confirmSubmit(this.deps, plan, {
      question: vscode.l10n.t('Generate a video with {0}?', model.name),
      notes: [vscode.l10n.t('Asked for by another extension.')],
    });
    if (!confirmed) {
      throw hostError('cancelled', vscode.l10n.t('The cost confirmation was declined, so nothing was submitted.'));
    }
    return this.deps.jobs.submit(plan, target);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** The same promise, its error worded for a caller outside the extension. */
async function worded<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw wordedForCaller(vscode.l10n, error);
  }
}
