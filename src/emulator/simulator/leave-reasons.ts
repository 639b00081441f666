import type { LeaveReason } from "../scenarios/scenario-schema.js";

/** Why a main-room connection ended, beyond what a scenario step can say. */
export type MainLeaveCause = LeaveReason | "host_ended" | "to_breakout" | "to_breakout_plain";

// Wordings seen in captured bodies (zoom-captures INDEX.md); "network" and "removed" follow the
// documented "left the meeting. Reason : <dashboard reason>" form.
const MEETING: Record<MainLeaveCause, string> = {
  left: "left the meeting. Reason : left the meeting",
  disconnected: "got disconnected from the meeting. Reason : Client Close.",
  network: "left the meeting. Reason : Network connection error. ",
  removed: "left the meeting. Reason : Removed by host.",
  host_ended: "left the meeting. Reason : Host ended the meeting.",
  to_breakout: "left the meeting. Reason : left the meeting to join breakout room",
  to_breakout_plain: "left the meeting. Reason : left the meeting",
};

/**
 * The `leave_reason` text of a main-room leave. Webinar wording is not captured anywhere; the
 * meeting form with "webinar" in place of "meeting" is a guess that keeps the captured structure.
 */
export function mainLeaveReason(cause: MainLeaveCause, product: "meeting" | "webinar"): string {
  const text = MEETING[cause];
  return product === "webinar" ? text.replaceAll("meeting", "webinar") : text;
}

/** The `leave_reason` of `participant_left_breakout_room`: a move back, or a real leave from inside a room. */
export function breakoutLeaveReason(cause: "return" | LeaveReason): string {
  if (cause === "return") return "left the breakout room. Reason : Leave breakout room.";
  return MEETING[cause].replace(/^(left|got disconnected from) the meeting\./, "$1 the breakout room.");
}
