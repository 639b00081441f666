import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateSecret, newMessageId, sign } from "../../src/notify/index.js";

/** The headers Rollcall sends, as the off-the-shelf verifier reads them. */
function headers(id: string, ts: number, signature: string): Record<string, string> {
  return { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": signature };
}

describe("Standard Webhooks signatures", () => {
  it("verify with the standardwebhooks package, for any body", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const secret = generateSecret();
        const id = newMessageId();
        const ts = Math.floor(Date.now() / 1000);
        const body = JSON.stringify({ type: "attendee.joined", timestamp: new Date().toISOString(), data: { text } });
        expect(new Webhook(secret).verify(body, headers(id, ts, sign([secret], id, ts, body)))).toEqual(JSON.parse(body));
      }),
      { numRuns: 100 },
    );
  });

  it("match the package's own signature byte for byte", () => {
    const secret = generateSecret();
    const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const ts = 1_614_265_330;
    const body = '{"test": 2432232314}';
    expect(sign([secret], id, ts, body)).toBe(new Webhook(secret).sign(id, new Date(ts * 1000), body));
  });

  it("are refused for another body, another id or another secret", () => {
    const secret = generateSecret();
    const id = newMessageId();
    const ts = Math.floor(Date.now() / 1000);
    const signature = sign([secret], id, ts, '{"a":1}');
    expect(() => new Webhook(secret).verify('{"a":2}', headers(id, ts, signature))).toThrow();
    expect(() => new Webhook(secret).verify('{"a":1}', headers(newMessageId(), ts, signature))).toThrow();
    expect(() => new Webhook(generateSecret()).verify('{"a":1}', headers(id, ts, signature))).toThrow();
  });

  it("carry one signature per secret while rotating: the old and the new secret both verify", () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    const id = newMessageId();
    const ts = Math.floor(Date.now() / 1000);
    const body = '{"type":"attendee.left"}';
    const signature = sign([newSecret, oldSecret], id, ts, body);
    expect(signature.split(" ")).toHaveLength(2);
    expect(new Webhook(oldSecret).verify(body, headers(id, ts, signature))).toEqual(JSON.parse(body));
    expect(new Webhook(newSecret).verify(body, headers(id, ts, signature))).toEqual(JSON.parse(body));
  });

  it("secrets are whsec_ and 24 random bytes", () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(generateSecret()).not.toBe(secret);
  });
});
