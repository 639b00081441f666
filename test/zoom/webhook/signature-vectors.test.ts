/**
 * Fixed vectors for Zoom's webhook signature, computed outside Rollcall and hard-coded, so a change
 * to the signed string (dropping the timestamp, hashing a re-serialised body, …) cannot pass by
 * being made on both sides of a test at once. Computed with
 *   printf '%s' 'v0:<timestamp>:<body>' | openssl dgst -sha256 -hmac '<secret>'
 * and cross-checked with python3 `hmac.new(secret, b"v0:" + ts + b":" + body, sha256)`.
 */
import { describe, expect, it } from "vitest";
import { signWebhook, urlValidationToken } from "../../../src/emulator/delivery/zoom-signature.js";
import {
  answerUrlValidation,
  createWebhookVerifier,
  InvalidSignatureError,
  signZoomWebhook,
  webhookSecretsFrom,
} from "../../../src/zoom/webhook/index.js";

interface Vector {
  secret: string;
  timestamp: string;
  body: string;
  signature: string;
}

const vectors: Vector[] = [
  {
    secret: "FAKE_SECRET_TOKEN",
    timestamp: "1767254460",
    body: '{"event":"meeting.ended","payload":{}}',
    signature: "v0=44092cdf4d94b7f11689a5018ffcb1ca109d3aa90104b134edd8bc64414df88c",
  },
  { secret: "secret", timestamp: "1700000000", body: "{}", signature: "v0=84dd7b277ba946b3a34369b43499bfd9258b410b8894583f1288b1911aa6a6d6" },
  {
    // A 13-digit (millisecond) timestamp is signed as the header text, verbatim.
    secret: "rotated-2",
    timestamp: "1767254460123",
    body: '{"event":"meeting.participant_joined","event_ts":1767254461234,"payload":{"account_id":"A","object":{"uuid":"u/1+=="}}}',
    signature: "v0=62f9c97b9b0eb0d321d51fcf7f37d74f274cd511103f8ded280f81dea4424aeb",
  },
  {
    // Non-ASCII secret and body: both are hashed as UTF-8 bytes.
    secret: "sécret",
    timestamp: "1767254460",
    body: '{"payload":{"object":{"participant":{"user_name":"Zoë Ünal – café"}}}}',
    signature: "v0=e9b76228bc6267f69fc9674c9286b764d121268cff40d5d6f7c75c5596907bc0",
  },
];

const timestampMs = (timestamp: string) => (timestamp.length === 10 ? Number(timestamp) * 1000 : Number(timestamp));

describe("Zoom webhook signature against independent vectors", () => {
  it.each(vectors)("signs $timestamp under $secret as openssl does", ({ secret, timestamp, body, signature }) => {
    expect(signZoomWebhook(secret, timestamp, body)).toBe(signature);
    expect(signZoomWebhook(secret, timestamp, Buffer.from(body, "utf8"))).toBe(signature);
    // The emulator signs on its own (it shares no code with Rollcall): it must agree with the vectors too.
    expect(signWebhook(secret, timestamp, body)).toBe(signature);
  });

  it.each(vectors)("the verifier accepts the vector signed at $timestamp", ({ secret, timestamp, body, signature }) => {
    const verifier = createWebhookVerifier({ secrets: webhookSecretsFrom({ webhookSecrets: [secret], zoomApps: [] }), now: () => timestampMs(timestamp) });
    const headers = { "x-zm-request-timestamp": timestamp, "x-zm-signature": signature };
    expect(verifier.verify(Buffer.from(body, "utf8"), headers).timestampMs).toBe(timestampMs(timestamp));
  });

  it("refuses a replay: a signature accepted at one timestamp is refused under another inside the window", () => {
    const { secret, timestamp, body } = vectors[0]!;
    const verifier = createWebhookVerifier({ secrets: webhookSecretsFrom({ webhookSecrets: [secret], zoomApps: [] }), now: () => timestampMs(timestamp) });
    const signature = signZoomWebhook(secret, timestamp, body);
    expect(() => verifier.verify(Buffer.from(body), { "x-zm-request-timestamp": timestamp, "x-zm-signature": signature })).not.toThrow();
    for (const other of [String(Number(timestamp) + 1), String(Number(timestamp) - 60), `${timestamp}000`]) {
      expect(() => verifier.verify(Buffer.from(body), { "x-zm-request-timestamp": other, "x-zm-signature": signature }), other).toThrow(InvalidSignatureError);
    }
  });

  it("answers the documented url-validation challenge (zoom-facts §7.1)", () => {
    const expected = "bf1e34817bf118015d9a0856c6441a5cdc366259f7ba81a1a3f8b1ff7f46ca25";
    expect(answerUrlValidation("qgg8vlvZRS6UYooatFL8Aw", "FAKE_SECRET_TOKEN")).toEqual({ plainToken: "qgg8vlvZRS6UYooatFL8Aw", encryptedToken: expected });
    expect(urlValidationToken("FAKE_SECRET_TOKEN", "qgg8vlvZRS6UYooatFL8Aw")).toBe(expected);
  });
});
