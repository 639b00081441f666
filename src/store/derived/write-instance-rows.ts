import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../schema.js";
import type { Insertable } from "kysely";
import type { Attendance, InstanceResult, Resolution, Session } from "../../core/index.js";
import type { AttendanceTable, ParticipantSessionTable, SessionIdentifierTable, SessionResolutionTable } from "../tables/derived.js";
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

/**
 * Compares `result` with the snapshot of the last write (undefined: everything is written anew).
 * Equality is exact JSON equality (same keys in the same order, same values), so a row is skipped
 * only when its bytes would be the same.
 */
export function instanceRowChanges(accountId: string, result: InstanceResult, previous: RowSnapshot | undefined): InstanceRowChanges {
  const key: RowKey = { account_id: accountId, instance_uuid: result.instance.uuid };
  const names = latestNames(result);
  const changes: InstanceRowChanges = {
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
    snapshot: { result, latestNames: names },
  };
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

// Both databases take at least 32766 bind parameters per statement.
const maxParameters = 30_000;

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
  await writeInstanceRowChanges(db, changes, options, stats);
  return changes.snapshot;
}

/** Writes what {@link instanceRowChanges} worked out (inside the transaction holding the instance's lock). */
export async function writeInstanceRowChanges(db: Db, changes: InstanceRowChanges, options: WriteInstanceOptions, stats: WriteStats = { upserted: 0, deleted: 0 }): Promise<void> {
  const scope = { account: changes.accountId, instance: changes.instanceUuid };
  await upsertInstance(db, changes, options);
  if (changes.meeting) await upsertMeeting(db, changes.meeting, options.now);

  const rows = changes.full;
  if (rows !== undefined) {
    for (const table of ["participant_sessions", "session_identifiers", "session_resolutions", "attendance"] as const) {
      const result = await db.deleteFrom(table).where("account_id", "=", scope.account).where("instance_uuid", "=", scope.instance).executeTakeFirst();
      stats.deleted += Number(result.numDeletedRows);
    }
    await insertChunks(db, "participant_sessions", rows.sessions);
    await insertChunks(db, "session_identifiers", rows.identifiers);
    await insertChunks(db, "session_resolutions", rows.resolutions);
    await insertChunks(db, "attendance", rows.attendance);
    stats.upserted += rows.sessions.length + rows.identifiers.length + rows.resolutions.length + rows.attendance.length;
    return;
  }

  stats.deleted += await deleteKeys(db, "participant_sessions", "session_key", scope, changes.goneSessions);
  stats.deleted += await deleteKeys(db, "session_identifiers", "session_key", scope, changes.identifierSessions);
  stats.deleted += await deleteKeys(db, "session_resolutions", "session_key", scope, changes.goneResolutions);
  stats.deleted += await deleteKeys(db, "attendance", "user_id", scope, changes.goneAttendance);

  await upsertChunks(db, "participant_sessions", ["account_id", "instance_uuid", "session_key"], changes.sessions);
  await insertChunks(db, "session_identifiers", changes.identifiers);
  await upsertChunks(db, "session_resolutions", ["account_id", "instance_uuid", "session_key"], changes.resolutions);
  await upsertChunks(db, "attendance", ["account_id", "instance_uuid", "user_id"], changes.attendance);
  await updateSessionTimes(db, scope, changes.sessionTimes);
  await updateAttendanceTimes(db, scope, changes.attendanceTimes);
  stats.upserted += changes.sessions.length + changes.identifiers.length + changes.resolutions.length + changes.attendance.length + changes.sessionTimes.length + changes.attendanceTimes.length;
}

/** `attended_ms` of sessions whose other columns did not change: one statement per chunk (`update … from (values …)`). */
async function updateSessionTimes(db: Db, scope: { account: string; instance: string }, times: InstanceRowChanges["sessionTimes"]): Promise<void> {
  const size = Math.floor(maxParameters / 2);
  for (let i = 0; i < times.length; i += size) {
    const values = sql.join(times.slice(i, i + size).map((t) => sql`(${t.key}, ${t.attendedMs})`));
    await sql`update participant_sessions set attended_ms = cast(v.column2 as bigint) from (values ${values}) as v
      where participant_sessions.account_id = ${scope.account} and participant_sessions.instance_uuid = ${scope.instance} and participant_sessions.session_key = v.column1`.execute(db);
  }
}

