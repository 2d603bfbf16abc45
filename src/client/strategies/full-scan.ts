// Strategy (c), the last resort: every company in scope, checked on the client.
import { baseBody, type Strategy, scanFor } from './listing-run.js';

export const fullScan: Strategy = async function* (run, criterion) {
  for await (const { page } of scanFor(run, 'full-scan', baseBody(run))) {
    yield page.results.filter((company) => criterion.matches(company));
  }
  return { isComplete: true, reason: `read every company and kept those with ${criterion.description}` };
};
