/**
 * Builds webhook bodies with Zoom's field-presence rules (zoom-facts §2.3) and the key order of
 * the captured bodies (zoom-captures 04, 07, 08, 09, 11): participant events put `payload` first
 * and `event` last; `meeting.started`/`ended` put `event` first and `event_ts` last.
 */
import type { SimulatedInstance, WebhookBody } from "./simulation-types.js";

/** What a webhook can say about one participant at one moment (already blanked for HIPAA). */
export interface ParticipantSnapshot {
  userId: string;
  name: string;
  /** Zoom user id of a signed-in participant, "" for guests and phones. */
  zoomUserId: string;
  participantUuid: string;
  email: string;
  /** Registrant id, or undefined when the person did not join through a registration. */
  registrantId: string | undefined;
  customerKey?: string;
  phoneNumber?: string;
  publicIp?: string;
  privateIp?: string;
  /** How `registrant_id` appears on this participant's joins. */
  registrantIdOnJoin: "present" | "null" | "absent";
}

type Obj = Record<string, unknown>;

const prefix = (instance: SimulatedInstance) => (instance.product === "webinar" ? "webinar" : "meeting");

/** Object keys after `uuid`/`participant`, in the order captured participant events use. */
function meetingTail(instance: SimulatedInstance): Obj {
  return {
    id: instance.id,
    type: instance.type,
    topic: instance.topic,
    host_id: instance.hostId,
    duration: instance.duration,
    start_time: instance.startTime,
    timezone: instance.timezone,
  };
}

function participantEnvelope(event: string, instance: SimulatedInstance, object: Obj, eventTs: number): WebhookBody {
  return { payload: { account_id: instance.accountId, object }, event_ts: eventTs, event };
}

function optionalIdentity(p: ParticipantSnapshot): Obj {
  const out: Obj = {};
  if (p.phoneNumber !== undefined) out.phone_number = p.phoneNumber;
  if (p.customerKey !== undefined) out.customer_key = p.customerKey;
  return out;
}

function registrantOnJoin(p: ParticipantSnapshot): Obj {
  switch (p.registrantIdOnJoin) {
    case "present":
      return { registrant_id: p.registrantId ?? "" };
    case "null":
      return { registrant_id: null };
    case "absent":
      return {};
  }
}

/** `meeting.participant_joined` / `webinar.participant_joined`. */
export function participantJoined(instance: SimulatedInstance, p: ParticipantSnapshot, joinTime: string, eventTs: number): WebhookBody {
  const webinar = instance.product === "webinar";
  const participant: Obj = {
    ...(p.publicIp !== undefined && !webinar ? { public_ip: p.publicIp } : {}),
    user_id: p.userId,
    user_name: p.name,
    ...registrantOnJoin(p),
    participant_user_id: p.zoomUserId,
    id: p.zoomUserId,
    join_time: joinTime,
    email: p.email,
    ...optionalIdentity(p),
    participant_uuid: p.participantUuid,
  };
  return participantEnvelope(`${prefix(instance)}.participant_joined`, instance, { uuid: instance.uuid, participant, ...meetingTail(instance) }, eventTs);
}

/** `meeting.participant_left` / `webinar.participant_left` (the leave always carries `registrant_id`). */
export function participantLeft(
  instance: SimulatedInstance,
  p: ParticipantSnapshot,
  leaveTime: string,
  leaveReason: string,
  eventTs: number,
): WebhookBody {
  const webinar = instance.product === "webinar";
  const participant: Obj = {
    leave_time: leaveTime,
    ...(p.publicIp !== undefined && !webinar ? { public_ip: p.publicIp } : {}),
    user_id: p.userId,
    user_name: p.name,
    registrant_id: p.registrantId ?? "",
    participant_user_id: p.zoomUserId,
    id: p.zoomUserId,
    leave_reason: leaveReason,
    email: p.email,
    ...optionalIdentity(p),
    ...(p.privateIp !== undefined && !webinar ? { private_ip: p.privateIp } : {}),
    participant_uuid: p.participantUuid,
  };
  return participantEnvelope(`${prefix(instance)}.participant_left`, instance, { uuid: instance.uuid, participant, ...meetingTail(instance) }, eventTs);
}

/** `meeting.participant_joined_breakout_room`, shaped like capture 08 (`breakout_room_uuid` before `uuid`). */
export function breakoutJoined(
  instance: SimulatedInstance,
  p: ParticipantSnapshot,
  parentUserId: string,
  roomUuid: string,
  joinTime: string,
  eventTs: number,
): WebhookBody {
  const participant: Obj = {
    ...(p.publicIp !== undefined ? { public_ip: p.publicIp } : {}),
    user_id: p.userId,
    parent_user_id: parentUserId,
    user_name: p.name,
    participant_user_id: p.zoomUserId,
    id: p.zoomUserId,
    join_time: joinTime,
    email: p.email,
    ...optionalIdentity(p),
    participant_uuid: p.participantUuid,
  };
  const object = { breakout_room_uuid: roomUuid, uuid: instance.uuid, participant, ...meetingTail(instance) };
  return participantEnvelope("meeting.participant_joined_breakout_room", instance, object, eventTs);
}

