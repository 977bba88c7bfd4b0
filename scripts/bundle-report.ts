import path from 'node:path';
import { bundleFunction, functionFolders } from './bundle-contents';

/**
 * Prints each function's bundle as the stack builds it: code and source-map bytes, and the packages
 * inside by bytes. `npx tsx scripts/bundle-report.ts [--json] [--top N]`; docs/performance-bundles.md
 * holds the figures and what was decided from them.
 */
const ROOT = path.resolve(__dirname, '..');
/** The packages whose presence the report always states, present or not. */
const WATCHED = [
  'oauth4webapi',
  '@aws-sdk/client-secrets-manager',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/client-eventbridge',
  '@aws-lambda-powertools/tracer',
  'aws-xray-sdk-core',
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const top = Number(args[args.indexOf('--top') + 1]) || 8;
  const bundles = [];
  for (const folder of functionFolders(ROOT)) bundles.push(await bundleFunction(ROOT, folder));
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(bundles, null, 2)}\n`);
    return;
  }
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  for (const bundle of bundles) {
    const names = new Set(bundle.packages.map((entry) => entry.name));
    process.stdout.write(
      `\n${bundle.handlerDir}: ${kb(bundle.codeBytes)} code, ${kb(bundle.sourceMapBytes)} source map\n` +
        `  holds: ${WATCHED.map((name) => `${name} ${names.has(name) ? 'yes' : 'no'}`).join(', ')}\n`,
    );
    for (const { name, bytes } of bundle.packages.slice(0, top)) {
      process.stdout.write(`  ${kb(bytes).padStart(7)}  ${name}\n`);
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
