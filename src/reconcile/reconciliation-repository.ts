import { sql, type Kysely, type Selectable } from "kysely";
import type { Database, RollcallDatabase } from "../store/index.js";
import type { ReconciliationTable } from "../store/tables/reconcile.js";
import { withWriteTransaction } from "../pipeline/write-transaction.js";
import type { ReconcileDifference, ReconcileSummary } from "./attendance-differences.js";

/** Where one instance's reconciliation stands (see `tables/reconcile.ts`). */
export type ReconciliationState = "scheduled" | "finalized" | "failed" | "expired";

export type ReconciliationRow = Selectable<ReconciliationTable>;

/** Timing of new schedules. */
export interface ScheduleTiming {
  now: number;
  delayMs: number;
  deadlineMs: number;
}

/**
 * Schedules a reconciliation for every ended instance of `accountId` that has none yet: due
 * `delayMs` after its `end_time` (at once for instances that ended long ago), giving up
 * `deadlineMs` after that. Safe to run from several processes (`on conflict do nothing`).
 *
 * @returns how many were scheduled.
 */
export async function scheduleEndedInstances(db: Kysely<Database>, accountId: string, timing: ScheduleTiming): Promise<number> {
  const candidates = await db
    .selectFrom("instances as i")
    .leftJoin("reconciliations as r", (join) => join.onRef("r.account_id", "=", "i.account_id").onRef("r.instance_uuid", "=", "i.instance_uuid"))
    .select(["i.instance_uuid", "i.meeting_id", "i.end_time"])
    .where("i.account_id", "=", accountId)
    .where("i.status", "=", "ended")
    .where("r.instance_uuid", "is", null)
    .limit(500)
    .execute();
  let scheduled = 0;
  for (const c of candidates) {
    const dueAt = Number(c.end_time ?? timing.now) + timing.delayMs;
    scheduled += await insertSchedule(db, { accountId, instanceUuid: c.instance_uuid, meetingId: c.meeting_id, dueAt, deadlineAt: Math.max(dueAt, timing.now) + timing.deadlineMs, now: timing.now });
  }
  return scheduled;
}

/**
 * Schedules a reconciliation, due now, for every `live` instance of `accountId` that has none yet
 * and whose latest inbox event was received more than `idleMs` ago: its `*.ended` webhook may never
 * have arrived. While Zoom still has no report (the meeting really is on) the attempts back off as
 * usual and give up `deadlineMs` from now. Safe to run from several processes.
 *
 * @returns how many were scheduled.
 */
export async function scheduleIdleInstances(db: Kysely<Database>, accountId: string, timing: { now: number; idleMs: number; deadlineMs: number }): Promise<number> {
  const candidates = await db
    .selectFrom("instances as i")
    .leftJoin("reconciliations as r", (join) => join.onRef("r.account_id", "=", "i.account_id").onRef("r.instance_uuid", "=", "i.instance_uuid"))
    .select(["i.instance_uuid", "i.meeting_id"])
    .where("i.account_id", "=", accountId)
    .where("i.status", "=", "live")
    .where("r.instance_uuid", "is", null)
    // The latest event by id (index inbox_events_instance), not max(received_at) over every event of a large live instance.
    .where((eb) => eb(eb.selectFrom("inbox_events as e").select("e.received_at").whereRef("e.instance_uuid", "=", "i.instance_uuid").orderBy("e.id", "desc").limit(1), "<", timing.now - timing.idleMs))
    .limit(500)
    .execute();
  let scheduled = 0;
  for (const c of candidates) {
    scheduled += await insertSchedule(db, { accountId, instanceUuid: c.instance_uuid, meetingId: c.meeting_id, dueAt: timing.now, deadlineAt: timing.now + timing.deadlineMs, now: timing.now });
  }
  return scheduled;
}

/**
 * Schedules a reconciliation, due now, for every `live` instance of `accountId` that has none yet
 * and that a WebSocket gap overlaps (`websocket_gaps`): Zoom replays nothing after a gap, so its
 * `*.ended` webhook may be among what was lost. While the meeting goes on, Zoom answers "not ended"
 * and the attempts back off as usual; once it ends, the report is merged and the instance finalized.
 * Ended instances need nothing here: every one is scheduled already.
 *
 * @returns how many were scheduled.
 */