/** `meeting.participant_left_breakout_room`, shaped like capture 08. */
export function breakoutLeft(
  instance: SimulatedInstance,
  p: ParticipantSnapshot,
  parentUserId: string,
  roomUuid: string,
  leaveTime: string,
  leaveReason: string,
  eventTs: number,
): WebhookBody {
  const participant: Obj = {
    leave_time: leaveTime,
    ...(p.publicIp !== undefined ? { public_ip: p.publicIp } : {}),
    user_id: p.userId,
    parent_user_id: parentUserId,
    user_name: p.name,
    registrant_id: p.registrantId ?? "",
    participant_user_id: p.zoomUserId,
    id: p.zoomUserId,
    leave_reason: leaveReason,
    email: p.email,
    ...optionalIdentity(p),
    ...(p.privateIp !== undefined ? { private_ip: p.privateIp } : {}),
    participant_uuid: p.participantUuid,
  };
  const object = { breakout_room_uuid: roomUuid, uuid: instance.uuid, participant, ...meetingTail(instance) };
  return participantEnvelope("meeting.participant_left_breakout_room", instance, object, eventTs);
}

/** Waiting-room events (joined/left waiting room, admitted): `date_time` instead of join/leave time. */
export function waitingRoomEvent(
  event: "participant_joined_waiting_room" | "participant_left_waiting_room" | "participant_admitted",
  instance: SimulatedInstance,
  p: ParticipantSnapshot,
  dateTime: string,
  eventTs: number,
): WebhookBody {
  const participant: Obj = {
    user_id: p.userId,
    user_name: p.name,
    id: p.zoomUserId,
    participant_uuid: p.participantUuid,
    date_time: dateTime,
    email: p.email,
    participant_user_id: p.zoomUserId,
    ...optionalIdentity(p),
    registrant_id: p.registrantId ?? "",
  };
  return participantEnvelope(`meeting.${event}`, instance, { uuid: instance.uuid, participant, ...meetingTail(instance) }, eventTs);
}

/**
 * Join-before-host events. Their participant has no `user_id` and no time (capture 07, docs 15/16);
 * `jbh_waiting_left` carries the meeting `id` as a number (docs 16).
 */
export function jbhEvent(
  event: "participant_jbh_joined" | "participant_jbh_waiting" | "participant_jbh_waiting_left",
  instance: SimulatedInstance,
  p: ParticipantSnapshot,
  eventTs: number,
): WebhookBody {
  const participant: Obj = { id: p.zoomUserId, user_name: p.name };
  if (p.customerKey !== undefined) participant.customer_key = p.customerKey;
  if (event !== "participant_jbh_waiting" && p.registrantId !== undefined) participant.registrant_id = p.registrantId;
  const tail = meetingTail(instance);
  const object =
    event === "participant_jbh_waiting_left"
      ? { uuid: instance.uuid, ...tail, id: Number(instance.id), participant }
      : { uuid: instance.uuid, participant, ...tail };
  return participantEnvelope(`meeting.${event}`, instance, object, eventTs);
}

/** `meeting.participant_bind`: a phone leg joined to a computer participant's audio. */
export function participantBind(
  instance: SimulatedInstance,
  phone: ParticipantSnapshot,
  bound: { userId: string; participantUuid: string },
  joinTime: string,
  eventTs: number,
): WebhookBody {
  const participant: Obj = {
    user_id: phone.userId,
    user_name: phone.name,
    id: "",
    participant_uuid: phone.participantUuid,
    bind_user_id: bound.userId,
    bind_participant_uuid: bound.participantUuid,
    phone_number: phone.phoneNumber ?? "",
    join_time: joinTime,
  };
  return participantEnvelope("meeting.participant_bind", instance, { uuid: instance.uuid, participant, ...meetingTail(instance) }, eventTs);
}

/** `meeting.started` / `webinar.started` (capture 11 key order). */
export function instanceStarted(instance: SimulatedInstance, eventTs: number): WebhookBody {
  return {
    event: `${prefix(instance)}.started`,
    payload: {
      account_id: instance.accountId,
      object: {
        duration: instance.duration,
        start_time: instance.startTime,
        timezone: instance.timezone,
        topic: instance.topic,
        id: instance.id,
        type: instance.type,
        uuid: instance.uuid,
        host_id: instance.hostId,
      },
    },
    event_ts: eventTs,
  };
}

/** `meeting.ended` / `webinar.ended` (capture 09 key order, `end_time` after `timezone`). */
export function instanceEnded(instance: SimulatedInstance, eventTs: number): WebhookBody {
  return {
    event: `${prefix(instance)}.ended`,
    payload: {
      account_id: instance.accountId,
      object: {
        duration: instance.duration,
        start_time: instance.startTime,
        timezone: instance.timezone,
        end_time: instance.endTime,
        topic: instance.topic,
        id: instance.id,
        type: instance.type,
        uuid: instance.uuid,
        host_id: instance.hostId,
      },
    },
    event_ts: eventTs,
  };
}

/** A registrant as `meeting.registration_created` describes it. */
export interface RegistrantInfo {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  joinUrl: string;
}

/**
 * `meeting.registration_created` / `webinar.registration_created`: meeting `id` is a number here
 * (zoom-facts §2.1), and there is no participant, only the registrant.
 */
export function registrationCreated(instance: SimulatedInstance, registrant: RegistrantInfo, eventTs: number): WebhookBody {
  return {
    event: `${prefix(instance)}.registration_created`,
    payload: {
      account_id: instance.accountId,
      object: {
        uuid: instance.uuid,
        id: Number(instance.id),
        host_id: instance.hostId,
        topic: instance.topic,
        type: instance.type,
        start_time: instance.startTime,
        duration: instance.duration,
        timezone: instance.timezone,
        registrant: {
          id: registrant.id,
          first_name: registrant.firstName,
          last_name: registrant.lastName,
          email: registrant.email,
          status: "approved",
          join_url: registrant.joinUrl,
        },
      },
    },
    event_ts: eventTs,
  };
}
