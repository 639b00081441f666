import type * as z from "zod";
import { KIND_CODE, type EventColumnsBuilder } from "../../core/event-columns.js";
import type { ParticipantIdentifiers, NormalisedEvent, MeetingInfo } from "../../core/normalised-event.js";
import { contentKey } from "./content-key.js";
import { isRecord } from "../../json/index.js";
import { fastAccepts } from "./fast-check-body.js";
import { EVENT_MEANINGS, TIMED_FIELD, type EventMeaning } from "./event-names.js";
import {
  envelopeSchema,
  instanceBodySchema,
  participantBodySchema,
  registrationBodySchema,
  type InstanceBody,
  type ParticipantBody,
  type RegistrationBody,
} from "./event-schemas.js";
import type { NormaliseIssue, NormaliseOptions, NormaliseResult } from "./normalise-result.js";
import { personalDataFilter, type PersonalDataFilter } from "./privacy.js";
import { eventTsProblem, parseEventTs, parseZoomTime } from "./zoom-time.js";

/**
 * Validates one parsed Zoom webhook body and flattens it into the engine's {@link NormalisedEvent}.
 * Participant events of meetings and webinars (joined/left, waiting room, join-before-host, breakout
 * rooms, bind, role change), `started`/`ended` and `registration_created` become events; other
 * well-formed bodies (`meeting.created`, unknown events) are `ignored`; unreadable bodies are
 * `rejected` with one issue per wrong field. Names and e-mails follow `options.privacy`.
 *
 * @example
 * const rawBody = '{"event":"meeting.participant_joined","payload":{"account_id":"acct-1","object":{"uuid":"FaKeUuId1234567890abcQ==","id":81234567890,"participant":{"user_id":"16778240","user_name":"Dana","email":"dana@example.com","join_time":"2026-01-01T10:00:00Z"}}}}';
 * const r = normaliseZoomEvent(JSON.parse(rawBody), { privacy: "hash", hashKey: "a-long-random-secret" });
 * if (r.status === "event") createInstanceState().apply(r.event); // its name and e-mail are keyed hashes
 * else if (r.status === "rejected") console.warn(r.issues.map((issue) => issue.message)); // one per wrong field
 */
export function normaliseZoomEvent(body: unknown, options?: NormaliseOptions): NormaliseResult {
  const filter = personalDataFilter(options);
  // Hot path: read the fields directly when the hand checks (zod's twins) pass; zod only explains failures.
  const name = isRecord(body) ? body["event"] : undefined;
  const meaning = typeof name === "string" ? EVENT_MEANINGS.get(name) : undefined;
  if (fastAccepts(body, meaning)) {
    if (meaning === undefined) return ignored((body as { event: string }).event);
    return mapBody(body as ParticipantBody & InstanceBody & RegistrationBody, meaning, filter, body);
  }
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return rejected(envelope.error);
  if (meaning === undefined) return ignored(envelope.data.event);
  const schema = meaning.type === "participant" ? participantBodySchema : meaning.type === "instance" ? instanceBodySchema : registrationBodySchema;
  const parsed = schema.safeParse(body);
  if (!parsed.success) return rejected(parsed.error);
  return mapBody(parsed.data as ParticipantBody & InstanceBody & RegistrationBody, meaning, filter, body);
}

/** Where a participant row goes: one builder, or the builder of the row's account and instance (a batch over many instances). */
export type ColumnsTarget = EventColumnsBuilder | ((accountId: string, instanceUuid: string) => EventColumnsBuilder);

/**
 * {@link normaliseZoomEvent} for batches: a participant event becomes a row of `columns` (no event
 * object; strings interned in the batch's table) and `{ status: "row" }` is returned; every other
 * outcome (instance and registration events, ignored and rejected bodies) is returned as
 * `normaliseZoomEvent` returns it. Rows hold exactly what the event object would hold.
 */
