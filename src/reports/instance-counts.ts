import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";

/** How many users attended an instance and how many of its sessions nobody was found for. */
export interface InstanceCounts {
  attendees: number;
  unresolved: number;
}

/**
 * Attendee and unresolved-session counts for the given instances (two grouped queries, whatever
 * their number). Instances without either count 0.
 */
export async function instanceCounts(db: Kysely<Database>, instanceUuids: readonly string[]): Promise<Map<string, InstanceCounts>> {
  const counts = new Map<string, InstanceCounts>(instanceUuids.map((uuid) => [uuid, { attendees: 0, unresolved: 0 }]));
  if (instanceUuids.length === 0) return counts;
  const attendees = await db
    .selectFrom("attendance")
    .select((eb) => ["instance_uuid", eb.fn.countAll<number>().as("n")])
    .where("instance_uuid", "in", instanceUuids)
    .groupBy("instance_uuid")
    .execute();
  for (const row of attendees) counts.get(row.instance_uuid)!.attendees = Number(row.n);
  const unresolved = await db
    .selectFrom("session_resolutions")
    .select((eb) => ["instance_uuid", eb.fn.countAll<number>().as("n")])
    .where("instance_uuid", "in", instanceUuids)
    .where("user_id", "is", null)
    .groupBy("instance_uuid")
    .execute();
  for (const row of unresolved) counts.get(row.instance_uuid)!.unresolved = Number(row.n);
  return counts;
}
