import * as z from "zod";
import { parseIsoTime, parseRangeEnd } from "../../json/index.js";

/**
 * The API's shapes: pagination, path parameters, and every answer's schema (the attendance shapes
 * mirror `src/reports` exactly; the API test compares them with the CLI's JSON). Answers carry an
 * id (`.meta({ id })`): they are named `components.schemas` in `/openapi.json`, and their types
 * (the `z.output` below) are what the dashboard imports, type-only, instead of retyping them.
 * This file imports zod and nothing else, so the front end's type check can read it.
 */

/** `?limit=&cursor=`: pages of at most 500 (default 100). */
export const pageQuery = z.object({
  limit: z.coerce.number({ error: "expected a whole number from 1 to 500" }).int({ error: "expected a whole number from 1 to 500" }).min(1).max(500).default(100).describe("Items per page (1–500, default 100)."),
  cursor: z.string().min(1).optional().describe("`nextCursor` of the previous page."),
});

export const externalIdParam = z.string().min(1, { error: "expected the app's non-empty id of the user" }).max(256).describe("The app's own id of the user.");

/** An instance uuid, as it arrives after the one URL-decoding of the path (it may hold `/`, `+`, `=`). */
export const instanceUuidParam = z.string().min(1, { error: "expected an instance uuid (URL-encoded once)" }).max(256).describe("Instance uuid (`payload.object.uuid`), URL-encoded once.");

export const meetingIdParam = z
  .string()
  .regex(/^\d{9,12}$/, { error: "expected a meeting number (9 to 12 digits)" })
  .describe("Zoom meeting number.");

const dateError = { error: "expected an ISO-8601 date or time, e.g. 2026-11-30 or 2026-11-30T09:00:00Z" };

/** ISO-8601 date or time in a query string → epoch ms (a date: its midnight, UTC). */
export const isoDate = z
  .string()
  .refine((v) => parseIsoTime(v) !== undefined, dateError)
  .transform((v) => parseIsoTime(v)!);

/** The end of a date range (`to`) → exclusive epoch ms: a date includes its whole day, a time is the bound. */
export const isoRangeEnd = z
  .string()
  .refine((v) => parseRangeEnd(v) !== undefined, dateError)
  .transform((v) => parseRangeEnd(v)!);

export const attendanceStatusSchema = z
  .enum(["in_meeting", "left", "present", "late", "left_early", "partial", "absent"])
  .describe("While the instance is live: `in_meeting`, `left` (was in, not connected now) or `absent` (never joined). Once it has ended, the status policy's `present`, `late`, `left_early`, `partial` or `absent`.")
  .meta({ id: "AttendanceStatus" });

/** What every answer says of an instance. */
const instanceFields = {
  uuid: z.string(),
  meetingId: z.string(),
  topic: z.string().nullable(),
  startTime: z.string().nullable(),
  endTime: z.string().nullable(),
  status: z.string().describe("`live`, `ended` or `finalized` (reconciled with Zoom's report)."),
};

export const instanceGapSchema = z
  .object({ subscriptionId: z.string(), start: z.string().nullable(), end: z.string().nullable().describe("Null while the gap lasts."), reason: z.string() })
  .meta({ id: "InstanceGap", description: "A stretch without a WebSocket connection that overlaps the instance." });

/** An instance as a report says it: with whether events may be missing. */
export const instanceSchema = z
  .object({
    ...instanceFields,
    possiblyIncomplete: z.boolean().describe("A WebSocket gap overlaps it and Zoom's report is not merged yet: events may be missing."),
    gaps: z.array(instanceGapSchema).describe("The WebSocket gaps that overlap it (empty when events come by webhook only)."),
  })
  .meta({ id: "Instance" });

/** `resolvedBy`: always an identity method. */
export const resolvedBySchema = z.enum(["manual", "customer_key", "registrant_id", "zoom_user_id", "email", "name_token"]).meta({ id: "ResolvedBy" });

/** `source`: where the evidence that resolved a user came from (`manual` link, `webhook`, Zoom's `report`). */
export const attendeeSourceSchema = z.enum(["manual", "webhook", "report"]).meta({ id: "AttendeeSource" });

export const attendeeSchema = z
  .object({
    externalId: z.string(),
    status: attendanceStatusSchema,
    attendedSeconds: z.number(),
    firstJoin: z.string().nullable().describe("ISO-8601 UTC; null for an expected user who never joined, and while no join has been seen (a leave came first)."),
    lastLeave: z.string().nullable().describe("Null while in the meeting, or never joined."),
    asOf: z.string().nullable().describe("`in_meeting` rows: the time `attendedSeconds` was counted up to (the latest event time of the instance); else null."),
    sessions: z.number(),
    resolvedBy: resolvedBySchema.nullable().describe("The identity method that recognised the user (null for an expected user who never joined)."),
    source: attendeeSourceSchema.nullable().describe("Where that evidence came from, the strongest that contributed (null for an expected user who never joined)."),
    confidence: z.number().nullable(),
    closedByMeetingEnd: z.boolean(),
  })
  .meta({ id: "AttendeeRow" });

