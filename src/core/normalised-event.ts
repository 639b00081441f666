/**
 * The engine's input: one Zoom (or report) fact, already validated and flattened by `src/zoom/events`.
 * Everything here is plain data so the core stays pure: times are epoch milliseconds, ids are strings.
 */

/** Where a fact came from: a webhook delivery, or a row of Zoom's participant report. */
export type EventSource = "webhook" | "report";

export type Product = "meeting" | "webinar";

/** Participant-level happenings. Only `joined`/`left` and the breakout pair count as attendance. */
export type ParticipantEventKind =
  | "joined"
  | "left"
  | "breakout_joined"
  | "breakout_left"
  | "waiting_room_joined"
  | "waiting_room_left"
  | "admitted"
  | "put_in_waiting_room"
  | "jbh_joined"
  | "jbh_waiting"
  | "jbh_waiting_left"
  | "bind"
  | "role_changed";

/** Every identifier Zoom may put on a participant; absent or `""` in Zoom becomes `undefined` here. */
export interface ParticipantIdentifiers {
  /** Zoom's per-connection id; changes on every rejoin and room move; never parse it as a number. */
  userId?: string;
  /** GUID that survives breakout moves; a real leave + rejoin gets a new one. */
  participantUuid?: string;
  /** Breakout events only: the main-room `user_id`. */
  parentUserId?: string;
  userName?: string;
  /** Lower-cased (or a keyed hash of the lower-cased address under `ROLLCALL_PRIVACY=hash`). */
  email?: string;
  /** `participant_user_id`: the Zoom user id of a logged-in participant. */
  zoomUserId?: string;
  /**
   * `id`, only when it differs from `participant_user_id`: the deprecated Zoom user id, or (older
   * data, forum thread 13006) the registrant id of a registered guest who was not logged in.
   */
  id?: string;
  registrantId?: string;
  customerKey?: string;
  phoneNumber?: string;
}

interface EventBase {
  /** Content key, equal for every redelivery of the same Zoom event (zoom-facts §1.5). */
  key: string;
  accountId: string;
  /** Instance id (`object.uuid`); attendance is per instance. */
  instanceUuid: string;
  /** Meeting number (`object.id`), always a string. */
  meetingId: string;
  product: Product;
  /** The event's own time in epoch ms: join/leave/date time, start/end time, else `event_ts`. */
  at: number;
  source: EventSource;
}

export interface ParticipantEvent extends EventBase {
  type: "participant";
  kind: ParticipantEventKind;
  participant: ParticipantIdentifiers;
  leaveReason?: string;
  breakoutRoomUuid?: string;
  /** `bind` only: the computer participant a phone leg is bound to. */
  boundTo?: { userId?: string; participantUuid?: string };
}

/** What an instance event tells about the meeting. */
export interface MeetingInfo {
  topic?: string;
  hostId?: string;
  /** Zoom meeting/webinar type number (zoom-facts §3). */
  meetingType?: number;
  startTime?: number;
  endTime?: number;
  timezone?: string;
  scheduledMinutes?: number;
}

export interface InstanceEvent extends EventBase {
  type: "instance";
  kind: "started" | "ended";
  meeting: MeetingInfo;
}

/** `meeting.registration_created` / `webinar.registration_created`: a registrant the app may know by e-mail. */
export interface RegistrationEvent extends EventBase {
  type: "registration";
  registrantId: string;
  email?: string;
  name?: string;
  joinUrl?: string;
}

/**
 * One row of a Zoom participant report: a whole connection (join and leave at once).
 * `at` is the join time; `leaveAt` the leave time.
 */
export interface ReportRowEvent extends EventBase {
  type: "report_row";
  participant: ParticipantIdentifiers;
  leaveAt: number;
  /** `in_meeting` or `in_waiting_room`; waiting-room rows are never attendance. */
  status?: string;
  /** `bo_mtg_id`: the breakout room the row is about, if any. */
  breakoutRoomId?: string;
}

export type NormalisedEvent = ParticipantEvent | InstanceEvent | RegistrationEvent | ReportRowEvent;
