import { statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { HANDLER_BUNDLING } from '../../lib/bundling-options';
import { BARE_HANDLER_SOURCES, FLOOR_KINDS, type FloorKind } from './floor';

export interface Bundle {
  /** The ES module Lambda would load (`handler.mjs`). */
  file: string;
  bytes: number;
  /** Its source map where the stack deploys one beside it (HANDLER_BUNDLING.sourceMap), else 0. */
  mapBytes: number;
}

export interface Bundles {
  routes: Record<string, Bundle>;
  bare: Record<FloorKind, Bundle>;
  /** The bench's own child programs (plain ES modules, so that no loader runs in them). */
  coldStartRunner: string;
  warmWorker: string;
}

const ROOT = path.resolve(__dirname, '../..');

/**
 * Bundles every route's handler and the bare handlers with the stack's options: those of
 * lib/bundling-options.ts, which lib/service-function.ts gives NodejsFunction (ESM, the minify parts
 * it chooses, a source map only if it ships one, the SDK bundled, the runtime's Node.js as the
 * target).
 */
export async function bundleAll(
  outdir: string,
  routes: readonly { id: string; handlerDir: string }[],
  target: string,
): Promise<Bundles> {
  const handlers = [
    ...routes.map((route) => ({
      in: path.join(ROOT, 'functions', route.handlerDir, 'handler.ts'),
      out: path.join('routes', route.handlerDir, 'handler'),
    })),
    ...FLOOR_KINDS.map((kind) => ({
      in: BARE_HANDLER_SOURCES[kind],
      out: path.join('bare', kind, 'handler'),
    })),
  ];
  const tools = [
    { in: path.join(__dirname, 'cold-start-runner.ts'), out: path.join('tools', 'cold-start-runner') },
    { in: path.join(__dirname, 'warm-worker.ts'), out: path.join('tools', 'warm-worker') },
  ];
  const common = {
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target,
    logLevel: 'warning',
  } as const;
  await Promise.all([
    build({
      ...common,
      entryPoints: handlers,
      mainFields: [...HANDLER_BUNDLING.mainFields],
      banner: { js: HANDLER_BUNDLING.banner },
      minifyWhitespace: HANDLER_BUNDLING.minify.whitespace,
      minifySyntax: HANDLER_BUNDLING.minify.syntax,
      minifyIdentifiers: HANDLER_BUNDLING.minify.identifiers,
      sourcemap: HANDLER_BUNDLING.sourceMap,
    }),
    build({ ...common, entryPoints: tools }),
  ]);
  const bundleOf = (out: string): Bundle => {
    const file = path.join(outdir, `${out}.mjs`);
    return {
      file,
      bytes: statSync(file).size,
      mapBytes: HANDLER_BUNDLING.sourceMap ? statSync(`${file}.map`).size : 0,
    };
  };
  return {
    routes: Object.fromEntries(
      routes.map((route) => [route.id, bundleOf(path.join('routes', route.handlerDir, 'handler'))]),
    ),
    bare: Object.fromEntries(
      FLOOR_KINDS.map((kind) => [kind, bundleOf(path.join('bare', kind, 'handler'))]),
    ) as Record<FloorKind, Bundle>,
    coldStartRunner: path.join(outdir, 'tools', 'cold-start-runner.mjs'),
    warmWorker: path.join(outdir, 'tools', 'warm-worker.mjs'),
  };
}
