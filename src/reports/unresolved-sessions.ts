import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import { storedNumber } from "../store/index.js";
import { liveAttendedMs, wholeSeconds } from "./attendee-figures.js";

/** An unresolved session anywhere, with the instance it belongs to and what is known about it. */
export interface UnresolvedSession {
  accountId: string;
  instanceUuid: string;
  meetingId: string;
  topic: string | null;
  /** Epoch ms of the instance's start (or first activity). */
  instanceStart: number | null;
  sessionKey: string;
  displayName: string | null;
  attendedSeconds: number;
  reason: string;
  identifiers: Array<{ field: string; value: string; source: string }>;
}

/**
 * Every session nobody was found for, across instances (or of one), newest instance first — the review queue.
 */
export async function unresolvedSessions(db: Kysely<Database>, options: { limit?: number; instanceUuid?: string } = {}): Promise<UnresolvedSession[]> {
  let query = db
    .selectFrom("session_resolutions as r")
    .innerJoin("participant_sessions as s", (j) =>
      j.onRef("s.account_id", "=", "r.account_id").onRef("s.instance_uuid", "=", "r.instance_uuid").onRef("s.session_key", "=", "r.session_key"),
    )
    .innerJoin("instances as i", (j) => j.onRef("i.account_id", "=", "r.account_id").onRef("i.instance_uuid", "=", "r.instance_uuid"))
    .select(["r.account_id", "r.instance_uuid", "i.meeting_id", "i.topic", "i.start_time", "i.span_from", "i.span_to", "r.session_key", "s.display_name", "s.attended_ms", "s.open_since", "r.unresolved_reason", "s.identifiers_json"])
    .where("r.user_id", "is", null);
  if (options.instanceUuid !== undefined) query = query.where("r.instance_uuid", "=", options.instanceUuid);
  const rows = await query
    .orderBy((eb) => eb.fn.coalesce("i.start_time", "i.span_from"), "desc")
    .orderBy("r.instance_uuid")
    .orderBy("r.session_key")
    .limit(options.limit ?? 500)
    .execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    instanceUuid: r.instance_uuid,
    meetingId: r.meeting_id,
    topic: r.topic,
    instanceStart: r.start_time === null ? (r.span_from === null ? null : Number(r.span_from)) : Number(r.start_time),
    sessionKey: r.session_key,
    displayName: r.display_name,
    attendedSeconds: wholeSeconds(liveAttendedMs(Number(r.attended_ms), storedNumber(r.open_since), storedNumber(r.span_to))),
    reason: r.unresolved_reason ?? "identifier_unknown",
    identifiers: (JSON.parse(r.identifiers_json) as Array<{ field: string; value: string; source: string }>).map(({ field, value, source }) => ({ field, value, source })),
  }));
}
