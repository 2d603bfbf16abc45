// The `lapse` command as one module (dist/src/cli/lapse.js): starting Node on a few hundred compiled files and
// their packages' thousands costs more than the work of most commands, `lapse serve` included (bench: startup).
// Native drivers stay outside. The query threads' module is bundled beside it, where the bundled worker pool
// looks for it (worker-pool.ts resolves `./query-worker.js` from its own module, here the bundle).
import { build } from 'esbuild';

const EXTERNAL = ['better-sqlite3', 'pg-native'];
// The packages written as CommonJS call require(); in an ES module bundle it has to be made.
const REQUIRE_BANNER =
  "import { createRequire as lapseRequire } from 'node:module'; const require = lapseRequire(import.meta.url);";

const shared = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  banner: { js: REQUIRE_BANNER },
  logLevel: 'warning',
} as const;

await build({ ...shared, entryPoints: ['dist/src/cli/main.js'], outfile: 'dist/src/cli/lapse.js' });
await build({
  ...shared,
  entryPoints: ['dist/src/server/db/query-workers/query-worker.js'],
  outfile: 'dist/src/cli/query-worker.js',
});
