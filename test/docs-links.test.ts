// The project's own docs: every relative link stays inside the repository (a user has nothing beside it), and the
// README lists every exit code the CLI's table has.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/cli/exit-codes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCS = ['README.md', 'SECURITY.md', ...readdirSync(join(ROOT, 'docs')).map((name) => `docs/${name}`)].filter(
  (file) => file.endsWith('.md'),
);

/** The targets of a Markdown file's inline links, without their #fragment. */
function linkTargets(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => (match[1] ?? '').split('#')[0] ?? '');
}

describe('the docs', () => {
  it.each(DOCS)('%s links only to files inside the repository', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const target of linkTargets(text)) {
      if (target === '' || /^[a-z]+:/i.test(target)) continue;
      const path = resolve(ROOT, dirname(file), target);
      expect(relative(ROOT, path).startsWith('..'), `${file} → ${target}`).toBe(false);
      expect(existsSync(path), `${file} → ${target}`).toBe(true);
    }
  });

  it('the README has a row for every exit code, and links docs/api.md', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const code of Object.values(EXIT_CODES)) expect(readme).toMatch(new RegExp(`^\\| ${code} \\| \\S`, 'm'));
    expect(linkTargets(readme)).toContain('docs/api.md');
  });
});
