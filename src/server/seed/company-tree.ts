// The seeded company tree, generated depth-first (a parent always before its children, ids counting up):
// one platform root → ~N/1000 top-level resellers, each with ~1000 companies below it, some under sub-resellers
// and sub-sub-resellers, so customers sit at depths 2 to 4.
import { type CalendarDay, dayStartUtc } from '../../contract/index.js';
import { buildCompanyRow, type CompanyRow, composeResourceId, type ParentPlacement } from '../admin/index.js';
import type { SeedCatalogue } from './catalogue.js';
import { generateCompanyFields } from './company-fields.js';
import {
  AWKWARD_PATTERN_COUNT,
  awkwardName,
  customerName,
  FORMULA_COMPANY_NAME,
  uniqueResellerName,
} from './company-names.js';
import type { Random } from './random.js';

export const ROOT_COMPANY_NAME = 'Lapse Platform';

export interface SeededCompany extends CompanyRow {
  id: number;
}

export interface TopLevelReseller {
  resourceId: string;
  name: string;
  /** Companies below it, at every depth: what a Reseller credential on it sees. */
  descendantCount: number;
}

/** What the generator knows about the tree it made, for tests, benchmarks and the demo to pick companies. */
export interface TreeOutline {
  rootResourceId: string;
  resellers: TopLevelReseller[];
  /** A company at depth ≥ 3 (under a sub-reseller), when the tree has one. */
  deepCompanyResourceId: string | null;
  formulaCompanyResourceId: string | null;
}

/** At 1,000,000 companies ~1,000 resellers; small seeds still get several. */
export function topLevelResellerCount(companies: number): number {
  if (companies < 2) return 0;
  return Math.max(1, Math.min(5, Math.floor((companies - 1) / 8)), Math.round(companies / 1000));
}

export function* generateCompanyTree(
  companies: number,
  today: CalendarDay,
  random: Random,
  catalogue: SeedCatalogue,
  outline: TreeOutline,
): Generator<SeededCompany> {
  let nextId = 1;
  const todayStart = dayStartUtc(today);
  const usedResourceIds = new Set<string>();
  const resellerNames = new Set<string>();
  // contract §5 test material: each awkward name (and the one live formula) lands at a spread-out position.
  const specials = [
    ...Array.from({ length: AWKWARD_PATTERN_COUNT }, (_, index) => awkwardName(random, index)),
    FORMULA_COMPANY_NAME,
  ];
  let specialsUsed = 0;
  const specialDueAt = (index: number) => Math.floor(((index + 1) * companies) / (specials.length + 1));

  const newResourceId = () => {
    let id = composeResourceId(random.nextUint32);
    while (usedResourceIds.has(id)) id = composeResourceId(random.nextUint32);
    usedResourceIds.add(id);
    return id;
  };

  const company = (parent: ParentPlacement | null, name: string): SeededCompany => {
    const fields = generateCompanyFields(random, catalogue, todayStart, { resourceId: newResourceId(), name });
    // Object.assign, not a spread into a new literal: a million spreads cost the seed seconds.
    return Object.assign(buildCompanyRow(fields, parent), { id: nextId++ });
  };

  const placementOf = (row: SeededCompany): ParentPlacement => ({
    id: row.id,
    name: row.name,
    path: row.path,
    depth: row.depth,
  });

  const customer = (parent: ParentPlacement): SeededCompany => {
    let name: string;
    if (specialsUsed < specials.length && nextId >= specialDueAt(specialsUsed)) {
      name = specials[specialsUsed++] as string;
    } else {
      name = random.chance(0.005)
        ? awkwardName(random, random.integer(0, AWKWARD_PATTERN_COUNT - 1))
        : customerName(random);
    }
    const row = company(parent, name);
    if (row.depth >= 3) outline.deepCompanyResourceId ??= row.resource_id;
    if (name === FORMULA_COMPANY_NAME) outline.formulaCompanyResourceId = row.resource_id;
    return row;
  };

  // `budget` companies go below `parent`: a few sub-resellers take 10–30% each, the rest are direct customers.
  function* subtree(parent: ParentPlacement, budget: number, mustGoDeep: boolean): Generator<SeededCompany> {
    let remaining = budget;
    const maxSubResellers = parent.depth <= 2 && budget >= 6 ? Math.min(3, Math.floor(budget / 6)) : 0;
    let subResellers = maxSubResellers > 0 ? random.integer(0, maxSubResellers) : 0;
    if (mustGoDeep && budget >= 2 && parent.depth <= 2) subResellers = Math.max(subResellers, 1);
    for (let index = 0; index < subResellers; index++) {
      const share = Math.max(2, Math.floor(budget * (0.1 + 0.2 * random.next())));
      if (share > remaining) break;
      remaining -= share;
      const subReseller = company(parent, uniqueResellerName(random, resellerNames));
      yield subReseller;
      yield* subtree(placementOf(subReseller), share - 1, mustGoDeep && index === 0);
    }
    for (let index = 0; index < remaining; index++) yield customer(parent);
  }

  if (companies < 1) return;
  const root = company(null, ROOT_COMPANY_NAME);
  resellerNames.add(ROOT_COMPANY_NAME);
  outline.rootResourceId = root.resource_id;
  yield root;

  const resellerCount = topLevelResellerCount(companies);
  const below = companies - 1 - resellerCount;
  for (let index = 0; index < resellerCount; index++) {
    const budget = Math.floor(below / resellerCount) + (index < below % resellerCount ? 1 : 0);
    const reseller = company(placementOf(root), uniqueResellerName(random, resellerNames));
    outline.resellers.push({ resourceId: reseller.resource_id, name: reseller.name, descendantCount: budget });
    yield reseller;
    // The first reseller always reaches depth 3, so even a small seed has a deep customer.
    yield* subtree(placementOf(reseller), budget, index === 0);
  }
}
