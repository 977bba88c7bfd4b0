import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { html, SafeHtml } from './sandbox-bank/html';

// One escaping template for every page the local stack serves: values interpolated into `html`
// are escaped unless they are markup the template made itself.
export { escapeHtml, html, SafeHtml } from './sandbox-bank/html';

const STYLESHEET = new SafeHtml(`
  body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1f2933; }
  h1 { font-size: 1.5rem; } code, .mono { font-family: ui-monospace, monospace; word-break: break-all; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; }
  dt { font-weight: 600; } dd { margin: 0; } table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #d9e2ec; }
  button { font-size: 1rem; padding: .6rem 1.2rem; border-radius: .4rem; border: 0; background: #2f6fde; color: #fff; cursor: pointer; }
  button[disabled] { background: #9fb3c8; cursor: not-allowed; }
  fieldset { border: 1px solid #d9e2ec; border-radius: .4rem; margin: 1rem 0; }
  select { font-size: 1rem; padding: .3rem; }
  .status { display: inline-block; padding: .1rem .6rem; border-radius: 1rem; background: #e4e7eb; }
  .status-authorized { background: #c6f7e2; } .status-failed { background: #ffe3e3; }
  .outcome { border-left: .35rem solid #9fb3c8; padding: .2rem 1rem; margin: 1rem 0; }
  .outcome-good { border-color: #3ebd93; } .outcome-bad { border-color: #e66a6a; } .outcome-wait { border-color: #f0b429; }
  .note { color: #52606d; font-size: .9rem; }
`);

export interface PageScript {
  /** A constant of the calling module, never a request value: it is sent as it is. */
  source: string;
  /** The nonce the page's Content-Security-Policy allows it by (see `sendHtml`). */
  nonce: string;
}

/** A small, readable page shell shared by the local stack's pages. */
export function page(title: string, body: SafeHtml, script?: PageScript): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLESHEET}</style>
</head>
<body>
${body}
${script ? html`<script nonce="${script.nonce}">${new SafeHtml(script.source)}</script>` : undefined}
</body>
</html>`;
}

/** A fresh nonce for one page's inline script. */
export const scriptNonce = (): string => randomBytes(18).toString('base64url');

/**
 * Sends a page. The policy allows the page's own inline styles and only the inline script carrying
 * `nonce`, so a value that slipped past escaping still could not run. No `form-action`: browsers
 * apply it to the redirect after a post, and the start page's post redirects to the bank. The
 * callback URL holds the authorization code, so no Referer leaves this origin.
 */
export function sendHtml(response: ServerResponse, statusCode: number, body: SafeHtml, nonce?: string): void {
  response.writeHead(statusCode, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; script-src ${nonce ? `'nonce-${nonce}'` : "'none'"}; base-uri 'none'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
  });
  response.end(body.markup);
}
