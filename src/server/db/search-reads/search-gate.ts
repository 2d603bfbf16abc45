// Turns for search queries: at most `concurrency` run at once and at most runningPerClient of them for one client
// id; the rest wait in a bounded line per client, and a freed turn goes to the waiting client with the fewest
// queries running, so a client with many queries queued never holds back one that has a single query.
import { ApiError } from '../../errors.js';
import { queueWaitMs, runningPerClient, type SearchLimits, searchesBusy } from './search-limits.js';

/** The queries of one search request (its page, its totals, a clustered page's groups) share one of these. */
export interface SearchRequestTurns {
  /** One of its queries has had a turn: the request is running, and a drain lets it finish. */
  hasStarted: boolean;
}

export interface SearchGate {
  /**
   * Waits for a turn for one of `clientKey`'s queries and resolves with what gives it back. Rejects with 429
   * (searchesBusy) at once when the lines are full, or once the query has waited queueWaitMs.
   */
  acquire(clientKey: string, request?: SearchRequestTurns): Promise<() => void>;
  /**
   * The server is shutting down: only the requests already running wait for turns. A query of a request that has
   * not started is refused with 503 (ApiError.shuttingDown), at once if it waits and later unless a turn is free
   * when it asks.
   */
  drain(): void;
}

interface Waiter {
  request: SearchRequestTurns;
  grant(): void;
  /** Takes it out of its line and rejects it with `error`. */
  refuse(error: ApiError): void;
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
  let isDraining = false;

  const forget = (clientKey: string, turns: ClientTurns) => {
    if (turns.running === 0 && turns.waiting.length === 0) clients.delete(clientKey);
  };

  function start(clientKey: string, turns: ClientTurns, request: SearchRequestTurns): () => void {
    request.hasStarted = true;
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
    acquire(clientKey, request = { hasStarted: false }) {
      let turns = clients.get(clientKey);
      if (!turns) {
        turns = { running: 0, waiting: [] };
        clients.set(clientKey, turns);
      }
      const own = turns;
      if (own.waiting.length === 0 && own.running < perClient && running < limits.concurrency) {
        return Promise.resolve(start(clientKey, own, request));
      }
      if (isDraining && !request.hasStarted) {
        forget(clientKey, own);
        return Promise.reject(ApiError.shuttingDown());
      }
      if (own.waiting.length >= limits.queuedPerClient || waiting >= limits.queuedTotal) {
        forget(clientKey, own);
        return Promise.reject(searchesBusy());
      }
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          request,
          grant: () => resolve(start(clientKey, own, request)),
          refuse: (error) => {
            clearTimeout(waiter.timer);
            own.waiting.splice(own.waiting.indexOf(waiter), 1);
            waiting--;
            forget(clientKey, own);
            reject(error);
          },
          timer: setTimeout(() => waiter.refuse(searchesBusy()), queueWaitMs(limits)),
        };
        own.waiting.push(waiter);
        waiting++;
      });
    },
    drain() {
      isDraining = true;
      for (const turns of [...clients.values()]) {
        for (const waiter of turns.waiting.filter(({ request }) => !request.hasStarted)) {
          waiter.refuse(ApiError.shuttingDown());
        }
      }
    },
  };
}
