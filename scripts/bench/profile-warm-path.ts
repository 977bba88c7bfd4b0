import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { HANDLER_BUNDLING } from '../../lib/bundling-options';

/**
 * Bundles warm-path-profile.ts as the stack bundles a handler (ESM, the same main fields, banner and
 * minification, names kept so a CPU profile reads) and runs it with this Node.js. Arguments after
 * `--` go to node (e.g. `--cpu-prof --cpu-prof-dir=profiles`), the others to the profile:
 * `node --require tsx/cjs scripts/bench/profile-warm-path.ts 2000 list-bank-accounts -- --cpu-prof`.
 */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const split = argv.indexOf('--');
  const own = split < 0 ? argv : argv.slice(0, split);
  const nodeFlags = split < 0 ? [] : argv.slice(split + 1);
  const outfile = path.join(mkdtempSync(path.join(tmpdir(), 'warm-path-')), 'warm-path-profile.mjs');
  await build({
    entryPoints: [path.join(__dirname, 'warm-path-profile.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: HANDLER_BUNDLING.target,
    mainFields: [...HANDLER_BUNDLING.mainFields],
    banner: { js: HANDLER_BUNDLING.banner },
    minifyWhitespace: HANDLER_BUNDLING.minify.whitespace,
    minifySyntax: HANDLER_BUNDLING.minify.syntax,
    logLevel: 'warning',
  });
  const run = spawnSync(process.execPath, [...nodeFlags, outfile, ...own], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
