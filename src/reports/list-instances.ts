import { sql, type ExpressionBuilder, type Kysely } from "kysely";
import { DEFAULT_ACCOUNT } from "../directory/accounts.js";
import type { Database } from "../store/index.js";
import { possiblyIncompleteCondition } from "./instance-gaps.js";
import { isoTime } from "../json/index.js";

/** One line of `rollcall instances`: an occurrence of a meeting and how far it got. */
export interface InstanceSummary {
  accountId: string;
  uuid: string;
  meetingId: string;
  topic: string | null;
  startTime: string | null;
  endTime: string | null;
  status: string;
  /** Participant sessions seen (resolved or not). */
  sessions: number;
  /** Users who were in the meeting (attendance rows). */
  attendees: number;
  /** Expected users (registrants, holders of a join link for the meeting) who never joined: the `absent` rows a report adds. */
  expectedAbsent: number;
  /** Sessions no user was found for. */
  unresolved: number;
  /** A WebSocket gap overlaps it and Zoom's report is not merged yet: events may be missing. */
  possiblyIncomplete: boolean;
}

export interface ListInstancesOptions {
  meetingId?: string;
  accountId?: string;
  /** Only instances that started at or after / before these epoch-ms times. */
  from?: number;
  to?: number;
  /** Only instances in this status (`live`, `ended`, `finalized`). */
  status?: string;
  /** Only instances whose topic contains this (any case), or whose meeting number contains its digits. */
  search?: string;
  limit?: number;
  /** Only instances after this one in the listing order (a cursor from {@link instanceCursor}). */
  after?: InstanceCursor;
}

/** Where a page of {@link listInstances} ended: the last instance's sort time and uuid. */
export interface InstanceCursor {
  sortTime: number;
  uuid: string;
}

/**
 * The instances Rollcall has seen, newest first — how a newcomer finds the uuid to ask
 * `rollcall attendance` about, and what `rollcall export` walks over.
 */
export async function listInstances(db: Kysely<Database>, options: ListInstancesOptions = {}): Promise<InstanceSummary[]> {
  let query = db
    .selectFrom("instances as i")
    .select((eb) => [
      "i.account_id",
      "i.instance_uuid",
      "i.meeting_id",
      "i.topic",
      "i.start_time",
      "i.end_time",
      "i.status",
      "i.span_from",
      eb
        .selectFrom("participant_sessions as s")
        .whereRef("s.account_id", "=", "i.account_id")
        .whereRef("s.instance_uuid", "=", "i.instance_uuid")
        .select((c) => c.fn.countAll<number>().as("n"))
        .as("sessions"),
      eb
        .selectFrom("attendance as a")
        .whereRef("a.account_id", "=", "i.account_id")
        .whereRef("a.instance_uuid", "=", "i.instance_uuid")
        .select((c) => c.fn.countAll<number>().as("n"))
        .as("attendees"),
      eb
        .selectFrom("directory_links as l")
        .innerJoin("directory_users as u", "u.id", "l.user_id")
        .whereRef("l.scope", "=", "i.meeting_id")
        .where("l.method", "in", ["registrant_id", "customer_key"])
        .where((w) => w.or([w("l.account_id", "=", w.ref("i.account_id")), w("l.account_id", "=", DEFAULT_ACCOUNT)]))
        .where((w) =>
          w.not(w.exists(w.selectFrom("attendance as a").select("a.user_id").whereRef("a.account_id", "=", "i.account_id").whereRef("a.instance_uuid", "=", "i.instance_uuid").whereRef("a.user_id", "=", "u.external_id"))),
        )
        .select((c) => c.fn.count<number>("u.external_id").distinct().as("n"))
        .as("expectedAbsent"),
      eb
        .selectFrom("session_resolutions as r")
        .whereRef("r.account_id", "=", "i.account_id")
        .whereRef("r.instance_uuid", "=", "i.instance_uuid")
        .where("r.user_id", "is", null)
        .select((c) => c.fn.countAll<number>().as("n"))
        .as("unresolved"),
      eb.case().when(possiblyIncompleteCondition(eb)).then(1).else(0).end().as("possibly_incomplete"),
    ]);
  // The listing order: start time (or first event), newest first; 0 for neither, last.
  const sortTime = sql<number>`coalesce(i.start_time, i.span_from, 0)`;
  if (options.meetingId !== undefined) query = query.where("i.meeting_id", "=", options.meetingId);
  if (options.accountId !== undefined) query = query.where("i.account_id", "=", options.accountId);
  if (options.from !== undefined) query = query.where((eb) => eb(eb.fn.coalesce("i.start_time", "i.span_from"), ">=", options.from!));
  if (options.to !== undefined) query = query.where((eb) => eb(eb.fn.coalesce("i.start_time", "i.span_from"), "<", options.to!));
  if (options.status !== undefined) query = query.where("i.status", "=", options.status);
  if (options.search !== undefined && options.search.trim() !== "") query = query.where((eb) => searchCondition(eb, options.search!));
  const after = options.after;
  if (after !== undefined) {
    // Newest first, then by uuid: "after" is an older start, or the same start and a later uuid.
    query = query.where((eb) => eb.or([eb(sortTime, "<", after.sortTime), eb.and([eb(sortTime, "=", after.sortTime), eb("i.instance_uuid", ">", after.uuid)])]));
  }
  const rows = await query
    .orderBy(sortTime, "desc")
    .orderBy("i.instance_uuid")
    .limit(options.limit ?? 1000)
    .execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    uuid: r.instance_uuid,
    meetingId: r.meeting_id,
    topic: r.topic,
    startTime: isoTime(r.start_time ?? r.span_from),
    endTime: isoTime(r.end_time),
    status: r.status,
    sessions: Number(r.sessions ?? 0),
    attendees: Number(r.attendees ?? 0),
    expectedAbsent: Number(r.expectedAbsent ?? 0),
    unresolved: Number(r.unresolved ?? 0),
    possiblyIncomplete: Number(r.possibly_incomplete) === 1,
  }));
}

/** The cursor that continues a listing after this instance. */
export function instanceCursor(instance: InstanceSummary): InstanceCursor {
  return { sortTime: instance.startTime === null ? 0 : Date.parse(instance.startTime), uuid: instance.uuid };
}

/** Topic contains the text (any case), or the meeting number contains its digits ("812 3456" finds 81234567890). */
function searchCondition(eb: ExpressionBuilder<Database & { i: Database["instances"] }, "i">, search: string) {
  const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const digits = search.replace(/\D/g, "");
  const topic = eb(sql`lower(i.topic)`, "like", sql`${like(search.trim().toLowerCase())} escape '\\'`);
  return digits === "" ? topic : eb.or([topic, eb("i.meeting_id", "like", `%${digits}%`)]);
}
