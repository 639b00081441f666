import { statusPolicySchema, type StatusPolicy } from "../config/index.js";
import { storedNumber } from "../store/index.js";

/**
 * The status of one user in one instance. While the instance is live: `in_meeting` (connected
 * now), `left` (was in the meeting, not connected now) or `absent` (never joined). Once it has
 * ended, the policy's `present`, `late`, `left_early`, `partial` or `absent`.
 */
export type AttendanceStatus = "in_meeting" | "left" | "present" | "late" | "left_early" | "partial" | "absent";

/** Every status, live ones first (for schemas and documentation). */
export const attendanceStatuses: readonly AttendanceStatus[] = ["in_meeting", "left", "present", "late", "left_early", "partial", "absent"];

/** Defaults: 5 minutes' grace after the start, 5 minutes before the end, at least 1 minute, half the instance. */
export const DEFAULT_STATUS_POLICY: StatusPolicy = statusPolicySchema.parse({});

/** What the policy looks at of a user's attendance (epoch ms). */
export interface StatusInput {
  attendedMs: number;
  firstJoin?: number | null;
  /** Null/undefined while still present. */
  lastLeave?: number | null;
  /** Connected now (an open session). */
  present?: boolean;
}

/** What the policy looks at of the instance (epoch ms). */
export interface StatusInstance {
  startTime?: number | null;
  endTime?: number | null;
  /** Fallbacks when Zoom never sent a start or end: the span of the participants' time. */
  spanFrom?: number | null;
  spanTo?: number | null;
  ended: boolean;
}

/**
 * An instance as the status policy sees it, from its stored row: times may come back as strings
 * (PostgreSQL bigint), and `finalized` (reconciled with Zoom's report) is an ended instance too.
 */
export function statusInstanceOf(row: {
  start_time: number | string | null;
  end_time: number | string | null;
  span_from: number | string | null;
  span_to: number | string | null;
  status: string;
}): StatusInstance {
  return {
    startTime: storedNumber(row.start_time),
    endTime: storedNumber(row.end_time),
    spanFrom: storedNumber(row.span_from),
    spanTo: storedNumber(row.span_to),
    ended: isEndedStatus(row.status),
  };
}

/** Whether an instance status means the meeting is over (`ended`, or `finalized` after reconciliation). */
export function isEndedStatus(status: string): boolean {
  return status === "ended" || status === "finalized";
}

/**
 * Decides a status. While the instance is live it says only what is true at that moment:
 * `absent` when the user never joined, else `in_meeting` when connected now, else `left` — never
 * `absent` for someone who is or was in the meeting. Once it has ended, first match wins:
 * 1. `absent`: attended less than `minAttendedMinutes` (or never joined);
 * 2. `partial`: attended less than `partialBelowShare` of the instance, or both late and left early;
 * 3. `late`: first join more than `graceMinutes` after the start;
 * 4. `left_early`: the instance ended and the last leave was more than `leftEarlyMinutes` before its end;
 * 5. `present`.
 * The instance runs from `startTime` (else `spanFrom`) to `endTime` (else `spanTo`).
 */
export function attendanceStatus(input: StatusInput, instance: StatusInstance, policy: StatusPolicy = DEFAULT_STATUS_POLICY): AttendanceStatus {
  const minute = 60_000;
  const joined = input.firstJoin !== undefined && input.firstJoin !== null;
  if (!instance.ended) return !joined ? "absent" : input.present ? "in_meeting" : "left";
  if (!joined || input.attendedMs < policy.minAttendedMinutes * minute) return "absent";
  const from = instance.startTime ?? instance.spanFrom ?? undefined;
  const to = instance.endTime ?? instance.spanTo ?? undefined;
  if (from !== undefined && to !== undefined && to > from && input.attendedMs / (to - from) < policy.partialBelowShare) return "partial";
  const late = from !== undefined && input.firstJoin! > from + policy.graceMinutes * minute;
  const leftEarly =
    to !== undefined && input.lastLeave !== undefined && input.lastLeave !== null && input.lastLeave < to - policy.leftEarlyMinutes * minute;
  if (late && leftEarly) return "partial";
  if (late) return "late";
  if (leftEarly) return "left_early";
  return "present";
}
