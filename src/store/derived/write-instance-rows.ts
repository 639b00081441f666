import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../schema.js";
import type { InstanceRows } from "./instance-rows.js";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * What was last written for an instance: each row's content by key, so the next write touches only
 * rows that changed. Kept in memory by the pipeline next to the engine state.
 */
export interface RowSnapshot {
  sessions: Map<string, string>;
  sessionIdentifiers: Map<string, string>;
  resolutions: Map<string, string>;
  attendance: Map<string, string>;
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

// Both databases take at least 32766 bind parameters per statement.
const maxParameters = 30_000;

/**
 * Writes an instance's derived rows. With `previous` (what this process wrote last time) only the
 * rows whose content changed are upserted and the rows that vanished (a phone leg merged into its
 * computer session, a user no longer resolved) deleted; without it, every row of the instance is
 * replaced. Call inside the transaction that holds the instance's lock. Returns the new snapshot.
 *
 * @example
 * const snapshot = await writeInstanceRows(trx, instanceRows(accountId, result), undefined, { revision: 1, eventCount: 3, resolvedMarks: 0, now: Date.now() }, stats);
 */
export async function writeInstanceRows(
  db: Db,
  rows: InstanceRows,
  previous: RowSnapshot | undefined,
  options: WriteInstanceOptions,
  stats: WriteStats = { upserted: 0, deleted: 0 },
): Promise<RowSnapshot> {
  const scope = { account: rows.accountId, instance: rows.instanceUuid };
  const next: RowSnapshot = {
    sessions: new Map(rows.sessions.map((r) => [r.session_key, JSON.stringify(r)])),
    sessionIdentifiers: new Map(rows.sessions.map((r) => [r.session_key, r.identifiers_json])),
    resolutions: new Map(rows.resolutions.map((r) => [r.session_key, JSON.stringify(r)])),
    attendance: new Map(rows.attendance.map((r) => [r.user_id, JSON.stringify(r)])),
  };

  await upsertInstance(db, rows, options);
  if (rows.meeting) await upsertMeeting(db, rows.meeting, options.now);

  if (previous === undefined) {
    for (const table of ["participant_sessions", "session_identifiers", "session_resolutions", "attendance"] as const) {
      const result = await db.deleteFrom(table).where("account_id", "=", scope.account).where("instance_uuid", "=", scope.instance).executeTakeFirst();
      stats.deleted += Number(result.numDeletedRows);
    }
    await insertChunks(db, "participant_sessions", rows.sessions);
    await insertChunks(db, "session_identifiers", rows.identifiers);
    await insertChunks(db, "session_resolutions", rows.resolutions);
    await insertChunks(db, "attendance", rows.attendance);
    stats.upserted += rows.sessions.length + rows.identifiers.length + rows.resolutions.length + rows.attendance.length;
    return next;
  }

  const changedSessions = rows.sessions.filter((r) => previous.sessions.get(r.session_key) !== next.sessions.get(r.session_key));
  const goneSessions = [...previous.sessions.keys()].filter((k) => !next.sessions.has(k));
  const identifiersChanged = new Set(
    changedSessions.filter((r) => previous.sessionIdentifiers.get(r.session_key) !== r.identifiers_json).map((r) => r.session_key),
  );
  const changedResolutions = rows.resolutions.filter((r) => previous.resolutions.get(r.session_key) !== next.resolutions.get(r.session_key));
  const goneResolutions = [...previous.resolutions.keys()].filter((k) => !next.resolutions.has(k));
  const changedAttendance = rows.attendance.filter((r) => previous.attendance.get(r.user_id) !== next.attendance.get(r.user_id));
  const goneAttendance = [...previous.attendance.keys()].filter((k) => !next.attendance.has(k));

  stats.deleted += await deleteKeys(db, "participant_sessions", "session_key", scope, goneSessions);
  stats.deleted += await deleteKeys(db, "session_identifiers", "session_key", scope, [...goneSessions, ...identifiersChanged]);
  stats.deleted += await deleteKeys(db, "session_resolutions", "session_key", scope, goneResolutions);
  stats.deleted += await deleteKeys(db, "attendance", "user_id", scope, goneAttendance);

  await upsertChunks(db, "participant_sessions", ["account_id", "instance_uuid", "session_key"], changedSessions);
  await insertChunks(db, "session_identifiers", rows.identifiers.filter((r) => identifiersChanged.has(r.session_key)));
  await upsertChunks(db, "session_resolutions", ["account_id", "instance_uuid", "session_key"], changedResolutions);
  await upsertChunks(db, "attendance", ["account_id", "instance_uuid", "user_id"], changedAttendance);
  stats.upserted += changedSessions.length + identifiersChanged.size + changedResolutions.length + changedAttendance.length;
  return next;
}

async function upsertInstance(db: Db, rows: InstanceRows, options: WriteInstanceOptions): Promise<void> {
  // An ended instance whose reconciliation with Zoom's report is done (src/pipeline/reconcile) stays
  // `finalized` through every recomputation, `reprocess` included: the engine only knows live/ended.
  const status = sql<string>`case when cast(${rows.instance.status} as text) = 'ended' and exists (select 1 from reconciliations r where r.account_id = cast(${rows.accountId} as text) and r.instance_uuid = cast(${rows.instanceUuid} as text) and r.state = 'finalized') then 'finalized' else cast(${rows.instance.status} as text) end`;
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
