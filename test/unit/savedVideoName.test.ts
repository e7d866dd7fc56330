import * as assert from 'node:assert/strict';
import { baseNameFor, outputBaseName } from '../../src/core/download/fileNames';
import { isSavedVideoName, SAVED_VIDEO_GLOB } from '../../src/core/download/savedVideoName';

/**
 * The manifest glob read the way VS Code reads a base-name pattern: `*` is any run of characters but `/`, `[0-9]`
 * one digit, the rest literal. Only those two forms occur in the pattern; anything else fails the test.
 */
function globAsRegExp(glob: string): RegExp {
  const source = glob
    .split(/(\[0-9\]|\*)/)
    .map((part) => {
      if (part === '[0-9]') return '[0-9]';
      if (part === '*') return '[^/]*';
      assert.doesNotMatch(part, /[[\]{}?!]/, `glob syntax this reading does not know in ${glob}`);
      return part.replace(/[.+^$()|\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

describe('savedVideoName: the names of videos this extension saved', () => {
  const at = new Date(2026, 11, 6, 9, 5, 3);
  const saved = [
    `${baseNameFor('A cat on a skateboard', at)}.mp4`,
    `${outputBaseName(baseNameFor('Two outputs', at), 1)}.mp4`,
    `${baseNameFor('Same second', at)}-2.mp4`,
    `${outputBaseName(baseNameFor('Both suffixes', at), 2)}-3.mp4`,
    `${baseNameFor('', at)}.mp4`,
  ];
  const other = ['sample.mp4', 'holiday-2026.mp4', 'clip-20261206.mp4', 'a-20261206-0905.mp4', 'a-20261206-090503.mov', 'a-20261206-090503.mp4.json', 'a-2026x206-090503.mp4'];

  it('knows every name baseNameFor, outputBaseName and a uniqueness suffix give', () => {
    assert.equal(saved[0], 'a-cat-on-a-skateboard-20261206-090503.mp4');
    for (const name of saved) assert.equal(isSavedVideoName(name), true, name);
  });

  it('leaves other files alone', () => {
    for (const name of other) assert.equal(isSavedVideoName(name), false, name);
  });

  it('says the same as the glob the manifest gives VS Code', () => {
    const glob = globAsRegExp(SAVED_VIDEO_GLOB);
    for (const name of [...saved, ...other]) assert.equal(glob.test(name), isSavedVideoName(name), name);
  });
});
