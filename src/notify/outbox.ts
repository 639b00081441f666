import type { Insertable, Kysely } from "kysely";
import { insertRows } from "../store/row-statements.js";
import type { NotifyEventTable, WebhookMessageTable } from "../store/tables/notify.js";
import type { Database } from "../store/index.js";
import type { NotifyEvent } from "./event-types.js";
import { newMessageId } from "./signing.js";
import { isoTime } from "../json/index.js";

/** The outbox's view of an endpoint: which events it wants. */
interface Subscriber {
  id: string;
  types: Set<string> | undefined;
}

/** What {@link recordEvents} wrote. */
export interface RecordedEvents {
  /** Rows added to `notify_events` (the live stream). */
  events: number;
  /** Outbox messages inserted. */
  messages: number;
  /** Pending `attendance.updated` messages replaced by a newer row (counted in `messages` too). */
  coalesced: number;
}

/**
 * Writes events into `notify_events` and one outbox message per subscribed endpoint. Call it in
 * the transaction of the change that caused the events: they commit or vanish with it, so a crash
 * can neither lose nor invent one.
 *
 * An event with a once-key that was already written is dropped. `attendance.updated` coalesces: a
 * message for the same (endpoint, instance, user) that no attempt has taken yet is replaced by the
 * new one at the end of the queue (nobody has seen its `webhook-id`), so a burst sends one message
 * with the latest row, a stale row never follows a newer one, and the row never overtakes the
 * `attendee.*` events written before it (updating the old message in place did: its place was
 * ahead of them). Once an attempt has started, the message keeps its body (a retry must send what
 * its `webhook-id` stands for) and the new row gets a message behind it.
 */
export async function recordEvents(db: Kysely<Database>, events: readonly NotifyEvent[], now: number, firstDelayMs: number): Promise<RecordedEvents> {
  const recorded: RecordedEvents = { events: 0, messages: 0, coalesced: 0 };
  if (events.length === 0) return recorded;
  // A disabled endpoint gets nothing: it said it is gone, or was switched off.
  const endpoints = await db.selectFrom("webhook_endpoints").select(["id", "event_types_json"]).where("disabled_at", "is", null).orderBy("id").execute();
  const subscribers: Subscriber[] = endpoints.map((e) => ({ id: e.id, types: e.event_types_json === null ? undefined : new Set(JSON.parse(e.event_types_json) as string[]) }));
  const timestamp = isoTime(now)!;
  const messages: Insertable<WebhookMessageTable>[] = [];
  // Log rows without a once-key wait here and go in with one statement (in order) before anything
  // that must see them written: a once-key insert, a coalescing update, or the end.
  const logRows: Insertable<NotifyEventTable>[] = [];
  const flushLog = async () => {
    recorded.events += await insertRows(db, "notify_events", logRows.splice(0));
  };
  for (const event of events) {
    const body = JSON.stringify({ type: event.type, timestamp, data: event.data });
    const row = { account_id: event.accountId, instance_uuid: event.instanceUuid, type: event.type, once_key: event.onceKey ?? null, body, created_at: now };
    if (event.onceKey !== undefined) {
      await flushLog();
      // Looked up first: on PostgreSQL an insert that meets the conflict still takes an id, and
      // the gap it leaves makes every live stream wait for it (see `createEventFeed`).
      if (await db.selectFrom("notify_events").select("id").where("once_key", "=", event.onceKey).executeTakeFirst()) continue;
      const inserted = await db.insertInto("notify_events").values(row).onConflict((oc) => oc.column("once_key").doNothing()).returning("id").executeTakeFirst();
      if (inserted === undefined) continue;
      recorded.events++;
    } else {
      logRows.push(row);
    }
    for (const endpoint of subscribers) {
      if (endpoint.types !== undefined && !endpoint.types.has(event.type)) continue;
      if (event.coalesceKey !== undefined) {
        // Everything queued before this event is written first: flush, then drop the superseded message.
        await flushLog();
        recorded.messages += await insertRows(db, "webhook_messages", messages.splice(0));
        const superseded = await db
          .deleteFrom("webhook_messages")
          .where("endpoint_id", "=", endpoint.id)
          .where("instance_uuid", "=", event.instanceUuid)
          .where("type", "=", event.type)
          .where("coalesce_key", "=", event.coalesceKey)
          .where("state", "=", "pending")
          .where("attempts", "=", 0)
          .where("last_error", "is", null) // a replayed dead letter was seen under its id already
          .executeTakeFirst();
        if (Number(superseded.numDeletedRows) > 0) recorded.coalesced++;
      }
      messages.push({
        message_id: newMessageId(),
        endpoint_id: endpoint.id,
        account_id: event.accountId,
        instance_uuid: event.instanceUuid,
        type: event.type,
        coalesce_key: event.coalesceKey ?? null,
        body,
        state: "pending",
        attempts: 0,
        next_attempt_at: now + firstDelayMs,
        created_at: now,
        updated_at: now,
      });
    }
  }
  await flushLog();
  recorded.messages += await insertRows(db, "webhook_messages", messages);
  return recorded;
}
