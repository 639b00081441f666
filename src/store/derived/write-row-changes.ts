import type { Insertable, Kysely, Transaction } from "kysely";
import type { InstanceResult } from "../../core/index.js";
import type { Database } from "../schema.js";
import type { AttendanceTable, MeetingTable, ParticipantSessionTable, SessionIdentifierTable, SessionResolutionTable } from "../tables/derived.js";
import { forTuples, insertRows } from "../row-statements.js";
import { fullRowChanges, type InstanceRowChanges } from "./row-changes.js";

type Db = Kysely<Database> | Transaction<Database>;

/** How many rows one write changed, per table (for tests and the benchmark). */
export interface WriteStats {
  upserted: number;
  deleted: number;
}

export interface WriteInstanceOptions {
  /** The instance's new `revision`. */
  revision: number;
  /** Distinct events applied (`instances.event_count`). */
  eventCount: number;
  /** The `needs_resolve` value read before the links were loaded; subtracted, so marks made since survive. */
  resolvedMarks: number;
  /** Computed with links known to be out of date: the instance is marked for re-resolution again. */
  markAgain?: boolean;
  now: number;
}

/** Replaces every derived row of an instance with the rows of `result` (tests, tools). Call inside the transaction that holds the instance's lock. */
export async function writeInstanceRows(db: Db, accountId: string, result: InstanceResult, options: WriteInstanceOptions, stats: WriteStats = { upserted: 0, deleted: 0 }): Promise<void> {
  await writeInstanceRowChanges(db, [{ changes: fullRowChanges(accountId, result), options }], stats);
}

/** One instance's changes and the values its `instances` row gets. */
export interface InstanceWrite {
  changes: InstanceRowChanges;
  options: WriteInstanceOptions;
}

/**
 * Writes the row changes of every instance of a batch (inside the
 * transaction holding their locks), table by table: a handful of statements per batch rather than
 * a dozen per instance, which is what a burst over many live meetings needs.
 */
export async function writeInstanceRowChanges(db: Db, writes: readonly InstanceWrite[], stats: WriteStats = { upserted: 0, deleted: 0 }): Promise<void> {
  if (writes.length === 0) return;
  await upsertInstances(db, writes);
  await upsertMeetings(db, writes);

  const replaced: string[][] = [];
  const goneSessions: string[][] = [];
  const identifierSessions: string[][] = [];
  const goneResolutions: string[][] = [];
  const goneAttendance: string[][] = [];
  const sessions: Insertable<ParticipantSessionTable>[] = [];
  const identifiers: Insertable<SessionIdentifierTable>[] = [];
  const resolutions: Insertable<SessionResolutionTable>[] = [];
  const attendance: Insertable<AttendanceTable>[] = [];
  for (const { changes } of writes) {
    const a = changes.accountId;
    const i = changes.instanceUuid;
    const rows = changes.full;
    if (rows !== undefined) {
      replaced.push([a, i]);
      push(sessions, rows.sessions);
      push(identifiers, rows.identifiers);
      push(resolutions, rows.resolutions);
      push(attendance, rows.attendance);
      continue;
    }
    for (const k of changes.goneSessions) goneSessions.push([a, i, k]);
    for (const k of changes.identifierSessions) identifierSessions.push([a, i, k]);
    for (const k of changes.goneResolutions) goneResolutions.push([a, i, k]);
    for (const k of changes.goneAttendance) goneAttendance.push([a, i, k]);
    push(sessions, changes.sessions);
    push(identifiers, changes.identifiers);
    push(resolutions, changes.resolutions);
    push(attendance, changes.attendance);
  }

  for (const table of ["participant_sessions", "session_identifiers", "session_resolutions", "attendance"] as const) {
    stats.deleted += (await forTuples(db, replaced, (v) => `delete from ${table} where (account_id, instance_uuid) in (values ${v})`)).affected;
  }
  stats.deleted += (await forTuples(db, goneSessions, (v) => `delete from participant_sessions where (account_id, instance_uuid, session_key) in (values ${v})`)).affected;
  stats.deleted += (await forTuples(db, identifierSessions, (v) => `delete from session_identifiers where (account_id, instance_uuid, session_key) in (values ${v})`)).affected;
  stats.deleted += (await forTuples(db, goneResolutions, (v) => `delete from session_resolutions where (account_id, instance_uuid, session_key) in (values ${v})`)).affected;
  stats.deleted += (await forTuples(db, goneAttendance, (v) => `delete from attendance where (account_id, instance_uuid, user_id) in (values ${v})`)).affected;

  // Upserts also for replaced instances: their rows were just deleted, so each is an insert. Only
  // rows that changed (by the engine's update, or against the stored rows) get here.
  stats.upserted += await insertRows(db, "participant_sessions", sessions, { conflictKey: ["account_id", "instance_uuid", "session_key"] });
  stats.upserted += await insertRows(db, "session_identifiers", identifiers);
  stats.upserted += await insertRows(db, "session_resolutions", resolutions, { conflictKey: ["account_id", "instance_uuid", "session_key"] });
  stats.upserted += await insertRows(db, "attendance", attendance, { conflictKey: ["account_id", "instance_uuid", "user_id"] });
}

