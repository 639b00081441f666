/**
 * The public documentation: `GET /openapi.json` (OpenAPI 3.1 generated from the routes' zod
 * schemas) describes every registered `/api` route, and `/docs` renders in Chromium with every
 * asset served by Rollcall itself (no CDN).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, eachDatabase, type TestDatabase } from "../../support/databases.js";
import { chromiumAvailable, launchChromium } from "./support/chromium.js";
import { startApiTestServer, type ApiTestServer } from "./support/api-test-server.js";

eachDatabase("API documentation", (database) => {
  let server: ApiTestServer;
  const routes: Array<{ method: string; url: string }> = [];
  beforeAll(async () => {
    server = await startApiTestServer(database().url, {}, {
      routes: [
        (app) => {
          app.addHook("onRoute", (route) => {
            for (const method of [route.method].flat()) if (route.url.startsWith("/api") && method !== "HEAD") routes.push({ method: String(method), url: route.url });
          });
        },
      ],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("serves OpenAPI 3.1 without a key, describing every /api route with its parameters, auth and error shape", async () => {
    const answer = await server.call("GET", "/openapi.json", { key: null });
    expect(answer.status).toBe(200);
    const doc = answer.json;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
    );
    expect(documented.sort()).toEqual(routes.filter((r) => r.url !== "/api/*" && r.url !== "/api").map((r) => `${r.method} ${r.url}`).sort());
    expect(doc.components.schemas.Error.properties.error.properties.code.type).toBe("string");
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        // Every error answer, documented by the route or common to all, has the error schema.
        for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
          if (Number(status) >= 400) expect(response.content?.["application/json"]?.schema, `${method} ${path} ${status}`).toEqual({ $ref: "#/components/schemas/Error" });
        }
        expect(op.responses["401"]).toBeDefined();
        for (const p of op.parameters.filter((x: { in: string }) => x.in === "path")) expect(p.required).toBe(true);
        // One representation per success: a generated client gets one type.
        for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
          if (Number(status) < 300 && response.content) expect(Object.keys(response.content), `${method} ${path} ${status}`).toHaveLength(1);
        }
      }
    }
    expect(doc.servers.length).toBeGreaterThan(0);
    expect(doc.servers[0].url).toBe(server.url);
    for (const name of ["AttendeeRow", "AttendanceReport", "Instance", "InstanceSummary", "User", "Error", "ReviewSession", "JoinLink", "WebhookEndpoint"]) expect(doc.components.schemas[name], name).toBeDefined();
    const put = doc.paths["/api/v1/users/{externalId}"].put;
    expect(put.requestBody.content["application/json"].schema.properties.email).toMatchObject({ type: "string", format: "email" });
    expect(put.responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/User" });
    expect(put.responses["201"]).toBeDefined();
    expect(doc.paths["/api/v1/instances/{uuid}/attendance"].get.responses["200"].content).toEqual({ "application/json": { schema: { $ref: "#/components/schemas/AttendanceReport" } } });
    expect(Object.keys(doc.paths["/api/v1/instances/{uuid}/attendance.csv"].get.responses["200"].content)).toEqual(["text/csv"]);
    for (const live of ["/api/v1/live", "/api/v1/instances/{uuid}/live"]) expect(Object.keys(doc.paths[live].get.responses["200"].content)).toEqual(["text/event-stream"]);
    expect(doc.paths["/api/v1/instances"].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["cursor", "from", "limit", "meetingId", "q", "status", "to"]);
  });
});

// The rendering does not depend on the database: once, on SQLite.
describe("API documentation in a browser", () => {
  let server: ApiTestServer;
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    server = await startApiTestServer(database.url);
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it.skipIf(!chromiumAvailable)(
    "renders /docs in Chromium from Rollcall's own assets, listing the operations",
    async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const foreign: string[] = [];
        const failed: string[] = [];
        page.on("request", (request) => {
          if (!request.url().startsWith(server.url) && !request.url().startsWith("data:")) foreign.push(request.url());
        });
        page.on("response", (response) => {
          if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
        });
        await page.goto(`${server.url}/docs`, { waitUntil: "load" });
        await page.waitForSelector(".opblock", { timeout: 60_000 });
        const operations = await page.locator(".opblock-summary-path").allTextContents();
        expect(operations.map((t) => t.replace(/\u200b/g, ""))).toEqual(expect.arrayContaining(["/api/v1/users/{externalId}", "/api/v1/instances/{uuid}/attendance", "/api/v1/join-links"]));
        expect(foreign).toEqual([]);
        expect(failed).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});
