import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { childPath, depthOf, isInSubtree, parentIdOf, subtreeRange } from './tree-path.js';

interface Node {
  id: string;
  parent: number | null;
  path: string;
}

// Ids from a few characters, '0' among them, so siblings share prefixes ('a', 'a0', 'aZ') and the range's '0'
// bound meets ids that start with it.
const treeArbitrary = fc
  .tuple(
    fc.uniqueArray(
      fc.string({ unit: fc.constantFrom('0', '1', '9', 'A', 'Z', 'a', 'z'), minLength: 1, maxLength: 3 }),
      {
        minLength: 1,
        maxLength: 40,
      },
    ),
    fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
  )
  .map(([ids, parentPicks]) => {
    const nodes: Node[] = [];
    ids.forEach((id, index) => {
      const parent = index === 0 ? null : (parentPicks[index] as number) % index;
      nodes.push({ id, parent, path: childPath(parent === null ? null : (nodes[parent] as Node).path, id) });
    });
    return nodes;
  });

/** Whether node `index` is below node `ancestor`, by walking parents (the paths play no part). */
function isDescendant(nodes: Node[], index: number, ancestor: number): boolean {
  for (let at = nodes[index]?.parent ?? null; at !== null; at = nodes[at]?.parent ?? null)
    if (at === ancestor) return true;
  return false;
}

describe('tree paths', () => {
  it('builds /root/…/self/ paths, their depth and their parent id', () => {
    expect(childPath(null, 'R')).toBe('/R/');
    expect(childPath('/R/', 'a')).toBe('/R/a/');
    expect([depthOf('/R/'), depthOf('/R/a/b/')]).toEqual([0, 2]);
    expect([parentIdOf('/R/'), parentIdOf('/R/a/b/')]).toEqual([null, 'a']);
    expect(subtreeRange('/R/a/')).toEqual({ after: '/R/a/', before: '/R/a0' });
  });

  it("puts every descendant's path inside the subtree range and no other company's", () => {
    fc.assert(
      fc.property(treeArbitrary, (nodes) => {
        nodes.forEach((root, rootIndex) => {
          const range = subtreeRange(root.path);
          nodes.forEach((node, index) => {
            const isBelow = isDescendant(nodes, index, rootIndex);
            expect(range.after < node.path && node.path < range.before).toBe(isBelow);
            expect(isInSubtree(node.path, root.path, false)).toBe(isBelow);
            expect(isInSubtree(node.path, root.path, true)).toBe(isBelow || index === rootIndex);
          });
        });
      }),
    );
  });

  it('counts depth and finds the parent from the path alone', () => {
    fc.assert(
      fc.property(treeArbitrary, (nodes) => {
        for (const node of nodes) {
          let depth = 0;
          for (let at = node.parent; at !== null; at = nodes[at]?.parent ?? null) depth++;
          expect(depthOf(node.path)).toBe(depth);
          expect(parentIdOf(node.path)).toBe(node.parent === null ? null : (nodes[node.parent] as Node).id);
        }
      }),
    );
  });
});
