// Set up for every integration and browser test file (setupFilesAfterEnv): a per-project
// `testTimeout` in jest.config.js is not applied by jest-circus, which reads only the global one
// (jestjs/jest#9696), so each project sets its own limit here. See jest.config.js for the sizing.
jest.setTimeout(120_000);
