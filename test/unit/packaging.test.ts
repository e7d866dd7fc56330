import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '../../..');

describe('packaging (.vscodeignore allow-list)', function () {
  this.timeout(120_000);

  it('ships only the one bundle, the manifest, its strings, media and the docs', () => {
    const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    const out = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const files = out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const allowed = [/^package\.json$/, /^package\.nls(\.[a-z-]+)?\.json$/, /^README\.md$/, /^CHANGELOG\.md$/, /^LICENSE$/, /^dist\/extension\.js$/, /^media\/.+\.(png|svg|md)$/, /^media\/player\/player\.(js|css)$/, /^media\/gallery\/gallery\.(js|css)$/, /^media\/shared\/mediaEvents\.js$/];
    const unexpected = files.filter((f) => !allowed.some((re) => re.test(f)));
    assert.deepEqual(unexpected, [], `files outside the allow-list would ship: ${unexpected.join(', ')}`);
    for (const required of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'media/activity-bar.svg', 'media/icon.png', 'dist/extension.js', 'media/player/player.js', 'media/player/player.css', 'media/gallery/gallery.js', 'media/gallery/gallery.css', 'media/shared/mediaEvents.js']) {
      assert.ok(files.includes(required), `${required} ships`);
    }
    assert.ok(!files.some((f) => f.endsWith('.map') || f.startsWith('src/') || f.startsWith('test/') || f.startsWith('node_modules/')));
  });

  it('ships exactly the screenshots the README shows (npm run screenshots may write more)', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const shown = [...readme.matchAll(/\]\((media\/screenshots\/[^)\s]+)\)/g)].map((m) => m[1]!);
    assert.ok(shown.length > 0, 'the README shows screenshots');
    for (const image of shown) assert.ok(fs.existsSync(path.join(root, image)), `${image} exists`);
    const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    const out = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const shipped = out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('media/screenshots/'));
    assert.deepEqual([...new Set(shipped)].sort(), [...new Set(shown)].sort(), '.vscodeignore lists exactly the screenshots README.md shows');
  });
});
