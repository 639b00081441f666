import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { applyChaos } from "../../../src/emulator/delivery/chaos.js";
import { checkUrlValidation } from "../../../src/emulator/delivery/url-validation-check.js";
import { sendDeliveries } from "../../../src/emulator/delivery/webhook-sender.js";
import { loadScenario } from "../../../src/emulator/scenarios/load-scenario.js";
import { simulateMeeting } from "../../../src/emulator/simulator/simulate-meeting.js";

const SECRET = "test-secret-token";

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A local endpoint; `respond` decides each answer (status, optional JSON, optional delay). */
async function endpoint(respond: (req: Received, n: number) => { status: number; json?: unknown; delayMs?: number }) {
  const received: Received[] = [];
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      const entry = { headers: req.headers, raw };
      received.push(entry);
      const answer = respond(entry, received.length);
      setTimeout(() => {
        res.writeHead(answer.status, { "content-type": "application/json" });
        res.end(answer.json === undefined ? "" : JSON.stringify(answer.json));
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/webhooks/zoom`, received };
}

const small = () => simulateMeeting(loadScenario("flaky-network"), { seed: 9 });

describe("webhook delivery", () => {
  it("signs like Zoom: an independent HMAC over v0:{timestamp}:{raw body} verifies every request", async () => {
    const { url, received } = await endpoint(() => ({ status: 200 }));
    const sim = small();
    const summary = await sendDeliveries(sim.deliveries, { target: url, secret: SECRET, speed: "max", clientId: "cid-1" });
    expect(summary).toMatchObject({ deliveries: sim.deliveries.length, attempts: sim.deliveries.length, acknowledged: sim.deliveries.length, failed: 0, retried: 0 });
    expect(received).toHaveLength(sim.deliveries.length);
    for (const { headers, raw } of received) {
      const ts = headers["x-zm-request-timestamp"] as string;
      expect(ts).toMatch(/^\d{10}$/); // epoch seconds
      expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
      const expected = "v0=" + createHmac("sha256", SECRET).update(`v0:${ts}:${raw}`).digest("hex");
      expect(headers["x-zm-signature"]).toBe(expected);
      expect(headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(headers["user-agent"]).toBe("Zoom Marketplace/1.0a");
      expect(headers["clientid"]).toBe("cid-1");
      expect(headers["x-zm-trackingid"]).toMatch(/^v=2\.0;clid=us06;rid=WEBHOOK_[0-9A-F]{24}$/);
    }
    // Sent in schedule order, bodies byte-identical to the simulation's.
    expect(received.map((r) => r.raw)).toEqual(sim.deliveries.map((d) => JSON.stringify(d.body)));
  });

  it("retries a delivery that fails, in simulated-time order, until it is acknowledged", async () => {
    const sim = small();
    const failFirst = 2;
    const { url, received } = await endpoint((_req, n) => ({ status: n <= failFirst ? 500 : 204 }));
    const summary = await sendDeliveries(sim.deliveries, { target: url, secret: SECRET, speed: "max", retryDelaysMs: [60_000, 120_000, 240_000] });
    expect(summary).toMatchObject({ acknowledged: sim.deliveries.length, failed: 0, retried: 2, attempts: sim.deliveries.length + 2 });
    // The first body was tried three times: at t, t+1 min (fails again), t+3 min; each retry waited its turn.
    const first = JSON.stringify(sim.deliveries[0]!.body);
    const positions = received.map((r, i) => (r.raw === first ? i : -1)).filter((i) => i >= 0);
    expect(positions[0]).toBe(0);
    expect(positions).toHaveLength(3);
    const dueBeforeRetry = sim.deliveries.filter((d) => d.at < sim.deliveries[0]!.at + 60_000).length;
    expect(positions[1]).toBe(dueBeforeRetry);
  });

  it("gives up after the last retry and counts timeouts (> limit) as failures", async () => {
    const sim = small();
    const only = sim.deliveries.slice(0, 2);
    const { url, received } = await endpoint((req) => (req.raw === JSON.stringify(only[0]!.body) ? { status: 200, delayMs: 400 } : { status: 503 }));
    const summary = await sendDeliveries(only, { target: url, secret: SECRET, speed: "max", timeoutMs: 150, retryDelaysMs: [1000, 1000] });
    expect(summary).toMatchObject({ deliveries: 2, attempts: 6, acknowledged: 0, failed: 2, retried: 4 });
    expect(summary.failures.map((f) => f.reason).sort()).toEqual(["HTTP 503", "no answer within 150 ms"]);
    expect(received).toHaveLength(6);
  });

  it("paces deliveries by simulated time divided by speed", async () => {
    const sim = small();
    const two = sim.deliveries.slice(0, 2).map((d, i) => ({ ...d, at: 1_000_000 + i * 30_000 })); // 30 s apart
    const { url, received } = await endpoint(() => ({ status: 200 }));
    const arrivals: number[] = [];
    const started = Date.now();
    await sendDeliveries(two, { target: url, secret: SECRET, speed: 100, onProgress: () => arrivals.push(Date.now()), progressEvery: 1 });
    const elapsed = Date.now() - started;
    expect(received).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(290); // 30 s / 100
    expect(elapsed).toBeLessThan(2000);
  });

  it("chaos is reproducible per seed, and drop really drops", async () => {
    const sim = small();
    const options = { kinds: ["duplicate", "reorder", "delay", "drop"] as const, seed: 42, rate: 0.3 };
    const a = applyChaos(sim.deliveries, { ...options, kinds: [...options.kinds] });
    const b = applyChaos(sim.deliveries, { ...options, kinds: [...options.kinds] });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(applyChaos(sim.deliveries, { ...options, kinds: [...options.kinds], seed: 43 }))).not.toBe(JSON.stringify(a));
    expect(a.dropped.length).toBeGreaterThan(0);
    expect(a.deliveries.some((d) => d.note?.startsWith("duplicated"))).toBe(true);
    expect(a.deliveries.some((d) => d.note === "reordered by chaos")).toBe(true);

    const dropOnly = applyChaos(sim.deliveries, { kinds: ["drop"], seed: 7, rate: 0.5 });
    expect(dropOnly.deliveries.length + dropOnly.dropped.length).toBe(sim.deliveries.length);
    const { url, received } = await endpoint(() => ({ status: 200 }));
    await sendDeliveries(dropOnly.deliveries, { target: url, secret: SECRET, speed: "max" });
    const got = new Set(received.map((r) => r.raw));
    expect(received).toHaveLength(dropOnly.deliveries.length);
    for (const d of dropOnly.dropped) {
      // A dropped body reaches the server only if the same body was also scheduled another time.
      if (!dropOnly.deliveries.some((x) => x.seq === d.seq)) expect(got.has(JSON.stringify(d.body))).toBe(false);
    }
    expect(() => applyChaos(sim.deliveries, { kinds: ["explode" as never], seed: 1 })).toThrow(/duplicate, reorder, delay, drop/);
  });

  it("reorder really changes the order of production", () => {
    const sim = small();
    const { deliveries } = applyChaos(sim.deliveries, { kinds: ["reorder"], seed: 5, rate: 0.5 });
    const seqs = deliveries.map((d) => d.seq);
    const inversions = seqs.filter((s, i) => i > 0 && s < seqs[i - 1]!).length;
    const baseline = sim.deliveries.map((d) => d.seq).filter((s, i, all) => i > 0 && s < all[i - 1]!).length;
    expect(inversions).toBeGreaterThan(baseline);
  });

  it("checks Zoom's URL validation handshake", async () => {
    const good = await endpoint((req) => {
      const token = JSON.parse(req.raw).payload.plainToken;
      return { status: 200, json: { plainToken: token, encryptedToken: createHmac("sha256", SECRET).update(token).digest("hex") } };
    });
    const ok = await checkUrlValidation(good.url, SECRET);
    expect(ok.ok).toBe(true);
    const request = JSON.parse(good.received[0]!.raw);
    expect(request.event).toBe("endpoint.url_validation");
    const ts = good.received[0]!.headers["x-zm-request-timestamp"] as string;
    expect(good.received[0]!.headers["x-zm-signature"]).toBe("v0=" + createHmac("sha256", SECRET).update(`v0:${ts}:${good.received[0]!.raw}`).digest("hex"));
    await new Promise<void>((resolve) => server!.close(() => resolve()));

    const wrong = await endpoint((req) => ({ status: 200, json: { plainToken: JSON.parse(req.raw).payload.plainToken, encryptedToken: "00" } }));
    const bad = await checkUrlValidation(wrong.url, SECRET);
    expect(bad).toEqual({ ok: false, reason: expect.stringMatching(/^encryptedToken: expected hex HMAC-SHA256/) });
  });
});
