import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.js";
import type { Insertable } from "kysely";
import type { Attendance, InstanceResult, Resolution, Session } from "../../core/index.js";
import type { AttendanceTable, MeetingTable, ParticipantSessionTable, SessionIdentifierTable, SessionResolutionTable } from "../tables/derived.js";
import { forTuples, insertRows } from "../row-statements.js";
import { attendanceRow, displayName, identifierRows, instanceRow, instanceRows, latestNames, meetingRow, resolutionRow, sessionRow, type InstanceRows, type RowKey } from "./instance-rows.js";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * What was last written for an instance: the engine result the rows were made from. Results are
 * plain immutable values, so the next write compares the new result with this one, session by
 * session, and maps and writes only what changed (no JSON encoding of unchanged rows). Kept in
 * memory by the pipeline next to the engine state.
 */
export interface RowSnapshot {
  result: InstanceResult;
  latestNames: Map<string, string | undefined>;
}

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
  now: number;
}

/**
 * The writes that turn what `previous` wrote into the rows of `result`, worked out without the
 * database (so a caller can compute them before it takes a write lock). Rows whose only change is
 * the time counted so far (open sessions and present users, whose time runs to the latest event)
 * get narrow updates instead of whole-row upserts.
 */
export interface InstanceRowChanges {
  accountId: string;
  instanceUuid: string;
  instance: InstanceRows["instance"];
  meeting: InstanceRows["meeting"];
  /** Undefined: replace every row of the instance with `full`. */
  full: InstanceRows | undefined;
  sessions: Insertable<ParticipantSessionTable>[];
  sessionTimes: Array<{ key: string; attendedMs: number }>;
  goneSessions: string[];
  /** Sessions whose identifier rows are replaced (changed or gone), and the new rows. */
  identifierSessions: string[];
  identifiers: Insertable<SessionIdentifierTable>[];
  resolutions: Insertable<SessionResolutionTable>[];
  goneResolutions: string[];
  attendance: Insertable<AttendanceTable>[];
  attendanceTimes: Array<{ key: string; attendedMs: number; share: number }>;
  goneAttendance: string[];
  snapshot: RowSnapshot;
}

/** Changes that write nothing but the instance and meeting rows, with `result` as the new snapshot; filled in by the comparisons. */
export function noRowChanges(accountId: string, result: InstanceResult): InstanceRowChanges {
  const key: RowKey = { account_id: accountId, instance_uuid: result.instance.uuid };
  return {
    accountId,
    instanceUuid: result.instance.uuid,
    instance: instanceRow(key, result),
    meeting: meetingRow(accountId, result),
    full: undefined,
    sessions: [],
    sessionTimes: [],
    goneSessions: [],
    identifierSessions: [],
    identifiers: [],
    resolutions: [],
    goneResolutions: [],
    attendance: [],
    attendanceTimes: [],
    goneAttendance: [],
    snapshot: { result, latestNames: latestNames(result) },
  };
}

/**
 * Compares `result` with the snapshot of the last write (undefined: everything is written anew).
 * Equality is exact JSON equality (same keys in the same order, same values), so a row is skipped
 * only when its bytes would be the same.
 */
export function instanceRowChanges(accountId: string, result: InstanceResult, previous: RowSnapshot | undefined): InstanceRowChanges {
  const key: RowKey = { account_id: accountId, instance_uuid: result.instance.uuid };
  const changes = noRowChanges(accountId, result);
  const names = changes.snapshot.latestNames;
  if (previous === undefined) {
    changes.full = instanceRows(accountId, result);
    return changes;
  }
  const before = previous.result;

  const oldSessions = new Map<string, Session>();
  for (const s of before.sessions) oldSessions.set(s.sessionKey, s);
  for (const s of result.sessions) {
    const old = oldSessions.get(s.sessionKey);
    oldSessions.delete(s.sessionKey);
    const name = names.get(s.sessionKey);
    if (old === undefined || displayName(old, previous.latestNames.get(s.sessionKey)) !== displayName(s, name) || !sameExcept(old, s, "attendedMs", "")) {
      changes.sessions.push(sessionRow(key, s, name));
      if (old === undefined || !sameJson(old.identifiers, s.identifiers)) {
        if (old !== undefined) changes.identifierSessions.push(s.sessionKey);
        identifierRows(key, s, changes.identifiers);
      }
    } else if (old.attendedMs !== s.attendedMs) {
      changes.sessionTimes.push({ key: s.sessionKey, attendedMs: s.attendedMs });
    }
  }
  for (const k of oldSessions.keys()) {
    changes.goneSessions.push(k);
    changes.identifierSessions.push(k);
  }

  const oldResolutions = new Map<string, Resolution>();
  for (const r of before.resolutions) oldResolutions.set(r.sessionKey, r);
  for (const r of result.resolutions) {
    const old = oldResolutions.get(r.sessionKey);
    oldResolutions.delete(r.sessionKey);
    if (old === undefined || !sameJson(old, r)) changes.resolutions.push(resolutionRow(key, r));
  }
  changes.goneResolutions = [...oldResolutions.keys()];

  const oldAttendance = new Map<string, Attendance>();
  for (const a of before.attendance) oldAttendance.set(a.userId, a);
  for (const a of result.attendance) {
    const old = oldAttendance.get(a.userId);
    oldAttendance.delete(a.userId);
    if (old === undefined || !sameExcept(old, a, "attendedMs", "shareOfInstance")) changes.attendance.push(attendanceRow(key, a));
    else if (old.attendedMs !== a.attendedMs || !Object.is(old.shareOfInstance, a.shareOfInstance)) changes.attendanceTimes.push({ key: a.userId, attendedMs: a.attendedMs, share: a.shareOfInstance });
  }
  changes.goneAttendance = [...oldAttendance.keys()];
  return changes;
}

