import vscode = require('vscode');
import { compactCatalog, type CatalogFilter } from '../../core/models/compactCatalog';
import { hostError } from '../errorMessages';
import { toolError, type AgentToolDeps } from './toolDeps';

/** `openrouterVideo_listModels`: the live catalogue in the compact form of `compactCatalog`, optionally filtered. */
export class ListModelsTool implements vscode.LanguageModelTool<CatalogFilter> {
  constructor(private readonly deps: Pick<AgentToolDeps, 'catalog' | 'assertEnabled'>) {}

  prepareInvocation(): vscode.PreparedToolInvocation {
    return { invocationMessage: vscode.l10n.t('Listing OpenRouter video models') };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<CatalogFilter>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    try {
      this.deps.assertEnabled();
      const filter = filterOf(options.input);
      const abort = new AbortController();
      const listener = token.onCancellationRequested(() => abort.abort());
      try {
        const models = await this.deps.catalog.list({ signal: abort.signal });
        return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(compactCatalog(models, filter))]);
      } finally {
        listener.dispose();
      }
    } catch (error) {
      throw toolError(error);
    }
  }
}

/** The filter fields of the input, each of the type the schema declares. */
function filterOf(input: unknown): CatalogFilter {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw hostError('badRequest', vscode.l10n.t('The input must be an object (or empty) with optional text, needsAudio, needsFirstFrame and maxPricePerSecond.'));
  }
  const v = input as Record<string, unknown>;
  const filter: CatalogFilter = {};
  const wrong: string[] = [];
  if (v.text !== undefined) {
    if (typeof v.text === 'string') filter.text = v.text;
    else wrong.push('text (a string)');
  }
  for (const key of ['needsAudio', 'needsFirstFrame'] as const) {
    const value = v[key];
    if (value === undefined) continue;
    if (typeof value === 'boolean') filter[key] = value;
    else wrong.push(`${key} (true or false)`);
  }
  const max = v.maxPricePerSecond;
  if (max !== undefined) {
    if (typeof max === 'number' && Number.isFinite(max) && max >= 0) filter.maxPricePerSecond = max;
    else wrong.push('maxPricePerSecond (a number of US dollars, 0 or more)');
  }
  if (wrong.length > 0) throw hostError('badRequest', vscode.l10n.t('These filter fields have the wrong type: {0}.', wrong.join(', ')));
  return filter;
}
