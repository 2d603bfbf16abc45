// The company tree as materialised paths (`companies.path` in schema.ts): `/root/reseller/…/self/`, one resource
// id per level. A subtree is one index range: path > '/a/b/' AND path < '/a/b0', because '/' sorts just below
// '0' and below every id character (ids are [A-Za-z0-9]; the column is byte-ordered on both databases).
import { type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { LapseDatabase } from './schema.js';

/** The path of company `resourceId` placed under the company at `parentPath`; null: the root of the tree. */
export function childPath(parentPath: string | null, resourceId: string): string {
  return `${parentPath ?? '/'}${resourceId}/`;
}

/** Levels above the company at `path`: 0 for the root. */
export function depthOf(path: string): number {
  let slashes = 0;
  for (let index = 0; index < path.length; index++) if (path.charCodeAt(index) === 0x2f) slashes++;
  return slashes - 2;
}

/** The parent's resource id: the path's second-to-last segment; null for the root. */
export function parentIdOf(path: string): string | null {
  const ids = path.split('/').filter((id) => id !== '');
  return ids.length < 2 ? null : (ids[ids.length - 2] as string);
}

/** The companies below the one at `path` are exactly those whose path lies strictly between `after` and `before`. */
export interface PathRange {
  /** The company's own path: every descendant's sorts above it. */
  after: string;
  /** The first string above every path that starts with the company's. */
  before: string;
}

export function subtreeRange(path: string): PathRange {
  return { after: path, before: `${path.slice(0, -1)}0` };
}

/** Whether the company at `path` is below the one at `subtreePath` (or is it, when `includesSelf`). */
export function isInSubtree(path: string, subtreePath: string, includesSelf: boolean): boolean {
  return path.startsWith(subtreePath) && (includesSelf || path !== subtreePath);
}

/** isInSubtree as a condition on `companies.path`, one index range scan. */
export function subtreeCondition(subtreePath: string, includesSelf: boolean) {
  const range = subtreeRange(subtreePath);
  return (eb: ExpressionBuilder<LapseDatabase, 'companies'>): Expression<SqlBool> =>
    eb.and([eb('companies.path', includesSelf ? '>=' : '>', range.after), eb('companies.path', '<', range.before)]);
}

/** A descendant's path once its ancestor moves from `oldPath` to `newPath`: the old prefix swapped for the new. */
export function rebasedPathSql(oldPath: string, newPath: string): RawBuilder<string> {
  return sql<string>`${newPath} || substr(path, ${oldPath.length + 1})`;
}
