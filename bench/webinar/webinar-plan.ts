/**
 * A very large webinar's webhooks and the truth about it, deterministic for a seed (issue 24's
 * shape): every attendee joins within the first 10 minutes, 10 % leave and rejoin once in the
 * middle, every attendee leaves within the last 15 minutes, then `webinar.ended`. Registrant ids
 * on 30 % (the rest join through the Meeting SDK with a customer key, or signed in), so every
 * attendee is one of the app's users and the truth is each user's attended seconds.
 */
import { prng } from "../engine/generate.js";

const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

export interface WebinarPlan {
  accountId: string;
  uuid: string;
  webinarId: string;
  /** Bodies in the order Zoom sends them (time order). */
  bodies: unknown[];
  /** `rollcall users import` rows for every attendee. */
  users: Array<{ externalId: string; customerKeys?: string[]; zoomUserIds?: string[]; registrants?: Array<{ meetingId: string; registrantId: string }> }>;
  /** Milliseconds each user attended (union of their sessions). */
  truth: Map<string, number>;
}

/**
 * @example
 * const plan = webinarPlan({ attendees: 100_000, seed: 24 }); // ~220,000 bodies
 */
export function webinarPlan(options: { attendees: number; seed: number }): WebinarPlan {
  const rnd = prng(options.seed);
  const accountId = "WEBINARacct";
  const webinarId = "92000000000";
  const uuid = `BIGweb${String(options.seed).padStart(6, "0")}+/==`;
  const start = Date.UTC(2026, 11, 1, 15, 0, 0);
  const end = start + 90 * 60_000;
  const object = { uuid, id: webinarId, host_id: "HOSTweb0001", topic: "All-company webinar", type: 5, start_time: iso(start), timezone: "UTC", duration: 90 };
  const timed: Array<{ at: number; body: unknown }> = [{ at: start, body: { event: "webinar.started", event_ts: start, payload: { account_id: accountId, object } } }];
  const event = (name: string, participant: Record<string, unknown>, at: number) => ({
    at,
    body: { event: name, event_ts: at + 150, payload: { account_id: accountId, object: { ...object, participant } } },
  });
  const users: WebinarPlan["users"] = [];
  const truth = new Map<string, number>();
  let userId = 16_778_240;
  for (let a = 0; a < options.attendees; a++) {
    const externalId = `att-${a}`;
    const who: Record<string, unknown> = { user_name: `Attendee ${a}`, email: "", id: "", participant_user_id: "", registrant_id: "", customer_key: "" };
    const kind = rnd();
    if (kind < 0.3) {
      who["registrant_id"] = `wreg${a}`;
      users.push({ externalId, registrants: [{ meetingId: webinarId, registrantId: `wreg${a}` }] });
    } else if (kind < 0.85) {
      who["customer_key"] = `wck${a}`;
      users.push({ externalId, customerKeys: [`wck${a}`] });
    } else {
      who["id"] = who["participant_user_id"] = `WZU${a}`;
      users.push({ externalId, zoomUserIds: [`WZU${a}`] });
    }
    // Zoom's times are whole seconds.
    const join = start + Math.floor(rnd() * 10 * 60) * 1000;
    const leave = end - 15 * 60_000 + Math.floor(rnd() * 15 * 60) * 1000;
    const stays: Array<[number, number]> = [];
    if (rnd() < 0.1) {
      const out = join + Math.floor((rnd() * (leave - join) * 0.5) / 1000) * 1000;
      const back = out + 60_000 + Math.floor(rnd() * 5 * 60) * 1000;
      stays.push([join, out], [back, leave]);
    } else stays.push([join, leave]);
    stays.forEach(([from, to], s) => {
      const participant = { ...who, user_id: String(userId++), participant_uuid: `${a.toString(16).padStart(8, "0")}-0000-4000-8000-${s.toString(16).padStart(12, "0")}` };
      timed.push(event("webinar.participant_joined", { ...participant, join_time: iso(from) }, from));
      timed.push(event("webinar.participant_left", { ...participant, leave_time: iso(to), leave_reason: "left the meeting. Reason : left the meeting" }, to));
    });
    truth.set(externalId, stays.reduce((sum, [from, to]) => sum + (to - from), 0));
  }
  timed.push({ at: end, body: { event: "webinar.ended", event_ts: end + 400, payload: { account_id: accountId, object: { ...object, end_time: iso(end) } } } });
  timed.sort((x, y) => x.at - y.at);
  return { accountId, uuid, webinarId, bodies: timed.map((t) => t.body), users, truth };
}
