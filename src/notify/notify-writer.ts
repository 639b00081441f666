import type { Kysely } from "kysely";
import type { StatusPolicy } from "../config/index.js";
import type { InstanceUpdate } from "../core/index.js";
import { storedNumber, type Database } from "../store/index.js";
import { deriveEvents, instanceData } from "./derive-events.js";
import { attendeeFacts, factsFromDatabase, instanceFacts, sessionFacts, summaryOf, type InstanceFacts } from "./instance-facts.js";
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
  onRowChanges(db: Kysely<Database>, instances: ReadonlyArray<{ accountId: string; update: InstanceUpdate }>): Promise<unknown>;
  /** For reconciliation's `onFinalized`: `instance.finalized`, once per instance. */
  onFinalized(db: Kysely<Database>, instance: { accountId: string; instanceUuid: string }): Promise<unknown>;
}

/**
 * The writer side of outbound webhooks and the live stream, given to the pipeline and to
 * reconciliation as plain callbacks (so neither imports `src/notify`). Events are derived from the
 * difference between what was written before and what is being written, and recorded in the same
 * transaction: from the engine's update alone (what changed, and what it was) while the meeting is
 * live, from the rows in the database when the update is a state's first or the instance's own
 * facts moved in a way every row's status follows (it ended, its times changed after it ended).
 */
export function createNotifyWriter(options: NotifyWriterOptions): NotifyWriter {
  const now = options.now ?? Date.now;
  const firstDelayMs = Math.round((options.retrySeconds[0] ?? 0) * 1000);
  return {
    async onRowChanges(db, instances) {
      const events: NotifyEvent[] = [];
      for (const { accountId, update } of instances) {
        const { before, after } = await beforeAndAfter(db, accountId, update);
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

/**
 * What an instance's facts were and are, as far as an update changes them: the changed sessions
 * and users alone while nothing every row depends on moved; every session and user (the rows as
 * stored, with the update applied) otherwise.
 */
async function beforeAndAfter(db: Kysely<Database>, accountId: string, update: InstanceUpdate): Promise<{ before: InstanceFacts | undefined; after: InstanceFacts }> {
  const instance = instanceFacts(accountId, update.instance);
  const previous = update.instanceBefore === undefined ? undefined : instanceFacts(accountId, update.instanceBefore);
  if (update.complete || previous === undefined || everyRowFollows(previous, instance)) {
    const before = await factsFromDatabase(db, accountId, update.instance.uuid);
    const after: InstanceFacts = update.complete || before === undefined ? { instance, sessions: new Map(), attendance: new Map() } : { instance, sessions: new Map(before.sessions), attendance: new Map(before.attendance) };
    applyUpdate(after, update);
    return { before, after };
  }
  const before: InstanceFacts = { instance: previous, sessions: new Map(), attendance: new Map() };
  for (const { before: old } of update.sessions) if (old !== undefined) before.sessions.set(old.sessionKey, sessionFacts(old));
  for (const old of update.goneSessions) before.sessions.set(old.sessionKey, sessionFacts(old));
  for (const { before: old } of update.attendance) if (old !== undefined) before.attendance.set(old.userId, attendeeFacts(old));
  for (const old of update.goneAttendance) before.attendance.set(old.userId, attendeeFacts(old));
  const after: InstanceFacts = { instance, sessions: new Map(), attendance: new Map() };
  applyUpdate(after, update);
  return { before, after };
}

/** The update's changes onto `facts`: changed sessions and users set, gone ones removed. */
function applyUpdate(facts: InstanceFacts, update: InstanceUpdate): void {
  for (const { now } of update.sessions) facts.sessions.set(now.session.sessionKey, sessionFacts(summaryOf(now)));
  for (const gone of update.goneSessions) facts.sessions.delete(gone.sessionKey);
  for (const { now } of update.attendance) facts.attendance.set(now.userId, attendeeFacts(now));
  for (const gone of update.goneAttendance) facts.attendance.delete(gone.userId);
}

/**
 * Whether every attendee row may say something new though its own time did not change: the
 * instance ended (statuses go from `in_meeting`/`left` to the policy's), or, once it has ended, its
 * start, end or span moved (lateness, leaving early and the share of the span follow them).
 */
function everyRowFollows(before: InstanceFacts["instance"], after: InstanceFacts["instance"]): boolean {
  if (before.status !== after.status) return true;
  if (after.status === "live") return false;
  return before.startTime !== after.startTime || before.endTime !== after.endTime || before.spanFrom !== after.spanFrom || before.spanTo !== after.spanTo;
}
