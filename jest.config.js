// Three projects: unit (mocked AWS and HTTP, fast), integration (the local stack over real HTTP)
// and e2e (a real browser). `npm test` runs the first two; `npm run test:e2e` the browser test.
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];

const shared = {
  testEnvironment: 'node',
  restoreMocks: true,
  transform: { '^.+\\.(t|j)sx?$': swc },
  // middy 7 ships ESM only: let the transform compile it to CommonJS and point at its entry file.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|oauth4webapi)/)'],
  moduleNameMapper: { '^@middy/([^/]+)$': '<rootDir>/node_modules/@middy/$1/index.js' },
};

// Per-test limits are sized for a busy two-core machine (other test runs, spinning cores), where
// everything takes several times as long as on an idle one; a limit only bounds a test that hangs,
// no test relies on being fast. Each project sets its limit in a setup file, as jest-circus ignores
// a per-project `testTimeout`: unit tests 60 s (some synthesize the CDK stack, esbuild bundling
// included), tests through the local stack, a sandbox bank or a browser 120 s (a few requests to
// the API, each a handler invocation on DynamoDB Local, sign-ins at the bank, page loads).
const stackSuites = {
  ...shared,
  setupFilesAfterEnv: ['<rootDir>/test/support/timeouts/stack-tests.ts'],
  // They run their stacks on DynamoDB Local where Java is installed, else on dynalite.
  globalSetup: '<rootDir>/test/support/dynamodb-engine-setup.ts',
};

module.exports = {
  // Two workers even on a two-core machine: the stack suites spend most of their time waiting for
  // child processes (DynamoDB Local, banks, expiry and event deliveries), so a second worker shortens
  // the wall time (a fresh-clone CI run with two: 583 s of tests; one worker took 1,041 s on a busier
  // machine, so the two figures are not a strict comparison).
  maxWorkers: 2,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/timeouts/unit-tests.ts'],
    },
    { ...stackSuites, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...stackSuites, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
