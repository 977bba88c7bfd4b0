import type { KoaContext } from 'oidc-provider';

/** The same ceiling oidc-provider puts on the bodies it parses. */
const MAX_FORM_BYTES = 56 * 1024;

/** Reads an `application/x-www-form-urlencoded` body; anything else (or too large) is an empty form. */
export async function readForm(ctx: KoaContext): Promise<{ raw: string; fields: URLSearchParams }> {
  if (!ctx.is('application/x-www-form-urlencoded')) return { raw: '', fields: new URLSearchParams() };
  const raw = await readBody(ctx);
  return { raw, fields: new URLSearchParams(raw ?? '') };
}

/** Reads a JSON body; anything else, too large or malformed is undefined. */
export async function readJson(ctx: KoaContext): Promise<unknown> {
  if (!ctx.is('application/json')) return undefined;
  const raw = await readBody(ctx);
  try {
    return raw ? JSON.parse(raw) : undefined;
  } catch {
    return undefined;
  }
}

async function readBody(ctx: KoaContext): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return '';
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