export function normaliseZoomEventInto(body: unknown, target: ColumnsTarget, options?: NormaliseOptions): NormaliseResult | { status: "row" } {
  const name = isRecord(body) ? body["event"] : undefined;
  const meaning = typeof name === "string" ? EVENT_MEANINGS.get(name) : undefined;
  if (meaning !== undefined && meaning.type === "participant" && fastAccepts(body, meaning)) {
    const data = body as ParticipantBody;
    const at = participantTime(data, meaning);
    if (typeof at !== "number") return at;
    const filter = personalDataFilter(options);
    const object = data.payload.object;
    const p = object.participant;
    const accountId = text(data.payload.account_id) ?? "";
    const columns = typeof target === "function" ? target(accountId, object.uuid) : target;
    const row = columns.addRow(
      KIND_CODE.get(meaning.kind)!,
      at,
      NaN,
      0,
      meaning.product === "webinar" ? 1 : 0,
      contentKey(body),
      columns.intern(object.uuid),
      columns.intern(accountId),
      columns.intern(text(object.id) ?? ""),
    );
    columns.userId[row] = columns.append(text(p.user_id));
    columns.participantUuid[row] = columns.append(text(p.participant_uuid));
    columns.parentUserId[row] = columns.append(text(p.parent_user_id));
    const userName = nonEmpty(p.user_name);
    if (userName !== undefined) columns.userName[row] = columns.append(filter.name(userName));
    const email = nonEmpty(p.email);
    if (email !== undefined) columns.email[row] = columns.append(filter.email(email));
    const zoomUserId = text(p.participant_user_id);
    const id = text(p.id);
    columns.zoomUserId[row] = columns.append(zoomUserId);
    if (id !== zoomUserId) columns.id[row] = columns.append(id);
    columns.registrantId[row] = columns.append(text(p.registrant_id));
    columns.customerKey[row] = columns.append(text(p.customer_key));
    if (meaning.kind === "bind") {
      columns.bound[row] = 1;
      columns.boundUserId[row] = columns.append(text(p.bind_user_id));
      columns.boundUuid[row] = columns.append(text(p.bind_participant_uuid));
    }
    return ROW;
  }
  const result = normaliseZoomEvent(body, options);
  if (result.status === "event" && result.event.type === "participant") {
    (typeof target === "function" ? target(result.event.accountId, result.event.instanceUuid) : target).addEvent(result.event);
    return ROW;
  }
  return result;
}

const ROW = Object.freeze({ status: "row" as const });

function ignored(event: string): NormaliseResult {
  return { status: "ignored", reason: `event "${event}" is not used by Rollcall` };
}

function mapBody(data: ParticipantBody & InstanceBody & RegistrationBody, meaning: EventMeaning, filter: PersonalDataFilter, body: unknown): NormaliseResult {
  switch (meaning.type) {
    case "participant":
      return participantEvent(data, meaning, filter, body);
    case "instance":
      return instanceEvent(data, meaning, body);
    case "registration":
      return registrationEvent(data, meaning, filter, body);
  }
}

function participantEvent(
  data: ParticipantBody,
  meaning: Extract<EventMeaning, { type: "participant" }>,
  filter: PersonalDataFilter,
  body: unknown,
): NormaliseResult {
  const at = participantTime(data, meaning);
  if (typeof at !== "number") return at;
  const object = data.payload.object;
  const p = object.participant;
  const participant = identifiers(p, filter);
  const event: NormalisedEvent = {
    type: "participant",
    kind: meaning.kind,
    key: contentKey(body),
    accountId: text(data.payload.account_id) ?? "",
    instanceUuid: object.uuid,
    meetingId: text(object.id) ?? "",
    product: meaning.product,
    at,
    source: "webhook",
    participant,
    leaveReason: nonEmpty(p.leave_reason),
    breakoutRoomUuid: text(object.breakout_room_uuid),
    boundTo: meaning.kind === "bind" ? { userId: text(p.bind_user_id), participantUuid: text(p.bind_participant_uuid) } : undefined,
  };
  return { status: "event", event };
}

/** A participant event's own time (its join/leave/date time, else `event_ts`), or the issue that makes it unusable. */
function participantTime(data: ParticipantBody, meaning: Extract<EventMeaning, { type: "participant" }>): number | NormaliseResult {
  const p = data.payload.object.participant;
  const timeField = TIMED_FIELD[meaning.kind];
  let at: number | undefined;
  if (timeField !== undefined) {
    // A named read per field (a keyed read with a varying name is a slow megamorphic lookup).
    const raw = timeField === "join_time" ? p.join_time : timeField === "leave_time" ? p.leave_time : p.date_time;
    if (raw !== undefined && raw !== null && raw !== "") {
      at = parseZoomTime(raw);
      if (at === undefined) return timeIssue(`payload.object.participant.${timeField}`, raw);
    }
  }
  // jbh_* events carry no time of their own; a missing leave_time falls back to event_ts (tolerance).
  if (at === undefined) {
    at = parseEventTs(data.event_ts);
    const problem = at === undefined ? eventTsProblem(data.event_ts) : undefined;
    if (problem !== undefined) return issue("event_ts", "an integer epoch-ms time", problem);
  }
  if (at === undefined) {
    if (timeField === "join_time" || timeField === "leave_time") return timeIssue(`payload.object.participant.${timeField}`, undefined);
    at = 0; // only jbh_* without event_ts (a stored capture): never attendance, so an unknown time is harmless.
  }
  return at;
}

/**
 * Flattens a participant object: `""`/`null` become absent; `id` is kept apart from
 * `participant_user_id` (it can hold a registrant id), and dropped when it only repeats it.
 */
