/**
 * The gallery webview's page: a strict Content-Security-Policy (nothing by default; scripts only with this
 * page's nonce; styles, images and media only from the webview's own resource origin, no `data:`), no inline
 * script or style, no remote content. Free of a runtime `vscode` import, so a unit test checks the policy.
 */
import { newNonce } from '../player/playerHtml';

export interface GalleryPage {
  /** `webview.cspSource`: the origin the webview serves local resources from. */
  cspSource: string;
  /** Webview URIs of the scripts in load order (`media/shared/mediaEvents.js`, `media/gallery/gallery.js`), and of `gallery.css`. */
  scriptUris: readonly string[];
  styleUri: string;
  /** The document's language (`vscode.env.language`). */
  language: string;
  nonce?: string;
}

/** The page's Content-Security-Policy. */
export function galleryCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `media-src ${cspSource}`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function galleryHtml(page: GalleryPage): string {
  const nonce = page.nonce ?? newNonce();
  return `<!DOCTYPE html>
<html lang="${escapeHtml(page.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(galleryCsp(page.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(page.styleUri)}">
</head>
<body>
<header class="filters" id="filters" hidden>
  <input type="search" id="search" autocomplete="off" spellcheck="false">
  <select id="model"></select>
</header>
<section class="empty" id="empty" hidden>
  <p class="empty-title" id="empty-title"></p>
  <p id="empty-text"></p>
  <button type="button" id="generate"></button>
</section>
<p class="no-match" id="no-match" role="status" hidden></p>
<main class="groups" id="groups"></main>
${page.scriptUris.map((uri) => `<script nonce="${nonce}" src="${escapeHtml(uri)}"></script>`).join('\n')}
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
