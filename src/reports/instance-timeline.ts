import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import { knownJoinAndLeave, liveAttendedMs, shareOfSpan, wholeSeconds } from "./attendee-figures.js";
import { roomSegments, type RoomSegment } from "./room-segments.js";
import { storedNumber } from "../store/index.js";

/** One stretch of a session's time in the meeting proper (epoch ms; `to` null while still open). */
export interface TimelineInterval {
  from: number;
  to: number | null;
  closedByMeetingEnd: boolean;
}

/** One participant session as the timeline and the review screens show it. */
export interface TimelineSession {
  sessionKey: string;
  /** As the privacy mode kept it (null under `drop` or when Zoom blanked it). */
  displayName: string | null;
  /** Every identifier seen on the session's events (field, value, webhook or report). */
  identifiers: Array<{ field: string; value: string; source: string }>;
  intervals: TimelineInterval[];
  /** Waiting-room and breakout stretches (from the inbox), drawn apart from the meeting proper. */
  rooms: RoomSegment[];
  attendedSeconds: number;
  /** Epoch ms of the first join (null while no join was seen) and the last leave (null while connected). */
  firstJoin: number | null;
  lastLeave: number | null;
  present: boolean;
  /** `webhook` if any webhook event made the session, else `report`. */
  source: string;
  /** The app's externalId it was resolved to; null when unresolved. */
  userId: string | null;
  method: string | null;
  confidence: number;
  unresolvedReason: string | null;
  /** Other users some evidence points at (shown, never silently settled). */
  conflicts: Array<{ userId: string; method: string }>;
}

/** Every session of one instance with its intervals and resolution, and each user's share of the instance. */
export interface InstanceTimeline {
  uuid: string;
  /** The span shares are measured against (epoch ms), null until something happened. */
  spanFrom: number | null;
  spanTo: number | null;
  startTime: number | null;
  endTime: number | null;
  sessions: TimelineSession[];
  /** externalId → attended / span, 0..1. */
  shares: Record<string, number>;
}

/**
 * Reads what a timeline needs for one instance: each session's intervals, waiting-room and
 * breakout stretches, identifiers and resolution, ordered by first join. Undefined when the instance is unknown.
 */
export async function instanceTimeline(db: Kysely<Database>, instanceUuid: string): Promise<InstanceTimeline | undefined> {
  const instance = await db.selectFrom("instances").selectAll().where("instance_uuid", "=", instanceUuid).executeTakeFirst();
  if (!instance) return undefined;
  const rows = await db
    .selectFrom("participant_sessions as s")
    .leftJoin("session_resolutions as r", (j) =>
      j.onRef("r.account_id", "=", "s.account_id").onRef("r.instance_uuid", "=", "s.instance_uuid").onRef("r.session_key", "=", "s.session_key"),
    )
    .select([
      "s.session_key",
      "s.display_name",
      "s.identifiers_json",
      "s.intervals_json",
      "s.zoom_connection_ids_json",
      "s.attended_ms",
      "s.open_since",
      "s.present",
      "s.source",
      "s.first_join",
      "r.user_id",
      "r.method",
      "r.confidence",
      "r.unresolved_reason",
      "r.conflicts_json",
    ])
    .where("s.account_id", "=", instance.account_id)
    .where("s.instance_uuid", "=", instanceUuid)
    .orderBy("s.first_join")
    .orderBy("s.session_key")
    .execute();
  const shareRows = await db
    .selectFrom("attendance")
    .select(["user_id", "attended_ms", "open_since"])
    .where("account_id", "=", instance.account_id)
    .where("instance_uuid", "=", instanceUuid)
    .execute();
  const rooms = await roomSegments(
    db,
    instanceUuid,
    rows.map((r) => ({ sessionKey: r.session_key, connectionIds: JSON.parse(r.zoom_connection_ids_json) as string[] })),
  );
  return {
    uuid: instance.instance_uuid,
    spanFrom: storedNumber(instance.span_from),
    spanTo: storedNumber(instance.span_to),
    startTime: storedNumber(instance.start_time),
    endTime: storedNumber(instance.end_time),
    shares: Object.fromEntries(shareRows.map((r) => [r.user_id, shareOfSpan(liveAttendedMs(Number(r.attended_ms), storedNumber(r.open_since), storedNumber(instance.span_to)), storedNumber(instance.span_from), storedNumber(instance.span_to))])),
    sessions: rows.map((r) => {
      const intervals = JSON.parse(r.intervals_json) as Array<{ from: number; to?: number; closedByMeetingEnd: boolean; openedWithoutJoin?: boolean }>;
      const present = Number(r.present) === 1;
      return {
        sessionKey: r.session_key,
        displayName: r.display_name,
        identifiers: (JSON.parse(r.identifiers_json) as Array<{ field: string; value: string; source: string }>).map(({ field, value, source }) => ({ field, value, source })),
        intervals: intervals.map((i) => ({ from: i.from, to: i.to ?? null, closedByMeetingEnd: i.closedByMeetingEnd })),
        rooms: rooms.get(r.session_key) ?? [],
        attendedSeconds: wholeSeconds(liveAttendedMs(Number(r.attended_ms), storedNumber(r.open_since), storedNumber(instance.span_to))),
        ...knownJoinAndLeave(intervals, present),
        present,
        source: r.source,
        userId: r.user_id ?? null,
        method: r.method ?? null,
        confidence: r.confidence === null ? 0 : Number(r.confidence),
        unresolvedReason: r.user_id ? null : (r.unresolved_reason ?? "identifier_unknown"),
        conflicts: (JSON.parse(r.conflicts_json ?? "[]") as Array<{ userId: string; method: string }>).map(({ userId, method }) => ({ userId, method })),
      };
    }),
  };
}

