import type { Kysely, Transaction } from "kysely";
import type { InstanceResult } from "../../core/index.js";
import type { Database } from "../schema.js";
import { instanceRows, latestNames } from "./instance-rows.js";
import type { InstanceRowChanges } from "./write-instance-rows.js";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The writes that turn the derived rows stored for an instance into the rows of `result`, when no
 * snapshot of the last write is at hand (a rebuild, `reprocess`, a process that has just started,
 * or another process wrote last). Only the stored keys are read: every wanted session, resolution
 * and attendance row is sent as an upsert that leaves a row stored as wanted alone (the database
 * compares the columns), rows whose key vanished are deleted, and a session's identifier rows are
 * replaced when their set differs. So a rebuild that changes nothing rewrites nothing, without
 * reading the rows' JSON back. Call inside the transaction that holds the instance's lock.
 */
export async function storedRowChanges(db: Db, accountId: string, result: InstanceResult): Promise<InstanceRowChanges> {
  const rows = instanceRows(accountId, result);
  const instanceUuid = rows.instanceUuid;
  const keysOf = async (table: "participant_sessions" | "session_resolutions") =>
    (await db.selectFrom(table).select("session_key").where("account_id", "=", accountId).where("instance_uuid", "=", instanceUuid).execute()).map((r) => r.session_key);
  const storedSessions = await keysOf("participant_sessions");
  const storedResolutions = await keysOf("session_resolutions");
  const storedAttendance = (await db.selectFrom("attendance").select("user_id").where("account_id", "=", accountId).where("instance_uuid", "=", instanceUuid).execute()).map((r) => r.user_id);
  const storedIdentifiers = await db
    .selectFrom("session_identifiers")
    .select(["session_key", "field", "value"])
    .where("account_id", "=", accountId)
    .where("instance_uuid", "=", instanceUuid)
    .execute();
  const changes: InstanceRowChanges = {
    accountId,
    instanceUuid,
    instance: rows.instance,
    meeting: rows.meeting,
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
  changes.sessions = rows.sessions;
  changes.resolutions = rows.resolutions;
  changes.attendance = rows.attendance;
  changes.goneSessions = gone(storedSessions, rows.sessions, (r) => r.session_key);
  changes.goneResolutions = gone(storedResolutions, rows.resolutions, (r) => r.session_key);
  changes.goneAttendance = gone(storedAttendance, rows.attendance, (r) => r.user_id);

  // Identifier rows are replaced per session, for each session whose set of (field, value) differs.
  const identifierSet = (list: ReadonlyArray<{ session_key: string; field: string; value: string }>) => {
    const bySession = new Map<string, Set<string>>();
    for (const r of list) {
      let set = bySession.get(r.session_key);
      if (set === undefined) bySession.set(r.session_key, (set = new Set()));
      set.add(`${r.field}\u0000${r.value}`);
    }
    return bySession;
  };
  const stored = identifierSet(storedIdentifiers);
  const wanted = identifierSet(rows.identifiers);
  const replaced = new Set<string>();
  for (const [key, set] of wanted) {
    const before = stored.get(key);
    if (before !== undefined && sameSet(before, set)) continue;
    replaced.add(key);
    if (before !== undefined) changes.identifierSessions.push(key);
  }
  for (const key of stored.keys()) if (!wanted.has(key)) changes.identifierSessions.push(key);
  for (const r of rows.identifiers) if (replaced.has(r.session_key)) changes.identifiers.push(r);
  return changes;
}

/** The stored keys no wanted row has. */
function gone<Row>(stored: readonly string[], wanted: readonly Row[], keyOf: (row: Row) => string): string[] {
  const keys = new Set(stored);
  for (const row of wanted) keys.delete(keyOf(row));
  return [...keys];
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const v of a) if (!b.has(v)) return false;
  return true;
}
