import type * as vscode from 'vscode';
import type { VideoRequest } from '../core/api/videoRequest';
import type { JobRecord } from '../core/jobs/jobRecord';

/** What `activate()` returns to other extensions. */
export interface OpenRouterVideoApi {
  /**
   * Validates and submits a request (billed to the user's key) and resolves with the job record once
   * OpenRouter accepted it. `targetFolder` defaults to the configured output folder of the first workspace folder.
   */
  submit(request: VideoRequest, options?: { targetFolder?: string }): Promise<JobRecord>;
  /** Resolves when the job (by local client id or OpenRouter job id) reaches a final state. */
  waitForJob(id: string): Promise<JobRecord>;
  /** Every job, newest first. */
  getJobs(): readonly JobRecord[];
  /** Fires whenever jobs change. */
  readonly onDidChangeJobs: vscode.Event<readonly JobRecord[]>;
}
