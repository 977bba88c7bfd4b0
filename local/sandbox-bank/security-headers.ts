import type { Middleware } from 'oidc-provider';

/**
 * Headers for every answer. The bank's pages need only their inline stylesheet, and no page of a bank
 * belongs in a frame. `script-src` is there for oidc-provider: its self-submitting form pages (when a
 * different user signs in, it ends the previous session first) add the hash of their one inline script to
 * an existing `script-src`. There is deliberately no `form-action`: browsers apply it to the redirects
 * after a form post, and the consent form's answer redirects to the client's redirect_uri.
 */
export const securityHeaders: Middleware = async (ctx, next) => {
  ctx.set(
    'Content-Security-Policy',
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
  );
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  await next();
};
