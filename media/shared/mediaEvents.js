// Shared by the player's and the gallery's webview scripts, loaded before them: waiting on a media element.
(function () {
  'use strict';

  /** Resolves once `target` fires `event`; rejects if it fires `error` first (the video could not be read). */
  function waitFor(target, event) {
    return new Promise((resolve, reject) => {
      const done = () => {
        target.removeEventListener('error', fail);
        resolve(undefined);
      };
      const fail = () => {
        target.removeEventListener(event, done);
        reject(new Error('the video could not be read'));
      };
      target.addEventListener(event, done, { once: true });
      target.addEventListener('error', fail, { once: true });
    });
  }

  window.openRouterVideoMedia = Object.freeze({ waitFor });
})();
