import { describe, expect, it } from "vitest";
import { readSession, signSession } from "../../../src/http/dashboard/index.js";

const secret = "a-dashboard-secret-of-enough-length";
const now = 1_800_000_000_000;

describe("dashboard session token", () => {
  it("reads back what it signed, until it expires", () => {
    const token = signSession(secret, { keyId: 7, scope: "write", expiresAt: now + 1000 });
    expect(readSession(secret, token, now)).toEqual({ keyId: 7, scope: "write", expiresAt: now + 1000 });
    expect(readSession(secret, token, now + 1000)).toBeUndefined();
  });

  it("refuses a token signed with another secret, or with any part changed", () => {
    const token = signSession(secret, { keyId: 7, scope: "read", expiresAt: now + 60_000 });
    expect(readSession("another-secret-of-enough-length", token, now)).toBeUndefined();
    const [version, keyId, scope, expiresAt, mac] = token.split(".");
    // A read key promoting itself, another key id, a later expiry: each breaks the MAC.
    expect(readSession(secret, [version, keyId, "write", expiresAt, mac].join("."), now)).toBeUndefined();
    expect(readSession(secret, [version, "8", scope, expiresAt, mac].join("."), now)).toBeUndefined();
    expect(readSession(secret, [version, keyId, scope, String(now + 9e9), mac].join("."), now)).toBeUndefined();
  });

  it("refuses malformed tokens", () => {
    for (const bad of [undefined, "", "v1", "v1.1.write.1.", "v2.1.write.99999999999999.x", "v1.x.write.1.y"]) expect(readSession(secret, bad, now)).toBeUndefined();
  });
});
