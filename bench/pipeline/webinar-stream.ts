/**
 * A large webinar's webhook stream, deterministic for a seed: every participant joins (registrants
 * with their registrant id, SDK joiners with a customer key, staff logged in, walk-ins with nothing),
 * a third rejoin with a new session, most leave, the rest are closed by `webinar.ended`; 2% of the
 * deliveries are repeated (Zoom retries) and arrival order is shuffled within a short window (real
 * streams are nearly, not exactly, in time order). Used by `bench/pipeline` and the pipeline tests.
 */
import type { Link } from "../../src/core/index.js";
import { prng } from "../engine/generate.js";


const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

export interface WebinarStreamOptions {
  participants: number;
  seed: number;
  accountId?: string;
  /** Distinguishes several instances in one run. */
  instance?: number;
}

export interface WebinarStream {
  accountId: string;
  uuid: string;
  bodies: unknown[];
  /** Links for the users the participants stand for (`user-<n>`). */
  links: Link[];
}

/**
 * About 3 events per participant (a 10,000-participant webinar gives ~30,000 bodies).
 *
 * @example
 * const { bodies, links } = webinarStream({ participants: 10_000, seed: 1 });
 */
export function webinarStream(options: WebinarStreamOptions): WebinarStream {
  const rnd = prng(options.seed);
  const accountId = options.accountId ?? "BENCHacct";
  const n = options.instance ?? 0;
  const uuid = `WEBuuid${String(options.seed).padStart(6, "0")}${String(n).padStart(4, "0")}+/==`;
  const webinarId = String(91000000000 + n);
  const start = Date.UTC(2026, 2, 3, 16, 0, 0) + n * 86_400_000;
  const end = start + 2 * 3_600_000;
  const object = { uuid, id: webinarId, host_id: "HOSTbench01", topic: `All hands ${n}`, type: 5, start_time: iso(start), timezone: "UTC", duration: 120 };
  const body = (event: string, participant: Record<string, unknown>, at: number) => ({
    event,
    event_ts: at + 200,
    payload: { account_id: accountId, object: { ...object, participant } },
  });
  const timed: Array<{ at: number; body: unknown }> = [{ at: start, body: { event: "webinar.started", event_ts: start, payload: { account_id: accountId, object } } }];
  const links: Link[] = [];
  let userId = 16_778_240;
  for (let p = 0; p < options.participants; p++) {
    const user = `user-${p}`;
    const kind = rnd();
    const who: Record<string, unknown> = { user_name: `Attendee ${p}`, email: "", id: "", participant_user_id: "", registrant_id: "", customer_key: "" };
    if (kind < 0.5) {
      who["registrant_id"] = `reg${p}`;
      who["email"] = `attendee${p}@example.com`;
      links.push({ method: "registrant_id", value: `reg${p}`, userId: user, meetingId: webinarId });
    } else if (kind < 0.75) {
      who["customer_key"] = `ck${p}`;
      links.push({ method: "customer_key", value: `ck${p}`, userId: user });
    } else if (kind < 0.85) {
      who["id"] = who["participant_user_id"] = `ZU${p}`;
      links.push({ method: "zoom_user_id", value: `ZU${p}`, userId: user });
    } // else: a walk-in nobody knows
    let t = start + Math.floor(rnd() * 20 * 60_000);
    const connections = rnd() < 0.33 ? 2 : 1;
    for (let c = 0; c < connections; c++) {
      const participant = { ...who, user_id: String(userId++), participant_uuid: `${p.toString(16).padStart(8, "0")}-0000-4000-8000-${c.toString(16).padStart(12, "0")}` };
      timed.push({ at: t, body: body("webinar.participant_joined", { ...participant, join_time: iso(t) }, t) });
      const leave = t + Math.floor(rnd() * 90 * 60_000);
      if (leave < end && (c < connections - 1 || rnd() < 0.9)) {
        timed.push({ at: leave, body: body("webinar.participant_left", { ...participant, leave_time: iso(leave), leave_reason: "left the meeting. Reason : left the meeting" }, leave) });
      }
      t = Math.min(end - 60_000, leave + Math.floor(rnd() * 10 * 60_000));
    }
  }
  timed.push({ at: end, body: { event: "webinar.ended", event_ts: end, payload: { account_id: accountId, object: { ...object, end_time: iso(end) } } } });
  timed.sort((a, b) => a.at - b.at);
  const bodies = timed.map((e) => e.body);
  // Zoom retries: the same delivery again, somewhat later in the stream.
  for (let i = 0, count = bodies.length; i < count; i++) {
    if (rnd() < 0.02) bodies.splice(Math.min(bodies.length, i + 1 + Math.floor(rnd() * 500)), 0, bodies[i]);
  }
  // Near-ordered arrival: swap within a window of 50.
  for (let i = 0; i < bodies.length; i++) {
    const j = Math.min(bodies.length - 1, i + Math.floor(rnd() * 50));
    [bodies[i], bodies[j]] = [bodies[j], bodies[i]];
  }
  return { accountId, uuid, bodies, links };
}
