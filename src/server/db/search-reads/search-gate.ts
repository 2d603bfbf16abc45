// Turns for search queries: at most `concurrency` run at once and at most runningPerClient of them for one client
// id; the rest wait in a bounded line per client, and a freed turn goes to the waiting client with the fewest
// queries running, so a client with many queries queued never holds back one that has a single query.
import { queueWaitMs, runningPerClient, type SearchLimits, searchesBusy } from './search-limits.js';

export interface SearchGate {
  /**
   * Waits for a turn for one of `clientKey`'s queries and resolves with what gives it back. Rejects with 429
   * (searchesBusy) at once when the lines are full, or once the query has waited queueWaitMs.
   */
  acquire(clientKey: string): Promise<() => void>;
}

interface Waiter {
  grant(): void;
  timer: NodeJS.Timeout;
}

interface ClientTurns {
  running: number;
  waiting: Waiter[];
}

export function createSearchGate(limits: SearchLimits): SearchGate {
  const perClient = runningPerClient(limits);
  // Only clients with a query running or waiting have an entry; the order is the rotation (a client served goes
  // to the back).
  const clients = new Map<string, ClientTurns>();
  let running = 0;
  let waiting = 0;

  const forget = (clientKey: string, turns: ClientTurns) => {
    if (turns.running === 0 && turns.waiting.length === 0) clients.delete(clientKey);
  };

  function start(clientKey: string, turns: ClientTurns): () => void {
    running++;
    turns.running++;
    let isGivenBack = false;
    return () => {
      if (isGivenBack) return;
      isGivenBack = true;
      running--;
      turns.running--;
      forget(clientKey, turns);
      grantFreeTurns();
    };
  }

  /** The waiting client with the fewest queries running; of those, the one served longest ago. */
  function nextInRotation(): [string, ClientTurns] | undefined {
    let next: [string, ClientTurns] | undefined;
    for (const entry of clients) {
      const turns = entry[1];
      if (turns.waiting.length === 0 || turns.running >= perClient) continue;
      if (!next || turns.running < next[1].running) next = entry;
    }
    return next;
  }

  function grantFreeTurns(): void {
    while (running < limits.concurrency) {
      const next = nextInRotation();
      if (!next) return;
      const [clientKey, turns] = next;
      clients.delete(clientKey);
      clients.set(clientKey, turns);
      const waiter = turns.waiting.shift() as Waiter;
      waiting--;
      clearTimeout(waiter.timer);
      waiter.grant();
    }
  }

  return {
    acquire(clientKey) {
      let turns = clients.get(clientKey);
      if (!turns) {
        turns = { running: 0, waiting: [] };
        clients.set(clientKey, turns);
      }
      const own = turns;
      if (own.waiting.length === 0 && own.running < perClient && running < limits.concurrency) {
        return Promise.resolve(start(clientKey, own));
      }
      if (own.waiting.length >= limits.queuedPerClient || waiting >= limits.queuedTotal) {
        forget(clientKey, own);
        return Promise.reject(searchesBusy());
      }
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          grant: () => resolve(start(clientKey, own)),
          timer: setTimeout(() => {
            own.waiting.splice(own.waiting.indexOf(waiter), 1);
            waiting--;
            forget(clientKey, own);
            reject(searchesBusy());
          }, queueWaitMs(limits)),
        };
        own.waiting.push(waiter);
        waiting++;
      });
    },
  };
}
