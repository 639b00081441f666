import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eachDatabase } from "../support/databases.js";
import { startTestServer, type TestServer } from "./support/rollcall-server.js";
import { signedDelivery } from "./support/signed-delivery.js";
import { capturedBodies } from "./support/zoom-captures.js";

const secret = "fuzz-secret";
const captures = capturedBodies().map((c) => c.text);

/** A JSON-ish text: a capture with bytes flipped, cut, or spliced; random JSON; or random bytes. */
const body = fc.oneof(
  fc.tuple(fc.constantFrom(...captures), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })).map(([text, flips]) => {
    const bytes = Buffer.from(text);
    for (const [at, value] of flips) bytes[at % bytes.length] = value;
    return bytes;
  }),
  fc.tuple(fc.constantFrom(...captures), fc.nat()).map(([text, cut]) => Buffer.from(text.slice(0, cut % text.length))),
  fc.json().map((text) => Buffer.from(text)),
  fc.jsonValue().map((value) => Buffer.from(JSON.stringify({ event: "fuzz.event", payload: { object: value, account_id: value }, event_ts: value }))),
  fc.record({ event: fc.string(), payload: fc.anything() }).map((value) => Buffer.from(JSON.stringify(value) ?? "null")),
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
);

const headerValue = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("", "v0=", "0", "99999999999999999999", "application/json", "text/plain"));

/** How a request is signed and framed: correctly, with a shifted timestamp, or with random headers. */
const framing = fc.record({
  sign: fc.boolean(),
  timestamp: fc.oneof(fc.constant(undefined), fc.stringMatching(/^[0-9]{0,14}$/), headerValue),
  contentType: fc.oneof(fc.constant("application/json; charset=utf-8"), fc.constant("application/json"), headerValue),
  extra: fc.dictionary(fc.constantFrom("x-zm-signature", "x-zm-trackingid", "user-agent", "content-encoding", "x-zm-request-timestamp"), headerValue, { maxKeys: 2 }),
});

eachDatabase("fuzz: mutated and random webhook requests", (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(database().url, { webhookSecrets: [secret], bodyLimitBytes: 4096 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("never answers 5xx, never crashes, and /healthz still answers", { timeout: 60_000 }, async () => {
    // Sampled up front and sent 16 at a time: thousands of cases in a few seconds (fc.assert runs
    // one request at a time). The seed is printed on failure so a run can be replayed.
    const seed = Number(process.env["FUZZ_SEED"] ?? Date.now() % 2 ** 31);
    const cases = fc.sample(fc.tuple(body, framing), { numRuns: 3000, seed });
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let next = 0;
    const send = async ([raw, frame]: (typeof cases)[number]) => {
      const signed = signedDelivery(secret, raw, frame.timestamp !== undefined && !frame.sign ? { timestamp: frame.timestamp } : {});
      const headers: Record<string, string> = frame.sign ? { ...signed.headers } : { ...signed.headers, ...frame.extra };
      headers["content-type"] = frame.contentType;
      let response: Response;
      try {
        response = await fetch(`${server.url}/webhooks/zoom`, { method: "POST", headers, body: raw });
      } catch (error) {
        // fetch itself refuses some header values (control characters): such a request is never sent.
        if (error instanceof TypeError && /header|invalid/i.test(`${error.message} ${String(error.cause)}`)) return;
        throw error;
      }
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500) failures.push(`${response.status} for body ${raw.toString("hex").slice(0, 200)} headers ${JSON.stringify(headers)}`);
    };
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < cases.length) await send(cases[next++]!);
      }),
    );
    expect(failures, `FUZZ_SEED=${seed}`).toEqual([]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // The generators reach every branch, not just 401: signed bodies get stored, parsed, refused.
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([200, 400, 401, 415]));
    expect(server.output()).not.toContain(secret);
  });
});
