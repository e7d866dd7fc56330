// The OpenRouter Video gallery's webview script. Messages follow src/host/gallery/galleryMessages.ts:
// it sends { type: 'ready' | 'filter' | 'open' | 'generate' | 'poster' | 'posterFailed' } and receives
// { type: 'show', view } and { type: 'poster', key, src }. Its filter and scroll position are kept with
// setState, so the gallery comes back as it was after the view was hidden and shown again.
//
// Posters: a card whose poster is not cached yet is captured once it scrolls into view, one video at a
// time: a hidden <video> seeks to 1 s (or 10 % of a shorter clip), the frame is drawn on a <canvas> shown
// in the card at once, and sent to the extension as a JPEG, which caches it and answers with its URI.
(function () {
  'use strict';
  // @ts-ignore acquireVsCodeApi is provided by the webview
  const vscode = acquireVsCodeApi();
  // media/shared/mediaEvents.js, loaded first.
  // @ts-ignore set by that script
  const { waitFor } = window.openRouterVideoMedia;
  /** Widest poster kept, in pixels. */
  const POSTER_WIDTH = 320;
  const CAPTURE_TIMEOUT_MS = 20000;

  const filters = /** @type {HTMLElement} */ (document.getElementById('filters'));
  const search = /** @type {HTMLInputElement} */ (document.getElementById('search'));
  const modelSelect = /** @type {HTMLSelectElement} */ (document.getElementById('model'));
  const empty = /** @type {HTMLElement} */ (document.getElementById('empty'));
  const noMatch = /** @type {HTMLElement} */ (document.getElementById('no-match'));
  const groups = /** @type {HTMLElement} */ (document.getElementById('groups'));
  const generate = /** @type {HTMLButtonElement} */ (document.getElementById('generate'));

  /** @type {{ text?: string, model?: string, scrollY?: number }} */
  const saved = vscode.getState() || {};
  search.value = saved.text || '';
  let scrollRestored = false;

  /** Poster URIs the extension cached during this page's life, by key. */
  const cachedSrc = new Map();
  /** Frames captured during this page's life, by key, shown until the cached file is known. */
  const captured = new Map();
  /** Keys whose capture failed: not tried again until the page loads again. */
  const failed = new Set();
  /** @type {{ key: string, videoSrc: string }[]} */
  const queue = [];
  const queued = new Set();
  let capturing = false;

  function saveState() {
    vscode.setState({ text: search.value, model: modelSelect.value, scrollY: window.scrollY });
  }

  let filterTimer = 0;
  function sendFilter() {
    saveState();
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => vscode.postMessage({ type: 'filter', text: search.value, model: modelSelect.value }), 120);
  }

  const observer = new IntersectionObserver((items) => {
    for (const item of items) {
      if (!item.isIntersecting) continue;
      const el = /** @type {HTMLElement} */ (item.target);
      observer.unobserve(el);
      enqueue(el.dataset.posterKey || '', el.dataset.videoSrc || '');
    }
  });

  /** The poster element of a card: the cached image, a captured frame, or a placeholder to capture. */
  function posterElement(poster, labels) {
    const key = poster.key;
    const src = poster.src || (key && cachedSrc.get(key));
    if (src) {
      const img = document.createElement('img');
      img.className = 'poster';
      img.alt = '';
      img.src = src;
      if (key) img.dataset.posterKey = key;
      return img;
    }
    const frame = captured.get(key);
    if (frame) {
      const copy = copyOf(frame);
      copy.dataset.posterKey = key;
      return copy;
    }
    const placeholder = document.createElement('span');
    placeholder.className = 'poster placeholder';
    placeholder.dataset.posterKey = key;
    placeholder.dataset.videoSrc = poster.videoSrc;
    placeholder.title = labels.capturing;
    if (!failed.has(key)) observer.observe(placeholder);
    return placeholder;
  }

  function copyOf(canvas) {
    const copy = document.createElement('canvas');
    copy.className = 'poster';
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d');
    if (context) context.drawImage(canvas, 0, 0);
    return copy;
  }

  /** A `<span>` of class `className`, with `text` when given. */
  function span(className, text) {
    const el = document.createElement('span');
    el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function card(item, labels) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'card';
    button.dataset.id = item.id;
    button.title = item.prompt;
    button.setAttribute('aria-label', item.ariaLabel);
    const facts = span('meta');
    facts.append(span('cost', item.cost), span('date', item.date));
    button.append(posterElement(item.poster, labels), span('title', item.title), span('meta model', item.model), facts);
    button.addEventListener('click', () => vscode.postMessage({ type: 'open', id: item.id }));
    return button;
  }

  function show(view) {
    const labels = view.labels;
    filters.hidden = !view.hasVideos;
    empty.hidden = view.hasVideos;
    search.placeholder = labels.searchPlaceholder;
    search.setAttribute('aria-label', labels.search);
    modelSelect.setAttribute('aria-label', labels.model);
    groups.setAttribute('aria-label', labels.videos);
    document.getElementById('empty-title').textContent = labels.emptyTitle;
    document.getElementById('empty-text').textContent = labels.emptyText;
    generate.textContent = labels.generate;
    noMatch.textContent = labels.noMatch;
    noMatch.hidden = !view.hasVideos || view.groups.length > 0;

    modelSelect.replaceChildren(
      ...view.models.map((m) => {
        const option = document.createElement('option');
        option.value = m.id;
        option.textContent = m.label;
        return option;
      }),
    );
    modelSelect.value = view.filter.model;

    const focused = /** @type {HTMLElement | null} */ (document.activeElement);
    const focusedId = focused && focused.classList.contains('card') ? focused.dataset.id : undefined;
    observer.disconnect();
    const children = view.groups.map((group) => {
      if (!group.heading) return card(group.cards[0], labels);
      const section = document.createElement('section');
      section.className = 'takes';
      section.dataset.group = group.key;
      const heading = document.createElement('h3');
      const text = span('heading', group.heading);
      text.title = group.heading;
      heading.append(text, ' ', span('count', group.takes || ''));
      heading.id = `takes-${Math.random().toString(36).slice(2)}`;
      section.setAttribute('aria-labelledby', heading.id);
      const row = document.createElement('div');
      row.className = 'row';
      row.append(...group.cards.map((c) => card(c, labels)));
      section.append(heading, row);
      return section;
    });
    groups.replaceChildren(...children);
    if (focusedId) {
      const again = groups.querySelector(`.card[data-id="${CSS.escape(focusedId)}"]`);
      if (again) /** @type {HTMLElement} */ (again).focus();
    }
    if (!scrollRestored) {
      scrollRestored = true;
      if (typeof saved.scrollY === 'number') window.scrollTo(0, saved.scrollY);
    }
  }

  function enqueue(key, videoSrc) {
    if (!key || !videoSrc || queued.has(key) || captured.has(key) || cachedSrc.has(key) || failed.has(key)) return;
    queued.add(key);
    queue.push({ key, videoSrc });
    void pump();
  }

  async function pump() {
    if (capturing) return;
    capturing = true;
    try {
      for (let job = queue.shift(); job; job = queue.shift()) {
        try {
          const canvas = await capture(job.videoSrc);
          captured.set(job.key, canvas);
          replacePosters(job.key, () => copyOf(canvas));
          vscode.postMessage({ type: 'poster', key: job.key, dataUrl: canvas.toDataURL('image/jpeg', 0.82) });
        } catch (error) {
          failed.add(job.key);
          vscode.postMessage({ type: 'posterFailed', key: job.key, detail: String(error && error.message ? error.message : error) });
        } finally {
          queued.delete(job.key);
        }
      }
    } finally {
      capturing = false;
    }
  }

  function replacePosters(key, make) {
    for (const el of groups.querySelectorAll(`.poster[data-poster-key="${CSS.escape(key)}"]`)) {
      const next = make();
      next.dataset.posterKey = key;
      el.replaceWith(next);
    }
  }

  /** A frame of the video at 1 s (or 10 % of a shorter clip), drawn on a canvas at most POSTER_WIDTH wide. */
  async function capture(src) {
    const video = document.createElement('video');
    video.className = 'capture';
    video.muted = true;
    video.preload = 'auto';
    video.playsInline = true;
    video.crossOrigin = 'anonymous';
    video.setAttribute('aria-hidden', 'true');
    document.body.append(video);
    let timer = 0;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('the video took too long to load')), CAPTURE_TIMEOUT_MS);
    });
    try {
      const loaded = waitFor(video, 'loadeddata');
      video.src = src;
      await Promise.race([loaded, timeout]);
      const duration = Number.isFinite(video.duration) && video.duration > 0 ? video.duration : 0;
      const at = Math.min(1, duration * 0.1);
      if (at > 0) {
        const seeked = waitFor(video, 'seeked');
        video.currentTime = at;
        await Promise.race([seeked, timeout]);
      }
      const scale = Math.min(1, POSTER_WIDTH / (video.videoWidth || POSTER_WIDTH));
      const canvas = document.createElement('canvas');
      canvas.className = 'poster';
      canvas.width = Math.max(1, Math.round(video.videoWidth * scale));
      canvas.height = Math.max(1, Math.round(video.videoHeight * scale));
      const context = canvas.getContext('2d');
      if (!context || video.videoWidth === 0) throw new Error('no frame to draw');
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      return canvas;
    } finally {
      clearTimeout(timer);
      video.removeAttribute('src');
      video.load();
      video.remove();
    }
  }

  // Arrow keys move between the posters in reading order; Home and End go to the first and the last.
  groups.addEventListener('keydown', (event) => {
    const current = /** @type {HTMLElement} */ (event.target);
    if (!current.classList.contains('card')) return;
    const cards = /** @type {HTMLElement[]} */ ([...groups.querySelectorAll('.card')]);
    const index = cards.indexOf(current);
    const next = { ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1, Home: 0, End: cards.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = cards[Math.max(0, Math.min(cards.length - 1, next))];
    if (target) target.focus();
  });

  search.addEventListener('input', sendFilter);
  modelSelect.addEventListener('change', sendFilter);
  generate.addEventListener('click', () => vscode.postMessage({ type: 'generate' }));
  let scrollTimer = 0;
  window.addEventListener('scroll', () => {
    clearTimeout(scrollTimer);
    scrollTimer = setTimeout(saveState, 200);
  });

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message.type !== 'string') return;
    if (message.type === 'show') show(message.view);
    else if (message.type === 'poster' && typeof message.key === 'string' && typeof message.src === 'string') {
      cachedSrc.set(message.key, message.src);
      captured.delete(message.key);
      replacePosters(message.key, () => {
        const img = document.createElement('img');
        img.className = 'poster';
        img.alt = '';
        img.src = message.src;
        return img;
      });
    }
  });

  vscode.postMessage({ type: 'ready', text: search.value, model: saved.model || '' });
})();
