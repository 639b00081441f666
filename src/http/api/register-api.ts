import fastifyCookie from "@fastify/cookie";
import CsrfTokens from "@fastify/csrf";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import type * as z from "zod";
import { hostedJoinRoute } from "../hosted-join-route.js";
import { csrfOptions, dashboardPrincipal } from "../dashboard/dashboard-auth.js";
import { packageVersion } from "../../runtime/package-files.js";
import { authenticateApiKey, type SessionAuthentication } from "./api-auth.js";
import type { ApiDeps } from "./api-deps.js";
import { ApiError, errorBody, handleApiError } from "./api-error.js";
import { docsPath, docsRoutes } from "./docs-routes.js";
import { createApiRouter, type ApiRouteGroup, type ApiRouteSpec } from "./api-route.js";
import { instancesRoutes } from "./instances-routes.js";
import { manualLinkRoutes } from "./manual-link-routes.js";
import { joinLinksRoutes } from "./join-links-routes.js";
import { meetingsRoutes } from "./meetings-routes.js";
import { openApiDocument } from "./openapi-document.js";
import { usersRoutes } from "./users-routes.js";
import { liveRoutes } from "./live-routes.js";
import { reviewRoutes } from "./review-routes.js";
import { webhookEndpointsRoutes } from "./webhook-endpoints-routes.js";

/** Per app: the routes registered inside the authenticated `/api` scope. */
const scopedRoutes = new WeakMap<FastifyInstance, Set<string>>();

/**
 * Makes the app refuse to start (at `ready`) when a route under `/api` was registered outside the
 * authenticated scope of {@link registerApi}: such a route would answer without a key. Call it
 * right after creating the app, before anything else adds routes; `registerApi` calls it too
 * (idempotent) for apps that did not.
 *
 * @returns the set `registerApi` fills with the routes of its scope.
 */
export function guardApiScope(app: FastifyInstance): Set<string> {
  const known = scopedRoutes.get(app);
  if (known) return known;
  const inScope = new Set<string>();
  scopedRoutes.set(app, inScope);
  const everywhere: string[] = [];
  app.addHook("onRoute", (route) => {
    if (route.url.startsWith("/api")) everywhere.push(`${String(route.method)} ${route.url}`);
  });
  app.addHook("onReady", async () => {
    const outside = everywhere.filter((r) => !inScope.has(r));
    if (outside.length > 0) throw new Error(`routes under /api registered outside the authenticated API scope (use registerApi's groups): ${outside.join(", ")}`);
  });
  return inScope;
}

/** Rollcall's own route groups, one file each. Other modules add theirs through `registerApi`'s `groups`. */
export const apiRouteGroups: readonly ApiRouteGroup[] = [usersRoutes, instancesRoutes, manualLinkRoutes, reviewRoutes, meetingsRoutes, joinLinksRoutes, webhookEndpointsRoutes, liveRoutes];

/** Paths of the public documentation. */
export const openApiPath = "/openapi.json";
export { docsPath };

export interface RegisterApiOptions {
  /** Route groups added after Rollcall's own (the dashboard's, outbound webhooks'). */
  groups?: readonly ApiRouteGroup[];
}

/**
 * Adds the HTTP API to the app: every route under `/api` authenticated by a bearer API key
 * (401 without a valid one, 403 for a read-only key on a write), rate limited per key (429 with
 * `retry-after`), answering errors in one shape; the public `GET /openapi.json` generated from the
 * routes' zod schemas (on its first request) and the rendered reference at `/docs` (assets served
 * locally, built on its first request); and the hosted
 * join `GET /join/{token}`. Fails at startup if any `/api` route was registered outside this scope
 * (it would bypass authentication).
 */
export async function registerApi(app: FastifyInstance, deps: ApiDeps, options: RegisterApiOptions = {}): Promise<{ specs: ReadonlyArray<ApiRouteSpec<z.ZodType, z.ZodType, z.ZodType>> }> {
  const specs: Array<ApiRouteSpec<z.ZodType, z.ZodType, z.ZodType>> = [];
  const inScope = guardApiScope(app);

  await app.register(
    async (scope) => {
      scope.addHook("onRoute", (route) => {
        inScope.add(`${String(route.method)} ${route.url}`);
      });
      scope.setErrorHandler(handleApiError);
      scope.addHook("onRequest", authenticateApiKey(deps.db, deps.dashboardSecret !== undefined ? await dashboardSessions(scope, deps.db, deps.dashboardSecret) : undefined));
      await scope.register(rateLimit, {
        global: true,
        // After authentication (onRequest), so the limit is per key rather than per address.
        hook: "preHandler",
        max: deps.config.apiRateLimitPerMinute,
        timeWindow: 60_000,
        keyGenerator: (request) => (request.apiKey ? `key:${request.apiKey.id}` : `ip:${request.ip}`),
        errorResponseBuilder: (_request, context) => new ApiError(429, "rate_limited", `rate limit: at most ${context.max} requests per minute per API key; retry in ${context.after}`),
      });
      scope.addContentTypeParser(["text/csv", "text/plain"], { parseAs: "string", bodyLimit: 16 * 1024 * 1024 }, (_request, body, done) => done(null, body));
      scope.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody("not_found", `path: no route ${request.method} ${request.url.split("?")[0]}`)));
      const router = createApiRouter(scope, deps, specs);
      for (const group of [...apiRouteGroups, ...(options.groups ?? [])]) group(router);
    },
    { prefix: "/api" },
  );

  // Generated on first use, from the specs of every route registered above: converting the zod
  // schemas is work a start need not wait for.
  let document: Record<string, unknown> | undefined;
  const openApi = (): Record<string, unknown> => (document ??= openApiDocument(specs, { version: packageVersion(), ...(deps.config.publicUrl ? { serverUrl: deps.config.publicUrl } : {}) }));
  // Without ROLLCALL_PUBLIC_URL, `servers` names the origin the document was read from (a generated client's base URL).
  app.get(openApiPath, async (request) => (deps.config.publicUrl ? openApi() : { ...openApi(), servers: [{ url: `${request.protocol}://${request.host}`, description: "This Rollcall." }] }));
  docsRoutes(app, openApi);

  await app.register(hostedJoinRoute, {
    db: deps.db,
    joinTokenSecret: deps.joinTokenSecret,
    namesReadable: deps.config.privacy === "store",
    ...(deps.sdk.ok ? { sdk: deps.sdk.credentials } : {}),
    ...(deps.zoom.ok ? { zoom: deps.zoom.client } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
  return { specs };
}

/**
 * The dashboard's sessions inside the `/api` scope: its cookies parsed there, and a write's
 * `x-csrf-token` checked against the CSRF secret cookie the dashboard set (the same check
 * `@fastify/csrf-protection` makes), so the front end reads and writes through the same routes as
 * any client (a session cookie never works on a route a bearer key could not use).
 */
async function dashboardSessions(scope: FastifyInstance, db: ApiDeps["db"], secret: string): Promise<SessionAuthentication> {
  await scope.register(fastifyCookie);
  const tokens = CsrfTokens();
  return {
    async principal(request) {
      const principal = await dashboardPrincipal(db, secret, request);
      return principal ? { id: principal.keyId, name: principal.name, scope: principal.scope } : undefined;
    },
    async csrfValid(request) {
      const csrfSecret = request.cookies[csrfOptions.cookieKey];
      const token = request.headers["x-csrf-token"];
      return typeof csrfSecret === "string" && typeof token === "string" && tokens.verify(csrfSecret, token);
    },
  };
}
