/**
 * Runs inside the real extension host: waits for the extension to activate on its own (as it does for a person
 * opening a window), then reads VS Code's own performance marks of that activation: loading the extension's
 * main module (`willLoadExtensionCode` → `didLoadExtensionCode`) and its `activate()` until the promise it
 * returned settled (`willActivateExtension` → `didActivateExtension`).
 */
import { EXTENSION_ID } from '../lib/hostSession';
import { extension, probePlan, report } from '../lib/probe';

export interface ActivationPlan {
  /** How long to wait for the extension to activate on its own before activating it here. */
  waitMs: number;
}

export interface ActivationResult {
  /** Who activated it: VS Code (an activation event) or this probe (none fired within waitMs). */
  activatedBy: 'vscode' | 'probe';
  loadMs: number;
  activateMs: number;
  totalMs: number;
}

interface PerformanceMarks {
  getMarks(): { name: string; startTime: number }[];
}

function mark(name: string): number {
  const marks = (globalThis as { MonacoPerformanceMarks?: PerformanceMarks }).MonacoPerformanceMarks?.getMarks() ?? [];
  const found = marks.find((m) => m.name === `code/extHost/${name}/${EXTENSION_ID}`);
  if (!found) throw new Error(`VS Code's mark ${name} is missing`);
  return found.startTime;
}

export async function run(): Promise<void> {
  const { waitMs } = probePlan<ActivationPlan>();
  const ext = extension();
  const deadline = Date.now() + waitMs;
  while (!ext.isActive && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const activatedBy = ext.isActive ? 'vscode' : 'probe';
  await ext.activate();
  const loadMs = mark('didLoadExtensionCode') - mark('willLoadExtensionCode');
  const activateMs = mark('didActivateExtension') - mark('willActivateExtension');
  const result: ActivationResult = { activatedBy, loadMs, activateMs, totalMs: loadMs + activateMs };
  report(result);
}
