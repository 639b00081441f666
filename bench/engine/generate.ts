/**
 * Synthetic Zoom traffic for one large meeting instance: participants with rejoins, breakout moves
 * (main-room left + joined in the same second, plus breakout-room events), waiting rooms,
 * redelivered duplicates, all shuffled. Deterministic for a given seed.
 */
import type { Link } from "../../src/core/index.js";

/** Small fast deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedInstance {
  bodies: unknown[];
  links: Link[];
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/**
 * Generates about `participants * 10` webhook bodies (enough participants for 100k events at 10k).
 *
 * @example
 * const { bodies, links } = generateInstance({ participants: 10_000, seed: 1 });
 */
export function generateInstance(opts: { participants: number; seed: number; duplicateRate?: number }): GeneratedInstance {
  const rnd = prng(opts.seed);
  const uuid = "BENCHuuid0000000000001==";
  const start = Date.UTC(2026, 3, 3, 17, 0, 0);
  const end = start + 3 * 3600_000;
  const object = { uuid, id: "81234567890", host_id: "HOST000001", topic: "Bench", type: 2, start_time: iso(start), timezone: "UTC", duration: 180 };
  const bodies: unknown[] = [];
  const links: Link[] = [];
  const envelope = (event: string, participant: Record<string, unknown>, ts: number, extra: Record<string, unknown> = {}) => ({
    event,
    event_ts: ts,
    payload: { account_id: "BENCHACCOUNT", object: { ...object, ...extra, participant } },
  });
  bodies.push({ event: "meeting.started", event_ts: start, payload: { account_id: "BENCHACCOUNT", object } });
  let nextUserId = 16778240;
  for (let p = 0; p < opts.participants; p++) {
    const appUser = `user-${p}`;
    const name = `Guest ${p} [rc:t${p.toString(36)}]`;
    const email = `guest${p}@example.com`;
    const customerKey = rnd() < 0.4 ? `ck${p}` : "";
    const registrantId = rnd() < 0.5 ? `reg-${p}` : "";
    if (customerKey) links.push({ method: "customer_key", value: customerKey, userId: appUser });
    if (registrantId) links.push({ method: "registrant_id", value: registrantId, userId: appUser, meetingId: "81234567890" });
    links.push({ method: "email", value: email, userId: appUser });
    if (p % 7 === 0) links.push({ method: "name_token", value: `t${p.toString(36)}`, userId: appUser });
    let t = start + Math.floor(rnd() * 1800_000);
    const rejoins = 1 + Math.floor(rnd() * 3);
    for (let r = 0; r < rejoins && t < end; r++) {
      const participantUuid = `${p.toString(16).padStart(8, "0")}-0000-4000-8000-${r.toString(16).padStart(12, "0")}`;
      let userId = String(nextUserId++);
      const base = { user_name: name, id: "", participant_user_id: "", email: rnd() < 0.5 ? email : "", participant_uuid: participantUuid, customer_key: customerKey };
      if (rnd() < 0.2) {
        bodies.push(envelope("meeting.participant_joined_waiting_room", { ...base, user_id: userId, date_time: iso(t - 30_000) }, t - 30_000));
        bodies.push(envelope("meeting.participant_admitted", { ...base, user_id: userId, date_time: iso(t - 1000) }, t - 1000));
      }
      bodies.push(envelope("meeting.participant_joined", { ...base, user_id: userId, registrant_id: null, join_time: iso(t) }, t + 50));
      // A breakout move: main-room leave + breakout join + breakout leave + main-room join, no gap.
      if (rnd() < 0.5) {
        const moveAt = t + Math.floor(rnd() * 600_000);
        const boUser = `${nextUserId++}${iso(moveAt).slice(0, 10)} 11:21:31:000`;
        const back = moveAt + Math.floor(rnd() * 900_000);
        bodies.push(envelope("meeting.participant_left", { ...base, user_id: userId, registrant_id: "", leave_time: iso(moveAt), leave_reason: "left the meeting. Reason : left the meeting to join breakout room" }, moveAt + 20));
        const newMain = String(nextUserId++);
        bodies.push(envelope("meeting.participant_joined", { ...base, user_id: newMain, join_time: iso(moveAt) }, moveAt + 40));
        bodies.push(envelope("meeting.participant_joined_breakout_room", { ...base, user_id: boUser, parent_user_id: newMain, join_time: iso(moveAt) }, moveAt + 60, { breakout_room_uuid: `BO${p % 50}==` }));
        bodies.push(envelope("meeting.participant_left_breakout_room", { ...base, user_id: boUser, parent_user_id: newMain, leave_time: iso(back), leave_reason: "left the breakout room. Reason : Leave breakout room." }, back + 10, { breakout_room_uuid: `BO${p % 50}==` }));
        userId = newMain;
        t = back;
      }
      const leaveAt = t + Math.floor(rnd() * 1800_000);
      if (leaveAt < end || rnd() < 0.5) {
        bodies.push(envelope("meeting.participant_left", { ...base, user_id: userId, registrant_id: registrantId, leave_time: iso(Math.min(leaveAt, end)), leave_reason: "left the meeting. Reason : left the meeting" }, leaveAt + 30));
      }
      t = leaveAt + Math.floor(rnd() * 300_000);
    }
  }
  bodies.push({ event: "meeting.ended", event_ts: end + 500, payload: { account_id: "BENCHACCOUNT", object: { ...object, end_time: iso(end) } } });
  // Redeliveries: the same body again (Zoom retries after 5/25/85 min).
  const dupRate = opts.duplicateRate ?? 0.05;
  const n = bodies.length;
  for (let i = 0; i < n; i++) if (rnd() < dupRate) bodies.push(structuredClone(bodies[i]));
  // Arrival order is not event order.
  for (let i = bodies.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [bodies[i], bodies[j]] = [bodies[j], bodies[i]];
  }
  // Bodies as the pipeline sees them: parsed from JSON text (object shapes as JSON.parse builds them).
  return { bodies: bodies.map((b) => JSON.parse(JSON.stringify(b)) as unknown), links };
}
