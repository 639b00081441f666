/**
 * Builds Zoom webhook bodies (shapes of zoom-facts §2/§7) for one meeting instance, and stores them
 * in the inbox the way ingest does (optionally through the privacy mode's body preparer).
 */
import type { RollcallDatabase } from "../../../src/store/index.js";
import { insertInboxEvents } from "../../../src/store/inbox/index.js";
import { contentKey } from "../../../src/zoom/events/index.js";
import type { BodyPreparer } from "../../../src/zoom/privacy/index.js";

import { minute } from "../../support/clock.js";

export { minute };
export const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

export interface Instance {
  accountId: string;
  uuid: string;
  meetingId: string;
  topic: string;
  start: number;
}

export type Participant = Record<string, string>;

/** Webhook bodies of one instance. */
export function meetingEvents(m: Instance) {
  const object = (extra: Record<string, unknown> = {}) => ({
    id: m.meetingId,
    uuid: m.uuid,
    host_id: "HOSTzoomId01",
    topic: m.topic,
    type: 8,
    start_time: iso(m.start),
    timezone: "Europe/Berlin",
    duration: 60,
    ...extra,
  });
  const envelope = (event: string, ts: number, obj: Record<string, unknown>) => ({ event, event_ts: ts, payload: { account_id: m.accountId, object: obj } });
  return {
    started: () => envelope("meeting.started", m.start, object()),
    ended: (end: number) => envelope("meeting.ended", end, object({ end_time: iso(end) })),
    joined: (p: Participant, at: number) => envelope("meeting.participant_joined", at, object({ participant: { ...p, join_time: iso(at) } })),
    left: (p: Participant, at: number) =>
      envelope("meeting.participant_left", at, object({ participant: { ...p, leave_time: iso(at), leave_reason: "left the meeting. Reason : left the meeting", public_ip: "203.0.113.10", private_ip: "10.0.0.23" } })),
    registration: (registrant: { id: string; email: string; first_name: string; last_name: string }, at: number) =>
      envelope("meeting.registration_created", at, {
        ...object(),
        id: Number(m.meetingId),
        registrant: { ...registrant, address: "1 Example Road", city: "Berlin", phone: "+49301234567", org: "Example GmbH", status: "approved", join_url: `https://zoom.us/w/${m.meetingId}?tk=tok-${registrant.id}` },
      }),
  };
}

/** A participant as Zoom shows a guest: blanks for what it does not know. */
export function participant(fields: Participant): Participant {
  return { user_name: "", email: "", id: "", participant_user_id: "", registrant_id: "", customer_key: "", ...fields };
}

/**
 * Stores bodies in the inbox as ingest does: `prepare` (the privacy hook) decides the stored text.
 * Receive order is the array order.
 */
export async function storeInInbox(store: RollcallDatabase, bodies: readonly unknown[], prepare: BodyPreparer = (raw) => raw): Promise<void> {
  let receivedAt = Date.UTC(2026, 0, 1);
  await insertInboxEvents(
    store.db,
    bodies.map((body) => {
      const raw = JSON.stringify(body);
      const kept = prepare(raw, JSON.parse(raw));
      const b = body as { event: string; event_ts: number; payload: { account_id: string; object: { uuid?: string } } };
      return {
        event: {
          // The key is taken from what is kept: a key from the raw body would carry the names the mode strips.
          dedupeKey: contentKey(JSON.parse(kept)),
          event: b.event,
          accountId: b.payload.account_id,
          instanceUuid: b.payload.object.uuid ?? null,
          body: kept,
          headers: {},
          receivedAt: receivedAt++,
          eventTs: b.event_ts,
        },
        deliveries: 1,
      };
    }),
  );
}
