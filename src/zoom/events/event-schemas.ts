/**
 * zod schemas: the documented contract of the Zoom bodies Rollcall reads (zoom-facts §2, §9).
 * Tolerant on purpose: unknown fields pass (`looseObject`), optional fields may be missing, `null`
 * or `""`, and ids may be numbers or strings (meeting `id` is a number in some events).
 * Times are checked as ISO-8601 by the normaliser, which reports the exact field.
 */
import * as z from "zod";

/** An id Zoom sends as a string, sometimes a number, sometimes `null` or `""` (= absent). */
export const looseId = z.union([z.string(), z.number(), z.null()]).optional();
/** Free text that may be missing, `null` or `""`. */
export const looseText = z.union([z.string(), z.null()]).optional();

/** `payload.object.participant` of every participant event (fields per zoom-facts §2.3). */
export const participantSchema = z.looseObject({
  user_id: looseId,
  user_name: looseText,
  id: looseId,
  participant_uuid: looseId,
  participant_user_id: looseId,
  parent_user_id: looseId,
  email: looseText,
  registrant_id: looseId,
  customer_key: looseId,
  phone_number: looseId,
  join_time: looseText,
  leave_time: looseText,
  date_time: looseText,
  leave_reason: looseText,
  bind_user_id: looseId,
  bind_participant_uuid: looseId,
});

/** `payload.object` of meeting/webinar events: the instance. */
export const meetingObjectSchema = z.looseObject({
  uuid: z.string().min(1, { error: "expected the instance uuid, a non-empty string" }),
  id: looseId,
  host_id: looseId,
  topic: looseText,
  type: z.union([z.number(), z.string(), z.null()]).optional(),
  start_time: looseText,
  end_time: looseText,
  timezone: looseText,
  duration: z.union([z.number(), z.string(), z.null()]).optional(),
  breakout_room_uuid: looseId,
});

export const participantObjectSchema = meetingObjectSchema.extend({ participant: participantSchema });

/** `payload.object.registrant` of `*.registration_created`. */
export const registrantSchema = z.looseObject({
  id: z.union([z.string().min(1), z.number()], { error: "expected the registrant id, a non-empty string" }),
  email: looseText,
  first_name: looseText,
  last_name: looseText,
  join_url: looseText,
});

export const registrationObjectSchema = meetingObjectSchema.extend({
  uuid: z.string().optional(),
  registrant: registrantSchema,
});

/** The envelope every Zoom webhook shares (zoom-facts §1.1). `event_ts` is absent in 2020-era bodies. */
export const envelopeSchema = z.looseObject({
  event: z.string().min(1, { error: "expected the event name, a non-empty string" }),
  event_ts: z.union([z.number(), z.string(), z.null()]).optional(),
  payload: z.looseObject({
    account_id: looseId,
    object: z.looseObject({}),
  }),
});

export const participantBodySchema = envelopeSchema.extend({
  payload: z.looseObject({ account_id: looseId, object: participantObjectSchema }),
});
export const instanceBodySchema = envelopeSchema.extend({
  payload: z.looseObject({ account_id: looseId, object: meetingObjectSchema }),
});
export const registrationBodySchema = envelopeSchema.extend({
  payload: z.looseObject({ account_id: looseId, object: registrationObjectSchema }),
});

/** A row of `/report/meetings/{uuid}/participants` or `/past_meetings/{uuid}/participants`. */
export const reportRowSchema = z.looseObject({
  id: looseId,
  user_id: looseId,
  participant_uuid: looseId,
  name: looseText,
  user_email: looseText,
  join_time: z.string({ error: "expected join_time, an ISO-8601 date-time" }),
  leave_time: z.string({ error: "expected leave_time, an ISO-8601 date-time" }),
  duration: z.union([z.number(), z.string(), z.null()]).optional(),
  registrant_id: looseId,
  customer_key: looseId,
  participant_user_id: looseId,
  status: looseText,
  bo_mtg_id: looseId,
});

export type ParticipantBody = z.infer<typeof participantBodySchema>;
export type InstanceBody = z.infer<typeof instanceBodySchema>;
export type RegistrationBody = z.infer<typeof registrationBodySchema>;
export type ReportRow = z.infer<typeof reportRowSchema>;