/** Equal as JSON would write them: same keys in the same order, equal values (NaN never equal: rewritten). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  return sameExcept(a as Record<string, unknown>, b as Record<string, unknown>, "", "");
}

/** {@link sameJson} of two objects, ignoring the values (not the presence) of up to two keys. */
function sameExcept(a: object, b: object, skip1: string, skip2: string): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i]) return false;
    if (k === skip1 || k === skip2) continue;
    if (!sameJson(ra[k], rb[k])) return false;
  }
  return true;
}

/**
 * Writes an instance's derived rows. With `previous` (what this process wrote last time) only the
 * rows whose content changed are written and the rows that vanished (a phone leg merged into its
 * computer session, a user no longer resolved) deleted; without it, every row of the instance is
 * replaced. Call inside the transaction that holds the instance's lock. Returns the new snapshot.
 */
export async function writeInstanceRows(
  db: Db,
  accountId: string,
  result: InstanceResult,
  previous: RowSnapshot | undefined,
  options: WriteInstanceOptions,
  stats: WriteStats = { upserted: 0, deleted: 0 },
): Promise<RowSnapshot> {
  const changes = instanceRowChanges(accountId, result, previous);
  await writeInstanceRowChanges(db, [{ changes, options }], stats);
  return changes.snapshot;
}

/** One instance's changes and the values its `instances` row gets. */
export interface InstanceWrite {
  changes: InstanceRowChanges;
  options: WriteInstanceOptions;
}

/**
 * Writes what {@link instanceRowChanges} worked out for every instance of a batch (inside the
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
  const sessionTimes: unknown[][] = [];
  const attendanceTimes: unknown[][] = [];
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
    for (const t of changes.sessionTimes) sessionTimes.push([a, i, t.key, t.attendedMs]);
    for (const t of changes.attendanceTimes) attendanceTimes.push([a, i, t.key, t.attendedMs, t.share]);
  }

  for (const table of ["participant_sessions", "session_identifiers", "session_resolutions", "attendance"] as const) {
    stats.deleted += (await forTuples(db, replaced, (v) => `delete from ${table} where (account_id, instance_uuid) in (values ${v})`)).affected;
  }
  stats.deleted += (await forTuples(db, goneSessions, (v) => `delete from participant_sessions where (account_id, instance_uuid, session_key) in (values ${v})`)).affected;
  stats.deleted += (await forTuples(db, identifierSessions, (v) => `delete from session_identifiers where (account_id, instance_uuid, session_key) in (values ${v})`)).affected;
  stats.deleted += (await forTuples(db, goneResolutions, (v) => `delete from session_resolutions where (account_id, instance_uuid, session_key) in (values ${v})`)).affected;
  stats.deleted += (await forTuples(db, goneAttendance, (v) => `delete from attendance where (account_id, instance_uuid, user_id) in (values ${v})`)).affected;

  // Upserts also for replaced instances: their rows were just deleted, so each is an insert. Only
  // rows found to differ (from the snapshot, or from the stored rows) get here.
  stats.upserted += await insertRows(db, "participant_sessions", sessions, { conflictKey: ["account_id", "instance_uuid", "session_key"] });
  stats.upserted += await insertRows(db, "session_identifiers", identifiers);
  stats.upserted += await insertRows(db, "session_resolutions", resolutions, { conflictKey: ["account_id", "instance_uuid", "session_key"] });
  stats.upserted += await insertRows(db, "attendance", attendance, { conflictKey: ["account_id", "instance_uuid", "user_id"] });
  // `attended_ms` (and the share) of rows whose other columns did not change: open sessions and
  // present users, whose time runs to the latest event.
  await forTuples(
    db,
    sessionTimes,
    (v) => `update participant_sessions set attended_ms = cast(v.column4 as bigint) from (values ${v}) as v
      where participant_sessions.account_id = v.column1 and participant_sessions.instance_uuid = v.column2 and participant_sessions.session_key = v.column3`,
  );
  await forTuples(
    db,
    attendanceTimes,
    (v) => `update attendance set attended_ms = cast(v.column4 as bigint), share_of_instance = cast(v.column5 as double precision) from (values ${v}) as v
      where attendance.account_id = v.column1 and attendance.instance_uuid = v.column2 and attendance.user_id = v.column3`,
  );
  stats.upserted += sessionTimes.length + attendanceTimes.length;
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
