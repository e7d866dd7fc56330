import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SAVED_VIDEO_GLOB } from '../../src/core/download/savedVideoName';
import { Commands, ContextKeys, Editors, EXTENSION_ID, Settings, Tools, Views } from '../../src/ids';

const root = path.join(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

describe('package.json manifest ↔ ids.ts', () => {
  it('has the extension id the code expects', () => {
    assert.equal(`${pkg.publisher}.${pkg.name}`, EXTENSION_ID);
    assert.equal(pkg.name, 'openrouter-video');
    assert.equal(pkg.displayName, 'OpenRouter Video');
    assert.equal(pkg.main, './dist/extension.js');
    assert.equal(pkg.engines.vscode, '^1.100.0');
  });

  it('activates once start-up has finished, never on a file in the workspace', () => {
    // Commands and views activate the extension implicitly (VS Code ≥ 1.74); jobs in flight resume at start-up.
    assert.deepEqual(pkg.activationEvents, ['onStartupFinished']);
  });

  it('contributes exactly the commands declared in ids.ts, each with a category and a localised title', () => {
    const contributed = (pkg.contributes.commands as { command: string; title: string; category: string }[]).map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(Commands).sort());
    for (const c of pkg.contributes.commands as { command: string; title: string; category: string }[]) {
      assert.match(c.title, /^%.+%$/, `${c.command} title goes through package.nls.json`);
      assert.ok(nls[c.title.slice(1, -1)], `${c.command} title key exists in package.nls.json`);
      assert.equal(nls[c.category.slice(1, -1)], 'OpenRouter Video');
    }
  });

  it('titles the palette commands as the product promises', () => {
    const title = (id: string) => nls[(pkg.contributes.commands as { command: string; title: string }[]).find((c) => c.command === id)!.title.slice(1, -1)];
    assert.equal(title(Commands.generate), 'Generate Video');
    assert.equal(title(Commands.generateFromSelection), 'Generate Video from Selection');
  });

  it('every %key% used in the manifest exists in package.nls.json', () => {
    const text = JSON.stringify(pkg.contributes) + JSON.stringify(pkg.capabilities);
    const keys = [...text.matchAll(/%([A-Za-z0-9_.-]+)%/g)].map((m) => m[1]!);
    assert.ok(keys.length > 20);
    for (const k of keys) assert.ok(k in nls, `missing nls key ${k}`);
  });

  it('declares the player as an option for any MP4 and the default for the videos it saves', () => {
    const editors = pkg.contributes.customEditors as { viewType: string; displayName: string; selector: { filenamePattern: string }[]; priority: string }[];
    assert.deepEqual(editors.map((e) => e.viewType), Object.values(Editors));
    const [any, saved] = editors;
    assert.deepEqual(any!.selector, [{ filenamePattern: '*.mp4' }]);
    assert.equal(any!.priority, 'option', 'VS Code keeps its own preview as the default for other MP4 files');
    assert.deepEqual(saved!.selector, [{ filenamePattern: SAVED_VIDEO_GLOB }], 'the selector is the pattern savedVideoName.ts tests names with');
    assert.equal(saved!.priority, 'default');
    for (const editor of editors) assert.ok(nls[editor.displayName.slice(1, -1)], `${editor.viewType} has a display name`);
  });

  it('declares the views and container from ids.ts', () => {
    assert.equal(pkg.contributes.viewsContainers.activitybar[0].id, Views.container);
    const views = (pkg.contributes.views[Views.container] as { id: string }[]).map((v) => v.id).sort();
    assert.deepEqual(views, [Views.jobs, Views.models, Views.gallery].sort());
    const gallery = (pkg.contributes.views[Views.container] as { id: string; type?: string }[]).find((v) => v.id === Views.gallery);
    assert.equal(gallery?.type, 'webview', 'the gallery is a webview view');
  });

  it('declares exactly the settings from ids.ts, the base URL application-scoped', () => {
    const props = Object.keys(pkg.contributes.configuration.properties).sort();
    const expected = Object.entries(Settings)
      .filter(([k]) => k !== 'section')
      .map(([, v]) => `${Settings.section}.${v}`)
      .sort();
    assert.deepEqual(props, expected);
    assert.equal(pkg.contributes.configuration.properties['openrouterVideo.apiBaseUrl'].scope, 'application');
    assert.equal(pkg.contributes.configuration.properties['openrouterVideo.confirmAboveUsd'].scope, 'application', 'a workspace cannot lower the guard on spending');
    assert.equal(pkg.contributes.configuration.properties['openrouterVideo.maxVideoSizeMiB'].scope, 'application', 'a workspace cannot raise the size cap');
    assert.equal(pkg.contributes.configuration.properties['openrouterVideo.maxVideoSizeMiB'].default, 2048);
    assert.equal(pkg.contributes.configuration.properties['openrouterVideo.budget.dailyUsd'].scope, 'application', 'a workspace cannot raise the budget');
    assert.equal(pkg.contributes.configuration.properties['openrouterVideo.budget.monthlyUsd'].scope, 'application', 'a workspace cannot raise the budget');
  });

  it('hides tree-only commands from the palette and references only known commands in menus', () => {
    const known = new Set(Object.values(Commands) as string[]);
    const hidden = new Set((pkg.contributes.menus.commandPalette as { command: string; when: string }[]).filter((m) => m.when === 'false').map((m) => m.command));
    for (const id of [Commands.jobsOpen, Commands.jobsReveal, Commands.jobsDownload, Commands.jobsWatch, Commands.jobsRerun, Commands.jobsExtend, Commands.jobsCopyId, Commands.jobsStopWatching, Commands.jobsRemove, Commands.modelsGenerateWith]) {
      assert.ok(hidden.has(id), `${id} hidden from the palette`);
    }
    for (const [menu, entries] of Object.entries(pkg.contributes.menus as Record<string, { command: string }[]>)) {
      for (const e of entries) assert.ok(known.has(e.command), `${menu} references unknown ${e.command}`);
    }
  });

  it('uses only context keys declared in ids.ts', () => {
    const text = JSON.stringify(pkg.contributes);
    const used = new Set([...text.matchAll(/openrouterVideo\.(signedIn|hasJobs|activeJobs|[A-Za-z]+Context)/g)].map((m) => m[0]));
    const declared = new Set(Object.values(ContextKeys) as string[]);
    for (const k of used) assert.ok(declared.has(k), `${k} declared in ids.ts`);
  });

  it('contributes exactly the language model tools from ids.ts, referenceable, behind the agentTools setting', () => {
    type Tool = { name: string; toolReferenceName: string; displayName: string; modelDescription: string; canBeReferencedInPrompt: boolean; when: string; inputSchema: { type: string } };
    const tools = pkg.contributes.languageModelTools as Tool[];
    assert.deepEqual(tools.map((t) => t.name).sort(), Object.values(Tools).sort());
    const references = Object.fromEntries(tools.map((t) => [t.name, t.toolReferenceName]));
    assert.deepEqual(references, { [Tools.listModels]: 'videoModels', [Tools.generate]: 'generateVideo', [Tools.getJob]: 'videoJob' });
    for (const t of tools) {
      assert.equal(t.canBeReferencedInPrompt, true, t.name);
      assert.equal(t.when, `config.${Settings.section}.${Settings.agentToolsEnabled}`, t.name);
      assert.equal(t.inputSchema.type, 'object', t.name);
      assert.ok(t.modelDescription.length > 80, `${t.name} tells the model what it does`);
      assert.match(t.displayName, /^%tool\..+%$/, `${t.name} display name goes through package.nls.json`);
    }
    const setting = pkg.contributes.configuration.properties[`${Settings.section}.${Settings.agentToolsEnabled}`];
    assert.equal(setting.default, true);
    assert.equal(setting.scope, 'application', 'a workspace cannot turn the tools on');
  });
});
