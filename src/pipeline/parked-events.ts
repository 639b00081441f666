import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";

/** A parked inbox event: what it was and why it could not be applied (no body: it may hold names). */
export interface ParkedEvent {
  id: number;
  event: string;
  accountId: string | null;
  instanceUuid: string | null;
  receivedAt: number;
  processedAt: number | null;
  error: string;
}

/**
 * Lists parked events, oldest first. `rollcall reprocess --list-parked` prints them;
 * `rollcall reprocess` retries them.
 */
export async function listParkedEvents(db: Kysely<Database>, limit = 1000): Promise<ParkedEvent[]> {
  const rows = await db
    .selectFrom("inbox_events")
    .select(["id", "event", "account_id", "instance_uuid", "received_at", "processed_at", "error"])
    .where("status", "=", "parked")
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    event: r.event,
    accountId: r.account_id,
    instanceUuid: r.instance_uuid,
    receivedAt: r.received_at,
    processedAt: r.processed_at,
    error: r.error ?? "",
  }));
}
