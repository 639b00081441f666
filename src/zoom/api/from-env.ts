import { DEFAULT_API_BASE_URL, DEFAULT_OAUTH_URL, ZoomApiClient, type ZoomApiClientOptions, type ZoomApiConfig } from "./client.js";
import { ZoomConfigError } from "./errors.js";

/** The outcome of {@link zoomApiFromEnv}: a client, or why there is none. */
export type ZoomApiFromEnv =
  | { ok: true; client: ZoomApiClient; config: Required<Omit<ZoomApiConfig, "clientSecret">> }
  | { ok: false; error: ZoomConfigError };

const REQUIRED = ["ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"] as const;

/**
 * Builds the REST client from `ZOOM_ACCOUNT_ID`, `ZOOM_CLIENT_ID`, `ZOOM_CLIENT_SECRET` and the
 * optional `ZOOM_API_BASE_URL` / `ZOOM_OAUTH_URL`. Never throws: without credentials it returns
 * `{ ok: false, error }` naming what is missing, so the rest of Rollcall runs without Zoom.
 * The returned `config` omits the secret so it can be shown or logged.
 *
 * @example
 * const zoom = zoomApiFromEnv(process.env);
 * if (!zoom.ok) console.warn(zoom.error.message); // "Zoom REST API disabled: missing ZOOM_CLIENT_ID, ..."
 */
export function zoomApiFromEnv(env: Record<string, string | undefined>, options: ZoomApiClientOptions = {}): ZoomApiFromEnv {
  const missing = REQUIRED.filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    return {
      ok: false,
      error: new ZoomConfigError(
        `Zoom REST API disabled: missing ${missing.join(", ")} (Server-to-Server OAuth app credentials from the Zoom Marketplace).`,
        [...missing],
      ),
    };
  }
  const invalid: string[] = [];
  const apiBaseUrl = httpUrl(env["ZOOM_API_BASE_URL"], DEFAULT_API_BASE_URL, "ZOOM_API_BASE_URL", invalid);
  const oauthUrl = httpUrl(env["ZOOM_OAUTH_URL"], DEFAULT_OAUTH_URL, "ZOOM_OAUTH_URL", invalid);
  if (invalid.length > 0) {
    return { ok: false, error: new ZoomConfigError(`Zoom REST API disabled: ${invalid.join(", ")} must be an http(s) URL.`, invalid) };
  }
  const config = {
    accountId: env["ZOOM_ACCOUNT_ID"]!.trim(),
    clientId: env["ZOOM_CLIENT_ID"]!.trim(),
    apiBaseUrl,
    oauthUrl,
  };
  return { ok: true, config, client: new ZoomApiClient({ ...config, clientSecret: env["ZOOM_CLIENT_SECRET"]!.trim() }, options) };
}

function httpUrl(value: string | undefined, fallback: string, name: string, invalid: string[]): string {
  const text = value?.trim();
  if (!text) return fallback;
  try {
    const url = new URL(text);
    if (url.protocol === "http:" || url.protocol === "https:") return text.replace(/\/+$/, "");
  } catch {
    // reported below
  }
  invalid.push(name);
  return fallback;
}
