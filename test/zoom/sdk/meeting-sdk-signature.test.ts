import { createHmac, timingSafeEqual } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MeetingSdkSignatureError, meetingSdkSignature } from "../../../src/zoom/sdk/meeting-sdk-signature.js";
import { loadConfig } from "../../../src/config/index.js";
import { meetingSdkFromConfig } from "../../../src/zoom/sdk/sdk-credentials.js";

const SECRET = "sdk-secret-for-tests";
const NOW = Date.UTC(2026, 0, 1, 9, 0, 0);

/** Verifies an HS256 JWT from first principles, independent of the code under test. */
function verify(jwt: string, secret: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const parts = jwt.split(".");
  expect(parts).toHaveLength(3);
  const [h, p, s] = parts as [string, string, string];
  const expected = createHmac("sha256", secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error("bad signature");
  return { header: JSON.parse(Buffer.from(h, "base64url").toString()), claims: JSON.parse(Buffer.from(p, "base64url").toString()) };
}

describe("meetingSdkSignature", () => {
  it("is an HS256 JWT with Zoom's claims, verifiable with the SDK secret", () => {
    const jwt = meetingSdkSignature({ sdkKey: "sdkKeyABC", sdkSecret: SECRET, meetingNumber: 81234567890, now: NOW });
    const { header, claims } = verify(jwt, SECRET);
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(claims).toMatchObject({ appKey: "sdkKeyABC", sdkKey: "sdkKeyABC", mn: "81234567890", role: 0 });
    expect(claims["exp"]).toBe(claims["tokenExp"]);
    expect((claims["exp"] as number) - (claims["iat"] as number)).toBe(7200);
    expect(Math.abs((claims["iat"] as number) - NOW / 1000)).toBeLessThanOrEqual(60);
    expect(() => verify(jwt, "another-secret")).toThrow("bad signature");
  });

  it("carries role 1 and video_webrtc_mode when asked, and the requested lifetime", () => {
    const jwt = meetingSdkSignature({ sdkKey: "k", sdkSecret: SECRET, meetingNumber: "812 3456 7890", role: 1, videoWebrtcMode: 1, expiresInSeconds: 1800, now: NOW });
    const { claims } = verify(jwt, SECRET);
    expect(claims).toMatchObject({ role: 1, video_webrtc_mode: 1, mn: "81234567890" });
    expect((claims["exp"] as number) - (claims["iat"] as number)).toBe(1800);
  });

  it.each([
    [{ expiresInSeconds: 1799 }, "expiresInSeconds"],
    [{ expiresInSeconds: 172_801 }, "expiresInSeconds"],
    [{ meetingNumber: "abc" }, "meetingNumber"],
    [{ sdkKey: "" }, "sdkKey"],
    [{ sdkSecret: "" }, "sdkSecret"],
    [{ role: 2 as 0 }, "role"],
  ])("refuses %o with an error naming %s", (override, field) => {
    const call = () => meetingSdkSignature({ sdkKey: "k", sdkSecret: SECRET, meetingNumber: "81234567890", ...override });
    expect(call).toThrow(MeetingSdkSignatureError);
    try {
      call();
    } catch (error) {
      expect((error as MeetingSdkSignatureError).field).toBe(field);
      expect((error as Error).message).toMatch(new RegExp(`^${field}:`));
    }
  });

  it("accepts the bounds 1800 and 172800 exactly", () => {
    for (const expiresInSeconds of [1800, 172_800]) {
      const { claims } = verify(meetingSdkSignature({ sdkKey: "k", sdkSecret: SECRET, meetingNumber: "123456789", expiresInSeconds, now: NOW }), SECRET);
      expect((claims["exp"] as number) - (claims["iat"] as number)).toBe(expiresInSeconds);
    }
  });
});

describe("meetingSdkFromConfig", () => {
  const meetingSdkFromEnv = (env: Record<string, string>) => meetingSdkFromConfig(loadConfig({ env }));
  it("names the missing variables", () => {
    const result = meetingSdkFromEnv({ ZOOM_SDK_KEY: "k" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.variables).toEqual(["ZOOM_SDK_SECRET"]);
  });
  it("reads both", () => {
    expect(meetingSdkFromEnv({ ZOOM_SDK_KEY: "k", ZOOM_SDK_SECRET: "s" })).toEqual({ ok: true, credentials: { sdkKey: "k", sdkSecret: "s" } });
  });
});
