import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { afterAll, beforeAll, expect, it } from "vitest";
import { webhookEndpointRoutes } from "../../src/notify/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../src/store/index.js";
import { eachDatabase } from "../support/databases.js";

const auth = { authorization: "Bearer test-key" };

/** The minimal bearer check these tests put in front (the API's own auth replaces it). */
async function requireKey(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  if (request.headers.authorization !== auth.authorization) return reply.code(401).send({ error: { code: "unauthorized", message: "authorization: expected a Bearer API key" } });
  return undefined;
}

eachDatabase("/api/v1/webhook-endpoints", (database) => {
  let store: RollcallDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    store = await openDatabase(database().url);
    await migrateToLatest(store);
    app = Fastify();
    await app.register(webhookEndpointRoutes, { store, allowPrivate: false, preHandler: requireKey });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it("creates an endpoint and returns its secret once; lists, gets, rotates and deletes it", async () => {
    expect((await app.inject({ method: "GET", url: "/api/v1/webhook-endpoints" })).statusCode).toBe(401);
    const created = await app.inject({ method: "POST", url: "/api/v1/webhook-endpoints", headers: auth, payload: { url: "https://app.example.com/hooks", events: ["attendee.joined"] } });
    expect(created.statusCode).toBe(201);
    const endpoint = created.json();
    expect(endpoint).toMatchObject({ url: "https://app.example.com/hooks", events: ["attendee.joined"], secret: expect.stringMatching(/^whsec_/) });

    const list = (await app.inject({ method: "GET", url: "/api/v1/webhook-endpoints", headers: auth })).json();
    expect(list.data.map((e: { id: string }) => e.id)).toContain(endpoint.id);
    expect(JSON.stringify(list)).not.toContain("whsec_");

    const rotated = await app.inject({ method: "POST", url: `/api/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, headers: auth, payload: { graceSeconds: 60 } });
    expect(rotated.json().secret).toMatch(/^whsec_/);
    expect(rotated.json().secret).not.toBe(endpoint.secret);
    const got = (await app.inject({ method: "GET", url: `/api/v1/webhook-endpoints/${endpoint.id}`, headers: auth })).json();
    expect(got.previousSecretExpiresAt).not.toBeNull();

    expect((await app.inject({ method: "GET", url: `/api/v1/webhook-endpoints/${endpoint.id}/dead-letters`, headers: auth })).json()).toEqual({ data: [] });
    expect((await app.inject({ method: "POST", url: `/api/v1/webhook-endpoints/${endpoint.id}/replay`, headers: auth })).json()).toEqual({ replayed: 0 });
    expect((await app.inject({ method: "DELETE", url: `/api/v1/webhook-endpoints/${endpoint.id}`, headers: auth })).statusCode).toBe(204);
    expect((await app.inject({ method: "GET", url: `/api/v1/webhook-endpoints/${endpoint.id}`, headers: auth })).statusCode).toBe(404);
  });

  it("names the field of a bad request, and refuses metadata addresses", async () => {
    const post = (payload: unknown) => app.inject({ method: "POST", url: "/api/v1/webhook-endpoints", headers: auth, payload: payload as object });
    expect((await post({})).json().error.message).toMatch(/^url: /);
    expect((await post({ url: "https://a.example.com", events: ["attendee.danced"] })).json().error.message).toMatch(/^events\.0: /);
    const metadata = await post({ url: "http://169.254.169.254/latest/meta-data" });
    expect(metadata.statusCode).toBe(400);
    expect(metadata.json().error.message).toMatch(/metadata/);
  });
});
