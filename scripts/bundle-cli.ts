// The `lapse` command as a few modules (dist/src/cli/lapse.js and its chunks in dist/src/chunks): starting Node on
// a few hundred compiled files and their packages' thousands costs more than the work of most commands, `lapse
// serve` included (bench: startup). What only some processes run is imported on demand and split into chunks of
// its own (the API server's app, the dashboard's server), so that the others never load it. The chunks sit as deep
// as the compiled sources they hold, whose `new URL('../../web/', import.meta.url)` then means what it did. Native
// drivers stay outside. The query threads' module is bundled beside the chunk that holds the worker pool, which
// resolves `./query-worker.js` from its own module.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const EXTERNAL = ['better-sqlite3', 'pg-native'];
// The packages written as CommonJS call require(); in an ES module bundle it has to be made.
const REQUIRE_BANNER =
  "import { createRequire as lapseRequire } from 'node:module'; const require = lapseRequire(import.meta.url);";
const OUT_DIR = 'dist/src';
const CHUNKS_DIR = 'chunks';
const WORKER_POOL = 'dist/src/server/db/query-workers/worker-pool.js';

const shared = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  banner: { js: REQUIRE_BANNER },
  logLevel: 'warning',
} as const;

// Chunk names carry a hash of their content: the last build's would stay beside the new ones.
rmSync(join(OUT_DIR, CHUNKS_DIR), { recursive: true, force: true });
const { metafile } = await build({
  ...shared,
  entryPoints: { lapse: 'dist/src/cli/main.js' },
  outdir: OUT_DIR,
  entryNames: 'cli/[name]',
  splitting: true,
  chunkNames: `${CHUNKS_DIR}/[name]-[hash]`,
  metafile: true,
});
const poolModule = Object.entries(metafile.outputs).find(([, output]) => WORKER_POOL in output.inputs)?.[0];
if (!poolModule) throw new Error(`no bundled module holds ${WORKER_POOL}`);
await build({
  ...shared,
  entryPoints: ['dist/src/server/db/query-workers/query-worker.js'],
  outfile: join(dirname(poolModule), 'query-worker.js'),
});
