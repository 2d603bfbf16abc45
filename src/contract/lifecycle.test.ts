import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, type CalendarDay } from './calendar-day.js';
import { isExpiredOn } from './licence-rules.js';
import {
  DEFAULT_LIFECYCLE_POLICY,
  type LifecyclePolicy,
  type LifecycleState,
  lifecycleOn,
  parseLifecyclePolicy,
} from './lifecycle.js';

const day = fc.integer({ min: 0, max: 3000 }).map((offset) => addDays('2024-01-01', offset));
const days = fc.integer({ min: 0, max: 120 });
const leadDays = fc.uniqueArray(days, { maxLength: 4 });
const policy: fc.Arbitrary<LifecyclePolicy> = fc.record({
  graceDays: fc.integer({ min: 0, max: 60 }),
  leadDays: leadDays.map((list) => [...list].sort((a, b) => b - a)),
  licenceTypes: fc.constant({}),
});
const renewal = fc.option(day, { nil: null });

// The order a licence passes through its states as days go by.
const RANK: Record<LifecycleState, number> = { active: 0, renewing: 1, 'in-grace': 2, lapsed: 3, 'open-ended': 4 };

describe('lifecycleOn', () => {
  it('keeps its state on every day before nextChange and takes nextState on it', () => {
    fc.assert(
      fc.property(renewal, day, policy, (renewalDay, asOf, chosen) => {
        const now = lifecycleOn(renewalDay, null, asOf, chosen);
        if (now.nextChange === null) {
          expect(now.nextState).toBeNull();
          // Never changes again: the same state a long way on.
          expect(lifecycleOn(renewalDay, null, addDays(asOf, 400), chosen).state).toBe(now.state);
          return;
        }
        expect(now.nextChange > asOf).toBe(true);
        for (let at: CalendarDay = asOf; at < now.nextChange; at = addDays(at, 1)) {
          expect(lifecycleOn(renewalDay, null, at, chosen).state).toBe(now.state);
        }
        const next = lifecycleOn(renewalDay, null, now.nextChange, chosen);
        expect(next.state).toBe(now.nextState);
        expect(next.state).not.toBe(now.state);
      }),
      { numRuns: 300 },
    );
  });

  it('moves only forward through active, renewing, in-grace, lapsed', () => {
    fc.assert(
      fc.property(day, day, day, policy, (renewalDay, a, b, chosen) => {
        const [earlier, later] = a <= b ? [a, b] : [b, a];
        const first = lifecycleOn(renewalDay, null, earlier, chosen).state;
        const second = lifecycleOn(renewalDay, null, later, chosen).state;
        expect(RANK[first]).toBeLessThanOrEqual(RANK[second]);
      }),
    );
  });

  it('is in grace or lapsed exactly when the licence has expired, and open-ended exactly without a renewal day', () => {
    fc.assert(
      fc.property(renewal, day, policy, (renewalDay, asOf, chosen) => {
        const { state } = lifecycleOn(renewalDay, null, asOf, chosen);
        expect(state === 'in-grace' || state === 'lapsed').toBe(isExpiredOn(renewalDay, asOf));
        expect(state === 'open-ended').toBe(renewalDay === null);
      }),
    );
  });

  it('is renewing exactly inside the widest lead window, naming the narrowest window the day is in', () => {
    fc.assert(
      fc.property(day, days, policy, (renewalDay, before, chosen) => {
        const asOf = addDays(renewalDay, -before);
        const { state, leadWindow } = lifecycleOn(renewalDay, null, asOf, chosen);
        const open = chosen.leadDays.filter((lead) => lead >= before);
        expect(state).toBe(open.length > 0 ? 'renewing' : 'active');
        expect(leadWindow).toBe(open.length > 0 ? Math.min(...open) : null);
      }),
    );
  });

  it("uses a licence type's own lead days and grace", () => {
    const chosen = parseLifecyclePolicy({ graceDays: 14, licenceTypes: { Trial: { leadDays: [7, 0], graceDays: 0 } } });
    expect(lifecycleOn('2026-03-20', 'Trial', '2026-03-10', chosen).state).toBe('active');
    expect(lifecycleOn('2026-03-20', 'Standard', '2026-03-10', chosen).state).toBe('renewing');
    expect(lifecycleOn('2026-03-20', 'Trial', '2026-03-21', chosen)).toMatchObject({ state: 'lapsed' });
    expect(lifecycleOn('2026-03-20', 'Standard', '2026-03-21', chosen)).toEqual({
      state: 'in-grace',
      nextChange: '2026-04-04',
      nextState: 'lapsed',
      leadWindow: null,
    });
  });
});

describe('parseLifecyclePolicy', () => {
  it('fills what is left out from the defaults', () => {
    expect(parseLifecyclePolicy({})).toEqual({ ...DEFAULT_LIFECYCLE_POLICY, licenceTypes: {} });
    expect(parseLifecyclePolicy({ leadDays: [7, 90, 30, 7] }).leadDays).toEqual([90, 30, 7]);
  });

  it.each([
    [{ graceDay: 3 }, 'policy: unknown key "graceDay" (known: graceDays, leadDays, licenceTypes)'],
    [{ licenceTypes: { Trial: { lead: [1] } } }, 'policy.licenceTypes.Trial: unknown key "lead"'],
    [{ graceDays: -1 }, 'policy.graceDays must be a whole number of days from 0 to 3660'],
    [{ leadDays: [30, 1.5] }, 'policy.leadDays[1] must be a whole number of days'],
    [{ leadDays: 30 }, 'policy.leadDays must be an array'],
    [[], 'policy must be a JSON object'],
    [JSON.parse('{"__proto__": 1}'), 'policy: unknown key "__proto__"'],
  ])('refuses %j', (value, message) => {
    expect(() => parseLifecyclePolicy(value)).toThrow(message);
  });
});
