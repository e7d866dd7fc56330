import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
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
    const allowed = [/^package\.json$/, /^package\.nls(\.[a-z-]+)?\.json$/, /^README\.md$/, /^CHANGELOG\.md$/, /^LICENSE$/, /^dist\/extension\.js$/, /^media\/.+\.(png|svg|md)$/, /^media\/player\/player\.(js|css)$/, /^media\/gallery\/gallery\.(js|css)$/];
    const unexpected = files.filter((f) => !allowed.some((re) => re.test(f)));
    assert.deepEqual(unexpected, [], `files outside the allow-list would ship: ${unexpected.join(', ')}`);
    for (const required of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'media/activity-bar.svg', 'media/icon.png', 'dist/extension.js', 'media/player/player.js', 'media/player/player.css', 'media/gallery/gallery.js', 'media/gallery/gallery.css']) {
      assert.ok(files.includes(required), `${required} ships`);
    }
    assert.ok(!files.some((f) => f.endsWith('.map') || f.startsWith('src/') || f.startsWith('test/') || f.startsWith('node_modules/')));
  });
});
