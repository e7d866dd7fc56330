import vscode = require('vscode');
import { stateIs } from '../../core/jobs/jobStates';
import { hostError, wordErrorInfo } from '../errorMessages';
import { stateLabel } from '../views/jobPresenter';
import { jobResult } from './toolWords';
import { relativeOutputs, toolError, type AgentToolDeps } from './toolDeps';

export interface GetJobInput {
  id: string;
}

/** `openrouterVideo_getJob`: a job's state, cost and saved files from the job store, by OpenRouter's id or the local one. */
export class GetJobTool implements vscode.LanguageModelTool<GetJobInput> {
  constructor(private readonly deps: Pick<AgentToolDeps, 'store' | 'assertEnabled'>) {}

  prepareInvocation(): vscode.PreparedToolInvocation {
    return { invocationMessage: vscode.l10n.t('Looking up a video job') };
  }

  invoke(options: vscode.LanguageModelToolInvocationOptions<GetJobInput>): vscode.LanguageModelToolResult {
    try {
      this.deps.assertEnabled();
      const id = typeof options.input?.id === 'string' ? options.input.id.trim() : '';
      if (!id) throw hostError('badRequest', vscode.l10n.t('Give the job id ("id") that openrouterVideo_generate returned.'));
      const record = this.deps.store.findByJobId(id) ?? this.deps.store.get(id);
      if (!record) {
        throw hostError('notFound', vscode.l10n.t('No video job "{0}" is listed in this workspace. Check the id that openrouterVideo_generate returned.', id));
      }
      const text = jobResult(vscode.l10n, {
        jobId: record.jobId,
        clientId: record.clientId,
        state: record.state,
        stateLabel: stateLabel(record.state),
        modelId: record.request.model,
        prompt: record.request.prompt,
        outputs: relativeOutputs(record),
        costUsd: record.costUsd,
        estimatedUsd: record.estimatedCostUsd,
        error: record.error && !stateIs(record.state, 'busy') ? wordErrorInfo(vscode.l10n, record.error) : undefined,
        active: stateIs(record.state, 'busy'),
      });
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
    } catch (error) {
      throw toolError(error);
    }
  }
}
