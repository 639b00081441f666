/**
 * What the pipeline derives from the inbox (`src/pipeline`): meetings, instances, participant
 * sessions, their resolutions to app users, and attendance per (instance, user). Every row is keyed
 * by `account_id` first, so two Zoom accounts never see each other's data, then by the instance.
 *
 * All of it can be rebuilt from `inbox_events` (`rollcall reprocess`). Conventions:
 * - times are epoch milliseconds (`bigint`), durations milliseconds;
 * - booleans are integers 0/1 (the same in SQLite and PostgreSQL);
 * - `*_json` columns hold JSON text of the engine's types (`src/core/instance-result.ts`), so the
 *   read model can return them without another join.
 */

/** One Zoom meeting or webinar number, with what its latest instance said about it. */
export interface MeetingTable {
  account_id: string;
  /** Zoom meeting number (`object.id`), as a string. */
  meeting_id: string;
  /** `meeting` or `webinar`. */
  product: string;
  topic: string | null;
  /** Zoom user id of the host. */
  host_id: string | null;
  /** Zoom meeting type number (zoom-facts §3). */
  meeting_type: number | null;
  /** The latest instance (by start time, then uuid); product, topic, host and type are the latest instance's that says them. */
  last_instance_uuid: string;
  updated_at: number;
}

/** One occurrence of a meeting (`object.uuid`). Attendance is per instance. */
export interface InstanceTable {
  account_id: string;
  instance_uuid: string;
  meeting_id: string;
  product: string;
  topic: string | null;
  host_id: string | null;
  meeting_type: number | null;
  /** Earliest `start_time` of a started/ended event. */
  start_time: number | null;
  /** Latest `end_time` of an ended event. */
  end_time: number | null;
  /** `live` until a `*.ended` event, then `ended` (it can be reopened by later events' facts). */
  status: string;
  /** The span attendance shares are measured against (see `InstanceInfo`). */
  span_from: number | null;
  span_to: number | null;
  /** Inbox events applied to this instance (distinct content keys). */
  event_count: number;
  /**
   * A new random value (never the previous one) on every write of this instance's derived rows. A pipeline process caches the engine
   * state of an instance together with the revision it wrote; a different revision in the database
   * means another process (or `reprocess`) wrote since, so the cache is rebuilt from the inbox.
   */
  revision: number;
  /**
   * 1 when users or links changed in a way that may change this instance's resolutions
   * (`markInstancesForReprocessing`); the pipeline recomputes it and sets it back to 0.
   */
  needs_resolve: number;
  updated_at: number;
}

/** One participant session: a connection from join to leave (breakout moves and bound phone legs included). */
export interface ParticipantSessionTable {
  account_id: string;
  instance_uuid: string;
  /** The engine's session key (`participant_uuid`, else a `user_id`-based key), unique within the instance. */
  session_key: string;
  participant_uuid: string | null;
  /**
   * A display name of the session: the latest shown for unresolved sessions (what an operator needs
   * to link it by hand), else the first of `names_json`. Null under `drop` or when Zoom blanked it.
   */
  display_name: string | null;
  /** JSON `string[]`: every Zoom `user_id` of the session (one per room segment). */
  zoom_connection_ids_json: string;
  /** JSON `string[]`: keys of sessions merged into this one (a bound phone leg). */
  merged_keys_json: string;
  /** JSON `SeenIdentifier[]`: every identifier seen on the session's events, with the event it came from. */
  identifiers_json: string;
  /** JSON `string[]`: every name shown (as kept by the privacy mode). */
  names_json: string;
  /** JSON `Interval[]`: the session's time in the meeting proper. */
  intervals_json: string;
  first_join: number | null;
  /** Null while the session is still open. */
  last_leave: number | null;
  /**
   * Time in the meeting, the open interval left out (migration 0012): while the session is open a
   * reader adds the time from `open_since` to when it reads (the instance's `span_to`), so the row
   * does not change while its participant merely stays.
   */
  attended_ms: number;
  /** Start of the open interval; null when the session is closed. */
  open_since: number | null;
  present: number;
  /** `webhook` if any webhook event made it, else `report`. */
  source: string;
}

/**
 * Identifiers of sessions, one row each, so a new link finds the instances it may change without
 * reading every session (`instancesAffectedByLinks`). `field` is an `IdentifierField`.
 */
export interface SessionIdentifierTable {
  account_id: string;
  instance_uuid: string;
  session_key: string;
  field: string;
  value: string;
}

/** How one session was resolved to an app user, or why it was not. One row per session. */
export interface SessionResolutionTable {
  account_id: string;
  instance_uuid: string;
  session_key: string;
  /** The app's `externalId`; null when unresolved. */
  user_id: string | null;
  /** Winning method (`manual`, `customer_key`, `registrant_id`, `zoom_user_id`, `email`, `name_token`); null when unresolved. */
  method: string | null;
  /** 0..1; halved when other evidence points at another user. */
  confidence: number;
  /** JSON `Evidence[]` for the chosen user. */
  evidence_json: string;
  /** JSON `Conflict[]`: other users some evidence points at (shown, never silently settled). */
  conflicts_json: string;
  /** `no_identifier`, `identifier_unknown` or `names_hidden` when unresolved; else null. */
  unresolved_reason: string | null;
}

/** Attendance of one app user in one instance: the union of their sessions' intervals. */
export interface AttendanceTable {
  account_id: string;
  instance_uuid: string;
  /** The app's `externalId`. */
  user_id: string;
  /** Time in the meeting, the open interval left out: see `participant_sessions.attended_ms`. */
  attended_ms: number;
  /** Start of the user's open interval; null when the user is not present. */
  open_since: number | null;
  first_join: number;
  /** Null while the user is still present. */
  last_leave: number | null;
  /** Number of sessions (1 + rejoins + extra devices). */
  sessions: number;
  present: number;
  /** 1 when some interval was closed by `meeting.ended` for lack of a leave. */
  closed_by_meeting_end: number;
  /** Strongest method over the user's sessions (`manual`, `customer_key`, `registrant_id`, `zoom_user_id`, `email`, `name_token`). */
  resolved_by: string;
  /** Where that evidence came from, the strongest that contributed: `manual`, `webhook` or `report` (migration 0008). */
  source: string;
  /** The weakest of the user's session resolutions. */
  confidence: number;
  /** JSON `string[]`. */
  session_keys_json: string;
  /** JSON `Interval[]`: the union of the user's intervals. */
  intervals_json: string;
}

export interface DerivedTables {
  meetings: MeetingTable;
  instances: InstanceTable;
  participant_sessions: ParticipantSessionTable;
  session_identifiers: SessionIdentifierTable;
  session_resolutions: SessionResolutionTable;
  attendance: AttendanceTable;
}
