/**
 * Authentication of `/api` over real HTTP, on SQLite and PostgreSQL: every registered `/api`
 * route (enumerated through Fastify's onRoute hook, not a hand-made list) answers 401 without a key,
 * with a wrong key and with a revoked key; a read-only key gets 403 on every write; the rate limit
 * answers 429 with retry-after; `rollcall keys create` prints the key alone on its last line.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, eachDatabase } from "../../support/databases.js";
import { rollcallCli, startApiTestServer, type ApiTestServer } from "./support/api-test-server.js";

eachDatabase("API authentication", (database) => {
  let server: ApiTestServer;
  const routes: Array<{ method: string; url: string }> = [];
  beforeAll(async () => {
    server = await startApiTestServer(database().url, {}, {
      routes: [
        (app) => {
          app.addHook("onRoute", (route) => {
            for (const method of [route.method].flat()) if (route.url.startsWith("/api")) routes.push({ method: String(method), url: route.url });
          });
        },
      ],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** A concrete path for a route pattern: every parameter filled in. */
  const concrete = (url: string) => url.replace(/:(\w+)/g, (_m, name: string) => (name === "meetingId" ? "81234567890" : name === "uuid" ? encodeURIComponent("a/b+c==") : "x"));

  it("registers the routes the issue names", () => {
    const names = routes.map((r) => `${r.method} ${r.url}`);
    for (const expected of [
      "GET /api/v1/users",
      "PUT /api/v1/users/:externalId",
      "GET /api/v1/users/:externalId",
      "DELETE /api/v1/users/:externalId",
      "POST /api/v1/users/import",
      "GET /api/v1/users/:externalId/attendance",
      "GET /api/v1/instances",
      "GET /api/v1/instances/:uuid/attendance",
      "GET /api/v1/instances/:uuid/unresolved",
      "POST /api/v1/instances/:uuid/sessions/:sessionKey/link",
      "DELETE /api/v1/instances/:uuid/sessions/:sessionKey/link",
      "GET /api/v1/meetings/:meetingId/attendance",
      "POST /api/v1/join-links",
    ]) {
      expect(names).toContain(expected);
    }
  });

  it("answers 401 on every /api route without a key, with a malformed or unknown key, and in the error shape", async () => {
    expect(routes.length).toBeGreaterThanOrEqual(13);
    for (const route of routes) {
      const path = concrete(route.url);
      for (const key of [null, "", "rk_not-a-real-key", `rk_${"A".repeat(43)}`]) {
        const headers: Record<string, string> = key === null ? {} : { authorization: `Bearer ${key}` };
        const answer = await server.call(route.method, path, { key: null, headers, ...(route.method === "GET" || route.method === "HEAD" ? {} : { body: {} }) });
        expect(answer.status, `${route.method} ${path} with ${key === null ? "no key" : `key "${key}"`}`).toBe(401);
        if (route.method !== "HEAD") expect(answer.json?.error?.code).toBe("unauthorized");
      }
      // The scheme must be Bearer.
      const basic = await server.call(route.method, path, { key: null, headers: { authorization: `Basic ${Buffer.from(`x:${server.writeKey}`).toString("base64")}` } });
      expect(basic.status).toBe(401);
    }
  });

  it("answers 401 for an unknown /api path too, before saying 404", async () => {
    expect((await server.call("GET", "/api/v1/nothing-here", { key: null })).status).toBe(401);
    const known = await server.call("GET", "/api/v1/nothing-here");
    expect(known.status).toBe(404);
    expect(known.json.error.code).toBe("not_found");
  });

  it("refuses a revoked key from the moment it is revoked", async () => {
    const { id, key } = await server.newKey("write", "to revoke");
    expect((await server.call("GET", "/api/v1/users", { key })).status).toBe(200);
    await server.revoke(id);
    for (const route of routes) {
      expect((await server.call(route.method, concrete(route.url), { key })).status, `${route.method} ${route.url}`).toBe(401);
    }
  });

  it("gives a read-only key 403 on every write and 2xx/404 on reads", async () => {
    for (const route of routes) {
      if (route.url.endsWith("/live")) {
        // A live stream never ends: its status is all there is to check.
        const abort = new AbortController();
        const stream = await fetch(`${server.url}${concrete(route.url)}`, { headers: { authorization: `Bearer ${server.readKey}` }, signal: abort.signal });
        expect(stream.status, route.url).toBe(200);
        abort.abort();
        continue;
      }
      const answer = await server.call(route.method, concrete(route.url), { key: server.readKey, ...(route.method === "GET" || route.method === "HEAD" ? {} : { body: {} }) });
      if (route.method === "GET" || route.method === "HEAD") expect([200, 400, 404], `${route.method} ${route.url}`).toContain(answer.status);
      else {
        expect(answer.status, `${route.method} ${route.url}`).toBe(403);
        expect(answer.json.error.code).toBe("forbidden");
      }
    }
  });

  it("keys create prints the key alone on the last line; list never shows it; revoke makes it fail", async () => {
    const out = await rollcallCli(server.databaseUrl, "keys", "create", "--name", "from the CLI", "--scope", "read");
    const lines = out.trimEnd().split("\n");
    const key = lines.at(-1)!;
    expect(key).toMatch(/^rk_[A-Za-z0-9_-]{43}$/);
    expect((await server.call("GET", "/api/v1/instances", { key })).status).toBe(200);
    expect((await server.call("PUT", "/api/v1/users/cli-user", { key, body: {} })).status).toBe(403);
    const list = JSON.parse(await rollcallCli(server.databaseUrl, "keys", "list")) as Array<{ id: number; name: string; scope: string; prefix: string }>;
    const listed = list.find((k) => k.name === "from the CLI")!;
    expect(listed.scope).toBe("read");
    expect(key.startsWith(listed.prefix)).toBe(true);
    expect(JSON.stringify(list)).not.toContain(key);
    await rollcallCli(server.databaseUrl, "keys", "revoke", String(listed.id));
    expect((await server.call("GET", "/api/v1/instances", { key })).status).toBe(401);
  }, 240_000);
});

eachDatabase("API rate limit", (database) => {
  let server: ApiTestServer;
  beforeAll(async () => {
    server = await startApiTestServer(database().url, { apiRateLimitPerMinute: 3 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers 429 with retry-after past the per-key limit, and counts each key apart", async () => {
    for (let i = 0; i < 3; i++) expect((await server.call("GET", "/api/v1/users")).status).toBe(200);
    const limited = await server.call("GET", "/api/v1/users");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.json.error.code).toBe("rate_limited");
    // Another key has its own budget.
    expect((await server.call("GET", "/api/v1/users", { key: server.readKey })).status).toBe(200);
  });
});

describe("API scope guard", () => {
  it("refuses to start when a route under /api is registered outside the authenticated scope", async () => {
    const database = await createTestDatabase("sqlite");
    try {
      await expect(
        startApiTestServer(database.url, {}, { routes: [(app) => void app.get("/api/v1/sneaky", async () => ({ open: true }))] }),
      ).rejects.toThrow(/outside the authenticated API scope.*GET \/api\/v1\/sneaky/);
    } finally {
      await database.drop();
    }
  });
});
