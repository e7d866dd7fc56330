/**
 * The player webview's page: a strict Content-Security-Policy (nothing by default; scripts only with this
 * page's nonce; styles, images and media only from the webview's own resource origin), no inline script or
 * style, no remote content. Free of a runtime `vscode` import, so a unit test checks the policy.
 */
import { randomBytes } from 'node:crypto';

export interface PlayerPage {
  /** `webview.cspSource`: the origin the webview serves local resources from. */
  cspSource: string;
  /** Webview URIs of the scripts in load order (`media/shared/mediaEvents.js`, `media/player/player.js`), and of `player.css`. */
  scriptUris: readonly string[];
  styleUri: string;
  /** The document's language (`vscode.env.language`). */
  language: string;
  title: string;
  nonce?: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** The page's Content-Security-Policy. */
export function playerCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `media-src ${cspSource}`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function playerHtml(page: PlayerPage): string {
  const nonce = page.nonce ?? newNonce();
  return `<!DOCTYPE html>
<html lang="${escapeHtml(page.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(playerCsp(page.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(page.title)}</title>
<link rel="stylesheet" href="${escapeHtml(page.styleUri)}">
</head>
<body>
<main class="player">
  <section class="stage">
    <video id="video" controls autoplay muted playsinline crossorigin="anonymous" tabindex="0"></video>
    <div id="audio-note" class="audio-note" role="status" hidden></div>
    <div class="bar">
      <label class="loop"><input type="checkbox" id="loop"> <span id="loop-label"></span></label>
      <span id="keys" class="keys"></span>
    </div>
  </section>
  <aside class="side">
    <h2 id="file-name"></h2>
    <dl id="details"></dl>
    <div id="actions" class="actions"></div>
    <p id="status" class="status" role="status"></p>
  </aside>
</main>
${page.scriptUris.map((uri) => `<script nonce="${nonce}" src="${escapeHtml(uri)}"></script>`).join('\n')}
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
