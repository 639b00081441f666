/**
 * Shapes of the Zoom REST requests and responses the client uses (subset of Zoom's spec, field
 * names as Zoom sends them). Optional where Zoom may leave a field out.
 */

/** Registration-related meeting settings. */
export interface MeetingSettings {
  /** 0 automatic approval, 1 manual, 2 no registration. */
  approval_type?: 0 | 1 | 2;
  registration_type?: 1 | 2 | 3;
  registrants_email_notification?: boolean;
  registrants_confirmation_email?: boolean;
  waiting_room?: boolean;
  join_before_host?: boolean;
  [key: string]: unknown;
}

/** Body of `POST /users/{userId}/meetings`. */
export interface CreateMeetingRequest {
  topic?: string;
  /** 1 instant, 2 scheduled (default), 3 recurring no fixed time, 8 recurring fixed time. */
  type?: 1 | 2 | 3 | 8;
  /** ISO-8601, e.g. `2026-01-01T09:00:00Z`. */
  start_time?: string;
  /** Minutes. */
  duration?: number;
  timezone?: string;
  password?: string;
  settings?: MeetingSettings;
  [key: string]: unknown;
}

/** A meeting as `GET /meetings/{meetingId}` returns it. */
export interface Meeting {
  id: number;
  uuid: string;
  host_id: string;
  topic: string;
  type: number;
  start_time?: string;
  duration?: number;
  timezone?: string;
  join_url: string;
  registration_url?: string;
  settings?: MeetingSettings;
  [key: string]: unknown;
}

/** Who to register. Zoom requires `email` and `first_name`. */
export interface RegistrantInput {
  email: string;
  first_name: string;
  last_name?: string;
  [key: string]: unknown;
}

/** Answer of `POST /meetings/{meetingId}/registrants`. */
export interface AddedRegistrant {
  id: number;
  registrant_id: string;
  join_url: string;
  topic?: string;
  start_time?: string;
  participant_pin_code?: number;
}

/** One item of `POST /meetings/{meetingId}/batch_registrants`. */
export interface BatchRegistrant {
  email: string;
  registrant_id: string;
  join_url: string;
  participant_pin_code?: number;
}

/** One item of `GET /meetings/{meetingId}/registrants`. */
export interface Registrant {
  id: string;
  email: string;
  first_name: string;
  last_name?: string;
  status: "approved" | "pending" | "denied";
  create_time?: string;
  join_url: string;
  [key: string]: unknown;
}

/** One item of `GET /past_meetings/{meetingId}/instances`. */
export interface PastInstance {
  uuid: string;
  start_time: string;
}

/** One row (one join session) of `GET /report/meetings/{uuid}/participants`. */
export interface ReportParticipant {
  id: string;
  user_id: string;
  name: string;
  user_email: string;
  join_time: string;
  leave_time: string;
  /** Seconds in this session. */
  duration: number;
  /** Returned because the client always asks `include_fields=registrant_id`. */
  registrant_id?: string;
  customer_key?: string;
  participant_user_id?: string;
  status?: string;
  failover?: boolean;
  bo_mtg_id?: string;
  [key: string]: unknown;
}

/** One row of `GET /past_meetings/{uuid}/participants`. */
export interface PastParticipant {
  id: string;
  name: string;
  user_id: string;
  registrant_id?: string;
  user_email: string;
  join_time: string;
  leave_time: string;
  duration: number;
  failover?: boolean;
  status?: string;
  internal_user?: boolean;
  [key: string]: unknown;
}

/** A Zoom user (`GET /users/{userId}`). */
export interface ZoomUser {
  id: string;
  email: string;
  first_name?: string;
  last_name?: string;
  type: number;
  [key: string]: unknown;
}
