/**
 * `/docs` is built on its first request (swagger-ui and what it loads took about a fifth of a
 * start), then answers as swagger-ui does. The rendering itself is checked in api-docs.test.ts.
 */
import { createRequire } from "node:module";
import { sep } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/databases.js";
import { startTestServer, type TestServer } from "../support/rollcall-server.js";

let database: TestDatabase;
let server: TestServer;
beforeAll(async () => {
  database = await createTestDatabase("sqlite");
  server = await startTestServer(database.url, { webhookSecrets: ["docs-test-secret"] });
});
afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

/** Whether a module of `@fastify/swagger-ui` has been loaded into this process. */
const swaggerUiLoaded = (): boolean => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes(`${sep}@fastify${sep}swagger-ui${sep}`));

it("loads swagger-ui on the first request to /docs, not at start, and then serves its page, assets and document", async () => {
  // Time for a load started during the start (a dynamic import still in flight) to finish.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(swaggerUiLoaded()).toBe(false);

  const page = await fetch(`${server.url}/docs`);
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toMatch(/^text\/html/);
  expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
  expect(await page.text()).toContain("swagger-initializer.js");
  expect(swaggerUiLoaded()).toBe(true);

  const [css, json, yaml, head, missing] = await Promise.all([
    fetch(`${server.url}/docs/static/swagger-ui.css`),
    fetch(`${server.url}/docs/json`),
    fetch(`${server.url}/docs/yaml`),
    fetch(`${server.url}/docs/static/swagger-ui.css`, { method: "HEAD" }),
    fetch(`${server.url}/docs/static/no-such-file.js`),
  ]);
  expect(css.status).toBe(200);
  expect(css.headers.get("content-type")).toMatch(/^text\/css/);
  expect((await css.text()).length).toBeGreaterThan(1000);
  expect(((await json.json()) as { openapi: string }).openapi).toBe("3.1.0");
  expect(await yaml.text()).toMatch(/^openapi: 3\.1\.0/m);
  expect(head.status).toBe(200);
  expect(await head.text()).toBe("");
  expect(missing.status).toBe(404);
  await missing.text();
  // The same document as /openapi.json.
  // The same document; /openapi.json names the origin it was read from as its server, the rendered one stays relative.
  const { servers: _servers, ...served } = (await (await fetch(`${server.url}/openapi.json`)).json()) as Record<string, unknown>;
  expect(await (await fetch(`${server.url}/docs/json`)).json()).toEqual({ ...served, servers: [{ url: "/", description: "This Rollcall." }] });
});
