import vscode = require('vscode');
import type { VideoModel } from '../../core/api/schemas';
import type { VideoRequest } from '../../core/api/videoRequest';
import { passthroughSlug } from '../../core/models/modelCapabilities';

interface OptionItem extends vscode.QuickPickItem {
  parameter: string;
}

/** The value of a passthrough parameter in the request, under any provider slug. */
function currentValue(request: VideoRequest, parameter: string): unknown {
  for (const parameters of Object.values(request.providerOptions ?? {})) {
    if (Object.prototype.hasOwnProperty.call(parameters, parameter)) return parameters[parameter];
  }
  return undefined;
}

/** Why `text` is not a JSON value, in words, or undefined when it is one (or empty, which removes the option). */
export function jsonProblem(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return vscode.l10n.t('This is not valid JSON ({0}). Write text in double quotes ("blurry"), or a number, true, false, a list or an object.', detail);
  }
}

/**
 * The provider options step: the model's passthrough parameters with their values; picking one asks for its
 * value as JSON (empty removes it). Sent as `provider.options.<slug>.parameters`. Undefined: left unchanged.
 */
export async function pickProviderOption(model: VideoModel, request: VideoRequest): Promise<VideoRequest | undefined> {
  const allowed = model.allowed_passthrough_parameters ?? [];
  const items: OptionItem[] = allowed.map((parameter) => {
    const value = currentValue(request, parameter);
    return { parameter, label: parameter, description: value === undefined ? vscode.l10n.t('not set') : JSON.stringify(value) };
  });
  const chosen = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Provider options for {0}', model.name),
    placeHolder: vscode.l10n.t("Pick an option of the provider's to set; see the provider's documentation for its values"),
    ignoreFocusOut: true,
  });
  if (!chosen) return undefined;
  const value = currentValue(request, chosen.parameter);
  const text = await vscode.window.showInputBox({
    title: chosen.parameter,
    prompt: vscode.l10n.t('The value as JSON, e.g. "blurry", 0.5, true or {"key": "value"}. Leave it empty to remove the option.'),
    value: value === undefined ? '' : JSON.stringify(value),
    ignoreFocusOut: true,
    validateInput: jsonProblem,
  });
  if (text === undefined) return undefined;
  const slug = passthroughSlug(model);
  const parameters: Record<string, unknown> = {};
  for (const own of Object.values(request.providerOptions ?? {})) Object.assign(parameters, own);
  if (text.trim() === '') delete parameters[chosen.parameter];
  else parameters[chosen.parameter] = JSON.parse(text) as unknown;
  const updated: VideoRequest = { ...request };
  if (Object.keys(parameters).length > 0) updated.providerOptions = { [slug]: parameters };
  else delete updated.providerOptions;
  return updated;
}

/** The provider options as the summary shows them: `key=value` pairs, or undefined when none are set. */
export function describeProviderOptions(request: VideoRequest): string | undefined {
  const pairs = Object.values(request.providerOptions ?? {}).flatMap((parameters) => Object.entries(parameters).map(([k, v]) => `${k}=${JSON.stringify(v)}`));
  return pairs.length > 0 ? pairs.join(', ') : undefined;
}
