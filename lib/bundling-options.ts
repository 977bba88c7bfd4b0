/**
 * How a function is bundled, shared by the CDK stack (NodejsFunction), the bundle report and the
 * cold-start measurements (scripts/), so that all of them build the same bundle. The local stack
 * bundles with the same main fields and banner (local/handler-bundles.ts), unminified, with inline
 * source maps: there a readable trace matters and cold starts do not.
 */
export const HANDLER_BUNDLING = {
  // Prefer the ESM builds of dependencies (middy is ESM only; tree shaking needs ESM).
  mainFields: ['module', 'main'],
  // Some bundled CommonJS dependencies call require() for Node built-ins; ESM has no require.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  target: 'node24',
  /**
   * Whitespace and syntax minified, names kept: a stack trace in the logs names the real functions
   * (`at buildCreateIntentServices`, `at parseEnvironment`) without a source map. Measured on
   * Node.js 24 (docs/performance-bundles.md): keeping the names costs no measurable load time
   * (the bundle grows from 690 to 1,100 KB, 210 to 260 KB gzipped), while a source map enabled
   * with --enable-source-maps (NODE_OPTIONS or the flag, the same) costs about 50 ms of CPU in
   * every cold start to read it and about 150 ms more in the first request whose error is logged
   * with its stack, when it is decoded: the very request that is already failing.
   */
  minify: { whitespace: true, syntax: true, identifiers: false },
  /** No source map (see `minify`): the bundle is reproducible from its commit should one be needed. */
  sourceMap: false,
} as const;
