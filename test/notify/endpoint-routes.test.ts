import { afterAll, beforeAll, expect, it } from "vitest";
import { createApiKey } from "../../src/api-keys/index.js";
import type { RunningRollcall } from "../../src/service/index.js";
import { eachDatabase } from "../support/databases.js";
import { startNotifyService } from "./support/notify-service.js";
import { embeddedLoopbackUrls } from "./support/refused-urls.js";

eachDatabase("/api/v1/webhook-endpoints", (database) => {
  let rollcall: RunningRollcall;
  let auth: { authorization: string };
  let readOnly: { authorization: string };

  beforeAll(async () => {
    // Private addresses refused, as in production.
    ({ rollcall } = await startNotifyService(database().url, { webhookAllowPrivate: false }));
    auth = { authorization: `Bearer ${(await createApiKey(rollcall.store.db, { name: "write", scope: "write" })).key}` };
    readOnly = { authorization: `Bearer ${(await createApiKey(rollcall.store.db, { name: "read", scope: "read" })).key}` };
  });
  afterAll(async () => {
    await rollcall?.stop();
  });

  const call = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
    rollcall.app.inject({ method: method as "GET", url: `/api/v1/webhook-endpoints${path}`, headers, ...(body !== undefined ? { payload: body as object } : {}) });

  it("creates an endpoint and returns its secret once; lists, gets, rotates and deletes it", async () => {
    expect((await call("GET", "")).statusCode).toBe(401);
    expect((await call("POST", "", readOnly, { url: "https://app.example.com/hooks" })).statusCode).toBe(403);
    const created = await call("POST", "", auth, { url: "https://app.example.com/hooks", events: ["attendee.joined"] });
    expect(created.statusCode).toBe(201);
    const endpoint = created.json();
    expect(endpoint).toMatchObject({ url: "https://app.example.com/hooks", events: ["attendee.joined"], secret: expect.stringMatching(/^whsec_/) });

    const list = (await call("GET", "", readOnly)).json();
    expect(list.data.map((e: { id: string }) => e.id)).toContain(endpoint.id);
    expect(JSON.stringify(list)).not.toContain("whsec_");

    const rotated = await call("POST", `/${endpoint.id}/rotate-secret`, auth, { graceSeconds: 60 });
    expect(rotated.json().secret).toMatch(/^whsec_/);
    expect(rotated.json().secret).not.toBe(endpoint.secret);
    expect((await call("GET", `/${endpoint.id}`, auth)).json().previousSecretExpiresAt).not.toBeNull();

    expect((await call("GET", `/${endpoint.id}/dead-letters`, auth)).json()).toEqual({ data: [] });
    expect((await call("POST", `/${endpoint.id}/replay`, auth, {})).json()).toEqual({ replayed: 0 });
    expect((await call("DELETE", `/${endpoint.id}`, auth)).statusCode).toBe(204);
    const gone = await call("GET", `/${endpoint.id}`, auth);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.message).toMatch(/^id: no webhook endpoint/);
  });

  it("names the field of a bad request, and refuses metadata addresses", async () => {
    const missing = await call("POST", "", auth, {});
    expect(missing.statusCode).toBe(400);
    expect(JSON.stringify(missing.json())).toContain("body.url");
    expect(JSON.stringify((await call("POST", "", auth, { url: "https://a.example.com", events: ["attendee.danced"] })).json())).toContain("body.events");
    const metadata = await call("POST", "", auth, { url: "http://169.254.169.254/latest/meta-data" });
    expect(metadata.statusCode).toBe(400);
    expect(metadata.json().error.message).toMatch(/metadata/);
  });

  it("refuses IPv6 literals that carry a loopback IPv4 address, naming the field", async () => {
    for (const url of embeddedLoopbackUrls(8080)) {
      const refused = await call("POST", "", auth, { url });
      expect(refused.statusCode, url).toBe(400);
      expect(refused.json().error.details).toEqual([{ path: "body.url", message: expect.stringMatching(/not a public address: loopback/) }]);
    }
  });

  it("disables and enables an endpoint with PATCH, showing when and why it was disabled", async () => {
    const { id } = (await call("POST", "", auth, { url: "https://app.example.com/patch" })).json();
    expect((await call("PATCH", `/${id}`, readOnly, { enabled: false })).statusCode).toBe(403);
    const disabled = await call("PATCH", `/${id}`, auth, { enabled: false });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ id, enabled: false, disabledReason: "disabled through the API", disabledAt: expect.stringMatching(/^\d{4}-/) });
    expect((await call("GET", "", readOnly)).json().data.find((e: { id: string }) => e.id === id)).toMatchObject({ enabled: false, disabledReason: "disabled through the API" });
    expect((await call("PATCH", `/${id}`, auth, { enabled: true })).json()).toMatchObject({ id, enabled: true, disabledAt: null, disabledReason: null });
    expect(JSON.stringify((await call("PATCH", `/${id}`, auth, { enabled: "yes" })).json())).toContain("body.enabled");
    expect((await call("PATCH", "/ep_nope", auth, { enabled: true })).statusCode).toBe(404);
  });

  it("is in the OpenAPI document, with the live stream", async () => {
    const doc = (await rollcall.app.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/webhook-endpoints", "/api/v1/webhook-endpoints/{id}/replay", "/api/v1/instances/{uuid}/live"]));
  });
});
