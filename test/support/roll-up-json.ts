// The JSON `lapse … --group-by … --format json` writes, as the tests read it.
export interface Totals {
  companies: number;
  expired: number;
  renewing: number;
  overLimit: number;
  seatsAffected: number;
}

export interface RollUpJson {
  groupBy: string;
  grouping: { source: string; reason: string };
  groups: (Totals & { name: string; resourceId?: string })[];
  total: Totals;
}
