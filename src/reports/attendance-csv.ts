import type { AttendanceReport } from "./attendance-report.js";
import type { MeetingRollup } from "./meeting-rollup.js";
import { spreadsheetSafeCsv } from "./spreadsheet-safe-csv.js";

/** Columns of `rollcall attendance --instance UUID --format csv`: one row per attendee, then one per unresolved session. */
export const attendanceCsvColumns = [
  "instanceUuid",
  "meetingId",
  "kind",
  "externalId",
  "status",
  "attendedSeconds",
  "firstJoin",
  "lastLeave",
  "sessions",
  "resolvedBy",
  "source",
  "confidence",
  "closedByMeetingEnd",
  "asOf",
  "sessionKey",
  "userName",
  "reason",
  "instancePossiblyIncomplete",
] as const;

/**
 * The report as CSV (header + rows; `kind` is `attendee` or `unresolved`; empty cells for null),
 * spreadsheet-safe (see `spreadsheetSafeCell`). Every row says whether the instance may miss
 * events (a WebSocket gap not yet repaired by Zoom's report), so no spreadsheet loses that.
 */
export function attendanceCsv(report: AttendanceReport): string {
  const base = { instanceUuid: report.instance.uuid, meetingId: report.instance.meetingId, instancePossiblyIncomplete: report.instance.possiblyIncomplete };
  const rows: Array<Record<string, unknown>> = [
    ...report.attendees.map((a) => ({ ...base, kind: "attendee", ...a })),
    ...report.unresolved.map((u) => ({ ...base, kind: "unresolved", ...u })),
  ];
  return spreadsheetSafeCsv(rows, { header: true, columns: [...attendanceCsvColumns], cast: { boolean: (v) => (v ? "true" : "false") } });
}

/** The roll-up as CSV: one row per (user, instance). */
export function rollupCsv(rollup: MeetingRollup): string {
  const rows = rollup.users.flatMap((u) =>
    u.instances.map((i) => ({ meetingId: rollup.meetingId, externalId: u.externalId, instancesAttended: u.instancesAttended, totalSeconds: u.totalSeconds, instanceUuid: i.uuid, status: i.status ?? "", attendedSeconds: i.attendedSeconds })),
  );
  return spreadsheetSafeCsv(rows, { header: true, columns: ["meetingId", "externalId", "instancesAttended", "totalSeconds", "instanceUuid", "status", "attendedSeconds"] });
}
