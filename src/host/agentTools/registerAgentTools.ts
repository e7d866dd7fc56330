import vscode = require('vscode');
import { Tools } from '../../ids';
import { hostError } from '../errorMessages';
import { readSettings } from '../settings';
import { GenerateTool } from './generateTool';
import { GetJobTool } from './getJobTool';
import { ListModelsTool } from './listModelsTool';
import type { AgentToolDeps } from './toolDeps';

/**
 * Registers the language model tools of `contributes.languageModelTools` (`#videoModels`, `#generateVideo`,
 * `#videoJob`). The manifest's `when` clause hides them from chat when `openrouterVideo.agentTools.enabled` is
 * off; another extension can still call `vscode.lm.invokeTool`, so each tool refuses then too.
 */
export function registerAgentTools(deps: Omit<AgentToolDeps, 'assertEnabled'>): vscode.Disposable {
  const all: AgentToolDeps = {
    ...deps,
    assertEnabled: () => {
      if (!readSettings().agentToolsEnabled) {
        throw hostError('badRequest', vscode.l10n.t('The OpenRouter Video tools are turned off (setting openrouterVideo.agentTools.enabled). Ask the user to turn them on first.'));
      }
    },
  };
  return vscode.Disposable.from(
    vscode.lm.registerTool(Tools.listModels, new ListModelsTool(all)),
    vscode.lm.registerTool(Tools.generate, new GenerateTool(all)),
    vscode.lm.registerTool(Tools.getJob, new GetJobTool(all)),
  );
}
