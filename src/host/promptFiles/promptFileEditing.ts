import vscode = require('vscode');
import type { VideoModel } from '../../core/api/schemas';
import { completePromptFile, type CompletionCandidate } from '../../core/promptFiles/completePromptFile';
import { formatUsd, lowestPerSecondUsd } from '../../core/pricing/estimateCost';
import type { ShotCheck } from '../../core/promptFiles/checkPromptFile';
import { summariseModel, wordEstimate } from '../modelWords';
import { toRange, type PromptFileAnalyzer } from './promptFileAnalysis';
import { describeResult, latestResult } from './shotResults';
import type { JobStoreReader } from '../hostContext';

const IMAGE_GLOB = '**/*.{png,jpg,jpeg,webp,PNG,JPG,JPEG,WEBP}';

function modelDocumentation(model: VideoModel): vscode.MarkdownString {
  const lines = [`**${model.name}** \`${model.id}\``, '', summariseModel(vscode.l10n, model)];
  const perSecond = lowestPerSecondUsd(model);
  if (perSecond !== undefined) lines.push('', vscode.l10n.t('From {0} per second.', formatUsd(perSecond)));
  if (model.description) lines.push('', model.description);
  const markdown = new vscode.MarkdownString(lines.join('\n'));
  markdown.supportHtml = false;
  return markdown;
}

function toItem(candidate: CompletionCandidate, range: vscode.Range, index: number): vscode.CompletionItem {
  const item = new vscode.CompletionItem(candidate.label);
  item.insertText = candidate.insertText;
  item.range = range;
  item.sortText = String(index).padStart(4, '0');
  switch (candidate.kind) {
    case 'key':
      item.kind = vscode.CompletionItemKind.Property;
      if (candidate.insertText.endsWith(': ')) item.command = { command: 'editor.action.triggerSuggest', title: '' };
      break;
    case 'model':
      item.kind = vscode.CompletionItemKind.Module;
      item.detail = `${candidate.model.name} · ${summariseModel(vscode.l10n, candidate.model)}`;
      item.documentation = modelDocumentation(candidate.model);
      item.filterText = `${candidate.model.id} ${candidate.model.name}`;
      break;
    case 'value':
      item.kind = vscode.CompletionItemKind.Value;
      if (candidate.current) item.detail = vscode.l10n.t('current');
      break;
    case 'passthrough':
    case 'providerSlug':
      item.kind = vscode.CompletionItemKind.Field;
      item.detail = vscode.l10n.t('passed through to {0}', candidate.model.name);
      break;
    case 'image':
      item.kind = vscode.CompletionItemKind.File;
      break;
  }
  return item;
}

/** Completion, hover and the quick fix for prompt files. */
export function promptFileEditingProviders(analyzer: PromptFileAnalyzer, store: JobStoreReader): {
  completion: vscode.CompletionItemProvider;
  hover: vscode.HoverProvider;
  codeActions: vscode.CodeActionProvider;
} {
  const completion: vscode.CompletionItemProvider = {
    async provideCompletionItems(document, position, token) {
      const parsed = await analyzer.parse(document);
      const lineText = document.lineAt(position.line).text;
      const wantsImages = /^\s*(first_frame|last_frame|input_references)\s*:/.test(lineText);
      const [models, images] = await Promise.all([
        analyzer.models(),
        wantsImages ? vscode.workspace.findFiles(IMAGE_GLOB, '**/node_modules/**', 500, token) : Promise.resolve([]),
      ]);
      if (token.isCancellationRequested) return undefined;
      const linesAbove: string[] = [];
      for (let line = Math.max(0, position.line - 20); line < position.line; line++) linesAbove.push(document.lineAt(line).text);
      const result = completePromptFile({
        file: parsed,
        position: { line: position.line, character: position.character },
        lineText,
        linesAbove,
        models: models ?? [],
        imagePaths: images.map((uri) => vscode.workspace.asRelativePath(uri, false).split('\\').join('/')).sort(),
      });
      const range = toRange(result.replace);
      return result.candidates.map((c, i) => toItem(c, range, i));
    },
  };

  const hover: vscode.HoverProvider = {
    async provideHover(document, position) {
      const analysis = await analyzer.analyze(document);
      const blocks = [analysis.parsed.frontMatter, ...analysis.parsed.shots.map((s) => s.overrides)];
      for (const block of blocks) {
        const entry = block?.entries.find((e) => e.key === 'model' && toRange(e.valueRange).contains(position));
        if (!entry) continue;
        const model = analysis.models?.find((m) => m.id === String(entry.value).trim());
        return model ? new vscode.Hover(modelDocumentation(model), toRange(entry.valueRange)) : undefined;
      }
      const shot = analysis.check?.shots.find((s) => s.shot.headingRange && toRange(s.shot.headingRange).contains(position));
      if (!shot?.shot.headingRange) return undefined;
      return new vscode.Hover(shotHover(shot, analysis.relativePath, store), toRange(shot.shot.headingRange));
    },
  };

  const codeActions: vscode.CodeActionProvider = {
    async provideCodeActions(document, range, context) {
      const analysis = await analyzer.analyze(document);
      const actions: vscode.CodeAction[] = [];
      for (const problem of analysis.check?.problems ?? []) {
        if (problem.replacement === undefined) continue;
        const target = toRange(problem.range);
        if (!target.intersection(range)) continue;
        const action = new vscode.CodeAction(vscode.l10n.t('Change to {0}', problem.replacement), vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, target, problem.replacement);
        action.diagnostics = context.diagnostics.filter((d) => d.range.isEqual(target));
        action.isPreferred = true;
        actions.push(action);
      }
      return actions;
    },
  };

  return { completion, hover, codeActions };
}

function shotHover(shot: ShotCheck, relativePath: string, store: JobStoreReader): vscode.MarkdownString {
  const lines = [`**${shot.shot.name ?? ''}**`];
  if (shot.estimate) lines.push('', wordEstimate(vscode.l10n, shot.estimate));
  if (shot.variants > 1) lines.push('', vscode.l10n.t('{0} variants', shot.variants));
  const last = latestResult(store, relativePath, shot.shot.index);
  if (last) lines.push('', describeResult(last, Date.now()));
  return new vscode.MarkdownString(lines.join('\n'));
}
