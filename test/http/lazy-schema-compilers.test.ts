/**
 * Fastify's JSON Schema compilers (Ajv, fast-json-stringify) load when a route with a JSON schema
 * needs one, not at every start; such a route still validates and serialises as Fastify does.
 */
import { createRequire } from "node:module";
import { sep } from "node:path";
import Fastify from "fastify";
import { expect, it } from "vitest";
import { lazySchemaCompilers } from "../../src/http/lazy-schema-compilers.js";
import { createTestDatabase } from "../support/databases.js";
import { startTestServer } from "./support/rollcall-server.js";

/** Whether `pkg` (from node_modules) has been loaded into this process. */
const loaded = (pkg: string): boolean => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes(`${sep}node_modules${sep}${pkg.split("/").join(sep)}${sep}`));

it("a whole Rollcall starts and answers without loading Ajv or the fast-json-stringify compiler", async () => {
  const database = await createTestDatabase("sqlite");
  const server = await startTestServer(database.url, { webhookSecrets: ["lazy-compilers-secret"] });
  try {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/v1/users`)).status).toBe(401);
    expect(loaded("ajv")).toBe(false);
    expect(loaded("@fastify/fast-json-stringify-compiler")).toBe(false);
  } finally {
    await server.stop();
    await database.drop();
  }
});

it("a route with a JSON schema loads them on compile, then validates its body and serialises its answer", async () => {
  const app = Fastify({ schemaController: lazySchemaCompilers });
  app.post(
    "/echo",
    {
      schema: {
        body: { type: "object", required: ["n"], properties: { n: { type: "integer", minimum: 1 } } },
        response: { 200: { type: "object", properties: { n: { type: "integer" } } } },
      },
    },
    async (request) => ({ ...(request.body as object), secret: "not in the response schema" }),
  );
  await app.ready();
  try {
    expect(loaded("ajv")).toBe(true);
    expect(loaded("@fastify/fast-json-stringify-compiler")).toBe(true);
    const invalid = await app.inject({ method: "POST", url: "/echo", payload: { n: 0 } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().message).toMatch(/body\/n must be >= 1/);
    const valid = await app.inject({ method: "POST", url: "/echo", payload: { n: 2 } });
    expect(valid.statusCode).toBe(200);
    expect(valid.json()).toEqual({ n: 2 });
  } finally {
    await app.close();
  }
});
