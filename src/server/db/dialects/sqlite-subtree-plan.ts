// SQLite's planner cannot tell how much of the table a subtree's path range holds (`path > '/a/b/' AND path <
// '/a/b0'`, tree-path.ts): it guesses the same share for any two-sided range, so beside the renewal window
// (`license_end_at >= D AND license_end_at < D + N`) it reads every company of the table renewing in the window to
// keep the few in a reseller's subtree. The subtree's real size is counted instead (bounded, on the path index,
// once per data version): the range of a subtree that holds a small share of the table is marked unlikely with
// likelihood(), which changes only the plan; a larger one is left to the planner, whose choice then serves it
// best (docs/decisions.md, "Subtree plans on SQLite"; bench/subtree-plans.ts measures both).
import type Database from 'better-sqlite3';
import {
  AndNode,
  BinaryOperationNode,
  ColumnNode,
  FunctionNode,
  IdentifierNode,
  type KyselyPlugin,
  type OperationNode,
  OperatorNode,
  ReferenceNode,
  type RootOperationNode,
  SelectQueryNode,
  ValueNode,
} from 'kysely';

/** A subtree holding at most this share of the table has its range marked unlikely. */
export const HINTED_SUBTREE_SHARE = 1 / 64;

/**
 * The chance each bound of a hinted range is said to hold: both together 1 in 400, well under the share the
 * planner guesses for the renewal window, so it reads the subtree however the query is ordered.
 */
const PATH_BOUND_LIKELIHOOD = 0.05;

/** Ranges remembered for one data version; past this many the memory starts again. */
const MAX_REMEMBERED_RANGES = 4096;

/**
 * Whether the companies with `after < path < before` (`after <= path` when `includesAfter`) are few enough to read
 * through the path index first.
 */
export type IsNarrowRange = (after: string, before: string, includesAfter: boolean) => boolean;

/**
 * IsNarrowRange on `database`, counted on the path index up to the share's bound (so a large subtree costs no
 * more than a small one) and remembered until `dataVersion` moves.
 */
export function narrowRangeCounter(database: Database.Database, dataVersion: () => string): IsNarrowRange {
  let tableRows: Database.Statement | undefined;
  const rangeRows = new Map<boolean, Database.Statement>();
  let version: string | undefined;
  let bound = 0;
  const known = new Map<string, boolean>();
  return (after, before, includesAfter) => {
    const current = dataVersion();
    if (current !== version || known.size >= MAX_REMEMBERED_RANGES) {
      tableRows ??= database.prepare('select count(*) from companies').pluck();
      version = current;
      known.clear();
      bound = Math.floor((tableRows.get() as number) * HINTED_SUBTREE_SHARE);
    }
    const key = `${includesAfter ? '>=' : '>'}${after}\u0000${before}`;
    let isNarrow = known.get(key);
    if (isNarrow === undefined) {
      let counter = rangeRows.get(includesAfter);
      if (!counter) {
        const from = includesAfter ? '>=' : '>';
        counter = database
          .prepare(`select count(*) from (select 1 from companies where path ${from} ? and path < ? limit ?)`)
          .pluck();
        rangeRows.set(includesAfter, counter);
      }
      isNarrow = (counter.get(after, before, bound + 1) as number) <= bound;
      known.set(key, isNarrow);
    }
    return isNarrow;
  };
}

function isPathColumn(node: OperationNode): boolean {
  if (!ReferenceNode.is(node) || !ColumnNode.is(node.column)) return false;
  const { column } = node.column;
  return IdentifierNode.is(column) && column.name === 'path';
}

/** The value `node` compares `path` with, and the operator, if it is such a comparison under one of `operators`. */
function pathBound(node: OperationNode, operators: readonly string[]): { value: string; operator: string } | undefined {
  if (!BinaryOperationNode.is(node) || !isPathColumn(node.leftOperand)) return undefined;
  const { operator, rightOperand } = node;
  if (!OperatorNode.is(operator) || !operators.includes(operator.operator)) return undefined;
  return ValueNode.is(rightOperand) && typeof rightOperand.value === 'string'
    ? { value: rightOperand.value, operator: operator.operator }
    : undefined;
}

const unlikely = (condition: OperationNode) =>
  FunctionNode.create('likelihood', [condition, ValueNode.createImmediate(PATH_BOUND_LIKELIHOOD)]);

/**
 * Nodes not looked inside: values, and SQL written as text (a page's JSON object is most of its select), where
 * subtreeCondition never stands.
 */
const VALUE_KINDS = new Set(['ValueNode', 'ValueListNode', 'PrimitiveValueListNode', 'RawNode']);

/**
 * `node` with every narrow subtree range hinted, the untouched parts shared rather than copied: Kysely's
 * OperationNodeTransformer rebuilds every node, and on a search page's select that cost more than building it.
 */
function hinted(node: unknown, isNarrow: IsNarrowRange): unknown {
  if (Array.isArray(node)) {
    let items: unknown[] | undefined;
    for (let index = 0; index < node.length; index++) {
      const item = hinted(node[index], isNarrow);
      if (item === node[index]) continue;
      items ??= [...node];
      items[index] = item;
    }
    return items ? Object.freeze(items) : node;
  }
  if (typeof node !== 'object' || node === null) return node;
  const operation = node as OperationNode;
  if (VALUE_KINDS.has(operation.kind)) return node;
  if (AndNode.is(operation)) {
    const after = pathBound(operation.left, ['>', '>=']);
    const before = pathBound(operation.right, ['<']);
    if (after !== undefined && before !== undefined) {
      return isNarrow(after.value, before.value, after.operator === '>=')
        ? AndNode.create(unlikely(operation.left), unlikely(operation.right))
        : node;
    }
  }
  let changed: Record<string, unknown> | undefined;
  for (const key in node) {
    const child = (node as Record<string, unknown>)[key];
    if (typeof child !== 'object' || child === null) continue;
    const rewritten = hinted(child, isNarrow);
    if (rewritten === child) continue;
    changed ??= {};
    changed[key] = rewritten;
  }
  return changed ? Object.freeze({ ...node, ...changed }) : node;
}

/** The plugin every SQLite Kysely carries: a narrow subtree's range (subtreeCondition) is written with the hint. */
export function sqliteSubtreePlan(isNarrow: IsNarrowRange): KyselyPlugin {
  return {
    // Only selects (searches, exports, listings): writes keep the plans they have.
    transformQuery: ({ node }) => (SelectQueryNode.is(node) ? (hinted(node, isNarrow) as RootOperationNode) : node),
    transformResult: async (args) => args.result,
  };
}