export function identifiers(
  p: z.infer<typeof participantBodySchema>["payload"]["object"]["participant"],
  filter: PersonalDataFilter,
): ParticipantIdentifiers {
  // Every key is always present (undefined when absent), in one order: one object shape for all
  // events keeps the engine's property reads monomorphic, which is most of its speed.
  const name = nonEmpty(p.user_name);
  const email = nonEmpty(p.email);
  const zoomUserId = text(p.participant_user_id);
  const id = text(p.id);
  const out: ParticipantIdentifiers = {
    userId: text(p.user_id),
    participantUuid: text(p.participant_uuid),
    parentUserId: text(p.parent_user_id),
    userName: name === undefined ? undefined : filter.name(name),
    email: email === undefined ? undefined : filter.email(email),
    zoomUserId,
    id: id === zoomUserId ? undefined : id,
    registrantId: text(p.registrant_id),
    customerKey: text(p.customer_key),
    phoneNumber: text(p.phone_number),
  };
  return out;
}

function instanceEvent(data: InstanceBody, meaning: Extract<EventMeaning, { type: "instance" }>, body: unknown): NormaliseResult {
  const object = data.payload.object;
  const meeting: MeetingInfo = {};
  const topic = nonEmpty(object.topic);
  if (topic !== undefined) meeting.topic = topic;
  const hostId = text(object.host_id);
  if (hostId !== undefined) meeting.hostId = hostId;
  const type = typeof object.type === "string" ? Number(object.type) : object.type;
  if (typeof type === "number" && Number.isFinite(type)) meeting.meetingType = type;
  for (const [field, target] of [["start_time", "startTime"], ["end_time", "endTime"]] as const) {
    const raw = nonEmpty(object[field]);
    if (raw === undefined) continue;
    const ms = parseZoomTime(raw);
    if (ms === undefined) return timeIssue(`payload.object.${field}`, raw);
    meeting[target] = ms;
  }
  const timezone = nonEmpty(object.timezone);
  if (timezone !== undefined) meeting.timezone = timezone;
  const duration = typeof object.duration === "string" ? Number(object.duration) : object.duration;
  if (typeof duration === "number" && Number.isFinite(duration)) meeting.scheduledMinutes = duration;
  const own = meaning.kind === "ended" ? meeting.endTime : meeting.startTime;
  const at = own ?? parseEventTs(data.event_ts);
  const problem = at === undefined ? eventTsProblem(data.event_ts) : undefined;
  if (problem !== undefined) return issue("event_ts", "an integer epoch-ms time", problem);
  if (at === undefined) return timeIssue(`payload.object.${meaning.kind === "ended" ? "end_time" : "start_time"}`, undefined);
  return {
    status: "event",
    event: {
      type: "instance",
      kind: meaning.kind,
      key: contentKey(body),
      accountId: text(data.payload.account_id) ?? "",
      instanceUuid: object.uuid,
      meetingId: text(object.id) ?? "",
      product: meaning.product,
      at,
      source: "webhook",
      meeting,
    },
  };
}

function registrationEvent(
  data: RegistrationBody,
  meaning: Extract<EventMeaning, { type: "registration" }>,
  filter: PersonalDataFilter,
  body: unknown,
): NormaliseResult {
  const object = data.payload.object;
  const r = object.registrant;
  const event: NormalisedEvent = {
    type: "registration",
    key: contentKey(body),
    accountId: text(data.payload.account_id) ?? "",
    instanceUuid: nonEmpty(object.uuid) ?? "",
    meetingId: text(object.id) ?? "",
    product: meaning.product,
    at: parseEventTs(data.event_ts) ?? 0,
    source: "webhook",
    registrantId: String(r.id),
  };
  const email = nonEmpty(r.email);
  if (email !== undefined) {
    const kept = filter.email(email);
    if (kept !== undefined) event.email = kept;
  }
  const fullName = [nonEmpty(r.first_name), nonEmpty(r.last_name)].filter((s) => s !== undefined).join(" ");
  if (fullName !== "") {
    const kept = filter.name(fullName);
    if (kept !== undefined) event.name = kept;
  }
  const joinUrl = nonEmpty(r.join_url);
  if (joinUrl !== undefined) event.joinUrl = joinUrl;
  return { status: "event", event };
}

/** An id as text; `null`, `""` and non-finite numbers are absent. Never parses ids as numbers. */
export function text(value: string | number | null | undefined): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : undefined;
  return undefined;
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function issue(path: string, expected: string, message: string): NormaliseResult {
  return { status: "rejected", issues: [{ path, expected, message }] };
}

function timeIssue(path: string, got: string | undefined): NormaliseResult {
  return {
    status: "rejected",
    issues: [
      {
        path,
        expected: "ISO-8601 date-time",
        message: `${path}: expected an ISO-8601 date-time such as "2026-04-03T17:06:25Z", got ${got === undefined ? "nothing" : JSON.stringify(got)}`,
      },
    ],
  };
}

/** zod issues → field-named issues. */
export function rejected(error: z.ZodError): NormaliseResult {
  return {
    status: "rejected",
    issues: error.issues.map((issue) => {
      const path = issue.path.map(String).join(".") || "(body)";
      const expected = "expected" in issue && typeof issue.expected === "string" ? issue.expected : issue.message.replace(/^expected /i, "");
      return { path, expected, message: `${path}: ${issue.message}` };
    }),
  };
}
