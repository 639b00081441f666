import type { Insertable } from "kysely";
import type { Attendance, InstanceInfo, InstanceResult, InstanceUpdate, Resolution, Session, UnresolvedSession } from "../../core/index.js";
import type { AttendanceTable, ParticipantSessionTable, SessionIdentifierTable, SessionResolutionTable } from "../tables/derived.js";
import { attendanceRow, identifierRows, instanceRow, instanceRows, meetingRow, resolutionRow, sessionRow, type InstanceRows, type RowKey } from "./instance-rows.js";

/**
 * The writes that take an instance's derived rows from what they were to what they should be,
 * worked out without the database (so a caller can compute them before it takes a write lock):
 * rows to upsert, rows to delete, and the `instances` and `meetings` rows.
 */
export interface InstanceRowChanges {
  accountId: string;
  instanceUuid: string;
  instance: InstanceRows["instance"];
  meeting: InstanceRows["meeting"];
  /** Set: replace every row of the instance with these. */
  full: InstanceRows | undefined;
  sessions: Insertable<ParticipantSessionTable>[];
  goneSessions: string[];
  /** Sessions whose identifier rows are replaced (changed or gone), and the new rows. */
  identifierSessions: string[];
  identifiers: Insertable<SessionIdentifierTable>[];
  resolutions: Insertable<SessionResolutionTable>[];
  goneResolutions: string[];
  attendance: Insertable<AttendanceTable>[];
  goneAttendance: string[];
}

/** Changes that write nothing but the instance and meeting rows. */
export function noRowChanges(accountId: string, instance: InstanceInfo): InstanceRowChanges {
  const key: RowKey = { account_id: accountId, instance_uuid: instance.uuid };
  return {
    accountId,
    instanceUuid: instance.uuid,
    instance: instanceRow(key, instance),
    meeting: meetingRow(accountId, instance),
    full: undefined,
    sessions: [],
    goneSessions: [],
    identifierSessions: [],
    identifiers: [],
    resolutions: [],
    goneResolutions: [],
    attendance: [],
    goneAttendance: [],
  };
}

/** Every row of `result`, replacing whatever the instance had. */
export function fullRowChanges(accountId: string, result: InstanceResult): InstanceRowChanges {
  return { ...noRowChanges(accountId, result.instance), full: instanceRows(accountId, result) };
}

/**
 * The rows an engine update changes (`InstanceState.update`): its changed sessions' rows (their
 * identifier rows replaced), its changed users' attendance rows, and deletes for what is gone.
 * What it costs follows what changed, not the size of the instance.
 */
export function rowChangesOfUpdate(accountId: string, update: InstanceUpdate): InstanceRowChanges {
  const key: RowKey = { account_id: accountId, instance_uuid: update.instance.uuid };
  const changes = noRowChanges(accountId, update.instance);
  for (const { now, before } of update.sessions) {
    changes.sessions.push(sessionRow(key, now.session, now.latestName));
    changes.resolutions.push(resolutionRow(key, now.resolution));
    if (before !== undefined) changes.identifierSessions.push(now.session.sessionKey);
    identifierRows(key, now.session, changes.identifiers);
  }
  for (const gone of update.goneSessions) {
    changes.goneSessions.push(gone.sessionKey);
    changes.goneResolutions.push(gone.sessionKey);
    changes.identifierSessions.push(gone.sessionKey);
  }
  for (const { now } of update.attendance) changes.attendance.push(attendanceRow(key, now));
  for (const gone of update.goneAttendance) changes.goneAttendance.push(gone.userId);
  return changes;
}

/**
 * A complete update (a state's first) as an engine result: every session, resolution and user,
 * sorted as a result is, to be compared with the rows stored before (`storedRowChanges`).
 */
export function resultOfCompleteUpdate(update: InstanceUpdate): InstanceResult {
  if (!update.complete) throw new Error("resultOfCompleteUpdate: the update is not complete; it holds only what changed");
  const bySession = [...update.sessions].sort((a, b) => compare(a.now.session.sessionKey, b.now.session.sessionKey));
  const sessions: Session[] = bySession.map((s) => s.now.session);
  const resolutions: Resolution[] = bySession.map((s) => s.now.resolution);
  const unresolved: UnresolvedSession[] = bySession
    .filter((s) => s.now.resolution.userId === undefined)
    .map(({ now }) => ({ sessionKey: now.session.sessionKey, attendedMs: now.session.attendedMs, reason: now.resolution.unresolvedReason ?? "no_identifier", ...(now.latestName !== undefined ? { userName: now.latestName } : {}) }));
  const attendance: Attendance[] = update.attendance.map((a) => a.now).sort((a, b) => compare(a.userId, b.userId));
  return { instance: update.instance, sessions, resolutions, attendance, unresolved };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
