import * as assert from 'node:assert/strict';
import { PROMPT_SYNTAX_CODES } from '../../src/core/promptFiles/parsePromptFile';
import { PROMPT_FILE_CODES } from '../../src/core/promptFiles/shotRequests';
import type { PromptFileProblem } from '../../src/core/promptFiles/checkPromptFile';
import { wordPromptFileProblem } from '../../src/host/promptFiles/promptFileWords';
import { l10n } from './helpers/fakeL10n';

const RANGE = { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } };
const PARAMS = { key: 'negative_prompt', known: ['model', 'duration'], expected: 'number', model: 'openai/sora-2', path: 'images/a.png', reason: 'outputFolderClimbs', value: '../out', max: 10, detail: 'BAD_INDENT' };

describe('prompt file words', () => {
  it('words every syntax and file code in a sentence with no placeholder left', () => {
    const problems: PromptFileProblem[] = [
      ...PROMPT_SYNTAX_CODES.map((code): PromptFileProblem => ({ kind: 'syntax', code, range: RANGE, shots: [0], params: PARAMS })),
      ...PROMPT_FILE_CODES.map((code): PromptFileProblem => ({ kind: 'file', code, range: RANGE, shots: [0], params: PARAMS })),
    ];
    for (const problem of problems) {
      const text = wordPromptFileProblem(l10n, problem);
      assert.ok(text.length > 20, `${problem.kind === 'request' ? '' : problem.code}: ${text}`);
      assert.doesNotMatch(text, /\{\w+\}|undefined/, text);
      assert.match(text, /[.)]$/, text);
    }
  });

  it('names the key and what it must be, and the output folder’s reason', () => {
    assert.match(wordPromptFileProblem(l10n, { kind: 'file', code: 'wrongType', range: RANGE, shots: [0], params: { key: 'duration', expected: 'number' } }), /^duration must be a number/);
    assert.match(wordPromptFileProblem(l10n, { kind: 'file', code: 'unknownKey', range: RANGE, shots: [0], params: PARAMS }), /"negative_prompt".*model, duration/);
    assert.match(wordPromptFileProblem(l10n, { kind: 'file', code: 'outputInvalid', range: RANGE, shots: [0], params: PARAMS }), /\.\.\/out/);
  });
});
