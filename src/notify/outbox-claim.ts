import { sql, type Kysely, type Selectable } from "kysely";
import { withWriteTransaction } from "../pipeline/write-transaction.js";
import type { Database, RollcallDatabase } from "../store/index.js";
import type { WebhookMessageTable } from "../store/tables/notify.js";

/** One outbox message taken for an attempt. `attempt` counts this one (1 for the first). */
export interface ClaimedMessage {
  id: number;
  messageId: string;
  endpointId: string;
  body: string;
  attempt: number;
}

/** What one claim may take. */
export interface ClaimLimits {
  /** Messages at most (the sender's free slots). */
  limit: number;
  /** Messages at most in flight to one endpoint, those already in flight included. */
  perEndpoint: number;
  /** Messages in flight now per endpoint id (read once the due rows are in). */
  endpointLoad: ReadonlyMap<string, number>;
  /** The time of the claim: what is due by then is claimable. */
  at: number;
  /** How long the claimed messages are left alone by other senders. */
  leaseMs: number;
}

/** A due row as read. */
type DueRow = Pick<Selectable<WebhookMessageTable>, "id" | "message_id" | "endpoint_id" | "body" | "attempts">;

/**
 * Claims due messages in one short transaction: reads the heads of the due queues, keeps those the
 * limits allow, counts their attempt and leases them. On PostgreSQL the rows are read
 * `FOR UPDATE SKIP LOCKED`, so several processes share the work and each message goes to one.
 */
export function claimDueMessages(store: RollcallDatabase, limits: ClaimLimits): Promise<ClaimedMessage[]> {
  return withWriteTransaction(store, async (trx) => {
    const rows = await readDueHeads(trx, store.dialect, limits.at, limits.limit);
    const picked = pickWithinLimits(rows, limits);
    if (picked.length > 0) await lease(trx, picked, limits.at, limits.leaseMs);
    return picked;
  });
}

/**
 * Due pending messages, oldest due first, each the head of its (endpoint, instance) queue, so per
 * endpoint and instance messages go out in the order they were written. Reads more than the limit:
 * some may be skipped for their endpoint's slots.
 */
function readDueHeads(trx: Kysely<Database>, dialect: RollcallDatabase["dialect"], at: number, limit: number): Promise<DueRow[]> {
  let query = trx
    .selectFrom("webhook_messages as m")
    .select(["m.id", "m.message_id", "m.endpoint_id", "m.body", "m.attempts"])
    .where("m.state", "=", "pending")
    .where("m.next_attempt_at", "<=", at)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("webhook_messages as p")
            .select("p.id")
            .whereRef("p.endpoint_id", "=", "m.endpoint_id")
            .whereRef("p.instance_uuid", "=", "m.instance_uuid")
            .where("p.state", "=", "pending")
            .whereRef("p.id", "<", "m.id"),
        ),
      ),
    )
    .orderBy("m.next_attempt_at")
    .orderBy("m.id")
    .limit(Math.max(limit * 4, 50));
  if (dialect === "postgres") query = query.forUpdate().skipLocked();
  return query.execute();
}

/** The rows to take, in order, up to the limit, skipping those whose endpoint has no slot left. */
function pickWithinLimits(rows: readonly DueRow[], limits: ClaimLimits): ClaimedMessage[] {
  const picked: ClaimedMessage[] = [];
  const load = new Map(limits.endpointLoad);
  for (const row of rows) {
    if (picked.length >= limits.limit) break;
    const busy = load.get(row.endpoint_id) ?? 0;
    if (busy >= limits.perEndpoint) continue;
    load.set(row.endpoint_id, busy + 1);
    picked.push({ id: Number(row.id), messageId: row.message_id, endpointId: row.endpoint_id, body: row.body, attempt: Number(row.attempts) + 1 });
  }
  return picked;
}

/** Counts the attempt and hides the messages from other senders until the lease runs out. */
async function lease(trx: Kysely<Database>, picked: readonly ClaimedMessage[], at: number, leaseMs: number): Promise<void> {
  await trx
    .updateTable("webhook_messages")
    .set({ attempts: sql<number>`attempts + 1`, next_attempt_at: at + leaseMs, updated_at: at })
    .where("id", "in", picked.map((p) => p.id))
    .execute();
}
