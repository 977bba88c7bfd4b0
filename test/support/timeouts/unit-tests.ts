// Set up for every unit test file (setupFilesAfterEnv); see stack-tests.ts for why it is not a
// per-project `testTimeout`, and jest.config.js for the sizing.
jest.setTimeout(60_000);
