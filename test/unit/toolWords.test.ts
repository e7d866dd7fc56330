/**
 * What the language model tools say: the confirmation before a video is generated (model, settings, estimated
 * cost, what the budget counts and what is left of it) and the results an agent acts on. Plans come from
 * `planSubmit` over the captured catalogue, as the tool makes them. The refusal over the budget is the shared
 * `overBudget` sentence (spendWords.test.ts).
 */
import * as assert from 'node:assert/strict';
import { planSubmit } from '../../src/core/jobs/submitPlan';
import { requestFromSettings } from '../../src/core/models/requestFromSettings';
import { confirmationLines, confirmationTitle, jobResult, savedResult, stillRunningResult, type ConfirmationFacts } from '../../src/host/agentTools/toolWords';
import { model } from './helpers/capturedModels';
import { l10n } from './helpers/fakeL10n';

const lite = model('google/veo-3.1-lite');

async function facts(extra: Partial<ConfirmationFacts> = {}): Promise<ConfirmationFacts> {
  const plan = await planSubmit(lite, requestFromSettings(lite, { prompt: 'A paper lantern drifting over a night market', duration: 6, generateAudio: false }));
  return { modelName: lite.name, modelId: lite.id, request: plan.request, estimate: plan.estimate, charge: plan.budget, frames: [], outputFolder: 'videos', budgetLeftUsd: undefined, ...extra };
}

