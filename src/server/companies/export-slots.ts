// How many exports may stream at once, per client id and on the instance. Each export holds a database
// connection (and its snapshot) for as long as its client takes to read, so without a bound one tenant's slow or
// stalled exports would take the service from every other tenant (SECURITY.md, export limits).

export interface ExportLimits {
  perClient: number;
  total: number;
}

export interface ExportSlots {
  /** A slot for `clientId`'s export, as the function that gives it back; undefined when a limit is reached. */
  take(clientId: string): (() => void) | undefined;
}

export function createExportSlots(limits: ExportLimits): ExportSlots {
  // Only clients with an export in flight have an entry, so the map is never larger than `limits.total`.
  const heldByClient = new Map<string, number>();
  let heldInAll = 0;
  function giveBack(clientId: string): void {
    heldInAll--;
    const held = (heldByClient.get(clientId) ?? 1) - 1;
    if (held === 0) heldByClient.delete(clientId);
    else heldByClient.set(clientId, held);
  }
  return {
    take(clientId) {
      const held = heldByClient.get(clientId) ?? 0;
      if (held >= limits.perClient || heldInAll >= limits.total) return undefined;
      heldByClient.set(clientId, held + 1);
      heldInAll++;
      let isGivenBack = false;
      return () => {
        if (isGivenBack) return;
        isGivenBack = true;
        giveBack(clientId);
      };
    },
  };
}
