import type { AttendanceReport, MeetingRollup } from "../reports/index.js";
import { textTable } from "./text-table.js";

/** One instance's attendance as a terminal reads it: the instance, a table of attendees, then the unresolved sessions. */
export function attendanceText(report: AttendanceReport): string {
  const { instance } = report;
  const incomplete = instance.possiblyIncomplete
    ? `May be incomplete: no WebSocket connection was open for part of it (${instance.gaps.map((g) => `${g.start} → ${g.end ?? "now"}`).join(", ")}); Zoom's report repairs it when the instance is finalized.\n`
    : "";
  const heading = `${instance.topic ?? "(no topic)"} · meeting ${instance.meetingId} · ${instance.status}\n` + `${instance.startTime ?? "?"} → ${instance.endTime ?? "…"}   ${instance.uuid}\n` + incomplete + "\n";
  const attendees = textTable(
    ["user", "status", "minutes", "first join", "last leave", "sessions", "resolved by", "source", "confidence"],
    report.attendees.map((a) => [a.externalId, a.status, minutes(a.attendedSeconds), a.firstJoin, a.lastLeave, a.sessions, a.resolvedBy, a.source, a.confidence]),
  );
  const unresolved =
    report.unresolved.length === 0
      ? ""
      : `\n${report.unresolved.length} unresolved session(s) (link with \`rollcall links add --manual\`):\n` +
        textTable(
          ["session", "name", "minutes", "why"],
          report.unresolved.map((u) => [u.sessionKey, u.userName, minutes(u.attendedSeconds), u.reason]),
        );
  return heading + (report.attendees.length === 0 ? "no attendees\n" : attendees) + unresolved;
}

/** A recurring meeting's roll-up as a terminal reads it: one row per user, one column per instance. */
export function rollupText(rollup: MeetingRollup): string {
  const heading = `${rollup.topic ?? "(no topic)"} · meeting ${rollup.meetingId} · ${rollup.instances.length} instance(s)\n\n`;
  const dates = rollup.instances.map((i) => i.startTime?.slice(0, 10) ?? i.uuid.slice(0, 10));
  const table = textTable(
    ["user", "attended", "minutes", ...dates],
    rollup.users.map((u) => [u.externalId, u.instancesAttended, minutes(u.totalSeconds), ...u.instances.map((i) => i.status ?? "-")]),
  );
  return heading + (rollup.users.length === 0 ? "no attendees\n" : table);
}

function minutes(seconds: number): number {
  return Math.round(seconds / 6) / 10;
}
