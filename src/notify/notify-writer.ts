import type { Kysely } from "kysely";
import type { StatusPolicy } from "../config/index.js";
import type { InstanceResult } from "../core/index.js";
import { storedNumber, type Database } from "../store/index.js";
import type { InstanceRowChanges } from "../store/derived/index.js";
import { deriveEvents, instanceData } from "./derive-events.js";
import { factsFromDatabase, factsFromResult } from "./instance-facts.js";
import { recordEvents } from "./outbox.js";
import type { NotifyEvent } from "./event-types.js";

export interface NotifyWriterOptions {
  /** Status policy of `attendance.updated` rows (`ROLLCALL_STATUS_POLICY`). */
  policy: StatusPolicy;
  /** `ROLLCALL_WEBHOOK_RETRY_SECONDS`: its first entry delays a new message's first attempt. */
  retrySeconds: readonly number[];
  now?: () => number;
}

/** The hooks other modules call inside their transactions; they write events and outbox messages there. */
export interface NotifyWriter {
  /** For the pipeline's `onRowChanges`: the events that take each instance of a batch from its old rows to the new ones. */
  onRowChanges(db: Kysely<Database>, instances: ReadonlyArray<{ changes: InstanceRowChanges; previous: InstanceResult | undefined }>): Promise<unknown>;
  /** For reconciliation's `onFinalized`: `instance.finalized`, once per instance. */
  onFinalized(db: Kysely<Database>, instance: { accountId: string; instanceUuid: string }): Promise<unknown>;
}

/**
 * The writer side of outbound webhooks and the live stream, given to the pipeline and to
 * reconciliation as plain callbacks (so neither imports `src/notify`). Events are derived from the
 * difference between what was written before (the previous result this process wrote, else the
 * rows in the database) and what is being written, and recorded in the same transaction.
 */
export function createNotifyWriter(options: NotifyWriterOptions): NotifyWriter {
  const now = options.now ?? Date.now;
  const firstDelayMs = Math.round((options.retrySeconds[0] ?? 0) * 1000);
  return {
    async onRowChanges(db, instances) {
      const events: NotifyEvent[] = [];
      for (const { changes, previous } of instances) {
        const after = factsFromResult(changes.accountId, changes.snapshot.result);
        const before = previous !== undefined ? factsFromResult(changes.accountId, previous) : await factsFromDatabase(db, changes.accountId, changes.instanceUuid);
        for (const event of deriveEvents(before, after, options.policy)) events.push(event);
      }
      // One call per batch: the endpoints are read once and the log rows go in together.
      return recordEvents(db, events, now(), firstDelayMs);
    },
    async onFinalized(db, { accountId, instanceUuid }) {
      const row = await db.selectFrom("instances").selectAll().where("account_id", "=", accountId).where("instance_uuid", "=", instanceUuid).executeTakeFirst();
      if (!row) return undefined;
      const instance = instanceData({
        accountId,
        uuid: instanceUuid,
        meetingId: row.meeting_id,
        topic: row.topic,
        startTime: storedNumber(row.start_time),
        endTime: storedNumber(row.end_time),
        status: "finalized",
        spanFrom: storedNumber(row.span_from),
        spanTo: storedNumber(row.span_to),
      });
      return recordEvents(db, [{ type: "instance.finalized", accountId, instanceUuid, onceKey: `instance.finalized:${accountId}:${instanceUuid}`, data: { instance } }], now(), firstDelayMs);
    },
  };
}
