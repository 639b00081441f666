/**
 * Helpers for the pipeline tests: Zoom-shaped webhook bodies and a client that signs and posts
 * them to a running Rollcall exactly as Zoom does (zoom-facts §1: `v0:{ts}:{raw body}`).
 */
import { createHmac } from "node:crypto";

/** Posts bodies to `POST /webhooks/zoom` with Zoom's signature headers; throws on a non-2xx answer. */
export async function postSigned(baseUrl: string, secret: string, body: unknown): Promise<{ status: string }> {
  const raw = JSON.stringify(body);
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac("sha256", secret).update(`v0:${ts}:${raw}`).digest("hex")}`;
  const response = await fetch(`${baseUrl}/webhooks/zoom`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-zm-request-timestamp": ts, "x-zm-signature": signature },
    body: raw,
  });
  const text = await response.text();
  if (!response.ok) throw Object.assign(new Error(`POST /webhooks/zoom answered ${response.status}: ${text}`), { status: response.status });
  return JSON.parse(text) as { status: string };
}

/** {@link postSigned}, retried like Zoom retries a delivery answered 503 (a commit slower than the answer budget on a loaded machine). */
export async function postSignedRetrying(baseUrl: string, secret: string, body: unknown, attempts = 6): Promise<{ status: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await postSigned(baseUrl, secret, body);
    } catch (error) {
      if ((error as { status?: number }).status !== 503 || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

/** Posts many bodies with `concurrency` requests in flight; a 503 is retried as Zoom would. */
export async function postAll(baseUrls: readonly string[], secret: string, bodies: readonly unknown[], concurrency = 32): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, bodies.length) }, async (_, r) => {
    while (next < bodies.length) {
      const i = next++;
      // Spread over the servers at random-ish but reproducibly.
      await postSignedRetrying(baseUrls[(i * 7 + r) % baseUrls.length]!, secret, bodies[i]);
    }
  });
  await Promise.all(runners);
}

export const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

/** The instance a scenario's bodies describe. */
export interface MeetingShape {
  accountId: string;
  uuid: string;
  id: string;
  topic: string;
  hostId: string;
  start: number;
  product?: "meeting" | "webinar";
}

/** Body builders for one instance. */
export function zoomMeeting(m: MeetingShape) {
  const product = m.product ?? "meeting";
  const object = { uuid: m.uuid, id: m.id, host_id: m.hostId, topic: m.topic, type: product === "webinar" ? 5 : 2, start_time: iso(m.start), timezone: "UTC", duration: 60 };
  const participantEvent = (suffix: string, participant: Record<string, unknown>, at: number, extra: Record<string, unknown> = {}) => ({
    event: `${product}.${suffix}`,
    event_ts: at + 150,
    payload: { account_id: m.accountId, object: { ...object, ...extra, participant } },
  });
  return {
    started: () => ({ event: `${product}.started`, event_ts: m.start + 100, payload: { account_id: m.accountId, object } }),
    ended: (end: number) => ({ event: `${product}.ended`, event_ts: end + 100, payload: { account_id: m.accountId, object: { ...object, end_time: iso(end) } } }),
    joined: (p: Record<string, unknown>, at: number) => participantEvent("participant_joined", { ...p, join_time: iso(at) }, at),
    left: (p: Record<string, unknown>, at: number, reason = "left the meeting. Reason : left the meeting") =>
      participantEvent("participant_left", { ...p, leave_time: iso(at), leave_reason: reason }, at),
    breakoutJoined: (p: Record<string, unknown>, at: number, room: string) => participantEvent("participant_joined_breakout_room", { ...p, join_time: iso(at) }, at, { breakout_room_uuid: room }),
    breakoutLeft: (p: Record<string, unknown>, at: number, room: string) =>
      participantEvent("participant_left_breakout_room", { ...p, leave_time: iso(at), leave_reason: "left the breakout room. Reason : Leave breakout room." }, at, { breakout_room_uuid: room }),
    bind: (p: Record<string, unknown>, at: number, to: { userId: string; participantUuid: string }) =>
      participantEvent("participant_bind", { ...p, join_time: iso(at), bind_user_id: to.userId, bind_participant_uuid: to.participantUuid }, at),
  };
}
