import * as assert from 'node:assert/strict';
import type { VideoModel } from '../../src/core/api/schemas';
import {
  audioControl,
  defaultsFor,
  frameTypes,
  isEditOrUpscaleModel,
  providerOf,
  resolutionRank,
  shortName,
  sortedDurations,
  sortedResolutions,
  supportsImageToVideo,
  supportsTextToVideo,
} from '../../src/core/models/modelCapabilities';
import { MODELS, model } from './helpers/capturedModels';


const NOT_TEXT_TO_VIDEO = ['black-forest-labs/flux-video-edit', 'black-forest-labs/flux-video-upscale', 'heygen/avatar-iv', 'runway/aleph-2'];

describe('modelCapabilities', () => {
  describe('supportsTextToVideo', () => {
    it('is false exactly for the editing, upscaling and avatar models of the capture', () => {
      const excluded = MODELS.filter((m) => !supportsTextToVideo(m)).map((m) => m.id).sort();
      assert.deepEqual(excluded, [...NOT_TEXT_TO_VIDEO].sort());
      assert.equal(MODELS.filter(supportsTextToVideo).length, 26);
    });
    it('follows the data: a model with an empty or missing duration list is not text-to-video', () => {
      assert.equal(supportsTextToVideo({ ...model('google/veo-3.1'), supported_durations: [] }), false);
      assert.equal(supportsTextToVideo({ ...model('google/veo-3.1'), supported_durations: undefined }), false);
    });
  });

  describe('isEditOrUpscaleModel', () => {
    it('flags the FLUX editors/upscaler and Aleph, not Avatar IV or any generator', () => {
      const flagged = MODELS.filter(isEditOrUpscaleModel).map((m) => m.id).sort();
      assert.deepEqual(flagged, ['black-forest-labs/flux-video-edit', 'black-forest-labs/flux-video-upscale', 'runway/aleph-2']);
    });
    it('needs a hint besides the missing durations', () => {
      const bare: VideoModel = { id: 'acme/mystery', name: 'Acme: Mystery', supported_durations: null, supported_frame_images: null };
      assert.equal(isEditOrUpscaleModel(bare), false);
      assert.equal(isEditOrUpscaleModel({ ...bare, id: 'acme/video-upscaler' }), true);
      assert.equal(isEditOrUpscaleModel({ ...bare, upscale_factor: { min: 2, max: 4 } }), true);
    });
  });

  describe('image-to-video and frame types', () => {
    it('supportsImageToVideo follows first_frame', () => {
      assert.equal(supportsImageToVideo(model('google/veo-3.1')), true);
      assert.equal(supportsImageToVideo(model('runway/gen-4.5')), true);
      assert.equal(supportsImageToVideo(model('heygen/avatar-iv')), false);
      assert.equal(supportsImageToVideo(model('black-forest-labs/flux-video-edit')), false);
    });
    it('frameTypes lists first before last and drops unknown values', () => {
      assert.deepEqual(frameTypes(model('google/veo-3.1')), ['first_frame', 'last_frame']);
      assert.deepEqual(frameTypes(model('alibaba/wan-2.6')), ['first_frame']);
      assert.deepEqual(frameTypes(model('runway/aleph-2')), []);
      assert.deepEqual(frameTypes({ ...model('google/veo-3.1'), supported_frame_images: ['last_frame', 'middle_frame', 'first_frame'] }), [
        'first_frame',
        'last_frame',
      ]);
    });
  });

  describe('sorting', () => {
    it('sortedDurations sorts the unsorted Veo Lite list', () => {
      assert.deepEqual(model('google/veo-3.1-lite').supported_durations, [8, 4, 6]);
      assert.deepEqual(sortedDurations(model('google/veo-3.1-lite')), [4, 6, 8]);
      assert.deepEqual(sortedDurations(model('runway/aleph-2')), []);
      assert.deepEqual(sortedDurations({ ...model('google/veo-3.1'), supported_durations: [10, 5, 10] }), [5, 10]);
    });
    it('sortedResolutions orders 480p < 720p < 768p < 1080p < 1K < 2K < 4K', () => {
      assert.deepEqual(sortedResolutions(model('minimax/hailuo-3-max')), ['480p', '768p']);
      assert.deepEqual(sortedResolutions(model('heygen/heygen-video-1')), ['480p', '768p', '2K']);
      assert.deepEqual(sortedResolutions({ ...model('google/veo-3.1'), supported_resolutions: ['4K', '1K', '2K', '1080p', '768p', '720p', '480p'] }), [
        '480p',
        '720p',
        '768p',
        '1080p',
        '1K',
        '2K',
        '4K',
      ]);
      assert.deepEqual(sortedResolutions(model('black-forest-labs/flux-video-edit')), []);
    });
    it('resolutionRank places unknown values by number', () => {
      assert.ok(resolutionRank('1024p') > resolutionRank('768p') && resolutionRank('1024p') < resolutionRank('1080p'));
      assert.ok(resolutionRank('1440p') > resolutionRank('1K') && resolutionRank('1440p') < resolutionRank('2K'));
    });
  });

  describe('audioControl', () => {
    it('true → toggle, null → none, false → none, HeyGen false → always', () => {
      assert.equal(audioControl(model('google/veo-3.1')), 'toggle');
      assert.equal(audioControl(model('x-ai/grok-imagine-video')), 'none');
      assert.equal(audioControl(model('alibaba/happyhorse-1.1')), 'none');
      assert.equal(audioControl(model('runway/gen-4.5')), 'none');
      assert.equal(audioControl(model('minimax/hailuo-2.3')), 'none');
      assert.equal(audioControl(model('heygen/heygen-video-1')), 'always');
      assert.equal(audioControl(model('heygen/avatar-iv')), 'always');
    });
  });

  describe('providerOf and shortName', () => {
    it('takes the slug from the id and the display name from the name', () => {
      assert.deepEqual(providerOf(model('google/veo-3.1')), { slug: 'google', displayName: 'Google' });
      assert.deepEqual(providerOf(model('x-ai/grok-imagine-video')), { slug: 'x-ai', displayName: 'SpaceXAI' });
      assert.deepEqual(providerOf(model('kwaivgi/kling-video-o1')), { slug: 'kwaivgi', displayName: 'Kling' });
      assert.deepEqual(providerOf({ id: 'acme/x', name: 'No colon here' }), { slug: 'acme', displayName: 'acme' });
      assert.equal(shortName(model('google/veo-3.1')), 'Veo 3.1');
      assert.equal(shortName({ id: 'acme/x', name: 'Plain' }), 'Plain');
    });
  });

  describe('defaultsFor', () => {
    it('Veo 3.1 Lite: 4 s, 720p, 16:9, audio on', () => {
      assert.deepEqual(defaultsFor(model('google/veo-3.1-lite')), { duration: 4, resolution: '720p', aspectRatio: '16:9', generateAudio: true });
    });
    it('Grok: the smallest duration of at least 4 s, no audio setting', () => {
      assert.deepEqual(defaultsFor(model('x-ai/grok-imagine-video-1.5')), { duration: 4, resolution: '720p', aspectRatio: '16:9' });
    });
    it('HeyGen Video: lowest resolution when 720p is not offered; no audio flag', () => {
      assert.deepEqual(defaultsFor(model('heygen/heygen-video-1')), { duration: 5, resolution: '480p', aspectRatio: '16:9' });
    });
    it('Hailuo 2.3: its only resolution; Kling O1: 5 s', () => {
      assert.deepEqual(defaultsFor(model('minimax/hailuo-2.3')), { duration: 6, resolution: '1080p', aspectRatio: '16:9' });
      assert.equal(defaultsFor(model('kwaivgi/kling-video-o1')).duration, 5);
    });
    it('falls back to the smallest duration and the first aspect ratio', () => {
      const m: VideoModel = { id: 'acme/short', name: 'Acme: Short', supported_durations: [3, 2], supported_aspect_ratios: ['9:16', '1:1'] };
      assert.deepEqual(defaultsFor(m), { duration: 2, aspectRatio: '9:16' });
    });
    it('editing models get only what they list', () => {
      assert.deepEqual(defaultsFor(model('black-forest-labs/flux-video-edit')), {});
      assert.deepEqual(defaultsFor(model('runway/aleph-2')), { aspectRatio: '16:9' });
    });
  });
});
