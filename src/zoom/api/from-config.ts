import { variableForKey, type Config } from "../../config/index.js";
import { ZoomApiClient, type ZoomApiClientOptions, type ZoomApiConfig } from "./client.js";
import { ZoomConfigError } from "./errors.js";

/** The outcome of {@link zoomApiFromConfig}: a client, or why there is none. */
export type ZoomApiFromConfig =
  | { ok: true; client: ZoomApiClient; config: Required<Omit<ZoomApiConfig, "clientSecret">> }
  | { ok: false; error: ZoomConfigError };

/**
 * Builds the REST client from the configuration's Server-to-Server OAuth credentials
 * (`ZOOM_ACCOUNT_ID`, `ZOOM_CLIENT_ID`, `ZOOM_CLIENT_SECRET`) and endpoints (`ZOOM_API_BASE_URL`,
 * `ZOOM_OAUTH_URL`, validated by the config loader). Never throws: without credentials it returns
 * `{ ok: false, error }` naming the missing variables, so the rest of Rollcall runs without Zoom.
 * The returned `config` omits the secret so it can be shown or logged.
 */
export function zoomApiFromConfig(config: Pick<Config, "zoom">, options: ZoomApiClientOptions = {}): ZoomApiFromConfig {
  const { accountId, clientId, clientSecret, apiBaseUrl, oauthUrl } = config.zoom;
  if (accountId === undefined || clientId === undefined || clientSecret === undefined) {
    const missing = (["accountId", "clientId", "clientSecret"] as const).filter((key) => config.zoom[key] === undefined).map((key) => variableForKey(`zoom.${key}`));
    return {
      ok: false,
      error: new ZoomConfigError(`Zoom REST API disabled: missing ${missing.join(", ")} (Server-to-Server OAuth app credentials from the Zoom Marketplace).`, missing),
    };
  }
  const shown = { accountId, clientId, apiBaseUrl, oauthUrl };
  return { ok: true, config: shown, client: new ZoomApiClient({ ...shown, clientSecret }, options) };
}
