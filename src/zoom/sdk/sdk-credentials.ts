import { variableForKey, type Config } from "../../config/index.js";
import { ZoomConfigError } from "../api/errors.js";

/** Meeting SDK app credentials. */
export interface MeetingSdkCredentials {
  sdkKey: string;
  sdkSecret: string;
}

/**
 * The Meeting SDK credentials of the configuration (`ZOOM_SDK_KEY`, `ZOOM_SDK_SECRET`). Never
 * throws: without them it returns `{ ok: false, error }` naming what is missing, so only SDK join
 * links are unavailable.
 */
export function meetingSdkFromConfig(config: Pick<Config, "zoom">): { ok: true; credentials: MeetingSdkCredentials } | { ok: false; error: ZoomConfigError } {
  const { sdkKey, sdkSecret } = config.zoom;
  if (sdkKey === undefined || sdkSecret === undefined) {
    const missing = (["sdkKey", "sdkSecret"] as const).filter((key) => config.zoom[key] === undefined).map((key) => variableForKey(`zoom.${key}`));
    return { ok: false, error: new ZoomConfigError(`Meeting SDK join links disabled: missing ${missing.join(", ")} (Meeting SDK app credentials).`, missing) };
  }
  return { ok: true, credentials: { sdkKey, sdkSecret } };
}
