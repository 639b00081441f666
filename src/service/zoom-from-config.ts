import type { Config } from "../config/index.js";
import { zoomApiFromEnv, type ZoomApiClientOptions, type ZoomApiFromEnv } from "../zoom/api/index.js";
import { meetingSdkFromEnv } from "../zoom/sdk/sdk-credentials.js";

/** The Zoom settings of a loaded configuration, as the variables `zoomApiFromEnv` reads. */
function zoomEnv(config: Pick<Config, "zoom">): Record<string, string | undefined> {
  const z = config.zoom;
  return {
    ZOOM_ACCOUNT_ID: z.accountId,
    ZOOM_CLIENT_ID: z.clientId,
    ZOOM_CLIENT_SECRET: z.clientSecret,
    ZOOM_API_BASE_URL: z.apiBaseUrl,
    ZOOM_OAUTH_URL: z.oauthUrl,
    ZOOM_SDK_KEY: z.sdkKey,
    ZOOM_SDK_SECRET: z.sdkSecret,
  };
}

/**
 * The Zoom REST client for a loaded configuration (`ZOOM_ACCOUNT_ID`, `ZOOM_CLIENT_ID`,
 * `ZOOM_CLIENT_SECRET`, `ZOOM_API_BASE_URL`, `ZOOM_OAUTH_URL` as the config loader read them, file
 * and flags included), or the error naming the missing variables.
 *
 * @example
 * const zoom = zoomApiFromConfig(loadConfig());
 * if (!zoom.ok) throw zoom.error; // "Zoom REST API disabled: missing ZOOM_CLIENT_ID, …"
 */
export function zoomApiFromConfig(config: Pick<Config, "zoom">, options: ZoomApiClientOptions = {}): ZoomApiFromEnv {
  return zoomApiFromEnv(zoomEnv(config), options);
}

/**
 * Meeting SDK credentials (`ZOOM_SDK_KEY`, `ZOOM_SDK_SECRET`) of a loaded configuration, or the
 * error naming what is missing.
 */
export function meetingSdkFromConfig(config: Pick<Config, "zoom">): ReturnType<typeof meetingSdkFromEnv> {
  return meetingSdkFromEnv(zoomEnv(config));
}
