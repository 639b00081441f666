import type { FastifyInstance, FastifyRequest } from "fastify";
import type { DashboardPrincipal } from "./dashboard-auth.js";
import type { DashboardSessionBody } from "./dashboard-session-body.js";

/** What the session route needs. */
export interface DashboardSessionRouteOptions {
  /** The request's signed-in key (set by the session check that guards the route). */
  principal: (request: FastifyRequest) => DashboardPrincipal;
  /** Where Zoom should send webhooks, for the empty state. */
  webhookUrl: (request: FastifyRequest) => string;
}

/**
 * `GET /dashboard/api/session`: the one JSON route of the dashboard itself (it is about the cookie
 * session: who is signed in, and the CSRF token its writes carry). Everything the pages show and
 * change goes through `/api/v1`, which answers a dashboard session as it answers an API key.
 */
export async function dashboardSessionRoute(app: FastifyInstance, options: DashboardSessionRouteOptions): Promise<void> {
  app.get("/dashboard/api/session", async (request, reply): Promise<DashboardSessionBody> => {
    const principal = options.principal(request);
    return { name: principal.name, scope: principal.scope, csrfToken: reply.generateCsrf(), webhookUrl: options.webhookUrl(request) };
  });
}
