import { describe, expect, it } from "vitest";
import { ZoomConfigError } from "../../../src/zoom/api/errors.js";
import { zoomApiFromEnv } from "../../../src/zoom/api/from-env.js";
import { encodeInstanceUuid } from "../../../src/zoom/api/instance-uuid.js";
import { retryAfterMs } from "../../../src/zoom/api/retry-after.js";
import { CREDENTIALS, useEmulator } from "./emulator-fixture.js";

describe("zoomApiFromEnv", () => {
  const h = useEmulator();

  it("names every missing credential instead of throwing", () => {
    const result = zoomApiFromEnv({ ZOOM_ACCOUNT_ID: "a" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(ZoomConfigError);
    expect(result.error.variables).toEqual(["ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"]);
    expect(result.error.message).toMatch(/missing ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET/);
  });

  it("refuses a base URL that is not http(s)", () => {
    const result = zoomApiFromEnv({ ZOOM_ACCOUNT_ID: "a", ZOOM_CLIENT_ID: "b", ZOOM_CLIENT_SECRET: "c", ZOOM_API_BASE_URL: "ftp://x" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.variables).toEqual(["ZOOM_API_BASE_URL"]);
  });

  it("defaults to Zoom's URLs and builds a client that talks to the emulator when pointed at it", async () => {
    const defaults = zoomApiFromEnv({ ZOOM_ACCOUNT_ID: "a", ZOOM_CLIENT_ID: "b", ZOOM_CLIENT_SECRET: "c" });
    expect(defaults.ok && defaults.config).toEqual({ accountId: "a", clientId: "b", apiBaseUrl: "https://api.zoom.us/v2", oauthUrl: "https://zoom.us" });
    const env = {
      ZOOM_ACCOUNT_ID: CREDENTIALS.accountId,
      ZOOM_CLIENT_ID: CREDENTIALS.clientId,
      ZOOM_CLIENT_SECRET: CREDENTIALS.clientSecret,
      ZOOM_API_BASE_URL: h.emulator.apiBaseUrl,
      ZOOM_OAUTH_URL: h.emulator.url,
    };
    const result = zoomApiFromEnv(env);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(JSON.stringify(result.config)).not.toContain(CREDENTIALS.clientSecret);
    expect((await result.client.getUser()).email).toBe(h.world.owner.email);
  });
});

describe("encodeInstanceUuid", () => {
  it.each([
    ["/ajR4Ow==", "%252FajR4Ow%253D%253D"],
    ["ab//cd==", "ab%252F%252Fcd%253D%253D"],
    ["ab/c+d==", "ab%2Fc%2Bd%3D%3D"],
    ["81234567890", "81234567890"],
  ])("encodes %s as %s", (uuid, encoded) => {
    expect(encodeInstanceUuid(uuid)).toBe(encoded);
  });
});

describe("retryAfterMs", () => {
  const now = Date.UTC(2026, 0, 1, 9, 0, 0);
  it("reads seconds, HTTP-dates, past dates and garbage", () => {
    expect(retryAfterMs("2", now)).toBe(2000);
    expect(retryAfterMs(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
    expect(retryAfterMs(new Date(now - 5_000).toUTCString(), now)).toBe(0);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
