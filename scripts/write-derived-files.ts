import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type DerivedFile, derivedFiles } from './derived-files';

// `npm run openapi` (docs/openapi.json) and `npm run events` (events/<route>.json): rewrites the
// files built from the route table, so that they are committed as the code makes them.
const ROOT = path.resolve(__dirname, '..');
const command = process.argv[2] as DerivedFile['command'] | undefined;
if (command !== 'openapi' && command !== 'events') {
  process.stderr.write('Usage: tsx scripts/write-derived-files.ts <openapi|events>\n');
  process.exitCode = 2;
} else {
  for (const { file, text } of derivedFiles().filter((derived) => derived.command === command)) {
    writeFileSync(path.join(ROOT, file), text);
    process.stdout.write(`wrote ${file}\n`);
  }
}
