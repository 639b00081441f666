import { describe, expect, it } from "vitest";
import { ZoomConfigError } from "../../../src/zoom/api/errors.js";
import { ConfigError, loadConfig } from "../../../src/config/index.js";
import { zoomApiFromConfig } from "../../../src/zoom/api/from-config.js";
import { encodeInstanceUuid } from "../../../src/zoom/api/instance-uuid.js";
import { retryAfterMs } from "../../../src/zoom/api/retry-after.js";
import { CREDENTIALS, useEmulator } from "./emulator-fixture.js";

describe("zoomApiFromConfig", () => {
  const h = useEmulator();
  const fromEnv = (env: Record<string, string>) => zoomApiFromConfig(loadConfig({ env }));

  it("names every missing credential instead of throwing", () => {
    const result = fromEnv({ ZOOM_ACCOUNT_ID: "a" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(ZoomConfigError);
    expect(result.error.variables).toEqual(["ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"]);
    expect(result.error.message).toMatch(/missing ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET/);
  });

  it("refuses (at config loading) a base URL that is not http(s), naming the variable", () => {
    expect(() => fromEnv({ ZOOM_ACCOUNT_ID: "a", ZOOM_CLIENT_ID: "b", ZOOM_CLIENT_SECRET: "c", ZOOM_API_BASE_URL: "ftp://x" })).toThrow(ConfigError);
    expect(() => fromEnv({ ZOOM_API_BASE_URL: "ftp://x" })).toThrow(/^ZOOM_API_BASE_URL \(zoom\.apiBaseUrl\): expected an http\(s\) URL/);
    expect(() => fromEnv({ ZOOM_OAUTH_URL: "not a url" })).toThrow(/^ZOOM_OAUTH_URL \(zoom\.oauthUrl\)/);
  });

  it("defaults to Zoom's URLs and builds a client that talks to the emulator when pointed at it", async () => {
    const defaults = fromEnv({ ZOOM_ACCOUNT_ID: "a", ZOOM_CLIENT_ID: "b", ZOOM_CLIENT_SECRET: "c" });
    expect(defaults.ok && defaults.config).toEqual({ accountId: "a", clientId: "b", apiBaseUrl: "https://api.zoom.us/v2", oauthUrl: "https://zoom.us" });
    const slashed = fromEnv({ ZOOM_ACCOUNT_ID: "a", ZOOM_CLIENT_ID: "b", ZOOM_CLIENT_SECRET: "c", ZOOM_API_BASE_URL: "http://127.0.0.1:9/v2/" });
    expect(slashed.ok && slashed.config.apiBaseUrl).toBe("http://127.0.0.1:9/v2");
    const env = {
      ZOOM_ACCOUNT_ID: CREDENTIALS.accountId,
      ZOOM_CLIENT_ID: CREDENTIALS.clientId,
      ZOOM_CLIENT_SECRET: CREDENTIALS.clientSecret,
      ZOOM_API_BASE_URL: h.emulator.apiBaseUrl,
      ZOOM_OAUTH_URL: h.emulator.url,
    };
    const result = fromEnv(env);
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
