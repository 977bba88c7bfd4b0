import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { HANDLER_BUNDLING } from '../lib/bundling-options';

/** Every function of the service: each folder under functions/ that holds a handler.ts. */
export function functionFolders(root: string): string[] {
  return readdirSync(path.join(root, 'functions'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'shared')
    .filter((entry) => readdirSync(path.join(root, 'functions', entry.name)).includes('handler.ts'))
    .map((entry) => entry.name)
    .sort();
}

export interface FunctionBundle {
  handlerDir: string;
  /** The bytes of index.mjs as Lambda gets it. */
  codeBytes: number;
  /** The bytes of its source map (0 without one). */
  sourceMapBytes: number;
  /** Bytes of the bundle by npm package ('(service)' for the service's own code), largest first. */
  packages: { name: string; bytes: number }[];
  /** Written to `outdir` when one was given: the bundle's file. */
  file?: string;
}

/**
 * Bundles one function exactly as the stack does (lib/bundling-options.ts holds the options both
 * use) and reads esbuild's metafile: which packages went in, and how many bytes each left in the
 * bundle. With `outdir` the bundle is written there (`<outdir>/<handlerDir>/index.mjs`), else kept in
 * memory.
 */
export async function bundleFunction(
  root: string,
  handlerDir: string,
  options: {
    outdir?: string;
    sourceMap?: boolean;
    sourcesContent?: boolean;
    minify?: { whitespace: boolean; syntax: boolean; identifiers: boolean };
  } = {},
): Promise<FunctionBundle> {
  const sourceMap = options.sourceMap ?? HANDLER_BUNDLING.sourceMap;
  const sourcesContent = options.sourcesContent ?? true;
  const outdir = options.outdir
    ? path.join(options.outdir, handlerDir)
    : path.join(tmpdir(), 'bundle-contents', handlerDir);
  const result = await build({
    entryPoints: [path.join(root, 'functions', handlerDir, 'handler.ts')],
    outfile: path.join(outdir, 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: HANDLER_BUNDLING.target,
    minifyWhitespace: (options.minify ?? HANDLER_BUNDLING.minify).whitespace,
    minifySyntax: (options.minify ?? HANDLER_BUNDLING.minify).syntax,
    minifyIdentifiers: (options.minify ?? HANDLER_BUNDLING.minify).identifiers,
    sourcemap: sourceMap,
    sourcesContent,
    mainFields: [...HANDLER_BUNDLING.mainFields],
    banner: { js: HANDLER_BUNDLING.banner },
    metafile: true,
    write: options.outdir !== undefined,
    logLevel: 'error',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const code = outputs.find(([file]) => file.endsWith('.mjs'));
  if (!code) throw new Error(`esbuild wrote no bundle for ${handlerDir}`);
  const map = outputs.find(([file]) => file.endsWith('.mjs.map'));
  return {
    handlerDir,
    codeBytes: code[1].bytes,
    sourceMapBytes: map?.[1].bytes ?? 0,
    packages: packagesOf(code[1]),
    ...(options.outdir ? { file: path.join(outdir, 'index.mjs') } : {}),
  };
}

/** Sums each input's bytes in the output by the npm package it comes from. */
function packagesOf(output: Metafile['outputs'][string]): { name: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageName(input);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .filter(({ bytes }) => bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

/** `node_modules/@scope/name/…` → `@scope/name`; the innermost node_modules wins (nested copies). */
export function packageName(input: string): string {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return '(service)';
  const first = parts[at + 1] ?? '';
  return first.startsWith('@') ? `${first}/${parts[at + 2] ?? ''}` : first;
}
