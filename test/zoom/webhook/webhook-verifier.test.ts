import { describe, expect, it } from "vitest";
import {
  answerUrlValidation,
  createWebhookVerifier,
  deliveryEnvelope,
  InvalidEnvelopeError,
  InvalidSignatureError,
  InvalidTimestampError,
  MissingHeaderError,
  parseRequestTimestamp,
  signZoomWebhook,
  TimestampOutOfWindowError,
  webhookSecretsFrom,
} from "../../../src/zoom/webhook/index.js";

const now = 1_767_254_460_000;
const body = Buffer.from('{"event":"meeting.ended","payload":{}}');
const secrets = webhookSecretsFrom({ webhookSecrets: ["new", "old"], zoomApps: [{ name: "b", secretTokens: ["bee"] }] });
const verifier = createWebhookVerifier({ secrets, toleranceSeconds: 300, now: () => now });
const headers = (secret: string, timestamp = "1767254460", raw: Buffer = body) => ({
  "x-zm-request-timestamp": timestamp,
  "x-zm-signature": signZoomWebhook(secret, timestamp, raw),
});

describe("Zoom webhook verifier", () => {
  it("computes Zoom's documented example (zoom-facts §7.1)", () => {
    expect(answerUrlValidation("qgg8vlvZRS6UYooatFL8Aw", "FAKE_SECRET_TOKEN").encryptedToken).toBe(
      "bf1e34817bf118015d9a0856c6441a5cdc366259f7ba81a1a3f8b1ff7f46ca25",
    );
  });

  it("accepts any configured secret and says which one", () => {
    expect(verifier.verify(body, headers("new")).secret).toEqual({ app: "default", index: 0, secret: "new" });
    expect(verifier.verify(body, headers("old")).secret).toMatchObject({ app: "default", index: 1 });
    expect(verifier.verify(body, headers("bee")).secret).toMatchObject({ app: "b", index: 0 });
  });

  it("reads the timestamp as seconds (10 digits) or milliseconds (13 digits)", () => {
    expect(parseRequestTimestamp("1767254460")).toBe(now);
    expect(parseRequestTimestamp("1767254460123")).toBe(now + 123);
    expect(verifier.verify(body, headers("new", "1767254460123")).timestampMs).toBe(now + 123);
    for (const bad of ["12.5", "-1", "0x10", "176725446012", "17672544601234", " 1767254460", "abc"]) {
      expect(() => parseRequestTimestamp(bad), bad).toThrow(InvalidTimestampError);
    }
  });

  it("refuses stale and future timestamps at the window's edge, not inside it", () => {
    expect(() => verifier.verify(body, headers("new", String(now / 1000 - 300)))).not.toThrow();
    expect(() => verifier.verify(body, headers("new", String(now / 1000 - 301)))).toThrow(TimestampOutOfWindowError);
    expect(() => verifier.verify(body, headers("new", String(now / 1000 + 301)))).toThrow(/in the future/);
  });

  it("keeps Zoom's 5-minute window when no tolerance is given (the library default)", () => {
    const byDefault = createWebhookVerifier({ secrets, now: () => now });
    expect(byDefault.verify(body, headers("new", String(now / 1000 - 300))).secret.index).toBe(0);
    expect(() => byDefault.verify(body, headers("new", String(now / 1000 - 301)))).toThrow(TimestampOutOfWindowError);
    expect(byDefault.verify(body, headers("new", String(now / 1000 + 300))).secret.index).toBe(0);
    expect(() => byDefault.verify(body, headers("new", String(now / 1000 + 301)))).toThrow(TimestampOutOfWindowError);
  });

  it("applies the same window to millisecond timestamps, to the millisecond", () => {
    expect(() => verifier.verify(body, headers("new", String(now - 300_000)))).not.toThrow();
    expect(() => verifier.verify(body, headers("new", String(now + 300_000)))).not.toThrow();
    expect(() => verifier.verify(body, headers("new", String(now - 300_001)))).toThrow(/in the past/);
    expect(() => verifier.verify(body, headers("new", String(now + 300_001)))).toThrow(/in the future/);
    expect(() => verifier.verify(body, headers("new", String(now + 3_600_000)))).toThrow(/in the future/);
    expect(() => verifier.verify(body, headers("new", String(now - 3_600_000)))).toThrow(/in the past/);
  });

  it("throws a typed error for each failure", () => {
    expect(() => verifier.verify(body, headers("wrong"))).toThrow(InvalidSignatureError);
    expect(() => verifier.verify(Buffer.from(`${body} `), headers("new"))).toThrow(InvalidSignatureError);
    expect(() => verifier.verify(body, { ...headers("new"), "x-zm-signature": "v0=zz" })).toThrow(InvalidSignatureError);
    expect(() => verifier.verify(body, { "x-zm-request-timestamp": "1767254460" })).toThrow(MissingHeaderError);
    expect(() => verifier.verify(body, { "x-zm-signature": headers("new")["x-zm-signature"] })).toThrow(MissingHeaderError);
    // A repeated header is ambiguous: treated as missing.
    expect(() => verifier.verify(body, { ...headers("new"), "x-zm-signature": ["a", "b"] })).toThrow(MissingHeaderError);
    try {
      verifier.verify(body, headers("wrong"));
    } catch (error) {
      expect((error as InvalidSignatureError).reason).toBe("invalid_signature");
      expect((error as Error).message).not.toContain("wrong");
    }
  });

  it("refuses to be built without a secret", () => {
    expect(() => webhookSecretsFrom({ webhookSecrets: [], zoomApps: [] })).toThrow(/ZOOM_WEBHOOK_SECRET_TOKEN/);
    expect(() => createWebhookVerifier({ secrets: [] })).toThrow(/secrets/);
  });
});

describe("deliveryEnvelope", () => {
  it("reads the indexed fields, tolerating missing or odd ones", () => {
    expect(deliveryEnvelope({ event: "meeting.ended", event_ts: 5, payload: { account_id: "a", object: { uuid: "/u+==" } } })).toEqual({
      event: "meeting.ended",
      accountId: "a",
      instanceUuid: "/u+==",
      eventTs: 5,
    });
    expect(deliveryEnvelope({ event: "x", event_ts: 1e300, payload: { object: { uuid: 7 } } })).toEqual({ event: "x", accountId: null, instanceUuid: null, eventTs: null });
  });

  it("names the field when the body is not an envelope", () => {
    expect(() => deliveryEnvelope([])).toThrow(InvalidEnvelopeError);
    expect(() => deliveryEnvelope({ event: 1 })).toThrow("event: expected a non-empty string");
    expect(() => deliveryEnvelope({ event: "x".repeat(201) })).toThrow(/at most 200/);
    expect(() => deliveryEnvelope({ event: "x", payload: { account_id: "a\u0000" } })).toThrow("payload.account_id: must not contain NUL characters");
  });
});
