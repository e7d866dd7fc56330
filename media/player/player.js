// The OpenRouter Video player's webview script. Messages follow src/host/player/playerMessages.ts:
// it sends { type: 'ready' | 'action' | 'frame' | 'frameFailed' } and receives
// { type: 'show', view } and { type: 'captureFrame', which: 'last' | 'current' }. Its state (position, loop, paused) is kept
// with setState, so the player comes back where it was after its tab was hidden and shown again.
(function () {
  'use strict';
  // @ts-ignore acquireVsCodeApi is provided by the webview
  const vscode = acquireVsCodeApi();
  // media/shared/mediaEvents.js, loaded first.
  // @ts-ignore set by that script
  const { waitFor } = window.openRouterVideoMedia;
  const FRAME_SECONDS = 1 / 24;

  const video = /** @type {HTMLVideoElement} */ (document.getElementById('video'));
  const loop = /** @type {HTMLInputElement} */ (document.getElementById('loop'));
  const audioNote = /** @type {HTMLElement} */ (document.getElementById('audio-note'));
  const status = /** @type {HTMLElement} */ (document.getElementById('status'));

  /** @type {{ time?: number, loop?: boolean, paused?: boolean, src?: string }} */
  const saved = vscode.getState() || {};
  let shownSrc = '';

  function text(id, value) {
    const el = document.getElementById(id);
    if (el) el.textContent = value;
  }

  function saveState() {
    vscode.setState({ time: video.currentTime, loop: video.loop, paused: video.paused, src: shownSrc });
  }

  function show(view) {
    text('file-name', view.fileName);
    text('loop-label', view.labels.loop);
    text('keys', view.labels.keys);
    video.title = view.labels.playPause;

    const details = /** @type {HTMLElement} */ (document.getElementById('details'));
    details.replaceChildren();
    for (const row of view.details) {
      const dt = document.createElement('dt');
      dt.textContent = row.label;
      const dd = document.createElement('dd');
      dd.textContent = row.value;
      dd.dataset.detail = row.id;
      details.append(dt, dd);
    }

    const actions = /** @type {HTMLElement} */ (document.getElementById('actions'));
    actions.replaceChildren();
    for (const item of view.actions) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = item.label;
      if (item.title) button.title = item.title;
      button.dataset.action = item.action;
      button.addEventListener('click', () => vscode.postMessage({ type: 'action', action: item.action }));
      actions.append(button);
    }

    audioNote.hidden = !view.audioNote;
    audioNote.textContent = view.audioNote || '';
    if (view.audioNote) {
      const open = document.createElement('button');
      open.type = 'button';
      const openAction = view.actions.find((a) => a.action === 'openExternal');
      open.textContent = openAction ? openAction.label : 'Open in System Player';
      open.addEventListener('click', () => vscode.postMessage({ type: 'action', action: 'openExternal' }));
      audioNote.append(' ', open);
    }

    if (shownSrc !== view.videoSrc) {
      const resume = saved.src === view.videoSrc ? saved : {};
      shownSrc = view.videoSrc;
      video.loop = resume.loop === true;
      loop.checked = video.loop;
      video.src = view.videoSrc;
      video.addEventListener(
        'loadedmetadata',
        () => {
          if (typeof resume.time === 'number' && resume.time > 0 && resume.time < video.duration) video.currentTime = resume.time;
          if (resume.paused === true) video.pause();
        },
        { once: true },
      );
    }
  }

  /** Draws a frame to a canvas and sends it as a PNG: the last one (`last`) or the one on screen (`current`). */
  async function captureFrame(which) {
    try {
      if (video.readyState < 1) await waitFor(video, 'loadedmetadata');
      video.pause();
      if (which === 'last') {
        const end = Math.max(0, video.duration - 0.05);
        if (Math.abs(video.currentTime - end) > 0.001) {
          const seeked = waitFor(video, 'seeked');
          video.currentTime = end;
          await seeked;
        }
      } else if (video.seeking || video.readyState < 2) {
        await waitFor(video, video.seeking ? 'seeked' : 'loadeddata');
      }
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const context = canvas.getContext('2d');
      if (!context || canvas.width === 0) throw new Error('no frame to draw');
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      vscode.postMessage({ type: 'frame', which, dataUrl: canvas.toDataURL('image/png'), seconds: video.currentTime });
    } catch (error) {
      vscode.postMessage({ type: 'frameFailed', which, detail: String(error && error.message ? error.message : error) });
    }
  }

  function step(seconds) {
    video.pause();
    video.currentTime = Math.min(Math.max(0, video.currentTime + seconds), video.duration || 0);
  }

  loop.addEventListener('change', () => {
    video.loop = loop.checked;
    saveState();
  });
  for (const event of ['pause', 'play', 'seeked', 'timeupdate']) video.addEventListener(event, saveState);

  // In the capture phase, so a key is handled once: the video's own controls would toggle it a second time.
  window.addEventListener('keydown', (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    if (target && (target.tagName === 'BUTTON' || target.tagName === 'INPUT')) return;
    switch (event.key) {
      case ' ':
        if (video.paused) void video.play();
        else video.pause();
        break;
      case 'ArrowLeft':
        step(-1);
        break;
      case 'ArrowRight':
        step(1);
        break;
      case ',':
        step(-FRAME_SECONDS);
        break;
      case '.':
        step(FRAME_SECONDS);
        break;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  }, true);

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message.type !== 'string') return;
    if (message.type === 'show') show(message.view);
    else if (message.type === 'captureFrame') {
      status.textContent = '';
      void captureFrame(message.which === 'current' ? 'current' : 'last');
    }
  });

  vscode.postMessage({ type: 'ready' });
})();