export const unresolvedRowSchema = z.object({ sessionKey: z.string(), userName: z.string().nullable(), attendedSeconds: z.number(), reason: z.string() }).meta({ id: "UnresolvedRow" });

export const attendanceReportSchema = z.object({ instance: instanceSchema, attendees: z.array(attendeeSchema), unresolved: z.array(unresolvedRowSchema) }).meta({ id: "AttendanceReport" });

export const instanceSummarySchema = z
  .object({
    uuid: z.string(),
    meetingId: z.string(),
    topic: z.string().nullable(),
    startTime: z.string().nullable(),
    endTime: z.string().nullable(),
    status: z.string(),
    sessions: z.number(),
    attendees: z.number().describe("Users who were in the meeting (attendance rows; expected users who never joined are not counted)."),
    expectedAbsent: z.number().describe("Expected users (registrants, holders of a join link for the meeting) who never joined: the `absent` rows the report adds."),
    unresolved: z.number().describe("Sessions nobody was found for."),
    possiblyIncomplete: z.boolean().describe("A WebSocket gap overlaps it and Zoom's report is not merged yet: events may be missing."),
  })
  .meta({ id: "InstanceSummary" });

export const instancePageSchema = z.object({ data: z.array(instanceSummarySchema), nextCursor: z.string().nullable() }).meta({ id: "InstancePage" });

export const identifierSchema = z.object({ field: z.string(), value: z.string(), source: z.string() }).meta({ id: "Identifier" });

export const reviewSessionSchema = z
  .object({
    sessionKey: z.string(),
    userName: z.string().nullable(),
    attendedSeconds: z.number(),
    firstJoin: z.string().nullable().describe("When the session joined (null while no join was seen): with `lastLeave`, what tells sessions apart when names are hidden."),
    lastLeave: z.string().nullable().describe("When it left; null while connected."),
    identifiers: z.array(identifierSchema),
    reason: z.string().describe("no_identifier, identifier_unknown, names_hidden, or conflict."),
    resolvedTo: z.object({ externalId: z.string(), method: z.string() }).nullable().describe("For a conflict: the side attendance counts."),
    conflicts: z.array(z.object({ externalId: z.string(), method: z.string(), evidence: z.array(z.object({ field: z.string(), value: z.string() })) })).describe("For a conflict: the other side(s)."),
    suggestions: z
      .array(z.object({ externalId: z.string(), name: z.string().nullable().describe("As the privacy mode kept it."), score: z.number(), matchedOn: z.enum(["email", "name"]) }))
      .describe("Users who may be this person. Shown, never applied."),
  })
  .meta({ id: "ReviewSession" });

export const reviewQueueItemSchema = reviewSessionSchema
  .extend({ instanceUuid: z.string(), meetingId: z.string(), topic: z.string().nullable(), instanceStart: z.string().nullable().describe("When the instance started (or first activity).") })
  .meta({ id: "ReviewQueueItem" });

export const reviewQueueSchema = z.object({ data: z.array(reviewQueueItemSchema) }).meta({ id: "ReviewQueue" });

const stretch = { from: z.string(), to: z.string().nullable().describe("Null while it lasts.") };

export const timelineSessionSchema = z
  .object({
    sessionKey: z.string(),
    displayName: z.string().nullable().describe("As the privacy mode kept it."),
    identifiers: z.array(identifierSchema),
    intervals: z.array(z.object({ ...stretch, closedByMeetingEnd: z.boolean() })).describe("Time in the meeting proper (breakout rooms included)."),
    rooms: z.array(z.object({ kind: z.enum(["waiting_room", "breakout"]), ...stretch })).describe("Waiting-room (not counted) and breakout (counted) stretches."),
    attendedSeconds: z.number(),
    firstJoin: z.string().nullable().describe("Null while no join was seen."),
    lastLeave: z.string().nullable().describe("Null while connected."),
    present: z.boolean(),
    source: z.string().describe("`webhook` if any webhook event made the session, else `report`."),
    externalId: z.string().nullable().describe("The user it was resolved to; null when unresolved."),
    userName: z.string().nullable().describe("That user's name, as the privacy mode kept it."),
    method: z.string().nullable(),
    confidence: z.number(),
    unresolvedReason: z.string().nullable(),
    conflicts: z.array(z.object({ externalId: z.string(), method: z.string() })),
  })
  .meta({ id: "TimelineSession" });

export const instanceTimelineSchema = z
  .object({
    instance: instanceSchema,
    spanFrom: z.string().nullable().describe("The span attendance shares are measured against."),
    spanTo: z.string().nullable(),
    sessions: z.array(timelineSessionSchema).describe("Every participant session, by first join."),
    shares: z.record(z.string(), z.number()).describe("externalId → share of the instance attended, 0..1."),
  })
  .meta({ id: "InstanceTimeline" });

