// `npm run bench -- <name…>`: runs the named benchmarks (all when none is named); each writes its section of
// docs/benchmarks.md. Benchmarks, not tests: they measure, print and record; targets are marked ✅/❌.
const BENCHMARKS: Record<string, () => Promise<{ main: () => Promise<void> }>> = {
  search: () => import('./search.js'),
  export: () => import('./export.js'),
  client: () => import('./client.js'),
  'search-json': () => import('./search-json.js'),
  pg: () => import('./pg.js'),
  migrate: () => import('./migrate.js'),
  mix: () => import('./mix.js'),
  startup: () => import('./startup.js'),
  soak: () => import('./soak.js'),
  history: () => import('./history.js'),
  usage: () => import('./usage.js'),
  fairness: () => import('./fairness.js'),
};

const names = process.argv.slice(2);
const unknown = names.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}\n`);
  process.exit(2);
}
for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) {
  process.stderr.write(`\n=== ${name} ===\n`);
  const module = await (BENCHMARKS[name] as () => Promise<{ main: () => Promise<void> }>)();
  await module.main();
}
