import { ZoomConfigError } from "../api/errors.js";

/** Meeting SDK app credentials. */
export interface MeetingSdkCredentials {
  sdkKey: string;
  sdkSecret: string;
}

/**
 * Reads `ZOOM_SDK_KEY` and `ZOOM_SDK_SECRET`. Never throws: without them it returns
 * `{ ok: false, error }` naming what is missing, so only SDK join links are unavailable.
 */
export function meetingSdkFromEnv(env: Record<string, string | undefined>): { ok: true; credentials: MeetingSdkCredentials } | { ok: false; error: ZoomConfigError } {
  const missing = ["ZOOM_SDK_KEY", "ZOOM_SDK_SECRET"].filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    return { ok: false, error: new ZoomConfigError(`Meeting SDK join links disabled: missing ${missing.join(", ")} (Meeting SDK app credentials).`, missing) };
  }
  return { ok: true, credentials: { sdkKey: env["ZOOM_SDK_KEY"]!.trim(), sdkSecret: env["ZOOM_SDK_SECRET"]!.trim() } };
}
