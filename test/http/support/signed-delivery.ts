import { signZoomWebhook } from "../../../src/zoom/webhook/index.js";

/** A webhook request as Zoom would send it. */
export interface Delivery {
  body: string | Buffer;
  headers: Record<string, string>;
}

/**
 * Signs `body` like Zoom: `x-zm-request-timestamp` in epoch seconds (as live captures show) unless
 * `timestamp` is given verbatim.
 */
export function signedDelivery(secret: string, body: string | Buffer, options: { timestamp?: string; headers?: Record<string, string> } = {}): Delivery {
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  return {
    body,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "user-agent": "Zoom Marketplace/1.0a",
      "x-zm-trackingid": `v=2.0;clid=us05;rid=WEBHOOK_${Math.random().toString(36).slice(2)}`,
      "x-zm-request-timestamp": timestamp,
      "x-zm-signature": signZoomWebhook(secret, timestamp, body),
      ...options.headers,
    },
  };
}

/** POSTs a delivery to `<baseUrl>/webhooks/zoom`; returns status and parsed JSON (or text). */
export async function post(baseUrl: string, delivery: Delivery): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}/webhooks/zoom`, { method: "POST", headers: delivery.headers, body: delivery.body });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body };
}

let counter = 0;

/** A realistic participant_joined body with a distinct participant (so a distinct dedupe key). */
export function joinedBody(overrides: { uuid?: string; userName?: string; email?: string } = {}): string {
  counter += 1;
  const n = `${process.pid}-${Date.now()}-${counter}`;
  return JSON.stringify({
    event: "meeting.participant_joined",
    payload: {
      account_id: "AAAAAAAAAAAAAAAAAAAAAA",
      object: {
        id: "81234567890",
        uuid: overrides.uuid ?? "qRsTuVwXyZ0123456789ab==",
        host_id: "HHHHHHHHHHHHHHHHHHHHHH",
        topic: "Weekly sync",
        type: 2,
        start_time: "2026-01-01T10:00:00Z",
        timezone: "UTC",
        duration: 60,
        participant: {
          user_id: String(16778240 + counter),
          user_name: overrides.userName ?? `Guest ${n}`,
          id: "",
          participant_uuid: `P-${n}`,
          join_time: "2026-01-01T10:01:00Z",
          email: overrides.email ?? "",
          registrant_id: "",
          participant_user_id: "",
        },
      },
    },
    event_ts: Date.now(),
  });
}
