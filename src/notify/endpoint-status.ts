import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";

/** The reason recorded when a receiver answers `410 Gone`. */
export const goneReason = "the receiver answered 410 Gone";

/**
 * Switches an endpoint off: no messages are written for it any more, and its pending ones become
 * dead letters now (not retried for days against a receiver that said it is gone), so they can be
 * replayed once it is enabled again. Call it inside a transaction. True when it was enabled
 * (false: already disabled, or no such endpoint), so a switch-off is counted and logged once.
 */
export async function disableEndpoint(db: Kysely<Database>, id: string, reason: string, now: number): Promise<boolean> {
  const result = await db.updateTable("webhook_endpoints").set({ disabled_at: now, disabled_reason: reason, updated_at: now }).where("id", "=", id).where("disabled_at", "is", null).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await db
    .updateTable("webhook_messages")
    .set({ state: "dead", last_error: `endpoint disabled: ${reason}`, next_attempt_at: now, updated_at: now })
    .where("endpoint_id", "=", id)
    .where("state", "=", "pending")
    .execute();
  return true;
}

/**
 * Switches an endpoint on again: messages are written for new events from now on. What went dead
 * while it was off stays dead until replayed (`POST …/replay`), so nothing old is sent unasked.
 * False when there is no such endpoint.
 */
export async function enableEndpoint(db: Kysely<Database>, id: string, now: number = Date.now()): Promise<boolean> {
  const result = await db.updateTable("webhook_endpoints").set({ disabled_at: null, disabled_reason: null, updated_at: now }).where("id", "=", id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