/** `attended_ms` and `share_of_instance` of attendance rows whose other columns did not change. */
async function updateAttendanceTimes(db: Db, scope: { account: string; instance: string }, times: InstanceRowChanges["attendanceTimes"]): Promise<void> {
  const size = Math.floor(maxParameters / 3);
  for (let i = 0; i < times.length; i += size) {
    const values = sql.join(times.slice(i, i + size).map((t) => sql`(${t.key}, ${t.attendedMs}, ${t.share})`));
    await sql`update attendance set attended_ms = cast(v.column2 as bigint), share_of_instance = cast(v.column3 as double precision) from (values ${values}) as v
      where attendance.account_id = ${scope.account} and attendance.instance_uuid = ${scope.instance} and attendance.user_id = v.column1`.execute(db);
  }
}

async function upsertInstance(db: Db, rows: Pick<InstanceRowChanges, "accountId" | "instanceUuid" | "instance">, options: WriteInstanceOptions): Promise<void> {
  // An ended instance whose reconciliation with Zoom's report is done (src/reconcile) stays
  // `finalized` through every recomputation, `reprocess` included: the engine only knows live/ended.
  // A live instance counts too: Zoom serves a report only once the meeting is over, so a finalized
  // reconciliation of an instance whose `meeting.ended` never came still means it ended.
  const status = sql<string>`case when cast(${rows.instance.status} as text) in ('ended', 'live') and exists (select 1 from reconciliations r where r.account_id = cast(${rows.accountId} as text) and r.instance_uuid = cast(${rows.instanceUuid} as text) and r.state = 'finalized') then 'finalized' else cast(${rows.instance.status} as text) end`;
  const values = { ...rows.instance, status, event_count: options.eventCount, revision: options.revision, needs_resolve: 0, updated_at: options.now };
  const { account_id: _a, instance_uuid: _i, needs_resolve: _n, ...updatable } = values;
  await db
    .insertInto("instances")
    .values(values)
    .onConflict((oc) =>
      oc.columns(["account_id", "instance_uuid"]).doUpdateSet({
        ...updatable,
        // Marks made after this computation loaded its links stay for the next round.
        needs_resolve: sql<number>`instances.needs_resolve - ${options.resolvedMarks}`,
      }),
    )
    .execute();
}

async function upsertMeeting(db: Db, meeting: NonNullable<InstanceRows["meeting"]>, now: number): Promise<void> {
  await db
    .insertInto("meetings")
    .values({ ...meeting, updated_at: now })
    .onConflict((oc) =>
      oc.columns(["account_id", "meeting_id"]).doUpdateSet({
        // An instance that does not say the topic (a participant event) keeps what another one said.
        topic: sql<string | null>`coalesce(excluded.topic, meetings.topic)`,
        host_id: sql<string | null>`coalesce(excluded.host_id, meetings.host_id)`,
        meeting_type: sql<number | null>`coalesce(excluded.meeting_type, meetings.meeting_type)`,
        product: sql<string>`excluded.product`,
        last_instance_uuid: sql<string>`excluded.last_instance_uuid`,
        updated_at: now,
      }),
    )
    .execute();
}

type RowTable = "participant_sessions" | "session_identifiers" | "session_resolutions" | "attendance";

function chunkSize(rows: readonly object[]): number {
  const columns = rows.length > 0 ? Object.keys(rows[0]!).length : 1;
  return Math.max(1, Math.floor(maxParameters / columns));
}

async function insertChunks<T extends RowTable>(db: Db, table: T, rows: readonly any[]): Promise<void> {
  const size = chunkSize(rows);
  for (let i = 0; i < rows.length; i += size) {
    await db.insertInto(table).values(rows.slice(i, i + size) as any).execute();
  }
}

async function upsertChunks<T extends RowTable>(db: Db, table: T, key: readonly string[], rows: readonly any[]): Promise<void> {
  if (rows.length === 0) return;
  const size = chunkSize(rows);
  const columns = Object.keys(rows[0]!).filter((c) => !key.includes(c));
  for (let i = 0; i < rows.length; i += size) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + size) as any)
      .onConflict((oc) =>
        oc.columns(key as any).doUpdateSet(Object.fromEntries(columns.map((c) => [c, sql.ref(`excluded.${c}`)])) as any),
      )
      .execute();
  }
}

async function deleteKeys(
  db: Db,
  table: RowTable,
  column: "session_key" | "user_id",
  scope: { account: string; instance: string },
  keys: readonly string[],
): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < keys.length; i += maxParameters) {
    const result = await (db as Kysely<any>)
      .deleteFrom(table)
      .where("account_id", "=", scope.account)
      .where("instance_uuid", "=", scope.instance)
      .where(column, "in", keys.slice(i, i + maxParameters))
      .executeTakeFirst();
    deleted += Number(result.numDeletedRows);
  }
  return deleted;
}
