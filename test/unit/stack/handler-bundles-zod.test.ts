import { readdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { HANDLER_BUNDLING } from '../../../lib/bundling-options';

// Every Lambda entry point is functions/<folder>/handler.ts: a new function is checked as soon as it exists.
const FUNCTIONS = path.resolve(__dirname, '../../../functions');
const HANDLERS = readdirSync(FUNCTIONS, { withFileTypes: true })
  .filter(
    (entry) => entry.isDirectory() && readdirSync(path.join(FUNCTIONS, entry.name)).includes('handler.ts'),
  )
  .map((entry) => entry.name);

/** Each handler's zod files, as esbuild bundles them for the stack (one run for all of them). */
async function bundledZodFiles(): Promise<Map<string, string[]>> {
  const { metafile } = await build({
    entryPoints: HANDLERS.map((handlerDir) => ({
      in: path.join(FUNCTIONS, handlerDir, 'handler.ts'),
      out: handlerDir,
    })),
    bundle: true,
    write: false,
    outdir: 'out',
    platform: 'node',
    format: 'esm',
    mainFields: [...HANDLER_BUNDLING.mainFields],
    minify: true,
    metafile: true,
    logLevel: 'silent',
  });
  const byHandler = new Map<string, string[]>();
  for (const [file, output] of Object.entries(metafile.outputs)) {
    const zodFiles = Object.entries(output.inputs)
      .filter(([input, { bytesInOutput }]) => input.includes('node_modules/zod/') && bytesInOutput > 0)
      .map(([input]) => input);
    byHandler.set(path.basename(file, '.js'), zodFiles);
  }
  return byHandler;
}

// docs/performance-validation.md: the functions validate with zod/mini; classic zod (its chained
// methods on every schema, its English messages) would add about 60 KB to each bundle and its
// loading to each cold start. A direct import is a lint error; this catches one through another module.
describe('the Lambda bundles use zod/mini only', () => {
  let bundles: Map<string, string[]>;
  beforeAll(async () => {
    bundles = await bundledZodFiles();
  });

  it('finds the handlers', () => {
    expect(HANDLERS).toEqual(expect.arrayContaining(['create', 'authorize', 'expire-intents']));
  });

  it.each(HANDLERS)('%s holds zod/mini and no classic zod or locale', (handlerDir) => {
    const files = bundles.get(handlerDir) ?? [];

    expect(files.some((file) => file.includes('node_modules/zod/v4/mini/'))).toBe(true);
    expect(
      files.filter((file) => /node_modules\/zod\/(v4\/classic|v4\/locales|index\.js)/.test(file)),
    ).toEqual([]);
  });
});
