import { spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

/** AWS's Node.js runtime interface client, pinned: the runtime code Lambda's Node.js images run. */
export const RUNTIME_CLIENT_VERSION = '4.0.2';
/** Installed on first use into this git-ignored folder, never by `npm ci` (see docs/local-invoke.md). */
export const RUNTIME_CLIENT_DIR = path.join('.local', 'lambda-ric');

const PACKAGE = 'aws-lambda-ric';
/** What its install scripts use to build curl, aws-lambda-cpp and the Node-API addon from source. */
const BUILD_TOOLS = [['cmake'], ['make'], ['g++', 'c++'], ['python3']];

/** The client's entry module when the pinned version is installed and built, else undefined. */
export function installedRuntimeClient(root: string): string | undefined {
  const packageDir = path.join(root, RUNTIME_CLIENT_DIR, 'node_modules', PACKAGE);
  return isBuilt(packageDir) ? path.join(packageDir, 'index.mjs') : undefined;
}

/**
 * The client's entry module, installing it first when needed: npm builds its native part from
 * source (about 80 s). The install goes to a folder of its own and is then renamed into place, so a
 * failed or concurrent install never leaves a half-built client behind.
 */
export async function ensureRuntimeClient(root: string, log: (line: string) => void): Promise<string> {
  const installed = installedRuntimeClient(root);
  if (installed) return installed;
  if (process.platform !== 'linux') {
    throw new Error(
      `${PACKAGE} builds its native part on Linux only; on this system use sam local invoke (npm run sam:invoke).`,
    );
  }
  const missing = BUILD_TOOLS.filter((names) => !names.some(onPath)).map((names) => names.join(' or '));
  if (missing.length > 0) {
    throw new Error(
      `Installing ${PACKAGE} builds native code and needs ${missing.join(', ')} on PATH ` +
        '(on Debian or Ubuntu: apt-get install cmake make g++ python3).',
    );
  }

  const target = path.join(root, RUNTIME_CLIENT_DIR);
  const staging = `${target}.${process.pid}-${Date.now()}`;
  const logFile = path.join(root, '.local', 'lambda-ric-install.log');
  mkdirSync(staging, { recursive: true });
  writeFileSync(
    path.join(staging, 'package.json'),
    `${JSON.stringify(
      {
        name: 'local-lambda-runtime-client',
        private: true,
        description: 'Installed by `npm run invoke`; not part of the project. Delete it to reinstall.',
        dependencies: { [PACKAGE]: RUNTIME_CLIENT_VERSION },
        // npm 11 runs no dependency install scripts unless approved; this one builds the client.
        allowScripts: { [`${PACKAGE}@${RUNTIME_CLIENT_VERSION}`]: true },
      },
      null,
      2,
    )}\n`,
  );
  log(
    `Installing ${PACKAGE}@${RUNTIME_CLIENT_VERSION} into ${RUNTIME_CLIENT_DIR} (first use only; it builds native code, about 80 s; log: ${path.relative(root, logFile)})`,
  );
  try {
    const { code, output } = await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefix', staging],
      staging,
    );
    writeFileSync(logFile, output);
    const packageDir = path.join(staging, 'node_modules', PACKAGE);
    if (code !== 0 || !isBuilt(packageDir)) {
      throw new Error(
        `npm install ${PACKAGE}@${RUNTIME_CLIENT_VERSION} failed (exit ${code}); the end of ${path.relative(root, logFile)}:\n` +
          output.split('\n').slice(-25).join('\n'),
      );
    }
    if (existsSync(target) && !installedRuntimeClient(root)) rmSync(target, { recursive: true, force: true });
    try {
      renameSync(staging, target);
    } catch (error) {
      // Another invocation installed it meanwhile: keep theirs.
      if (!installedRuntimeClient(root)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const entry = installedRuntimeClient(root);
  if (!entry) throw new Error(`${PACKAGE} is still missing from ${RUNTIME_CLIENT_DIR} after its install`);
  return entry;
}

function isBuilt(packageDir: string): boolean {
  const manifest = path.join(packageDir, 'package.json');
  if (!existsSync(manifest) || !existsSync(path.join(packageDir, 'rapid-client.node'))) return false;
  return (
    (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version === RUNTIME_CLIENT_VERSION
  );
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}
