import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import { isoTime } from "./iso-time.js";

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
}

export interface ListInstancesOptions {
  meetingId?: string;
  accountId?: string;
  /** Only instances that started at or after / before these epoch-ms times. */
  from?: number;
  to?: number;
  limit?: number;
}

/**
 * The instances Rollcall has seen, newest first — how a newcomer finds the uuid to ask
 * `rollcall attendance` about, and what `rollcall export` walks over.
 *
 * @example
 * const [latest] = await listInstances(store.db, { limit: 1 });
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
    ]);
  if (options.meetingId !== undefined) query = query.where("i.meeting_id", "=", options.meetingId);
  if (options.accountId !== undefined) query = query.where("i.account_id", "=", options.accountId);
  if (options.from !== undefined) query = query.where((eb) => eb(eb.fn.coalesce("i.start_time", "i.span_from"), ">=", options.from!));
  if (options.to !== undefined) query = query.where((eb) => eb(eb.fn.coalesce("i.start_time", "i.span_from"), "<", options.to!));
  const rows = await query
    .orderBy((eb) => eb.fn.coalesce("i.start_time", "i.span_from"), "desc")
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
  }));
}