export const userSchema = z
  .object({
    externalId: z.string(),
    email: z.string().nullable().describe("As the privacy mode kept it (a hash under `hash`, null under `drop`)."),
    name: z.string().nullable(),
    zoomUserIds: z.array(z.string()),
    customerKeys: z.array(z.string()),
    nameTokens: z.array(z.string()),
    registrants: z.array(z.object({ meetingId: z.string(), registrantId: z.string() })),
    manualSessions: z.array(z.object({ instanceUuid: z.string(), sessionKey: z.string() })).describe("Sessions linked to this user by hand."),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "User" });

export const userPageSchema = z.object({ data: z.array(userSchema), nextCursor: z.string().nullable() }).meta({ id: "UserPage" });

export const importSummarySchema = z
  .object({
    created: z.number(),
    updated: z.number(),
    linksAdded: z.number(),
    linksRemoved: z.number(),
    reresolvedInstances: z.array(z.string()).describe("Instances marked for re-resolution because the changed links may change them."),
  })
  .meta({ id: "ImportSummary" });

export const userAttendanceSchema = z
  .object({
    externalId: z.string(),
    totalSeconds: z.number(),
    instances: z.array(
      z.object({
        instance: z.object(instanceFields),
        status: attendanceStatusSchema,
        attendedSeconds: z.number(),
        firstJoin: z.string().nullable(),
        lastLeave: z.string().nullable(),
        asOf: z.string().nullable().describe("`in_meeting`: the time `attendedSeconds` was counted up to; else null."),
        sessions: z.number(),
        resolvedBy: resolvedBySchema.describe("The identity method that recognised the user."),
        source: attendeeSourceSchema.describe("Where that evidence came from: manual, webhook or report."),
        confidence: z.number(),
        closedByMeetingEnd: z.boolean(),
      }),
    ),
  })
  .meta({ id: "UserAttendance" });

export const meetingRollupSchema = z
  .object({
    meetingId: z.string(),
    topic: z.string().nullable(),
    instances: z.array(instanceSchema),
    users: z.array(
      z.object({
        externalId: z.string(),
        instancesAttended: z.number().describe("Instances with a status other than absent."),
        totalSeconds: z.number(),
        instances: z.array(z.object({ uuid: z.string(), status: attendanceStatusSchema.nullable(), attendedSeconds: z.number() })),
      }),
    ),
  })
  .meta({ id: "MeetingRollup" });

export const joinLinkSchema = z
  .object({
    externalId: z.string(),
    kind: z.enum(["registrant", "sdk", "name-token"]),
    method: z.string().describe("The stored link: customer_key, registrant_id or name_token."),
    value: z.string(),
    created: z.boolean().describe("False when the user's own registrant or customer key was reused (or the same link was already stored)."),
    joinUrl: z.string().nullable().describe("Hosted join URL to send the user to (`registrant`, `sdk`); short-lived."),
    expiresAt: z.string().nullable().describe("When `joinUrl` stops working."),
    zoomJoinUrl: z.string().nullable().describe("`registrant`: the personal Zoom join URL itself."),
    bundle: z
      .object({ signature: z.string(), sdkKey: z.string(), meetingNumber: z.string(), userName: z.string(), customerKey: z.string() })
      .nullable()
      .describe("`sdk`: what to pass to the Meeting SDK's join() for apps that embed it themselves."),
    displayName: z.string().nullable().describe("`name-token`: the display name to join with."),
  })
  .meta({ id: "JoinLink" });

export type AttendanceStatusBody = z.output<typeof attendanceStatusSchema>;
export type InstanceBody = z.output<typeof instanceSchema>;
export type AttendeeRowBody = z.output<typeof attendeeSchema>;
export type AttendanceReportBody = z.output<typeof attendanceReportSchema>;
export type InstanceSummaryBody = z.output<typeof instanceSummarySchema>;
export type InstancePageBody = z.output<typeof instancePageSchema>;
export type IdentifierBody = z.output<typeof identifierSchema>;
export type ReviewSessionBody = z.output<typeof reviewSessionSchema>;
export type UserBody = z.output<typeof userSchema>;
export type ReviewQueueItemBody = z.output<typeof reviewQueueItemSchema>;
export type TimelineSessionBody = z.output<typeof timelineSessionSchema>;
export type InstanceTimelineBody = z.output<typeof instanceTimelineSchema>;
export type JoinLinkBody = z.output<typeof joinLinkSchema>;
export type UserPageBody = z.output<typeof userPageSchema>;
export type UserAttendanceBody = z.output<typeof userAttendanceSchema>;
export type MeetingRollupBody = z.output<typeof meetingRollupSchema>;
