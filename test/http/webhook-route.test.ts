import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerUrlValidation, signZoomWebhook } from "../../src/zoom/webhook/index.js";
import { eachDatabase } from "../support/databases.js";
import { startOutage } from "./support/database-outage.js";
import { startTestServer, type TestServer } from "./support/rollcall-server.js";
import { joinedBody, post, signedDelivery } from "./support/signed-delivery.js";
import { capturedBodies } from "./support/zoom-captures.js";

const secret = "current-secret-token";
const rotated = "previous-secret-token";
const otherAppSecret = "other-app-secret-token";

eachDatabase("POST /webhooks/zoom", (database) => {
  let server: TestServer;
  const stripped: string[] = [];

  beforeAll(async () => {
    server = await startTestServer(
      database().url,
      {
        webhookSecrets: [secret, rotated],
        zoomApps: [{ name: "second-account", secretTokens: [otherAppSecret], accountIds: [] }],
        bodyLimitBytes: 64 * 1024,
      },
      {
        // Stands in for the privacy mode: proves the hook runs after verification, on stored bodies only.
        prepareBodyForStorage: (raw, parsed) => {
          const event = (parsed as { event: string }).event;
          if (event !== "test.privacy") return raw;
          stripped.push(raw);
          return raw.replaceAll("Dana Secretname", "[dropped]");
        },
      },
    );
  });
  afterAll(async () => {
    await server?.stop();
  });

  const rows = () => server.rollcall.store.db.selectFrom("inbox_events").selectAll().orderBy("id").execute();
  const count = async () => (await rows()).length;

  async function metric(outcome: string): Promise<number> {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const match = new RegExp(`rollcall_webhook_requests_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text);
    return Number(match?.[1] ?? NaN);
  }

  it("stores a correctly signed event, then answers 200", async () => {
    const body = joinedBody();
    const response = await post(server.url, signedDelivery(secret, body));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: "stored" });
    const row = (await rows()).find((r) => r.id === response.body.id)!;
    expect(row.body).toBe(body);
    expect(row.event).toBe("meeting.participant_joined");
    expect(row.account_id).toBe("AAAAAAAAAAAAAAAAAAAAAA");
    expect(row.instance_uuid).toBe("qRsTuVwXyZ0123456789ab==");
    expect(row.event_ts).toBe(JSON.parse(body).event_ts);
    expect(row.status).toBe("pending");
    expect(Math.abs(row.received_at - Date.now())).toBeLessThan(60_000);
    const headers = JSON.parse(row.headers);
    expect(headers).toMatchObject({ "user-agent": "Zoom Marketplace/1.0a", "x-rollcall-app": "default", "x-rollcall-secret-index": "0" });
    expect(headers["x-zm-trackingid"]).toMatch(/^v=2\.0;/);
    expect(headers["x-zm-request-timestamp"]).toMatch(/^\d{10}$/);
  });

  it("accepts a 13-digit millisecond timestamp too", async () => {
    const response = await post(server.url, signedDelivery(secret, joinedBody(), { timestamp: String(Date.now()) }));
    expect(response.status).toBe(200);
  });

  it("accepts the second (rotated) secret and another app's secret, remembering which one matched", async () => {
    const a = await post(server.url, signedDelivery(rotated, joinedBody()));
    const b = await post(server.url, signedDelivery(otherAppSecret, joinedBody()));
    expect([a.status, b.status]).toEqual([200, 200]);
    const stored = await rows();
    expect(JSON.parse(stored.find((r) => r.id === a.body.id)!.headers)).toMatchObject({ "x-rollcall-app": "default", "x-rollcall-secret-index": "1" });
    expect(JSON.parse(stored.find((r) => r.id === b.body.id)!.headers)).toMatchObject({ "x-rollcall-app": "second-account" });
  });

  it("refuses a wrong secret, a tampered body and missing headers with 401 and a reason, storing nothing", async () => {
    const before = await count();
    const unauthorizedBefore = await metric("invalid_signature");
    const wrong = await post(server.url, signedDelivery("not-the-secret", joinedBody()));
    expect(wrong).toMatchObject({ status: 401, body: { error: "invalid_signature" } });

    const good = signedDelivery(secret, joinedBody());
    const tampered = await post(server.url, { ...good, body: (good.body as string).replace("Weekly sync", "Weekly sync!") });
    expect(tampered).toMatchObject({ status: 401, body: { error: "invalid_signature" } });

    const { "x-zm-signature": _s, ...noSignature } = signedDelivery(secret, joinedBody()).headers;
    expect(await post(server.url, { body: joinedBody(), headers: noSignature })).toMatchObject({ status: 401, body: { error: "missing_signature" } });
    const { "x-zm-request-timestamp": _t, ...noTimestamp } = signedDelivery(secret, joinedBody()).headers;
    expect(await post(server.url, { body: joinedBody(), headers: noTimestamp })).toMatchObject({ status: 401, body: { error: "missing_timestamp" } });
    const garbled = signedDelivery(secret, joinedBody(), { timestamp: "12:00" });
    expect(await post(server.url, garbled)).toMatchObject({ status: 401, body: { error: "invalid_timestamp" } });

    expect(await count()).toBe(before);
    expect(await metric("invalid_signature")).toBe(unauthorizedBefore + 2);
  });

  it("refuses a replay: the same body and signature under another timestamp inside the window (401)", async () => {
    const before = await count();
    const body = joinedBody();
    const now = Math.floor(Date.now() / 1000);
    const original = signedDelivery(secret, body, { timestamp: String(now - 10) });
    const replayed = { body, headers: { ...original.headers, "x-zm-request-timestamp": String(now) } };
    expect(await post(server.url, replayed)).toMatchObject({ status: 401, body: { error: "invalid_signature" } });
    expect(await count()).toBe(before);
    expect((await post(server.url, original)).status).toBe(200);
  });

  it("refuses stale and future timestamps (outside 300 s), in seconds and in milliseconds", async () => {
    const before = await count();
    // Against the server's real clock, so a margin of 30 s either way: a busy machine may take a
    // second or more to deliver. The exact edges are pinned with an injected clock in webhook-verifier.test.ts.
    const now = Math.floor(Date.now() / 1000);
    for (const [timestamp, reason] of [
      [String(now - 330), "stale_timestamp"],
      [String(now + 330), "future_timestamp"],
      [String((now - 3600) * 1000), "stale_timestamp"],
      [String((now + 3600) * 1000), "future_timestamp"],
    ] as const) {
      // Named, so a failure says which of the four cases it was (they share this line).
      expect(await post(server.url, signedDelivery(secret, joinedBody(), { timestamp })), `timestamp ${timestamp} (now ${now})`).toMatchObject({ status: 401, body: { error: reason } });
    }
    expect((await post(server.url, signedDelivery(secret, joinedBody(), { timestamp: String(now - 270) }))).status).toBe(200);
    expect(await count()).toBe(before + 1);
  });

  it("answers endpoint.url_validation with the secret that signed it, without storing it", async () => {
    const before = await count();
    const challenge = JSON.stringify({ event: "endpoint.url_validation", payload: { plainToken: "qgg8vlvZRS6UYooatFL8Aw" }, event_ts: Date.now() });
    for (const key of [secret, rotated, otherAppSecret]) {
      const response = await post(server.url, signedDelivery(key, challenge));
      expect(response.status).toBe(200);
      expect(response.body).toEqual(answerUrlValidation("qgg8vlvZRS6UYooatFL8Aw", key));
    }
    expect((await post(server.url, signedDelivery("wrong", challenge))).status).toBe(401);
    const noToken = JSON.stringify({ event: "endpoint.url_validation", payload: {} });
    expect(await post(server.url, signedDelivery(secret, noToken))).toMatchObject({ status: 400, body: { error: "malformed" } });
    expect(await count()).toBe(before);
  });

  it("stores a redelivery once, counting deliveries, and answers 2xx each time", async () => {
    const body = joinedBody();
    const first = await post(server.url, signedDelivery(secret, body));
    // Zoom's retry: same event, a new timestamp and tracking id; concurrent copies share a commit.
    const again = await Promise.all([1, 2, 3].map(() => post(server.url, signedDelivery(secret, body))));
    expect(first.body.status).toBe("stored");
    for (const response of again) expect(response).toMatchObject({ status: 200, body: { status: "duplicate", id: first.body.id } });
    const row = (await rows()).filter((r) => r.body === body);
    expect(row).toHaveLength(1);
    expect(row[0]!.deliveries).toBe(4);
  });

  it("answers 413 over the body limit, 415 for a wrong content type, 400 for malformed JSON, storing none", async () => {
    const before = await count();
    const counts = { too_large: await metric("too_large"), unsupported_media_type: await metric("unsupported_media_type"), malformed: await metric("malformed") };
    const huge = JSON.stringify({ event: "meeting.ended", pad: "x".repeat(70 * 1024) });
    expect(await post(server.url, signedDelivery(secret, huge))).toMatchObject({ status: 413, body: { error: "too_large" } });
    const text = signedDelivery(secret, joinedBody(), { headers: { "content-type": "text/plain" } });
    expect(await post(server.url, text)).toMatchObject({ status: 415, body: { error: "unsupported_media_type" } });
    const form = signedDelivery(secret, "a=b", { headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect((await post(server.url, form)).status).toBe(415);
    // Signed but not JSON, not UTF-8, or not an event: 400, after the signature was checked.
    expect(await post(server.url, signedDelivery(secret, '{"event":"meeting.ended",'))).toMatchObject({ status: 400, body: { error: "malformed" } });
    expect((await post(server.url, signedDelivery(secret, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])))).status).toBe(400);
    expect(await post(server.url, signedDelivery(secret, "[1,2]"))).toMatchObject({ status: 400, body: { message: "body: expected a JSON object" } });
    expect(await post(server.url, signedDelivery(secret, '{"payload":{}}'))).toMatchObject({ status: 400, body: { message: "event: expected a non-empty string" } });
    // Unsigned and malformed: the signature is checked first, so 401.
    expect((await post(server.url, { body: "{", headers: { "content-type": "application/json" } })).status).toBe(401);
    expect(await count()).toBe(before);
    expect(await metric("too_large")).toBe(counts.too_large + 1);
    expect(await metric("unsupported_media_type")).toBe(counts.unsupported_media_type + 2);
    expect(await metric("malformed")).toBe(counts.malformed + 4);
  });

  it("stores and acknowledges an unknown event type", async () => {
    const body = JSON.stringify({ event: "meeting.something_new", event_ts: Date.now(), payload: { account_id: "A", object: { uuid: "new==" } } });
    const response = await post(server.url, signedDelivery(secret, body));
    expect(response).toMatchObject({ status: 200, body: { status: "stored" } });
    expect((await rows()).find((r) => r.id === response.body.id)).toMatchObject({ event: "meeting.something_new", instance_uuid: "new==", body });
  });

  it("accepts every real Zoom capture, byte for byte", async () => {
    const captures = capturedBodies();
    expect(captures.length).toBeGreaterThanOrEqual(77);
    for (const capture of captures) {
      const response = await post(server.url, signedDelivery(secret, capture.text));
      expect(response.status, `${capture.file}#${capture.index}`).toBe(200);
      const row = (await rows()).find((r) => r.id === response.body.id)!;
      expect(row.body).toBe(capture.text);
      expect(row.event).toBe(capture.event);
    }
  });

  it("passes the body through prepareBodyForStorage after verification", async () => {
    const body = JSON.stringify({ event: "test.privacy", payload: { object: { participant: { user_name: "Dana Secretname" } } } });
    const response = await post(server.url, signedDelivery(secret, body));
    expect(response.status).toBe(200);
    expect(stripped).toContain(body);
    expect((await rows()).find((r) => r.id === response.body.id)!.body).not.toContain("Dana Secretname");
  });

  it("reports commit latency and inbox depth in /metrics, and /healthz and /readyz answer", async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/rollcall_inbox_commit_seconds_count\{result="ok"\} [1-9]/);
    const depth = Number(/^rollcall_inbox_depth (\d+)/m.exec(text)?.[1]);
    expect(depth).toBe(await count());
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok" });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it("answers 503 (never 2xx) while the database cannot commit, and recovers by itself", async () => {
    const before = await count();
    const outage = await startOutage(server.rollcall.store, database().url);
    const lost: string[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const body = joinedBody();
        lost.push(body);
        const response = await post(server.url, signedDelivery(secret, body));
        expect(response).toMatchObject({ status: 503, body: { error: "unavailable" } });
      }
      // Not ready on both: on SQLite the locked file still answers reads, but the inbox cannot commit.
      const readyz = await fetch(`${server.url}/readyz`);
      expect(readyz.status).toBe(503);
      expect(readyz.headers.get("retry-after")).toBe("5");
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await outage.end();
    }
    // Ready again before any delivery has committed: /readyz probes the inbox's commit path itself.
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    // Zoom retries the refused deliveries; now they are stored.
    for (const body of lost) expect((await post(server.url, signedDelivery(secret, body))).status).toBe(200);
    expect(await count()).toBe(before + lost.length);
    expect(await metric("unavailable")).toBeGreaterThanOrEqual(3);
  });

  it("never logs the secret, a signature, a name or an e-mail", async () => {
    const name = "Zebulon Quartermaine";
    const email = "zebulon.q@example.org";
    const deliveries = [
      signedDelivery(secret, joinedBody({ userName: name, email })),
      signedDelivery("wrong-secret", joinedBody({ userName: name, email })),
      signedDelivery(secret, `{"event":"x","name":"${name}"`),
      signedDelivery(secret, joinedBody({ userName: name, email }), { headers: { "content-type": "text/plain" } }),
      signedDelivery(secret, JSON.stringify({ event: "endpoint.url_validation", payload: { plainToken: name } })),
    ];
    for (const delivery of deliveries) await post(server.url, delivery);
    const output = server.output();
    expect(output).toContain("webhook refused"); // the log was captured at all
    for (const forbidden of [secret, rotated, otherAppSecret, name, email, ...deliveries.map((d) => d.headers["x-zm-signature"]!.slice(3))]) {
      expect(output).not.toContain(forbidden);
    }
  });
});

describe("signZoomWebhook", () => {
  it("matches Zoom's documented algorithm over the raw bytes", () => {
    expect(signZoomWebhook("s", "1", Buffer.from("{}"))).toBe(signZoomWebhook("s", "1", "{}"));
  });
});
