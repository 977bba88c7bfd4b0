/**
 * How a handler is bundled, shared by the CDK stack (NodejsFunction), the local stack (esbuild
 * directly) and the bundle report (scripts/bundle-report.ts), so that all run the same kind of bundle.
 */
export const HANDLER_BUNDLING = {
  // Prefer the ESM builds of dependencies (middy is ESM only; tree shaking needs ESM).
  mainFields: ['module', 'main'],
  // Some bundled CommonJS dependencies call require() for Node built-ins; ESM has no require.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  target: 'node24',
  minify: true,
  sourceMap: true,
  sourcesContent: true,
} as const;
