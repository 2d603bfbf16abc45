// The clock every server conformance suite pins, so the seed's "renews today" rows are today for the server too.
export const PINNED_TODAY = '2026-11-26';
export const PINNED_NOW_MS = Date.parse(`${PINNED_TODAY}T12:00:00Z`);
export const PINNED_TODAY_START_MS = Date.parse(`${PINNED_TODAY}T00:00:00Z`);

export const pinnedClock = { now: () => PINNED_NOW_MS, today: PINNED_TODAY } as const;
