// Rate-limit buckets shared by every server instance on one PostgreSQL database (contract §7 must hold across
// instances). The bucket row is made to exist first, so every decision then locks it: refilled, debited when it
// can be, and written back in one statement; concurrent requests for one key serialise on that row and never
// spend the same token (a missing row locks nothing, and two upserts of it would both debit a full bucket).
import { type Kysely, sql } from 'kysely';
import { decide, type RateDecision, type RateLimitStore, refill } from '../../rate-limit/index.js';
import type { LapseDatabase } from '../schema.js';

type Db = Kysely<LapseDatabase>;

interface BucketRow {
  refilled: number;
}

async function refilledTokens(
  db: Db,
  key: string,
  perMinute: number,
  nowMs: number,
  isTaking: boolean,
): Promise<number> {
  const take = isTaking ? 1 : 0;
  await sql`
    insert into rate_limit_buckets (bucket_key, tokens, updated_at) values (${key}, ${perMinute}::float8, ${nowMs}::bigint)
    on conflict (bucket_key) do nothing`.execute(db);
  const result = await sql<BucketRow>`
    with current as (
      select tokens, updated_at from rate_limit_buckets where bucket_key = ${key} for update
    ), refilled as (
      select coalesce(
        least(${perMinute}::float8, c.tokens + greatest(0, ${nowMs}::bigint - c.updated_at) * ${perMinute}::float8 / 60000.0),
        ${perMinute}::float8
      ) as value
      from (select 1) as one left join current as c on true
    ), written as (
      insert into rate_limit_buckets (bucket_key, tokens, updated_at)
      select ${key}, case when value >= 1 then value - ${take} else value end, ${nowMs}::bigint from refilled
      on conflict (bucket_key) do update set tokens = excluded.tokens, updated_at = excluded.updated_at
      returning 1
    )
    select value as refilled from refilled, written`.execute(db);
  return Number(result.rows[0]?.refilled ?? perMinute);
}

export function createPostgresRateLimitStore(db: Db): RateLimitStore {
  return {
    async take(key, perMinute, nowMs): Promise<RateDecision> {
      const tokens = await refilledTokens(db, key, perMinute, nowMs, true);
      return decide({ tokens, updatedAt: nowMs }, perMinute);
    },
    async give(key, perMinute, nowMs): Promise<void> {
      await sql`
        update rate_limit_buckets
        set tokens = least(${perMinute}::float8,
              tokens + 1 + greatest(0, ${nowMs}::bigint - updated_at) * ${perMinute}::float8 / 60000.0),
            updated_at = ${nowMs}::bigint
        where bucket_key = ${key}`.execute(db);
    },
    async peek(key, perMinute, nowMs): Promise<RateDecision> {
      const row = await db
        .selectFrom('rate_limit_buckets')
        .select(['tokens', 'updated_at'])
        .where('bucket_key', '=', key)
        .executeTakeFirst();
      const bucket = row ? { tokens: row.tokens, updatedAt: row.updated_at } : undefined;
      return decide(refill(bucket, perMinute, nowMs), perMinute);
    },
  };
}
