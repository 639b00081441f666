import type { Kysely } from "kysely";
import type { Database } from "../../store/index.js";

/** One subscription as the door sees it in the database. */
export interface SubscriptionKey {
  subscriptionId: string;
  accountId: string;
}

/** A recorded gap: no connection open from `startedAt` until `endedAt` (null: still open). */
export interface WebsocketGap {
  id: number;
  subscriptionId: string;
  accountId: string;
  startedAt: number;
  endedAt: number | null;
  reason: string;
}

/**
 * Opens a gap for the subscription unless one is open already (repeated failed connects are one
 * gap). It starts where coverage ends: the last moment every received event was committed over an
 * open connection, so events received but not committed (a crash) fall inside it. A subscription
 * never seen before starts its coverage now.
 *
 * @returns the open gap (new or existing).
 */
export async function openGap(db: Kysely<Database>, key: SubscriptionKey, reason: string, now: number): Promise<WebsocketGap> {
  return db.transaction().execute(async (trx) => {
    const open = await trx.selectFrom("websocket_gaps").selectAll().where("subscription_id", "=", key.subscriptionId).where("ended_at", "is", null).executeTakeFirst();
    if (open) return gapFromRow(open);
    const coverage = await trx.selectFrom("websocket_subscriptions").select("covered_until").where("subscription_id", "=", key.subscriptionId).executeTakeFirst();
    if (!coverage) {
      await trx.insertInto("websocket_subscriptions").values({ subscription_id: key.subscriptionId, account_id: key.accountId, covered_until: now, updated_at: now }).execute();
    }
    const startedAt = coverage ? Math.min(Number(coverage.covered_until), now) : now;
    const row = await trx
      .insertInto("websocket_gaps")
      .values({ subscription_id: key.subscriptionId, account_id: key.accountId, started_at: startedAt, ended_at: null, reason })
      .returningAll()
      .executeTakeFirstOrThrow();
    return gapFromRow(row);
  });
}

/**
 * Records that a connection is open from `now`: closes the open gap (or, when a holder died without
 * opening one, records the stretch since coverage ended as a closed gap) and moves coverage to now.
 *
 * @returns the gap just closed, if there was one.
 */
export async function closeGap(db: Kysely<Database>, key: SubscriptionKey, reasonIfUnrecorded: string, now: number): Promise<WebsocketGap | undefined> {
  return db.transaction().execute(async (trx) => {
    const coverage = await trx.selectFrom("websocket_subscriptions").select("covered_until").where("subscription_id", "=", key.subscriptionId).executeTakeFirst();
    const open = await trx.selectFrom("websocket_gaps").selectAll().where("subscription_id", "=", key.subscriptionId).where("ended_at", "is", null).executeTakeFirst();
    let closed: WebsocketGap | undefined;
    if (open) {
      await trx.updateTable("websocket_gaps").set({ ended_at: now }).where("id", "=", open.id).execute();
      closed = { ...gapFromRow(open), endedAt: now };
    } else if (coverage && Number(coverage.covered_until) < now) {
      const row = await trx
        .insertInto("websocket_gaps")
        .values({ subscription_id: key.subscriptionId, account_id: key.accountId, started_at: Number(coverage.covered_until), ended_at: now, reason: reasonIfUnrecorded })
        .returningAll()
        .executeTakeFirstOrThrow();
      closed = gapFromRow(row);
    }
    await advance(trx, key, now);
    return closed;
  });
}

/** Moves the subscription's coverage forward to `until` (never back). */
export async function advanceCoverage(db: Kysely<Database>, key: SubscriptionKey, until: number): Promise<void> {
  await advance(db, key, until);
}

async function advance(db: Kysely<Database>, key: SubscriptionKey, until: number): Promise<void> {
  const moved = await db
    .updateTable("websocket_subscriptions")
    .set({ covered_until: until, updated_at: until })
    .where("subscription_id", "=", key.subscriptionId)
    .where("covered_until", "<", until)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) > 0) return;
  await db
    .insertInto("websocket_subscriptions")
    .values({ subscription_id: key.subscriptionId, account_id: key.accountId, covered_until: until, updated_at: until })
    .onConflict((oc) => oc.column("subscription_id").doNothing())
    .execute();
}

function gapFromRow(row: { id: number; subscription_id: string; account_id: string; started_at: number; ended_at: number | null; reason: string }): WebsocketGap {
  return {
    id: Number(row.id),
    subscriptionId: row.subscription_id,
    accountId: row.account_id,
    startedAt: Number(row.started_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    reason: row.reason,
  };
}
