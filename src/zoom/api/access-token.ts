import type { Clock } from "./clock.js";
import { ZoomAuthError, ZoomNetworkError } from "./errors.js";

/** Renew this long before the token's stated expiry (Zoom's Rivet SDK does the same). */
export const TOKEN_RENEWAL_MARGIN_MS = 60_000;

/** Server-to-Server OAuth app credentials and where to exchange them. */
export interface S2SCredentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
  /** Base of the OAuth server, e.g. `https://zoom.us`; the token endpoint is `${oauthUrl}/oauth/token`. */
  oauthUrl: string;
}

/**
 * Fetches and caches Server-to-Server OAuth access tokens (zoom-facts §5.3): `POST /oauth/token`
 * with Basic auth and `grant_type=account_credentials`. A cached token is reused until
 * {@link TOKEN_RENEWAL_MARGIN_MS} before it expires; at most one token request is in flight, and
 * every caller waiting meanwhile shares its result.
 */
export class AccessTokenProvider {
  private cached: { token: string; renewAt: number } | undefined;
  private inFlight: Promise<string> | undefined;
  /** How many token requests this provider has sent (for diagnostics and tests). */
  requests = 0;

  constructor(
    private readonly credentials: S2SCredentials,
    private readonly clock: Clock,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** A valid access token, from the cache or freshly fetched. */
  async get(): Promise<string> {
    if (this.cached && this.clock.now() < this.cached.renewAt) return this.cached.token;
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * A valid access token and when this provider will renew it (epoch ms): a holder of a long-lived
   * connection opened with the token (Zoom's WebSocket) reconnects with a fresh one by then.
   */
  async current(): Promise<{ token: string; renewAt: number }> {
    const token = await this.get();
    return { token, renewAt: this.cached?.token === token ? this.cached.renewAt : this.clock.now() };
  }

  /**
   * Drops `token` from the cache after Zoom refused it (401), so the next {@link get} fetches a new
   * one. A token already replaced by a newer one is left alone, so concurrent 401s renew only once.
   */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const { accountId, clientId, clientSecret, oauthUrl } = this.credentials;
    const path = "/oauth/token";
    const body = new URLSearchParams({ grant_type: "account_credentials", account_id: accountId });
    this.requests++;
    let response: Response;
    try {
      response = await this.fetchImpl(`${oauthUrl.replace(/\/+$/, "")}${path}`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body,
      });
    } catch (error) {
      throw new ZoomNetworkError({ status: 0, method: "POST", path, attempts: 1 }, { cause: error });
    }
    const trackingId = response.headers.get("x-zm-trackingid") ?? undefined;
    const json = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (!response.ok) {
      // The OAuth server answers `{reason, error}`, not the API's `{code, message}`.
      const reason = [json?.["error"], json?.["reason"]].filter((v) => typeof v === "string").join(": ");
      throw new ZoomAuthError({
        status: response.status,
        ...(reason ? { zoomMessage: reason } : {}),
        ...(trackingId ? { trackingId } : {}),
        method: "POST",
        path,
        attempts: 1,
      });
    }
    const token = json?.["access_token"];
    const expiresIn = json?.["expires_in"];
    if (typeof token !== "string" || token === "" || typeof expiresIn !== "number") {
      throw new ZoomAuthError({
        status: response.status,
        zoomMessage: "token response lacks access_token (string) or expires_in (number)",
        method: "POST",
        path,
        attempts: 1,
      });
    }
    // A token too short-lived for the margin is renewed at half its life instead of on every call.
    const lifetime = expiresIn * 1000;
    const renewIn = lifetime > 2 * TOKEN_RENEWAL_MARGIN_MS ? lifetime - TOKEN_RENEWAL_MARGIN_MS : lifetime / 2;
    this.cached = { token, renewAt: this.clock.now() + renewIn };
    return token;
  }
}