describe('toolWords', () => {
  describe('the confirmation', () => {
    it('names the model, the prompt, the settings, the folder, the estimated cost and that it is billed', async () => {
      assert.equal(confirmationTitle(l10n, lite.name), 'Generate a video with Google: Veo 3.1 Lite?');
      assert.deepEqual(confirmationLines(l10n, await facts()), [
        'Model: Google: Veo 3.1 Lite (google/veo-3.1-lite)',
        'Prompt: "A paper lantern drifting over a night market"',
        'Settings: 6 s · 720p · 16:9 · no audio',
        'Saved into: videos',
        'Estimated cost: $0.18 (6 s × $0.03/s (720p, without audio))',
        'Budget left: no budget is set.',
        'It is billed to your OpenRouter account, even if you stop waiting.',
      ]);
    });

    it('says how much budget is left before and after the video', async () => {
      const lines = confirmationLines(l10n, await facts({ budgetLeftUsd: 2 }));
      assert.ok(lines.includes('Budget left: $2.00, $1.82 after this video.'), lines.join('\n'));
    });

    it('lists the frame images by workspace path', async () => {
      const lines = confirmationLines(l10n, await facts({ frames: [{ frameType: 'first_frame', path: 'images/start.png' }, { frameType: 'last_frame', path: 'images/end.png' }] }));
      assert.ok(lines.includes('First frame: images/start.png'));
      assert.ok(lines.includes('Last frame: images/end.png'));
    });

    it('lists the reference images by workspace path, in the order sent', async () => {
      const lines = confirmationLines(l10n, await facts({ references: ['refs/hero.png', 'refs/style.webp'] }));
      assert.ok(lines.includes('Reference images: refs/hero.png, refs/style.webp'), lines.join('\n'));
      assert.ok(!confirmationLines(l10n, await facts()).some((l) => l.startsWith('Reference images')), 'no line without references');
    });

    it('marks a token-priced estimate approximate, as the Generate confirmation does, and the budget left after it', async () => {
      const seedance = model('bytedance/seedance-2.0');
      const plan = await planSubmit(seedance, requestFromSettings(seedance, { prompt: 'Waves' }));
      const lines = confirmationLines(l10n, { modelName: seedance.name, modelId: seedance.id, request: plan.request, estimate: plan.estimate, charge: plan.budget, frames: [], outputFolder: 'videos', budgetLeftUsd: 5 });
      assert.ok(
        lines.includes(
          'Estimated cost: approx. ≈$0.6048 (≈ 86,400 video tokens (1280×720, 24 fps, 4 s) × $0.000007 per token (with audio); approximate: OpenRouter counts the tokens, and the real cost is known when the job completes)',
        ),
        lines.join('\n'),
      );
      assert.ok(lines.includes('Budget left: $5.00, ≈$4.3952 after this video.'), lines.join('\n'));
    });

    it('says why a model has no estimate, what the budget counts for it, and still shows the budget left', async () => {
      const unlisted = { ...model('runway/gen-4.5'), pricing_skus: {} };
      const plan = await planSubmit(unlisted, requestFromSettings(unlisted, { prompt: 'Waves' }));
      const lines = confirmationLines(l10n, { modelName: unlisted.name, modelId: unlisted.id, request: plan.request, estimate: plan.estimate, charge: plan.budget, frames: [], outputFolder: 'videos', budgetLeftUsd: 5 });
      assert.ok(lines.includes(`Estimated cost: unknown until the job completes (OpenRouter lists no price for ${unlisted.name}; the cost is known only when the job completes)`), lines.join('\n'));
      assert.ok(lines.includes('The cost cannot be estimated, so the budget counts it only once OpenRouter reports it.'), lines.join('\n'));
      assert.ok(lines.includes('Budget left: $5.00.'), lines.join('\n'));
    });

    it('names the prompt file and shot a request comes from', async () => {
      const lines = confirmationLines(l10n, await facts({ source: { promptFile: 'prompts/storyboard.video.md', shot: 1, shotName: 'Lighthouse' } }));
      assert.equal(lines[1], 'Prompt file: prompts/storyboard.video.md, shot 1 ("Lighthouse")');
    });

    it('cuts a very long prompt', async () => {
      const f = await facts();
      const long = confirmationLines(l10n, { ...f, request: { ...f.request, prompt: 'x'.repeat(1000) } });
      assert.equal(long[1], `Prompt: "${'x'.repeat(400)}…"`);
    });
  });

  describe('results', () => {
    it('a saved video: its path, sidecar, job id and the cost charged', () => {
      assert.equal(
        savedResult(l10n, { jobId: 'abc123', outputs: [{ video: 'videos/lantern.mp4', sidecar: 'videos/lantern.mp4.json' }], costUsd: 0.18, estimatedUsd: 0.18 }),
        ['Video saved.', 'video: videos/lantern.mp4', 'sidecar: videos/lantern.mp4.json', 'job id: abc123', 'cost: $0.18 (as charged by OpenRouter)'].join('\n'),
      );
      assert.match(savedResult(l10n, { jobId: 'abc123', outputs: [{ video: 'videos/a.mp4' }], costUsd: undefined, estimatedUsd: 0.2 }), /\ncost: not reported yet; estimated \$0\.20$/);
    });

    it('a wait that stopped: the job id and how to check it later', () => {
      const text = stillRunningResult(l10n, 'abc123', 'cancelled');
      assert.match(text, /^Stopped waiting; the job keeps running on OpenRouter and may still be billed\.\njob id: abc123\n/);
      assert.match(text, /openrouterVideo_getJob/);
    });

    it('a job looked up: state, model, outputs, cost, error and whether it is still running', () => {
      const text = jobResult(l10n, {
        jobId: 'abc123',
        clientId: 'c-1',
        state: 'failed',
        stateLabel: 'Failed',
        modelId: lite.id,
        prompt: 'Lantern',
        outputs: [],
        costUsd: undefined,
        estimatedUsd: 0.18,
        error: 'OpenRouter says: content policy',
        active: false,
      });
      assert.equal(text, ['job id: abc123', 'state: failed (Failed)', 'model: google/veo-3.1-lite', 'prompt: "Lantern"', 'cost: not reported yet; estimated $0.18', 'error: OpenRouter says: content policy'].join('\n'));
      assert.match(jobResult(l10n, { jobId: undefined, clientId: 'c-2', state: 'pending', stateLabel: 'Queued', modelId: lite.id, prompt: undefined, outputs: [], costUsd: undefined, estimatedUsd: undefined, error: undefined, active: true }), /^job id: \(not accepted by OpenRouter; local id c-2\)\n[\s\S]*Still in progress/);
    });
  });
});
