// Strategy (c), the last resort: every company in scope, checked on the client.
import { baseBody, type Strategy, scanFor } from './listing-run.js';

export const fullScan: Strategy = async function* (run, criterion) {
  for await (const { page } of scanFor(run, 'full-scan', baseBody(run))) {
    for (const company of page.results) if (criterion.matches(company)) yield company;
  }
  return { isComplete: true, reason: `read every company and kept those with ${criterion.description}` };
};
