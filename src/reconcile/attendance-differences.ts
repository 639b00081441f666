import { computeInstanceLean, type EngineOptions, type LeanInstanceResult, type Link, type NormalisedEvent } from "../core/index.js";
import { wholeSeconds } from "../reports/index.js";

/** A user's attendance that the report changed (or that only one side knew). */
export interface AttendanceDifference {
  kind: "attendance";
  userId: string;
  /** From webhooks alone; null when webhooks did not place the user in the instance. */
  webhookMs: number | null;
  /** From the report rows alone (with the instance's start/end); null when the report did not place them. */
  reportMs: number | null;
  /** After merging both: what attendance now says. Null when the user is no longer there. */
  reconciledMs: number | null;
  webhookSessions: number;
  reconciledSessions: number;
}

/** A session no webhook ever made: only the report knew it. */
export interface SessionAddedDifference {
  kind: "session_added";
  sessionKey: string;
  /** Who it resolves to, if anyone. */
  userId: string | null;
  method: string | null;
  reconciledMs: number;
}

/** A session whose resolution the report changed (e.g. a `customer_key` only the report carried). */
export interface ResolutionChangedDifference {
  kind: "resolution_changed";
  sessionKey: string;
  before: { userId: string | null; method: string | null };
  after: { userId: string | null; method: string | null };
}

export type ReconcileDifference = AttendanceDifference | SessionAddedDifference | ResolutionChangedDifference;

/** Counts over the differences, and the seconds compared. */
export interface ReconcileSummary {
  attendanceChanged: number;
  sessionsAdded: number;
  resolutionsChanged: number;
  /** Users in the reconciled attendance. */
  users: number;
  webhookSeconds: number;
  reconciledSeconds: number;
}

/**
 * Compares what the webhooks alone say about an instance with what they say once the report rows
 * are merged in (and with what the report alone says), per user and per session. Pure: it runs the
 * engine three times over the given events (the lean result: no per-session detail is needed here).
 */
export function attendanceDifferences(events: readonly NormalisedEvent[], links: readonly Link[], options: EngineOptions): { differences: ReconcileDifference[]; summary: ReconcileSummary } {
  const webhookEvents = events.filter((e) => e.source !== "report");
  // The report alone still needs the instance's start and end, which only webhooks tell.
  const reportEvents = events.filter((e) => e.source === "report" || e.type === "instance");
  const webhook = computeInstanceLean(webhookEvents, links, options);
  const report = computeInstanceLean(reportEvents, links, options);
  const merged = computeInstanceLean(events, links, options);

  const differences: ReconcileDifference[] = [];
  const byUser = (r: LeanInstanceResult) => new Map(r.attendance.map((a) => [a.userId, a]));
  const w = byUser(webhook);
  const rep = byUser(report);
  const m = byUser(merged);
  for (const userId of [...new Set([...w.keys(), ...m.keys()])].sort()) {
    const before = w.get(userId);
    const after = m.get(userId);
    if (before?.attendedMs === after?.attendedMs && before?.sessions === after?.sessions) continue;
    differences.push({
      kind: "attendance",
      userId,
      webhookMs: before?.attendedMs ?? null,
      reportMs: rep.get(userId)?.attendedMs ?? null,
      reconciledMs: after?.attendedMs ?? null,
      webhookSessions: before?.sessions ?? 0,
      reconciledSessions: after?.sessions ?? 0,
    });
  }

  const resolutionOf = (r: LeanInstanceResult) => new Map(r.sessions.map((x) => [x.sessionKey, { userId: x.userId ?? null, method: x.method ?? null }]));
  const beforeResolution = resolutionOf(webhook);
  const afterResolution = resolutionOf(merged);
  for (const session of merged.sessions) {
    const after = afterResolution.get(session.sessionKey) ?? { userId: null, method: null };
    if (session.source === "report") {
      differences.push({ kind: "session_added", sessionKey: session.sessionKey, userId: after.userId, method: after.method, reconciledMs: session.attendedMs });
      continue;
    }
    const before = beforeResolution.get(session.sessionKey);
    if (before !== undefined && (before.userId !== after.userId || before.method !== after.method)) {
      differences.push({ kind: "resolution_changed", sessionKey: session.sessionKey, before, after });
    }
  }

  const total = (r: LeanInstanceResult) => wholeSeconds(r.attendance.reduce((sum, a) => sum + a.attendedMs, 0));
  return {
    differences,
    summary: {
      attendanceChanged: differences.filter((d) => d.kind === "attendance").length,
      sessionsAdded: differences.filter((d) => d.kind === "session_added").length,
      resolutionsChanged: differences.filter((d) => d.kind === "resolution_changed").length,
      users: merged.attendance.length,
      webhookSeconds: total(webhook),
      reconciledSeconds: total(merged),
    },
  };
}
