import type { GroundTruth, GroundTruthEntry } from "./simulation-types.js";
import { zoomTimeAt } from "../zoom-time.js";

/** The part of a simulated connection that attendance depends on (seconds from the start). */
export interface ConnectionRecord {
  participant: { id: string };
  /** When the connection entered the meeting proper (`participant_joined`); undefined if never admitted. */
  joinAt?: number;
  /** When it left the meeting (its own leave or the host's end). */
  leaveAt?: number;
  /** A phone leg Zoom bound to a computer's session (`participant_bind`): time, but not a session of its own. */
  boundToSession?: boolean;
}

/** A scenario participant and the app user it counts for. */
export interface GroundTruthParticipant {
  id: string;
  user: string;
}

/**
 * Merges [join, leave] intervals (seconds) into disjoint ones; touching intervals merge, so a
 * device handing over in the same second counts once.
 */
export function mergeIntervals(intervals: readonly [number, number][]): [number, number][] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const [join, leave] of sorted) {
    const last = merged[merged.length - 1];
    if (last && join <= last[1]) last[1] = Math.max(last[1], leave);
    else merged.push([join, leave]);
  }
  return merged;
}

/**
 * Attendance in the emulator's own terms: per scenario participant and per app user, the union of
 * their connections' time in the meeting (breakout rooms included: a room move does not end a
 * connection; waiting room and join-before-host waiting never start one).
 *
 * @param participants each scenario participant with the app user it belongs to
 */
export function computeGroundTruth(
  instanceUuid: string,
  startMs: number,
  participants: readonly GroundTruthParticipant[],
  connections: readonly ConnectionRecord[],
): GroundTruth {
  const iso = (second: number) => zoomTimeAt(startMs, second);
  const intervalsOf = new Map<string, [number, number][]>();
  const sessionsOf = new Map<string, number>();
  for (const conn of connections) {
    if (conn.joinAt === undefined) continue;
    if (conn.leaveAt === undefined) throw new Error(`connection of "${conn.participant.id}" never closed; the meeting end should close it`);
    const list = intervalsOf.get(conn.participant.id) ?? [];
    list.push([conn.joinAt, conn.leaveAt]);
    intervalsOf.set(conn.participant.id, list);
    if (!conn.boundToSession) sessionsOf.set(conn.participant.id, (sessionsOf.get(conn.participant.id) ?? 0) + 1);
  }
  const entry = (key: string, user: string, intervals: [number, number][], sessions: number): GroundTruthEntry => {
    const merged = mergeIntervals(intervals);
    return {
      key,
      user,
      seconds: merged.reduce((sum, [join, leave]) => sum + (leave - join), 0),
      firstJoin: merged.length > 0 ? iso(merged[0]![0]) : null,
      lastLeave: merged.length > 0 ? iso(merged[merged.length - 1]![1]) : null,
      connections: sessions,
      intervals: merged.map(([join, leave]) => ({ join: iso(join), leave: iso(leave) })),
    };
  };
  const byParticipant = participants.map((p) => entry(p.id, p.user, intervalsOf.get(p.id) ?? [], sessionsOf.get(p.id) ?? 0));
  const users = new Map<string, { intervals: [number, number][]; sessions: number }>();
  for (const p of participants) {
    const user = users.get(p.user) ?? { intervals: [], sessions: 0 };
    user.intervals.push(...(intervalsOf.get(p.id) ?? []));
    user.sessions += sessionsOf.get(p.id) ?? 0;
    users.set(p.user, user);
  }
  const byUser = [...users].map(([user, { intervals, sessions }]) => entry(user, user, intervals, sessions));
  return { instanceUuid, byParticipant, byUser };
}
