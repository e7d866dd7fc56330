/**
 * The rules behind the cost confirmation and the images a command argument may send: arguments and a
 * workspace's settings never skip the confirmation, and an image must really lie inside a workspace folder.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CostEstimate } from '../../src/core/pricing/estimateCost';
import { needsCostConfirmation, realPathInside } from '../../src/host/spendingRules';

const estimate = (usd: number): CostEstimate => ({ kind: 'estimate', usd, basis: { kind: 'perSecond' } as never });
const unpriced = { kind: 'unavailable', reason: 'noPricing', facts: {} } as unknown as CostEstimate;

describe('spendingRules', () => {
  describe('needsCostConfirmation', () => {
    it('asks above the user\'s limit and when the cost is unknown; not at or below it', () => {
      assert.equal(needsCostConfirmation({ estimate: estimate(1.6), confirmAboveUsd: 1, fromWorkspace: [] }), true);
      assert.equal(needsCostConfirmation({ estimate: estimate(1), confirmAboveUsd: 1, fromWorkspace: [] }), false);
      assert.equal(needsCostConfirmation({ estimate: estimate(0.2), confirmAboveUsd: 1, fromWorkspace: [] }), false);
      assert.equal(needsCostConfirmation({ estimate: unpriced, confirmAboveUsd: 1000, fromWorkspace: [] }), true);
    });

    it('always asks when the model or the output folder comes from the workspace\'s settings', () => {
      assert.equal(needsCostConfirmation({ estimate: estimate(0.2), confirmAboveUsd: 1, fromWorkspace: ['defaultModel'] }), true);
      assert.equal(needsCostConfirmation({ estimate: estimate(0), confirmAboveUsd: 100, fromWorkspace: ['outputDirectory'] }), true);
    });
  });

  describe('realPathInside', () => {
    let dir: string;
    let workspace: string;
    let outside: string;
    before(async () => {
      dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'spending-rules-')));
      workspace = path.join(dir, 'workspace');
      outside = path.join(dir, 'private.png');
      await fs.mkdir(path.join(workspace, 'img'), { recursive: true });
      await fs.writeFile(path.join(workspace, 'img', 'start.png'), 'png');
      await fs.writeFile(outside, 'png');
      await fs.symlink(outside, path.join(workspace, 'img', 'link.png'));
      await fs.symlink(dir, path.join(workspace, 'up'));
    });
    after(() => fs.rm(dir, { recursive: true, force: true }));

    it('accepts a file inside a folder, by its real path', async () => {
      assert.equal(await realPathInside(path.join(workspace, 'img', 'start.png'), [workspace]), path.join(workspace, 'img', 'start.png'));
      assert.equal(await realPathInside(path.join(workspace, 'img', '..', 'img', 'start.png'), [path.join(dir, 'nowhere'), workspace]), path.join(workspace, 'img', 'start.png'));
    });

    it('refuses a file outside every folder, also through a symlink or a symlinked folder inside the workspace', async () => {
      assert.equal(await realPathInside(outside, [workspace]), undefined);
      assert.equal(await realPathInside(path.join(workspace, '..', 'private.png'), [workspace]), undefined);
      assert.equal(await realPathInside(path.join(workspace, 'img', 'link.png'), [workspace]), undefined);
      assert.equal(await realPathInside(path.join(workspace, 'up', 'private.png'), [workspace]), undefined);
      assert.equal(await realPathInside(outside, []), undefined);
    });

    it('throws for a file that does not exist', async () => {
      await assert.rejects(realPathInside(path.join(workspace, 'missing.png'), [workspace]));
    });
  });
});
