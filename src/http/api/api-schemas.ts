import * as z from "zod";

/**
 * Schemas several route groups share: pagination, path parameters and the attendance shapes
 * (which mirror `src/reports` exactly; the API test compares them with the CLI's JSON).
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

/** ISO-8601 date or time in a query string → epoch ms. */
export const isoDate = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), { error: "expected an ISO-8601 date or time, e.g. 2026-11-30 or 2026-11-30T09:00:00Z" })
  .transform((v) => Date.parse(v));

export const attendanceStatusSchema = z
  .enum(["in_meeting", "left", "present", "late", "left_early", "partial", "absent"])
  .describe("While the instance is live: `in_meeting`, `left` (was in, not connected now) or `absent` (never joined). Once it has ended, the status policy's `present`, `late`, `left_early`, `partial` or `absent`.");

export const instanceSchema = z.object({
  uuid: z.string(),
  meetingId: z.string(),
  topic: z.string().nullable(),
  startTime: z.string().nullable(),
  endTime: z.string().nullable(),
  status: z.string().describe("`live`, `ended` or `finalized` (reconciled with Zoom's report)."),
});

/** `resolvedBy`: always an identity method. */
export const resolvedBySchema = z.enum(["manual", "customer_key", "registrant_id", "zoom_user_id", "email", "name_token"]);

/** `source`: where the evidence that resolved a user came from (`manual` link, `webhook`, Zoom's `report`). */
export const attendeeSourceSchema = z.enum(["manual", "webhook", "report"]);

export const attendeeSchema = z.object({
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
});

export const attendanceReportSchema = z.object({
  instance: instanceSchema,
  attendees: z.array(attendeeSchema),
  unresolved: z.array(z.object({ sessionKey: z.string(), userName: z.string().nullable(), attendedSeconds: z.number(), reason: z.string() })),
});
