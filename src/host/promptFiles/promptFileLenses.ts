import vscode = require('vscode');
import { shotIsReady, totalEstimate, type PromptFileCheck } from '../../core/promptFiles/checkPromptFile';
import { formatUsd } from '../../core/pricing/estimateCost';
import { Commands } from '../../ids';
import type { JobStoreReader } from '../hostContext';
import type { PromptFileAnalyzer } from './promptFileAnalysis';
import { latestResult, resultLens } from './shotResults';

function costText(check: PromptFileCheck, shots: readonly number[]): string {
  const total = totalEstimate(shots.map((i) => check.shots[i]?.estimate));
  return total ? vscode.l10n.t('≈ {0}', formatUsd(total.usd)) : vscode.l10n.t('cost known after completion');
}

/**
 * Lenses above the file and above each shot: generate with its estimate, or the number of problems to fix
 * first, and the newest result of the shot. They change with the text, the catalogue and the job store.
 */
export class PromptFileLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly analyzer: PromptFileAnalyzer,
    private readonly store: JobStoreReader,
    refreshWhen: readonly vscode.Event<unknown>[],
  ) {
    this.subscriptions = [this.changed, ...refreshWhen.map((event) => event(() => this.changed.fire()))];
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const analysis = await this.analyzer.analyze(document);
    const { parsed, check } = analysis;
    const top = new vscode.Range(0, 0, 0, 0);
    const run = (shot?: number) => ({ uri: document.uri.toString(), shot });
    if (!check) {
      return [new vscode.CodeLens(top, { title: vscode.l10n.t('▶ Generate (the model list could not be loaded)'), command: Commands.generateFromFile, arguments: [run()] })];
    }
    const lenses: vscode.CodeLens[] = [];
    const now = Date.now();
    const all = parsed.shots.map((s) => s.index);
    const problems = check.problems.length;
    const fixFirst = (count: number) => ({
      title: count === 1 ? vscode.l10n.t('⚠ Fix 1 problem to generate') : vscode.l10n.t('⚠ Fix {0} problems to generate', count),
      command: 'workbench.actions.view.problems',
    });

    if (problems > 0) lenses.push(new vscode.CodeLens(top, fixFirst(problems)));
    else if (parsed.storyboard) {
      lenses.push(new vscode.CodeLens(top, { title: vscode.l10n.t('▶ Generate all {0} shots · {1}', all.length, costText(check, all)), command: Commands.generateFromFile, arguments: [run()] }));
    } else {
      lenses.push(new vscode.CodeLens(top, { title: vscode.l10n.t('▶ Generate · {0}', costText(check, all)), command: Commands.generateFromFile, arguments: [run()] }));
    }
    if (!parsed.storyboard) {
      const last = latestResult(this.store, analysis.relativePath, 0);
      if (last) lenses.push(resultLens(top, last, now));
      return lenses;
    }

    for (const shot of parsed.shots) {
      if (!shot.headingRange) continue;
      const range = new vscode.Range(shot.headingRange.start.line, 0, shot.headingRange.start.line, 0);
      const own = check.problems.filter((p) => p.shots.includes(shot.index)).length;
      lenses.push(
        shotIsReady(check, shot.index) && problems === 0
          ? new vscode.CodeLens(range, { title: vscode.l10n.t('▶ Generate · {0}', costText(check, [shot.index])), command: Commands.generateFromFile, arguments: [run(shot.index)] })
          : new vscode.CodeLens(range, fixFirst(own > 0 ? own : problems)),
      );
      const last = latestResult(this.store, analysis.relativePath, shot.index);
      if (last) lenses.push(resultLens(range, last, now));
    }
    return lenses;
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
