// `lapse tree`: the companies the credential manages (contract §6 GET /api/companies/my) as a tree, each node with
// how many companies are below it and how many of those have an expired licence (the server's flag: UTC today).
import { type Command, Option } from 'commander';
import type { MyCompanyNode } from '../../contract/index.js';
import type { Environment } from '../environment.js';
import { integerOption } from '../integer-option.js';
import { writeOutput } from '../output/index.js';
import { type CommonFlags, clientAction, withConnectionOptions } from './client-options.js';

interface TreeFlags extends CommonFlags {
  depth?: number;
}

export interface CountedNode {
  name: string;
  resourceId: string;
  licenceExpired: boolean;
  /** Companies below this one, at every depth (itself not counted). */
  companiesBelow: number;
  /** Of those, the ones whose licence has expired. */
  expiredBelow: number;
  children: CountedNode[];
}

/** Counts every node's subtree; children deeper than `depth` levels are left out (their counts stay). */
export function countTree(nodes: readonly MyCompanyNode[], depth = Number.POSITIVE_INFINITY): CountedNode[] {
  return nodes.map((node) => {
    const children = countTree(node.children, depth - 1);
    const all = depth > 1 ? children : countTree(node.children);
    return {
      name: node.name,
      resourceId: node.resourceId,
      licenceExpired: node.licenceExpired,
      companiesBelow: all.reduce((sum, child) => sum + 1 + child.companiesBelow, 0),
      expiredBelow: all.reduce((sum, child) => sum + Number(child.licenceExpired) + child.expiredBelow, 0),
      children: depth > 1 ? children : [],
    };
  });
}

function treeLines(nodes: readonly CountedNode[], indent = ''): string[] {
  return nodes.flatMap((node) => {
    const expired = node.licenceExpired ? ' · expired' : '';
    const below =
      node.companiesBelow === 0 ? '' : ` · ${node.companiesBelow} below, ${node.expiredBelow} of them expired`;
    return [`${indent}${node.name} (${node.resourceId})${expired}${below}`, ...treeLines(node.children, `${indent}  `)];
  });
}

export function registerTree(program: Command, environment: Environment): void {
  withConnectionOptions(
    program
      .command('tree')
      .description('the managed companies as a tree, with the companies and expired licences below each')
      .option('--depth <n>', 'show this many levels (counts still cover every level)', integerOption({ min: 1 }))
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
      .option('--output <file>', 'write to this file (- for stdout) instead of stdout'),
  ).action(
    clientAction<TreeFlags>(environment, async (context, flags) => {
      const tree = countTree(await context.client.companies.my(), flags.depth);
      const text =
        context.target.format === 'json'
          ? JSON.stringify(tree, null, 2)
          : [
              ...treeLines(tree),
              '',
              `${tree.reduce((sum, node) => sum + 1 + node.companiesBelow, 0)} companies · scope: ${context.scope}`,
            ].join('\n');
      await writeOutput(context.target.destination, `${text}\n`);
    }),
  );
}
