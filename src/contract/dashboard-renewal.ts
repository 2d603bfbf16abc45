// The dashboard's Renew action (/ui-api/companies/{resourceId}/renewal): the plan it shows, and the write it asks
// before making. The page sends back the day the plan showed, so what is written is what was shown.
import { type Static, Type } from '@sinclair/typebox';

const Day = (description: string) => Type.String({ format: 'calendar-day', description });

/** GET: the plan by the licence's own period, a span (by) or a chosen day (until). */
export const RenewalPlanQuerySchema = Type.Object({
  tz: Type.Optional(
    Type.String({ format: 'time-zone', description: 'IANA time zone that decides "today"; UTC when absent.' }),
  ),
  until: Type.Optional(Day('The new renewal date; the licence period decides it when absent.')),
  by: Type.Optional(Type.String({ maxLength: 8, description: 'A span such as 1y or 90d, from the renewal date.' })),
});
export type RenewalPlanQuery = Static<typeof RenewalPlanQuerySchema>;

export const RenewalPlanSchema = Type.Object({
  companyResourceId: Type.String(),
  companyName: Type.String(),
  oldRenewalDate: Type.Union([Day('The renewal date now.'), Type.Null()]),
  newRenewalDate: Day('The renewal date after renewing.'),
});
export type RenewalPlan = Static<typeof RenewalPlanSchema>;

/** POST (in the query string: lapse ui reads no request bodies): write this renewal date, a plan's newRenewalDate. */
export const RenewalRequestSchema = Type.Object({
  newRenewalDate: Day('The renewal date to write; not before today.'),
  tz: Type.Optional(Type.String({ format: 'time-zone' })),
});
export type RenewalRequest = Static<typeof RenewalRequestSchema>;
