import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { HANDLER_BUNDLING } from '../lib/bundling-options';
import type { ProxyHandler } from './local-api';

/**
 * Bundles every route's handler (and any other function's, such as the expiry sweeper) with
 * esbuild, as the CDK stack does for Lambda; resolves with each bundle file by its id. One esbuild
 * run builds all entry points in parallel and bundles each on its own, as separate functions get
 * them. Running bundles rather than the TypeScript
 * source keeps the local API on the deployed code path, ESM-only dependencies (middy) included.
 */
export async function bundleHandlers(
  root: string,
  buildDir: string,
  routes: readonly { readonly id: string; readonly handlerDir: string }[],
): Promise<Record<string, string>> {
  await build({
    entryPoints: routes.map((route) => ({
      in: path.join(root, 'functions', route.handlerDir, 'handler.ts'),
      out: path.join(route.handlerDir, 'handler'),
    })),
    outdir: buildDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    mainFields: [...HANDLER_BUNDLING.mainFields],
    banner: { js: HANDLER_BUNDLING.banner },
    // Inline, so a stack trace points at the TypeScript source.
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return Object.fromEntries(
    routes.map((route) => [route.id, path.join(buildDir, route.handlerDir, 'handler.mjs')]),
  );
}

/**
 * Loads the bundles (runs each module's initialization, as a Lambda cold start does) and resolves
 * with each route's handler by route id. Call it once the function environment is set: a module
 * may read it while it loads, as it may in Lambda.
 */
export async function loadHandlers(bundles: Record<string, string>): Promise<Record<string, ProxyHandler>> {
  const loaded = await Promise.all(
    Object.entries(bundles).map(
      async ([routeId, file]) => [routeId, (await loadHandler(file)) as ProxyHandler] as const,
    ),
  );
  return Object.fromEntries(loaded);
}

/** Loads one bundle and returns its `handler` export, whatever kind of function it is. */
export async function loadHandler(file: string): Promise<(...args: never[]) => unknown> {
  const module = (await import(pathToFileURL(file).href)) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new Error(`The bundle ${file} exports no handler`);
  return module.handler as (...args: never[]) => unknown;
}
