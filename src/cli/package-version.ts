// The package's version, from the package.json above this file (src/cli in a checkout, dist/src/cli when built).
import { existsSync, readFileSync } from 'node:fs';

export function packageVersion(): string {
  for (let dir = new URL('./', import.meta.url); dir.pathname !== '/'; dir = new URL('../', dir)) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}
