/**
 * Runs inside a real VS Code extension host (code-server), loaded as `extensionTestsPath`. Reports one line
 * `BENCH_RESULT {json}` through console.log (the workbench forwards it to the runner), then resolves.
 *
 * Environment (set on code-server by bench/activation/run.ts):
 *   ORV_BENCH_MODE   'startup': wait for the workbench to settle, then report whether the extension is active
 *                    (and what VS Code's own marks say) without touching it;
 *                    'activate': hook the CommonJS loader, activate the extension, time require + activate(),
 *                    list the files it loaded, then draw the Jobs view and check that client.js stayed unloaded.
 *   ORV_BENCH_EXT_ID the extension id; ORV_BENCH_SETTLE_MS how long to wait in 'startup' (default 5000).
 */
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import Module from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { recordVmScripts } from '../lib/vmScripts';

function hrWall(): number {
  return performance.timeOrigin + performance.now();
}

function vscodeMarks(id: string): Record<string, number> {
  const holder = (globalThis as { MonacoPerformanceMarks?: { getMarks(): { name: string; startTime: number }[] } }).MonacoPerformanceMarks;
  const out: Record<string, number> = {};
  for (const m of holder?.getMarks() ?? []) {
    if (m.name.endsWith(`/${id}`) || m.name === 'code/extHost/ready' || m.name === 'code/extHost/didInitAPI') out[m.name.replace(`/${id}`, '')] = m.startTime;
  }
  return out;
}

/** Files compiled through node:vm, once `run()` starts recording them. */
let compiledByVm: string[] = [];

function loadedFrom(dir: string): { name: string; bytes: number }[] {
  const prefix = dir + path.sep;
  return [...new Set([...Object.keys(require.cache), ...compiledByVm])]
    .filter((f) => f.startsWith(prefix))
    .map((f) => ({ name: path.relative(dir, f), bytes: fs.statSync(f).size }));
}

function report(value: unknown): void {
  console.log(`BENCH_RESULT ${JSON.stringify(value)}`);
}

