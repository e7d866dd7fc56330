/**
 * How a prompt file's problems read: syntax and file codes here, request problems through `problemWords.ts`
 * (the same sentences a refused submit shows). Kept free of a runtime `vscode` import (the caller passes
 * `vscode.l10n`), so the unit tier words every code.
 */
import { OpenRouterError, type Reason } from '../../core/api/errors';
import type { ProblemParams } from '../../core/models/problems';
import type { PromptFileProblem } from '../../core/promptFiles/checkPromptFile';
import type { PromptSyntaxCode } from '../../core/promptFiles/parsePromptFile';
import type { PromptFileCode, ValueKind } from '../../core/promptFiles/shotRequests';
import { errorMessage } from '../errorMessages';
import { wordProblem } from '../problemWords';
import type { L10n } from '../wordParts';

type Get = (key: string) => string;

const SYNTAX: Readonly<Record<PromptSyntaxCode, (l10n: L10n, get: Get) => string>> = {
  yamlSyntax: (l10n, get) => l10n.t('These settings are not valid YAML ({detail}). Check the quotes, brackets and indentation.', { detail: get('detail') }),
  frontMatterUnclosed: (l10n) => l10n.t('The settings start with a --- line but never end. Add a --- line after the last setting.'),
  settingsNotMap: (l10n) => l10n.t('Settings are written as "key: value" lines, one per line, e.g. "duration: 8".'),
  keyNotText: (l10n) => l10n.t('A setting’s name must be plain text, e.g. "duration".'),
};

function kindWords(l10n: L10n, kind: string): string {
  switch (kind as ValueKind) {
    case 'number':
      return l10n.t('a number, e.g. 8');
    case 'wholeNumber':
      return l10n.t('a whole number, e.g. 2');
    case 'trueOrFalse':
      return l10n.t('true or false');
    case 'imagePaths':
      return l10n.t('an image path or a list of them');
    case 'providerOptions':
      return l10n.t('provider options, e.g. { google-vertex: { negativePrompt: "blurry" } }');
    default:
      return l10n.t('text');
  }
}

const FILE: Readonly<Record<PromptFileCode, (l10n: L10n, get: Get, params: ProblemParams | undefined) => string>> = {
  unknownKey: (l10n, get, params) =>
    l10n.t('"{key}" is not a prompt file setting. Use one of {known}; provider-specific options go under provider.', {
      key: get('key'),
      known: Array.isArray(params?.known) ? params.known.join(', ') : '',
    }),
  wrongType: (l10n, get) => l10n.t('{key} must be {expected}.', { key: get('key'), expected: kindWords(l10n, get('expected')) }),
  modelMissing: (l10n) => l10n.t('No model is set. Add "model:" to the settings at the top (e.g. model: google/veo-3.1-lite).'),
  modelUnknown: (l10n, get) =>
    l10n.t('OpenRouter does not list the video model "{model}" (it may have been retired). Pick one of the listed models (trigger suggestions after "model:").', {
      model: get('model'),
    }),
  imageMissing: (l10n, get) => l10n.t('The image "{path}" was not found. Check the path; it is read from the workspace folder.', { path: get('path') }),
  imageOutside: (l10n, get) =>
    l10n.t('The image "{path}" is outside the workspace folder. Use a path inside it, or an https:// URL.', { path: get('path') }),
  imageNoFolder: (l10n, get) => l10n.t('The image "{path}" is a relative path, but no folder is open. Open the folder that holds it.', { path: get('path') }),
  outputInvalid: (l10n, get, params) => {
    const reason = get('reason') as Reason;
    const facts: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(params ?? {})) if (k !== 'reason' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) facts[k] = v;
    return errorMessage(l10n, new OpenRouterError('io', reason, facts));
  },
  variantsRange: (l10n, get) => l10n.t('variants must be a whole number from 1 to {max} (it is {value}).', { max: get('max'), value: get('value') }),
};

/** One problem of a prompt file as a sentence. */
export function wordPromptFileProblem(l10n: L10n, problem: PromptFileProblem): string {
  if (problem.kind === 'request') return wordProblem(l10n, problem.problem);
  const params = problem.params;
  const get: Get = (key) => {
    const v = params?.[key];
    return v === undefined || typeof v === 'object' ? '' : String(v);
  };
  return problem.kind === 'syntax' ? SYNTAX[problem.code](l10n, get) : FILE[problem.code](l10n, get, params);
}
