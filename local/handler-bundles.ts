import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Route } from '../functions/routes';
import { HANDLER_BUNDLING } from '../lib/bundling-options';
import type { ProxyHandler } from './local-api';

/**
 * Bundles a route's handler with esbuild, as the CDK stack does for Lambda, and loads the bundle.
 * Running the bundle rather than the TypeScript source keeps the local API on the deployed code
 * path, ESM-only dependencies (middy) included.
 */
export async function loadBundledHandler(
  root: string,
  buildDir: string,
  route: Route,
): Promise<ProxyHandler> {
  const outfile = path.join(buildDir, route.handlerDir, 'handler.mjs');
  await build({
    entryPoints: [path.join(root, 'functions', route.handlerDir, 'handler.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    mainFields: [...HANDLER_BUNDLING.mainFields],
    banner: { js: HANDLER_BUNDLING.banner },
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  const module = (await import(pathToFileURL(outfile).href)) as { handler: ProxyHandler };
  return module.handler;
}
