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

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
    },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
