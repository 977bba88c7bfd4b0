// Two projects: unit tests (mocked AWS and HTTP, fast) and integration tests (dynalite and the
// sandbox bank over real HTTP). `npm test` runs both; `--selectProjects` picks one.
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
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
  ],
};
