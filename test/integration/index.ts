/**
 * Entry point of the integration suite inside a real VS Code extension host. Both runners load it
 * as `extensionTestsPath`: scripts/run-host-tests.js (code-server + Chromium, offline) and
 * scripts/run-electron-tests.js (@vscode/test-electron). VS Code calls `run()`; when it resolves the
 * workbench exits with 0, when it rejects with 1.
 *
 * Mocha's output goes through console.log, one formatted line per call. The extension host forwards
 * its console to the workbench, which hands it to `codeAutomationLog` (code-server runner) or to the
 * launcher's stdout (Electron runner), so "N passing / M failing" reaches the terminal in both.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';

// mocha 12's package entry is an ES module; its CommonJS build is what VS Code's module loader
// handles in every extension host (Node 20 code-server and Electron alike).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Mocha = require('mocha/lib/mocha.cjs') as typeof import('mocha');

function findTests(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...findTests(full));
    } else if (entry.isFile() && entry.name.endsWith('.test.js')) {
      found.push(full);
    }
  }
  return found.sort();
}

export function run(): Promise<void> {
  // One console.log call per reporter line: printf-style arguments are formatted here, so what the
  // workbench forwards is exactly the line mocha meant to print.
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void; useColors: boolean };
  base.consoleLog = (...args: unknown[]) => console.log(args.length === 0 ? '' : format(...args));

  const grep = process.env.OPENROUTER_VIDEO_TEST_GREP;
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.OPENROUTER_VIDEO_TEST_TIMEOUT_MS) || 30_000,
    ...(grep ? { grep } : {}),
  });
  const files = findTests(__dirname);
  for (const file of files) {
    mocha.addFile(file);
  }

  return new Promise<void>((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`No integration tests (*.test.js) under ${__dirname}`));
      return;
    }
    try {
      mocha.run((failures) => {
        if (failures > 0) {
          reject(new Error(`${failures} integration test(s) failed.`));
        } else {
          resolve();
        }
      });
    } catch (err) {
      console.error(err);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
