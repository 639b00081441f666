import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from "kysely";
import type { Database } from "../store/index.js";
import { isoTime } from "../json/index.js";

/** A stretch without a WebSocket connection that overlaps an instance (times ISO-8601 UTC). */
export interface InstanceGap {
  subscriptionId: string;
  start: string | null;
  /** Null while the gap lasts. */
  end: string | null;
  reason: string;
}

/** Whether an instance may miss events, and the gaps that say so. */
export interface InstanceCompleteness {
  /**
   * True while events may be missing: a WebSocket gap of its account overlaps it and Zoom's
   * participant report has not been merged yet (the instance is not `finalized`).
   */
  possiblyIncomplete: boolean;
  gaps: InstanceGap[];
}

/** The instance columns that place it in time. */
export interface InstanceSpan {
  account_id: string;
  start_time: number | string | null;
  span_from: number | string | null;
  end_time: number | string | null;
  status: string;
}

/**
 * The WebSocket gaps of the instance's account that overlap its span (from its start, or its first
 * event, to its end, or now while live). Zoom replays nothing after a gap, so such an instance may
 * miss joins and leaves until reconciliation merges Zoom's report and finalizes it.
 */
export async function instanceCompleteness(db: Kysely<Database>, instance: InstanceSpan): Promise<InstanceCompleteness> {
  const from = Number(instance.start_time ?? instance.span_from ?? 0);
  let query = db
    .selectFrom("websocket_gaps")
    .select(["subscription_id", "started_at", "ended_at", "reason"])
    .where("account_id", "=", instance.account_id)
    .where((eb) => eb.or([eb("ended_at", "is", null), eb("ended_at", ">", from)]));
  if (instance.end_time !== null) query = query.where("started_at", "<", Number(instance.end_time));
  const rows = await query.orderBy("started_at").limit(100).execute();
  const gaps = rows.map((g) => ({ subscriptionId: g.subscription_id, start: isoTime(g.started_at), end: isoTime(g.ended_at), reason: g.reason }));
  return { possiblyIncomplete: gaps.length > 0 && instance.status !== "finalized", gaps };
}

/**
 * The same test as {@link instanceCompleteness} as a SQL condition on `instances as i`, for listings.
 */
export function possiblyIncompleteCondition(eb: ExpressionBuilder<Database & { i: Database["instances"] }, "i">): Expression<SqlBool> {
  return eb.and([
    eb("i.status", "<>", "finalized"),
    eb.exists(
      eb
        .selectFrom("websocket_gaps as g")
        .select(sql`1`.as("one"))
        .whereRef("g.account_id", "=", "i.account_id")
        .where((g) => g.or([g("g.ended_at", "is", null), g("g.ended_at", ">", sql<number>`coalesce(i.start_time, i.span_from, 0)`)]))
        .where((g) => g.or([g("i.end_time", "is", null), g("g.started_at", "<", g.ref("i.end_time"))])),
    ),
  ]);
}

/** One recorded gap of a subscription, as `rollcall gaps` lists it. */
export interface SubscriptionGap extends InstanceGap {
  accountId: string;
}

/** The recorded WebSocket gaps, newest first; `from` keeps those that ended at or after it, or are open. */
export async function listGaps(db: Kysely<Database>, options: { from?: number; limit?: number } = {}): Promise<SubscriptionGap[]> {
  let query = db.selectFrom("websocket_gaps").select(["subscription_id", "account_id", "started_at", "ended_at", "reason"]);
  if (options.from !== undefined) query = query.where((eb) => eb.or([eb("ended_at", "is", null), eb("ended_at", ">=", options.from!)]));
  const rows = await query.orderBy("started_at", "desc").orderBy("id", "desc").limit(options.limit ?? 50).execute();
  return rows.map((g) => ({ subscriptionId: g.subscription_id, accountId: g.account_id, start: isoTime(g.started_at), end: isoTime(g.ended_at), reason: g.reason }));
}
