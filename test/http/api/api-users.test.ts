/**
 * `/api/v1/users` over real HTTP on SQLite and PostgreSQL: create (201) / replace (200) / read /
 * delete, validation errors that name the field, a 404 for unknown users, JSON and CSV import, and
 * pagination walked to the end.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { eachDatabase } from "../../support/databases.js";
import { startApiTestServer, type ApiTestServer } from "./support/api-test-server.js";

eachDatabase("API users", (database) => {
  let server: ApiTestServer;
  beforeAll(async () => {
    server = await startApiTestServer(database().url);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("creates with 201, replaces with 200 (absent fields cleared), reads and deletes", async () => {
    const created = await server.call("PUT", "/api/v1/users/u-17", {
      body: { email: "Dana@Example.test", name: "Dana Example", customerKeys: ["ck1", "ck2"], registrants: [{ meetingId: 81234567890, registrantId: "reg-1" }] },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ externalId: "u-17", email: "dana@example.test", name: "Dana Example", customerKeys: ["ck1", "ck2"], registrants: [{ meetingId: "81234567890", registrantId: "reg-1" }] });

    const replaced = await server.call("PUT", "/api/v1/users/u-17", { body: { name: "Dana E.", customerKeys: ["ck2"] } });
    expect(replaced.status).toBe(200);
    expect(replaced.json).toMatchObject({ externalId: "u-17", email: null, name: "Dana E.", customerKeys: ["ck2"], registrants: [], zoomUserIds: [] });

    const read = await server.call("GET", "/api/v1/users/u-17");
    expect(read.status).toBe(200);
    expect(read.json).toEqual(replaced.json);

    expect((await server.call("DELETE", "/api/v1/users/u-17")).status).toBe(204);
    const gone = await server.call("GET", "/api/v1/users/u-17");
    expect(gone.status).toBe(404);
    expect(gone.json.error).toMatchObject({ code: "not_found" });
    expect(gone.json.error.message).toContain("u-17");
    expect((await server.call("DELETE", "/api/v1/users/u-17")).status).toBe(404);
  });

  it("merges a PATCH: a profile update keeps the links, links are added and removed without restating the others", async () => {
    await server.call("PUT", "/api/v1/users/u-patch", { body: { email: "pat@example.test", name: "Pat", customerKeys: ["ck-a"], registrants: [{ meetingId: "81234567890", registrantId: "reg-pat" }] } });
    // The profile update that a PUT turned into a loss of the registrant link.
    const profile = await server.call("PATCH", "/api/v1/users/u-patch", { body: { email: "pat.new@example.test", name: "Pat New" } });
    expect(profile.status).toBe(200);
    expect(profile.json).toMatchObject({ email: "pat.new@example.test", name: "Pat New", customerKeys: ["ck-a"], registrants: [{ meetingId: "81234567890", registrantId: "reg-pat" }] });

    const links = await server.call("PATCH", "/api/v1/users/u-patch", {
      body: { add: { customerKeys: ["ck-b"], zoomUserIds: ["zu-1"] }, remove: { registrants: [{ meetingId: "81234567890", registrantId: "reg-pat" }] } },
    });
    expect(links.json).toMatchObject({ email: "pat.new@example.test", name: "Pat New", customerKeys: ["ck-a", "ck-b"], zoomUserIds: ["zu-1"], registrants: [] });
    const cleared = await server.call("PATCH", "/api/v1/users/u-patch", { body: { name: null, remove: { customerKeys: ["ck-a", "never-had"] } } });
    expect(cleared.json).toMatchObject({ email: "pat.new@example.test", name: null, customerKeys: ["ck-b"], zoomUserIds: ["zu-1"] });

    const missing = await server.call("PATCH", "/api/v1/users/u-nobody", { body: { name: "X" } });
    expect(missing.status).toBe(404);
    expect(missing.json.error.details[0].path).toBe("params.externalId");
    const both = await server.call("PATCH", "/api/v1/users/u-patch", { body: { add: { customerKeys: ["ck-c"] }, remove: { customerKeys: ["ck-c"] } } });
    expect(both.status).toBe(400);
    expect(both.json.error.details[0].path).toBe("body.remove.customerKeys.0");
    const unknown = await server.call("PATCH", "/api/v1/users/u-patch", { body: { add: { phoneNumbers: ["1"] } } });
    expect(unknown.status).toBe(400);
    expect((await server.call("PATCH", "/api/v1/users/u-patch", { key: server.readKey, body: { name: "X" } })).status).toBe(403);
  });

  it("takes externalIds with characters that need encoding in a path", async () => {
    const id = "team/a b+c@x";
    expect((await server.call("PUT", `/api/v1/users/${encodeURIComponent(id)}`, { body: { name: "Odd Id" } })).status).toBe(201);
    expect((await server.call("GET", `/api/v1/users/${encodeURIComponent(id)}`)).json.externalId).toBe(id);
  });

  it("names the offending field of a bad body in message and details", async () => {
    const badEmail = await server.call("PUT", "/api/v1/users/u-bad", { body: { email: "not-an-email" } });
    expect(badEmail.status).toBe(400);
    expect(badEmail.json.error.code).toBe("invalid_request");
    expect(badEmail.json.error.message).toMatch(/^body\.email: /);
    expect(badEmail.json.error.details).toContainEqual({ path: "body.email", message: expect.stringContaining("e-mail") });

    const badMeeting = await server.call("PUT", "/api/v1/users/u-bad", { body: { registrants: [{ meetingId: "12", registrantId: "r" }] } });
    expect(badMeeting.status).toBe(400);
    expect(badMeeting.json.error.details.map((d: { path: string }) => d.path)).toContain("body.registrants.0.meetingId");

    const unknownField = await server.call("PUT", "/api/v1/users/u-bad", { body: { emial: "x@example.test" } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.json.error.message).toContain("emial");

    const notJson = await server.call("PUT", "/api/v1/users/u-bad", { body: "{not json" });
    expect(notJson.status).toBe(400);
    expect(notJson.json.error.details[0].path).toBe("body");

    const badLimit = await server.call("GET", "/api/v1/users?limit=0");
    expect(badLimit.status).toBe(400);
    expect(badLimit.json.error.details[0].path).toBe("query.limit");

    const badCursor = await server.call("GET", "/api/v1/users?cursor=nonsense");
    expect(badCursor.status).toBe(400);
    expect(badCursor.json.error.details[0].path).toBe("query.cursor");
  });

  it("imports a JSON array and a CSV body, with the import summary, and names a bad row", async () => {
    const json = await server.call("POST", "/api/v1/users/import", {
      body: [
        { externalId: "imp-1", email: "one@example.test" },
        { externalId: "imp-2", name: "Two", nameTokens: ["tok2"] },
      ],
    });
    expect(json.status).toBe(200);
    expect(json.json).toMatchObject({ created: 2, updated: 0, linksAdded: 2 });

    const csv = await server.call("POST", "/api/v1/users/import", {
      body: "externalId,email,name,customerKeys\nimp-2,,Two Again,ck-a;ck-b\nimp-3,three@example.test,Three,\n",
      headers: { "content-type": "text/csv" },
    });
    expect(csv.status).toBe(200);
    expect(csv.json).toMatchObject({ created: 1, updated: 1 });
    expect((await server.call("GET", "/api/v1/users/imp-2")).json).toMatchObject({ name: "Two Again", customerKeys: ["ck-a", "ck-b"], nameTokens: ["tok2"] });

    const bad = await server.call("POST", "/api/v1/users/import", { body: [{ externalId: "ok" }, { externalId: "x", email: "nope" }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { path: string }) => d.path)).toContain("body.1.email");

    const duplicate = await server.call("POST", "/api/v1/users/import", { body: [{ externalId: "d" }, { externalId: "d" }] });
    expect(duplicate.status).toBe(400);
    expect(duplicate.json.error.message).toContain("duplicate");
  });

  it("walks every page of users exactly once", async () => {
    const ids = Array.from({ length: 23 }, (_, i) => `page-${String(i).padStart(2, "0")}`);
    expect((await server.call("POST", "/api/v1/users/import", { body: ids.map((externalId) => ({ externalId })) })).status).toBe(200);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer = await server.call("GET", `/api/v1/users?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { key: server.readKey });
      expect(answer.status).toBe(200);
      expect(answer.json.data.length).toBeLessThanOrEqual(5);
      seen.push(...answer.json.data.map((u: { externalId: string }) => u.externalId));
      cursor = answer.json.nextCursor;
      pages++;
    } while (cursor !== null);
    const all = await server.call("GET", "/api/v1/users?limit=500");
    expect(seen).toEqual(all.json.data.map((u: { externalId: string }) => u.externalId));
    expect(seen.filter((id) => id.startsWith("page-"))).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil(seen.length / 5) + (seen.length % 5 === 0 ? 1 : 0));
  });
});
