import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import { isoTime } from "../json/index.js";

/** A message that failed every attempt of the retry schedule. */
export interface DeadLetter {
  /** The `webhook-id` it was (and will be again) sent with. */
  messageId: string;
  endpointId: string;
  instanceUuid: string;
  type: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  failedAt: string;
}

/**
 * Dead-lettered messages, oldest first, optionally of one endpoint.
 */
export async function listDeadLetters(db: Kysely<Database>, options: { endpointId?: string; limit?: number } = {}): Promise<DeadLetter[]> {
  let query = db.selectFrom("webhook_messages").selectAll().where("state", "=", "dead").orderBy("id").limit(options.limit ?? 1000);
  if (options.endpointId !== undefined) query = query.where("endpoint_id", "=", options.endpointId);
  const rows = await query.execute();
  return rows.map((r) => ({
    messageId: r.message_id,
    endpointId: r.endpoint_id,
    instanceUuid: r.instance_uuid,
    type: r.type,
    attempts: Number(r.attempts),
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    lastError: r.last_error,
    createdAt: isoTime(r.created_at)!,
    failedAt: isoTime(r.updated_at)!,
  }));
}

/**
 * Sends dead-lettered messages again: they go back to `pending`, due now, with a fresh retry
 * schedule and the same `webhook-id` (receivers dedupe on it). Select by `messageId`, by
 * `endpointId`, or neither for every dead letter. Returns how many were re-queued.
 */
export async function replayDeadLetters(db: Kysely<Database>, options: { endpointId?: string; messageId?: string; now?: number } = {}): Promise<number> {
  const now = options.now ?? Date.now();
  let query = db.updateTable("webhook_messages").set({ state: "pending", attempts: 0, next_attempt_at: now, updated_at: now }).where("state", "=", "dead");
  if (options.endpointId !== undefined) query = query.where("endpoint_id", "=", options.endpointId);
  if (options.messageId !== undefined) query = query.where("message_id", "=", options.messageId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