export async function scheduleGapInstances(db: Kysely<Database>, accountId: string, timing: { now: number; deadlineMs: number }): Promise<number> {
  const candidates = await db
    .selectFrom("instances as i")
    .leftJoin("reconciliations as r", (join) => join.onRef("r.account_id", "=", "i.account_id").onRef("r.instance_uuid", "=", "i.instance_uuid"))
    .select(["i.instance_uuid", "i.meeting_id"])
    .where("i.account_id", "=", accountId)
    .where("i.status", "=", "live")
    .where("r.instance_uuid", "is", null)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("websocket_gaps as g")
          .select("g.id")
          .whereRef("g.account_id", "=", "i.account_id")
          .where((g) => g.or([g("g.ended_at", "is", null), g("g.ended_at", ">", sql<number>`coalesce(i.start_time, i.span_from, 0)`)])),
      ),
    )
    .limit(500)
    .execute();
  let scheduled = 0;
  for (const c of candidates) {
    scheduled += await insertSchedule(db, { accountId, instanceUuid: c.instance_uuid, meetingId: c.meeting_id, dueAt: timing.now, deadlineAt: timing.now + timing.deadlineMs, now: timing.now });
  }
  return scheduled;
}

/** Inserts a `scheduled` row unless the instance has one; returns 1 when inserted. */
async function insertSchedule(db: Kysely<Database>, s: { accountId: string; instanceUuid: string; meetingId: string; dueAt: number; deadlineAt: number; now: number }): Promise<number> {
  const result = await db
    .insertInto("reconciliations")
    .values({
      account_id: s.accountId,
      instance_uuid: s.instanceUuid,
      meeting_id: s.meetingId,
      state: "scheduled",
      due_at: s.dueAt,
      deadline_at: s.deadlineAt,
      attempts: 0,
      last_error: null,
      endpoint: null,
      report_rows: 0,
      new_rows: 0,
      fetched_at: null,
      summary_json: null,
      created_at: s.now,
      updated_at: s.now,
    })
    .onConflict((oc) => oc.columns(["account_id", "instance_uuid"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/**
 * Claims up to `limit` due reconciliations for this process: each claimed row's `due_at` moves
 * `leaseMs` ahead and its `attempts` goes up, in one transaction. On PostgreSQL the rows are read
 * `FOR UPDATE SKIP LOCKED`, so two Rollcall processes never claim one instance at the same time;
 * a process that dies mid-fetch leaves the row to be claimed again when the lease runs out.
 */
export async function claimDueReconciliations(store: RollcallDatabase, options: { now: number; leaseMs: number; limit: number; accountId?: string }): Promise<ReconciliationRow[]> {
  return withWriteTransaction(store, async (trx) => {
    let query = trx.selectFrom("reconciliations").selectAll().where("state", "=", "scheduled").where("due_at", "<=", options.now).orderBy("due_at").limit(options.limit);
    if (options.accountId !== undefined) query = query.where("account_id", "=", options.accountId);
    if (store.dialect === "postgres") query = query.forUpdate().skipLocked();
    const rows = await query.execute();
    for (const row of rows) {
      await trx
        .updateTable("reconciliations")
        .set({ due_at: options.now + options.leaseMs, attempts: sql<number>`attempts + 1`, updated_at: options.now })
        .where("account_id", "=", row.account_id)
        .where("instance_uuid", "=", row.instance_uuid)
        .execute();
    }
    return rows.map((r) => ({ ...r, attempts: Number(r.attempts) + 1, due_at: options.now + options.leaseMs }));
  });
}

/**
 * Makes sure the instance has a reconciliation row and counts an attempt on it (for
 * `rollcall reconcile`, which runs now whatever `due_at` says).
 */
export async function beginManualReconciliation(db: Kysely<Database>, target: { accountId: string; instanceUuid: string; meetingId: string }, timing: ScheduleTiming): Promise<void> {
  await insertSchedule(db, { ...target, dueAt: timing.now, deadlineAt: timing.now + timing.deadlineMs, now: timing.now });
  await db
    .updateTable("reconciliations")
    .set({ attempts: sql<number>`attempts + 1`, updated_at: timing.now })
    .where("account_id", "=", target.accountId)
    .where("instance_uuid", "=", target.instanceUuid)
    .execute();
}

/** Puts a reconciliation back to `scheduled` for `dueAt` (Zoom not ready, rate limited, or down). */
export async function rescheduleReconciliation(db: Kysely<Database>, key: { accountId: string; instanceUuid: string }, dueAt: number, error: string, now: number): Promise<void> {
  await db
    .updateTable("reconciliations")
    .set({ state: "scheduled", due_at: dueAt, last_error: error, updated_at: now })
    .where("account_id", "=", key.accountId)
    .where("instance_uuid", "=", key.instanceUuid)
    .execute();
}

/** Ends a reconciliation without a report: `failed` (Zoom refused for good) or `expired` (never ready). */
export async function giveUpReconciliation(db: Kysely<Database>, key: { accountId: string; instanceUuid: string }, state: "failed" | "expired", error: string, now: number): Promise<void> {
  await db
    .updateTable("reconciliations")
    .set({ state, last_error: error, updated_at: now })
    .where("account_id", "=", key.accountId)
    .where("instance_uuid", "=", key.instanceUuid)
    .execute();
}

/** What a finished fetch found. */
export interface FinalizedReconciliation {
  accountId: string;
  instanceUuid: string;
  endpoint: string;
  reportRows: number;
  newRows: number;
  fetchedAt: number;
  summary: ReconcileSummary;
  differences: ReconcileDifference[];
}

/**
 * Marks the reconciliation `finalized`, replaces its recorded differences, and marks the instance
 * `finalized` when it has ended (the derived-row writer keeps it so from then on). Call inside the
 * transaction that stored the report rows.
 */
export async function finalizeReconciliation(trx: Kysely<Database>, f: FinalizedReconciliation): Promise<void> {
  await trx
    .updateTable("reconciliations")
    .set({ state: "finalized", last_error: null, endpoint: f.endpoint, report_rows: f.reportRows, new_rows: f.newRows, fetched_at: f.fetchedAt, summary_json: JSON.stringify(f.summary), updated_at: f.fetchedAt })
    .where("account_id", "=", f.accountId)
    .where("instance_uuid", "=", f.instanceUuid)
    .execute();
  await trx.deleteFrom("reconcile_differences").where("account_id", "=", f.accountId).where("instance_uuid", "=", f.instanceUuid).execute();
  const rows = f.differences.map((d) => ({ account_id: f.accountId, instance_uuid: f.instanceUuid, ...differenceColumns(d) }));
  for (let i = 0; i < rows.length; i += 500) await trx.insertInto("reconcile_differences").values(rows.slice(i, i + 500)).execute();
  // Live too: Zoom had a report, so the meeting is over even if its `meeting.ended` never arrived.
  await trx.updateTable("instances").set({ status: "finalized" }).where("account_id", "=", f.accountId).where("instance_uuid", "=", f.instanceUuid).where("status", "in", ["ended", "live"]).execute();
}

function differenceColumns(d: ReconcileDifference) {
  switch (d.kind) {
    case "attendance":
      return { kind: d.kind, subject: d.userId, user_id: d.userId, webhook_ms: d.webhookMs, report_ms: d.reportMs, reconciled_ms: d.reconciledMs, detail_json: JSON.stringify({ webhookSessions: d.webhookSessions, reconciledSessions: d.reconciledSessions }) };
    case "session_added":
      return { kind: d.kind, subject: d.sessionKey, user_id: d.userId, webhook_ms: null, report_ms: d.reconciledMs, reconciled_ms: d.reconciledMs, detail_json: JSON.stringify({ method: d.method }) };
    case "resolution_changed":
      return { kind: d.kind, subject: d.sessionKey, user_id: d.after.userId ?? d.before.userId, webhook_ms: null, report_ms: null, reconciled_ms: null, detail_json: JSON.stringify({ before: d.before, after: d.after }) };
  }
}
