import type { FastifyReply, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import { verifyApiKey, type ApiKeyScope, type VerifiedApiKey } from "../../api-keys/index.js";
import type { Database } from "../../store/index.js";
import { ApiError } from "./api-error.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The API key that authenticated this `/api` request (set by {@link authenticateApiKey}). */
    apiKey?: VerifiedApiKey;
  }
  interface FastifyContextConfig {
    /** Marks a route registered inside the authenticated `/api` scope. */
    rollcallApi?: boolean;
    /** The scope the route needs; default `read` for GET/HEAD, `write` otherwise. */
    apiScope?: ApiKeyScope;
  }
}

/** The scope a request needs when its route says nothing: reading methods `read`, the rest `write`. */
export function defaultScope(method: string): ApiKeyScope {
  return method === "GET" || method === "HEAD" || method === "OPTIONS" ? "read" : "write";
}

/**
 * How `/api` also answers the dashboard: a request without `Authorization` but with a dashboard
 * session cookie acts as the session's key; a write needs the session's CSRF token as well.
 */
export interface SessionAuthentication {
  /** The key behind the request's session cookie (re-read, so a revoked key fails at once), or undefined. */
  principal(request: FastifyRequest): Promise<VerifiedApiKey | undefined>;
  /** Whether the request carries the session's CSRF token (`x-csrf-token`). */
  csrfValid(request: FastifyRequest): Promise<boolean>;
}

/**
 * An `onRequest` hook for the `/api` scope: requires `Authorization: Bearer <key>` with a live key,
 * or (with `session`) a dashboard session cookie, whose writes must carry its CSRF token (401
 * otherwise, with `www-authenticate`), and the scope the route needs (403 for a read-only key on a
 * write). Runs for every route of the scope and for its 404s, so nothing under `/api` answers
 * without a key.
 */
export function authenticateApiKey(db: Kysely<Database>, session?: SessionAuthentication) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const key = await requestKey(db, session, request, reply);
    request.apiKey = key;
    const needed = request.routeOptions.config?.apiScope ?? defaultScope(request.method);
    if (!hasScope(key, needed)) throw new ApiError(403, "forbidden", `authorization: this API key is read-only; ${request.method} needs a key with scope "write"`);
  };
}

/** The key a request acts as: its bearer key, else its dashboard session's (checked for CSRF on writes); 401 without either. */
async function requestKey(db: Kysely<Database>, session: SessionAuthentication | undefined, request: FastifyRequest, reply: FastifyReply): Promise<VerifiedApiKey> {
  const header = request.headers.authorization;
  if (header === undefined && session !== undefined) {
    const key = await session.principal(request);
    if (key) {
      if (defaultScope(request.method) === "write" && !(await session.csrfValid(request))) {
        throw new ApiError(403, "forbidden", "x-csrf-token: a write from a dashboard session needs its CSRF token");
      }
      return key;
    }
  }
  const match = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match) {
    reply.header("www-authenticate", 'Bearer realm="rollcall"');
    throw new ApiError(401, "unauthorized", "authorization: expected the header `Authorization: Bearer <API key>` (create a key with `rollcall keys create`)");
  }
  const key = await verifyApiKey(db, match[1]!);
  if (!key) {
    reply.header("www-authenticate", 'Bearer realm="rollcall", error="invalid_token"');
    throw new ApiError(401, "unauthorized", "authorization: the API key is unknown or revoked");
  }
  return key;
}

/** Whether a key may do what `needed` allows (`write` includes `read`). */
export function hasScope(key: VerifiedApiKey, needed: ApiKeyScope): boolean {
  return needed === "read" || key.scope === "write";
}

/**
 * A `preHandler` for routes that want to state their scope explicitly (e.g. a GET that changes
 * something, or an SSE stream): refuses with 403 when the authenticated key lacks it.
 */
export function requireScope(needed: ApiKeyScope) {
  return async function checkScope(request: FastifyRequest): Promise<void> {
    const key = request.apiKey;
    if (!key) throw new ApiError(401, "unauthorized", "authorization: expected the header `Authorization: Bearer <API key>`");
    if (!hasScope(key, needed)) throw new ApiError(403, "forbidden", `authorization: this API key is read-only; this needs a key with scope "${needed}"`);
  };
}