export async function run(): Promise<void> {
  const mode = process.env.ORV_BENCH_MODE ?? 'activate';
  const id = process.env.ORV_BENCH_EXT_ID ?? 'openrouter-video.openrouter-video';
  const ext = vscode.extensions.getExtension(id);
  if (!ext) {
    report({ error: `extension ${id} not found` });
    return;
  }
  const extDir = ext.extensionUri.fsPath;

  if (mode === 'startup') {
    const activeAtRun = ext.isActive;
    await new Promise((r) => setTimeout(r, Number(process.env.ORV_BENCH_SETTLE_MS ?? 5000)));
    const marks = vscodeMarks(id);
    report({
      mode,
      activeAtRun,
      activeAfterSettle: ext.isActive,
      loaded: loadedFrom(extDir),
      vscodeActivationMs:
        marks['code/extHost/didActivateExtension'] !== undefined && marks['code/extHost/willLoadExtensionCode'] !== undefined
          ? marks['code/extHost/didActivateExtension'] - marks['code/extHost/willLoadExtensionCode']
          : undefined,
      marks,
    });
    return;
  }

  // 'activate': time the load of dist/extension.js and the activate() call (which loads dist/composition.js, through
  // node:vm and the code cache when one is there, so not through the CommonJS loader).
  const main = path.join(extDir, 'dist', 'extension.js');
  const M = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown; _resolveFilename: (r: string, p: unknown) => string };
  const originalLoad = M._load;
  const t: Record<string, number> = {};
  const secretCalls: number[] = [];
  let elu: ReturnType<typeof performance.eventLoopUtilization> | undefined;
  let clientLoadedBy: string | undefined;
  let clientLoadedAt: number | undefined;
  const client = path.join(extDir, 'dist', 'client.js');
  let wrapped: unknown;
  // client.js comes through the CommonJS loader (a baseline without its code cache) or through node:vm (with it).
  const noteClientLoad = () => {
    if (clientLoadedBy !== undefined) return;
    // Who asked for undici: the first few frames outside node internals and this probe.
    clientLoadedAt = hrWall();
    clientLoadedBy = (new Error().stack ?? '')
      .split('\n')
      .slice(1)
      .filter((l) => !l.includes('node:internal') && !l.includes('hostProbe') && !l.includes('vmScripts'))
      .slice(0, 8)
      .map((l) => l.trim().replace(extDir, '<ext>'))
      .join(' | ');
  };
  const hook = function (this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
    // VS Code's API and Node's modules are neither of the files watched here: not resolved a second time (through
    // VS Code's patched resolver), which would add the probe's own cost to what it measures.
    if (request === 'vscode' || request.startsWith('node:')) return originalLoad.call(this, request, parent, isMain);
    let resolved: string | undefined;
    try {
      resolved = M._resolveFilename(request, parent);
    } catch {
      resolved = undefined;
    }
    if (resolved === client) noteClientLoad();
    if (resolved !== main || wrapped) return originalLoad.call(this, request, parent, isMain);
    t.requireStart = hrWall();
    const exports = originalLoad.call(this, request, parent, isMain) as { activate(ctx: unknown): unknown; deactivate?(): unknown };
    t.requireEnd = hrWall();
    wrapped = {
      activate: async (ctx: { secrets: { get(key: string): Thenable<string | undefined> } }) => {
        // Time the extension's secret reads (an RPC to the workbench).
        const get = ctx.secrets.get.bind(ctx.secrets);
        ctx.secrets.get = async (key: string) => {
          const s = hrWall();
          try {
            return await get(key);
          } finally {
            secretCalls.push(hrWall() - s);
          }
        };
        const elu0 = performance.eventLoopUtilization();
        t.activateStart = hrWall();
        try {
          return await exports.activate(ctx);
        } finally {
          t.activateEnd = hrWall();
          elu = performance.eventLoopUtilization(elu0);
        }
      },
      deactivate: () => exports.deactivate?.(),
    };
    return wrapped;
  };
  M._load = hook;
  compiledByVm = recordVmScripts((filename) => {
    if (filename === client) noteClientLoad();
  });
  const before = ext.isActive;
  // ORV_BENCH_CPU_PROFILE=<file>: a CPU profile of the activation (the host's thread, 50 µs samples).
  const profileTo = process.env.ORV_BENCH_CPU_PROFILE;
  const session = profileTo ? new inspector.Session() : undefined;
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  if (session) {
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 50 });
    await post('Profiler.start');
  }
  const called = hrWall();
  await ext.activate();
  const resolved = hrWall();
  if (session && profileTo) {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    // The first start of a round writes <file>, the later start (same folders) <file>.later.
    fs.writeFileSync(fs.existsSync(profileTo) ? `${profileTo}.later` : profileTo, JSON.stringify(profile));
    session.disconnect();
  }
  const loadedAtActivation = loadedFrom(extDir);
  const marks = vscodeMarks(id);

  // Draw the Jobs view (its getChildren/getTreeItem run) and give it a moment: client.js must stay unloaded.
  await vscode.commands.executeCommand('openrouterVideo.jobs.focus');
  await new Promise((r) => setTimeout(r, 1500));
  // Stay as long as asked (a session lasts longer than a bench): the extension writes its code cache 3 s in.
  await new Promise((r) => setTimeout(r, Number(process.env.ORV_BENCH_LINGER_MS ?? 0)));
  const loadedAfterJobsView = loadedFrom(extDir);
  M._load = originalLoad;

  report({
    mode,
    activeBefore: before,
    requireMs: t.requireEnd! - t.requireStart!,
    hostGapMs: t.activateStart! - t.requireEnd!,
    activateMs: t.activateEnd! - t.activateStart!,
    // The extension's own work: loading dist/extension.js, and activate() (which loads dist/composition.js).
    loadPlusActivateMs: t.requireEnd! - t.requireStart! + (t.activateEnd! - t.activateStart!),
    firstLoadToActivateEndMs: t.activateEnd! - t.requireStart!,
    extensionsActivateCallMs: resolved - called,
    vscodeMarks: marks,
    vscodeLoadMs: (marks['code/extHost/didLoadExtensionCode'] ?? NaN) - (marks['code/extHost/willLoadExtensionCode'] ?? NaN),
    vscodeActivateMs: (marks['code/extHost/didActivateExtension'] ?? NaN) - (marks['code/extHost/willActivateExtension'] ?? NaN),
    loadedAtActivation,
    loadedAfterJobsView,
    activateBusyMs: elu?.active,
    activateIdleMs: elu?.idle,
    secretCalls,
    clientLoadedBy,
    clientLoadedAfterActivateMs: clientLoadedAt !== undefined ? clientLoadedAt - t.activateEnd! : undefined,
  });
}
