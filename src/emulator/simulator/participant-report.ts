import type { ReportRow } from "./simulation-types.js";
import { zoomTimeAt } from "../zoom-time.js";

/** What the report needs to know about one connection. */
export interface ReportConnection {
  segments: readonly { room: { uuid: string } | null; userId: string; join: number; leave?: number; name?: string }[];
  /** Stays in the waiting room, reported as rows with `status: "in_waiting_room"` (zoom-facts §6.7). */
  waiting?: readonly { userId: string; join: number; leave?: number; name?: string }[];
  /** Zoom user id as the report shows it ("" for guests and, since Mar 2023, external users). */
  zoomUserId: string;
  email: string;
  /** BAA accounts get empty names and e-mails in reports. */
  hipaa: boolean;
  registrantId: string;
  customerKey: string;
}

/**
 * The rows of `GET /report/meetings/{uuid}/participants?include_fields=registrant_id` once the
 * instance has ended: one per `user_id` (each room stay of each connection), with its own
 * duration in seconds, ordered by join time. Waiting-room stays are rows too, with
 * `status: "in_waiting_room"` (Zoom lists them; they are not attendance).
 */
export function buildReportRows(connections: readonly ReportConnection[], startMs: number): ReportRow[] {
  const iso = (second: number) => zoomTimeAt(startMs, second);
  const rows: { join: number; row: ReportRow }[] = [];
  for (const conn of connections) {
    const stays = [
      ...conn.segments.map((segment) => ({ ...segment, status: "in_meeting" as const, room: segment.room?.uuid ?? "" })),
      ...(conn.waiting ?? []).map((stay) => ({ ...stay, status: "in_waiting_room" as const, room: "" })),
    ];
    for (const stay of stays) {
      if (stay.leave === undefined) continue; // only a finished meeting has a report
      rows.push({
        join: stay.join,
        row: {
          id: conn.zoomUserId,
          user_id: stay.userId,
          name: conn.hipaa ? "" : (stay.name ?? ""),
          user_email: conn.hipaa ? "" : conn.email,
          join_time: iso(stay.join),
          leave_time: iso(stay.leave),
          duration: stay.leave - stay.join,
          registrant_id: conn.registrantId,
          customer_key: conn.customerKey,
          participant_user_id: conn.zoomUserId,
          status: stay.status,
          bo_mtg_id: stay.room,
          failover: false,
        },
      });
    }
  }
  return rows.sort((a, b) => a.join - b.join).map(({ row }) => row);
}
