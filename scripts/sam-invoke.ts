import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SAM_ENV_FILE } from '../local/sam-env';
import { samInvocation } from './sam-invocation';

// `npm run sam:invoke -- create` (or `authorize`): synthesizes the stack for a SAM-local run and
// invokes the function in SAM's Lambda container with its event from events/, against the local
// stack that `npm start` runs. Needs the SAM CLI and a Docker engine.
const root = path.resolve(__dirname, '..');

function main(): number {
  let invocation: ReturnType<typeof samInvocation>;
  try {
    invocation = samInvocation(process.argv[2] ?? '');
  } catch (error) {
    console.error(`${(error as Error).message}\nUsage: npm run sam:invoke -- <create|authorize>`);
    return 2;
  }
  if (!existsSync(path.join(root, SAM_ENV_FILE))) {
    console.error(`${SAM_ENV_FILE} is missing: start the local stack first (npm start) in another terminal.`);
    return 1;
  }
  const synth = spawnSync('npx', ['cdk', 'synth', '-c', 'samLocal=true', '--quiet', '--no-notices'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' },
  });
  if (synth.status !== 0) return synth.status ?? 1;
  console.log(`$ ${invocation.command} ${invocation.args.join(' ')}`);
  const sam = spawnSync(invocation.command, invocation.args, { cwd: root, stdio: 'inherit' });
  if (sam.error) {
    console.error('Could not run the SAM CLI: install it (it needs a Docker engine) and try again.');
    return 1;
  }
  return sam.status ?? 1;
}

process.exitCode = main();
