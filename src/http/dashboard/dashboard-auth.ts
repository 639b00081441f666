import type { FastifyReply, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import type { ApiKeyScope } from "../../api-keys/index.js";
import type { Database } from "../../store/index.js";
import { readSession, signSession, type DashboardSession } from "./session-token.js";

/** Name of the cookie holding the signed session. */
export const sessionCookie = "rollcall_session";

/** Options of `@fastify/csrf-protection` wherever a dashboard session's CSRF token is made or checked (the dashboard and `/api`). */
export const csrfOptions = { cookieKey: "rollcall_csrf", cookieOpts: { path: "/", sameSite: "strict" as const, httpOnly: true } };

/** How long a dashboard session lasts before signing in again. */
export const sessionLifetimeMs = 12 * 60 * 60 * 1000;

/** The API key a dashboard request acts as. */
export interface DashboardPrincipal {
  keyId: number;
  name: string;
  scope: ApiKeyScope;
}

/**
 * Whether the request came over https (directly, through `ROLLCALL_PUBLIC_URL`, or through a TLS
 * proxy that says so): then cookies are `Secure`. Trusting the header can only make cookies
 * stricter, never looser.
 */
export function isHttps(request: FastifyRequest, publicUrl: string | undefined): boolean {
  return request.protocol === "https" || publicUrl?.startsWith("https://") === true || request.headers["x-forwarded-proto"] === "https";
}

/** Sets the session cookie: http-only, `SameSite=Strict`, `Secure` behind https. */
export function setSessionCookie(reply: FastifyReply, secret: string, session: DashboardSession, secure: boolean): void {
  reply.setCookie(sessionCookie, signSession(secret, session), {
    path: "/",
    httpOnly: true,
    sameSite: "strict",
    secure,
    expires: new Date(session.expiresAt),
  });
}

/**
 * The API key behind the request's session cookie, re-read from the database on every request so
 * a revoked key (or a scope lowered since) takes effect at once. Undefined without a valid session.
 */
export async function dashboardPrincipal(db: Kysely<Database>, secret: string, request: FastifyRequest, now = Date.now()): Promise<DashboardPrincipal | undefined> {
  const session = readSession(secret, request.cookies[sessionCookie], now);
  if (!session) return undefined;
  const key = await db.selectFrom("api_keys").select(["id", "name", "scope", "revoked_at"]).where("id", "=", session.keyId).executeTakeFirst();
  if (!key || key.revoked_at !== null) return undefined;
  // The weaker of the two: a key downgraded to read since sign-in cannot write through an old cookie.
  const scope: ApiKeyScope = key.scope === "write" && session.scope === "write" ? "write" : "read";
  return { keyId: Number(key.id), name: key.name, scope };
}