function push<T>(into: T[], rows: readonly T[]): void {
  for (const row of rows) into.push(row);
}

async function upsertInstances(db: Db, writes: readonly InstanceWrite[]): Promise<void> {
  const rows = writes.map(({ changes, options }) => ({
    ...changes.instance,
    event_count: options.eventCount,
    revision: options.revision,
    // Inserted: the marks this computation read (0 for an instance without a row). On conflict the
    // row keeps the marks made after this computation loaded its links, for the next round.
    needs_resolve: options.resolvedMarks,
    updated_at: options.now,
  }));
  const columns = Object.keys(rows[0]!).filter((c) => c !== "account_id" && c !== "instance_uuid");
  const update = Object.fromEntries(columns.map((c) => [c, c === "needs_resolve" ? "instances.needs_resolve - excluded.needs_resolve" : `excluded.${c}`]));
  await insertRows(db, "instances", rows, { conflictKey: ["account_id", "instance_uuid"], update });
  const again = writes.filter((w) => w.options.markAgain);
  if (again.length > 0) {
    await forTuples(db, again.map((w) => [w.changes.accountId, w.changes.instanceUuid]), (v) => `update instances set needs_resolve = needs_resolve + 1 where (account_id, instance_uuid) in (values ${v})`);
  }
  // An ended instance whose reconciliation with Zoom's report is done (src/reconcile) stays
  // `finalized` through every recomputation, `reprocess` included: the engine only knows live/ended.
  // A live instance counts too: Zoom serves a report only once the meeting is over, so a finalized
  // reconciliation of an instance whose `meeting.ended` never came still means it ended.
  await forTuples(
    db,
    writes.map((w) => [w.changes.accountId, w.changes.instanceUuid]),
    (v) => `update instances set status = 'finalized' where (account_id, instance_uuid) in (values ${v}) and status in ('ended', 'live')
      and exists (select 1 from reconciliations r where r.account_id = instances.account_id and r.instance_uuid = instances.instance_uuid and r.state = 'finalized')`,
  );
}

/**
 * The meetings of the batch: inserted when new, then every column read from the meeting's
 * instances (just written): product and `last_instance_uuid` from the latest instance (by start,
 * then uuid), topic, host and type from the latest instance that says them. So a meeting row is a
 * function of its instances, whatever order they were computed in (a server's batches, `reprocess`
 * beside it), and not of which one happened to be written last.
 */
async function upsertMeetings(db: Db, writes: readonly InstanceWrite[]): Promise<void> {
  const merged = new Map<string, MeetingTable>();
  for (const { changes, options } of writes) {
    const m = changes.meeting;
    if (m !== undefined) merged.set(`${m.account_id}\u001f${m.meeting_id}`, { ...m, updated_at: options.now });
  }
  if (merged.size === 0) return;
  await insertRows(db, "meetings", [...merged.values()], { conflictKey: ["account_id", "meeting_id"], update: { updated_at: "excluded.updated_at" } });
  const latest = (column: string, stated: boolean) =>
    `(select i.${column} from instances i where i.account_id = meetings.account_id and i.meeting_id = meetings.meeting_id${stated ? ` and i.${column} is not null` : ""}
      order by coalesce(i.start_time, i.span_from, 0) desc, i.instance_uuid desc limit 1)`;
  await forTuples(
    db,
    [...merged.values()].map((m) => [m.account_id, m.meeting_id]),
    (v) => `update meetings set
      product = coalesce(${latest("product", true)}, meetings.product),
      last_instance_uuid = coalesce(${latest("instance_uuid", false)}, meetings.last_instance_uuid),
      topic = coalesce(${latest("topic", true)}, meetings.topic),
      host_id = coalesce(${latest("host_id", true)}, meetings.host_id),
      meeting_type = coalesce(${latest("meeting_type", true)}, meetings.meeting_type)
      where (account_id, meeting_id) in (values ${v})`,
  );
}
