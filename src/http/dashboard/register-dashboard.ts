import { readFile } from "node:fs/promises";
import { join } from "node:path";
import fastifyCookie from "@fastify/cookie";
import fastifyCsrf from "@fastify/csrf-protection";
import fastifyFormbody from "@fastify/formbody";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { verifyApiKey } from "../../api-keys/index.js";
import type { RollcallDatabase } from "../../store/index.js";
import { csrfOptions, dashboardPrincipal, isHttps, sessionCookie, sessionLifetimeMs, setSessionCookie, type DashboardPrincipal } from "./dashboard-auth.js";
import { dashboardSessionRoute } from "./dashboard-session-route.js";
import { escapeHtml, signInPage } from "./sign-in-page.js";
import { packageRoot } from "../../runtime/package-files.js";

/** Where `npm run build:web` writes the front end: `web/dist` in the package. */
export const defaultWebRoot = join(packageRoot(), "web", "dist");

export interface DashboardOptions {
  store: RollcallDatabase;
  /** HMAC key for session cookies (`ROLLCALL_DASHBOARD_SECRET` or the generated one). */
  secret: string;
  /** `ROLLCALL_PUBLIC_URL`: https there makes cookies `Secure`, and the empty state shows its webhook URL. */
  publicUrl?: string;
  /** The built front end (default {@link defaultWebRoot}). */
  webRoot?: string;
}

const principals = new WeakMap<FastifyRequest, DashboardPrincipal>();

/** Content-Security-Policy of the dashboard: nothing from outside the machine, no inline script. */
const appCsp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const signInCsp = appCsp.replace("style-src 'self'", "style-src 'unsafe-inline'");

/**
 * The web dashboard at `/`: a sign-in form (an API key → a signed, http-only, `SameSite=Strict`
 * session cookie; CSRF tokens on every form and write), the built front end from `web/dist`, and
 * its session answer (`/dashboard/api/session`); the pages read and write `/api/v1` with the session
 * cookie (see `registerApi`). Cookies, form parsing and CSRF are registered inside this plugin (and
 * the `/api` scope) only, so the webhook route is untouched by them.
 */
export async function dashboard(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const webRoot = options.webRoot ?? defaultWebRoot;
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrf, csrfOptions);

  const secure = (request: FastifyRequest): boolean => isHttps(request, options.publicUrl);
  const signIn = (request: FastifyRequest, reply: FastifyReply, error?: string): FastifyReply =>
    reply
      .code(error ? 401 : 200)
      .header("content-type", "text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .header("content-security-policy", signInCsp)
      .send(signInPage({ csrfToken: reply.generateCsrf({ secure: secure(request) }), ...(error ? { error } : {}) }));

  app.get("/", async (request, reply) => {
    const principal = await dashboardPrincipal(options.store.db, options.secret, request);
    if (!principal) return signIn(request, reply);
    let html: string;
    try {
      html = await readFile(join(webRoot, "index.html"), "utf8");
    } catch {
      return reply
        .code(503)
        .header("content-type", "text/html; charset=utf-8")
        .send(`<!doctype html><html lang="en"><title>Rollcall</title><p>The dashboard has not been built: run <code>npm run build:web</code> in ${escapeHtml(webRoot)}/../..</p></html>`);
    }
    return reply.header("content-type", "text/html; charset=utf-8").header("cache-control", "no-store").header("content-security-policy", appCsp).send(html);
  });

  app.post("/dashboard/sign-in", { preValidation: app.csrfProtection }, async (request, reply) => {
    const presented = (request.body as { apiKey?: unknown } | undefined)?.apiKey;
    const key = typeof presented === "string" ? await verifyApiKey(options.store.db, presented.trim()) : undefined;
    if (!key) return signIn(request, reply, "That API key is not valid (unknown or revoked).");
    setSessionCookie(reply, options.secret, { keyId: key.id, scope: key.scope, expiresAt: Date.now() + sessionLifetimeMs }, secure(request));
    return reply.code(303).header("location", "/").send();
  });

  app.post("/dashboard/sign-out", { preValidation: app.csrfProtection }, async (request, reply) => {
    reply.clearCookie(sessionCookie, { path: "/", httpOnly: true, sameSite: "strict", secure: secure(request) });
    return reply.code(303).header("location", "/").send();
  });

  // Built assets (hashed file names): public, like any page's scripts; the data behind them is not.
  await app.register(fastifyStatic, { root: join(webRoot, "assets"), prefix: "/dashboard/assets/", index: false, immutable: true, maxAge: "365d" });

  await app.register(async (data) => {
    data.addHook("onRequest", async (request, reply) => {
      const principal = await dashboardPrincipal(options.store.db, options.secret, request);
      if (!principal) return reply.code(401).send({ error: { code: "unauthorized", message: "sign in to the dashboard first (your session ended or its key was revoked)", details: [] } });
      principals.set(request, principal);
      reply.header("cache-control", "no-store");
    });
    await dashboardSessionRoute(data, {
      principal: (request) => principals.get(request)!,
      webhookUrl: (request) => `${options.publicUrl?.replace(/\/+$/, "") ?? `${request.protocol}://${request.host}`}/webhooks/zoom`,
    });
  });
}
