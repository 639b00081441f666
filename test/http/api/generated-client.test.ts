/**
 * `/openapi.json` as a generated client sees it: types generated from the served document with
 * openapi-typescript, a small openapi-fetch client making the main calls type-checked with tsc
 * (strict) and then run against the server; and a real answer of every documented operation
 * validated with ajv against the schema the document gives for its status and content type.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/databases.js";
import { meetingEvents, minute, participant } from "../../directory/support/meeting-events.js";
import { pathUuid, startApiTestServer, type ApiTestServer } from "./support/api-test-server.js";

const run = promisify(execFile);
// A CommonJS module: under NodeNext its default export is the module object, the plugin one level down.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

const t0 = Date.UTC(2026, 5, 1, 9, 0, 0);
const M = "86655443399";
const instance = { accountId: "ACCT-GEN", uuid: "gen/Inst+One==", meetingId: M, topic: "Generated client", start: t0 };
const ana = participant({ user_id: "16778240", participant_uuid: "A0000000-0000-4000-8000-00000000GEN1", user_name: "Ana Attendee", registrant_id: "reg-ana" });
const guest = participant({ user_id: "16778244", participant_uuid: "E0000000-0000-4000-8000-00000000GEN1", user_name: "Dana Smyth" });

/** The client a generated-types user writes: every main call, each result used as its precise type. */
const clientSource = `import createClient from "openapi-fetch";
import type { components, paths } from "./api.js";

type AttendeeRow = components["schemas"]["AttendeeRow"];
type User = components["schemas"]["User"];

export async function main(baseUrl: string, key: string, uuid: string, meetingId: string) {
  const client = createClient<paths>({ baseUrl, headers: { authorization: \`Bearer \${key}\` } });
  const put = await client.PUT("/api/v1/users/{externalId}", { params: { path: { externalId: "u-gen" } }, body: { email: "gen@example.test", name: "Gen Erated" } });
  const created: User | undefined = put.data;
  const patched = await client.PATCH("/api/v1/users/{externalId}", { params: { path: { externalId: "u-gen" } }, body: { add: { customerKeys: ["ck-gen"] } } });
  const keys: string[] = patched.data?.customerKeys ?? [];
  const page = await client.GET("/api/v1/instances", { params: { query: { limit: 10, q: "generated" } } });
  const uuids: string[] = (page.data?.data ?? []).map((i) => i.uuid);
  const report = await client.GET("/api/v1/instances/{uuid}/attendance", { params: { path: { uuid } } });
  // JSON has its own type: no string to rule out first.
  const rows: AttendeeRow[] = report.data?.attendees ?? [];
  const statuses = rows.map((r): "in_meeting" | "left" | "present" | "late" | "left_early" | "partial" | "absent" => r.status);
  const asOf: Array<string | null> = rows.map((r) => r.asOf);
  const csv = await client.GET("/api/v1/instances/{uuid}/attendance.csv", { params: { path: { uuid } }, parseAs: "text" });
  const review = await client.GET("/api/v1/instances/{uuid}/unresolved", { params: { path: { uuid } } });
  const suggested: Array<string | null> = (review.data?.data ?? []).flatMap((s) => s.suggestions.map((x) => x.name));
  const linked = await client.POST("/api/v1/instances/{uuid}/sessions/{sessionKey}/link", {
    params: { path: { uuid, sessionKey: review.data?.data[0]?.sessionKey ?? "none" } },
    body: { externalId: "u-gen" },
  });
  const linkedRows: number = linked.data?.attendees.length ?? 0;
  const rollup = await client.GET("/api/v1/meetings/{meetingId}/attendance", { params: { path: { meetingId } } });
  const users: string[] = (rollup.data?.users ?? []).map((u) => u.externalId);
  const join = await client.POST("/api/v1/join-links", { body: { meetingId, externalId: "u-gen", kind: "name-token" } });
  const displayName: string | null = join.data?.displayName ?? null;
  const missing = await client.GET("/api/v1/users/{externalId}", { params: { path: { externalId: "nobody" } } });
  // Errors are typed too.
  const errorCode: string | undefined = missing.error?.error.code;
  return { created: created?.externalId, keys, uuids, statuses, asOf, csv: typeof csv.data, suggested, linkedRows, users, displayName, errorCode, missingStatus: missing.response.status };
}
`;

describe("the OpenAPI document with a generated client", () => {
  let database: TestDatabase;
  let server: ApiTestServer;
  let document: any;
  let workDir: string;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    server = await startApiTestServer(database.url);
    await server.call("POST", "/api/v1/users/import", {
      body: [
        { externalId: "ana", name: "Ana Attendee", registrants: [{ meetingId: M, registrantId: "reg-ana" }] },
        { externalId: "dana", email: "dana.smith@example.test", name: "Dana Smith" },
      ],
    });
    const z = meetingEvents(instance);
    await server.deliver([z.started(), z.joined(ana, t0), z.joined(guest, t0 + minute), z.left(guest, t0 + 40 * minute), z.left(ana, t0 + 50 * minute), z.ended(t0 + 60 * minute)]);
    await server.settled();
    document = (await server.call("GET", "/openapi.json", { key: null })).json;
    // Inside the repository, so the client resolves openapi-fetch from node_modules.
    mkdirSync(join(process.cwd(), "node_modules", ".cache"), { recursive: true });
    workDir = mkdtempSync(join(process.cwd(), "node_modules", ".cache", "rollcall-generated-client-"));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("generates types that a strict type check of the main calls accepts, and the client works", async () => {
    const types = astToString(await openapiTS(document));
    writeFileSync(join(workDir, "api.d.ts"), types);
    writeFileSync(join(workDir, "client.ts"), clientSource);
    writeFileSync(
      join(workDir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2023", "DOM"], skipLibCheck: true, types: [] }, files: ["client.ts"] }),
    );
    // The schemas are named: the generated types say AttendeeRow, User, Error… rather than inline shapes only.
    for (const name of ["AttendeeRow", "AttendanceReport", "User", "Error", "InstanceSummary"]) expect(types).toContain(`${name}: {`);
    const tsc = await run(process.execPath, [join(process.cwd(), "node_modules", "typescript", "bin", "tsc"), "-p", workDir]).catch((error: { stdout: string }) => ({ stdout: error.stdout, failed: true }));
    expect(tsc.stdout).toBe("");
    expect("failed" in tsc).toBe(false);

    const { main } = (await import(join(workDir, "client.ts"))) as { main: (...args: string[]) => Promise<Record<string, unknown>> };
    const result = await main(server.url, server.writeKey, instance.uuid, M);
    expect(result).toMatchObject({ created: "u-gen", keys: ["ck-gen"], uuids: [instance.uuid], csv: "string", linkedRows: 2, users: expect.arrayContaining(["ana"]), errorCode: "not_found", missingStatus: 404 });
    expect(result["statuses"]).toEqual(["left_early"]);
    expect(result["displayName"]).toMatch(/\[rc:/);
  }, 180_000);

  it("validates a real answer of every documented operation against the document", async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: "rollcall", components: document.components });
    const validated = new Set<string>();
    /** Calls one operation and checks its answer against the schema for the status and content type it came with. */
    const check = async (method: string, template: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) => {
      const operation = document.paths[template]?.[method.toLowerCase()];
      expect(operation, `${method} ${template} is documented`).toBeDefined();
      const answer = await server.call(method, path, options);
      const documented = operation.responses[String(answer.status)];
      expect(documented, `${method} ${template} answered ${answer.status}, which the document does not list`).toBeDefined();
      const type = (answer.headers.get("content-type") ?? "").split(";")[0]!;
      if (answer.status === 204) expect(documented.content).toBeUndefined();
      else {
        const content = documented.content?.[type];
        expect(content, `${method} ${template} ${answer.status} answered ${type}`).toBeDefined();
        const schema = JSON.parse(JSON.stringify(content.schema).replaceAll('"#/components/', '"rollcall#/components/'));
        const value = type === "application/json" ? answer.json : answer.text;
        const valid = ajv.validate(schema, value);
        expect(valid, `${method} ${template} ${answer.status}: ${ajv.errorsText(ajv.errors)}`).toBe(true);
      }
      validated.add(`${method} ${template}`);
      return answer;
    };
    const uuid = pathUuid(instance.uuid);
    await check("GET", "/api/v1/users", "/api/v1/users?limit=2");
    await check("PUT", "/api/v1/users/{externalId}", "/api/v1/users/u-v", { body: { name: "V", customerKeys: ["ck-v"] } });
    await check("PATCH", "/api/v1/users/{externalId}", "/api/v1/users/u-v", { body: { add: { zoomUserIds: ["zu-v"] } } });
    await check("PATCH", "/api/v1/users/{externalId}", "/api/v1/users/nobody", { body: { name: "X" } });
    await check("GET", "/api/v1/users/{externalId}", "/api/v1/users/u-v");
    await check("GET", "/api/v1/users/{externalId}", "/api/v1/users/nobody");
    await check("POST", "/api/v1/users/import", "/api/v1/users/import", { body: [{ externalId: "u-w", email: "w@example.test" }] });
    await check("POST", "/api/v1/users/import", "/api/v1/users/import", { body: [{ externalId: "" }] });
    await check("GET", "/api/v1/users/{externalId}/attendance", "/api/v1/users/ana/attendance");
    await check("GET", "/api/v1/instances", "/api/v1/instances?limit=1");
    await check("GET", "/api/v1/instances", "/api/v1/instances?limit=0");
    await check("GET", "/api/v1/instances/{uuid}/attendance", `/api/v1/instances/${uuid}/attendance`);
    await check("GET", "/api/v1/instances/{uuid}/attendance", "/api/v1/instances/nope/attendance");
    await check("GET", "/api/v1/instances/{uuid}/attendance.csv", `/api/v1/instances/${uuid}/attendance.csv`);
    // The first test linked the guest's session by hand: undo it, so it is there to review and link again.
    const sessionKey = encodeURIComponent(guest["participant_uuid"]!);
    await check("DELETE", "/api/v1/instances/{uuid}/sessions/{sessionKey}/link", `/api/v1/instances/${uuid}/sessions/${sessionKey}/link`);
    const review = await check("GET", "/api/v1/instances/{uuid}/unresolved", `/api/v1/instances/${uuid}/unresolved`);
    expect(review.json.data.map((s: { sessionKey: string }) => s.sessionKey)).toEqual([guest["participant_uuid"]]);
    expect(review.json.data[0]).toMatchObject({ firstJoin: "2026-06-01T09:01:00Z", lastLeave: "2026-06-01T09:40:00Z" });
    await check("GET", "/api/v1/unresolved", `/api/v1/unresolved?instanceUuid=${encodeURIComponent(instance.uuid)}`);
    await check("GET", "/api/v1/unresolved", "/api/v1/unresolved?limit=x");
    await check("GET", "/api/v1/instances/{uuid}/timeline", `/api/v1/instances/${uuid}/timeline`);
    await check("GET", "/api/v1/instances/{uuid}/timeline", "/api/v1/instances/nope/timeline");
    await check("POST", "/api/v1/instances/{uuid}/sessions/{sessionKey}/link", `/api/v1/instances/${uuid}/sessions/${sessionKey}/link`, { body: { externalId: "dana" } });
    await check("DELETE", "/api/v1/instances/{uuid}/sessions/{sessionKey}/link", `/api/v1/instances/${uuid}/sessions/${sessionKey}/link`);
    await check("DELETE", "/api/v1/instances/{uuid}/sessions/{sessionKey}/link", `/api/v1/instances/${uuid}/sessions/${sessionKey}/link`);
    await check("GET", "/api/v1/meetings/{meetingId}/attendance", `/api/v1/meetings/${M}/attendance`);
    await check("GET", "/api/v1/meetings/{meetingId}/attendance.csv", `/api/v1/meetings/${M}/attendance.csv`);
    await check("POST", "/api/v1/join-links", "/api/v1/join-links", { body: { meetingId: M, externalId: "u-v", kind: "name-token" } });
    await check("POST", "/api/v1/join-links", "/api/v1/join-links", { body: { meetingId: M, externalId: "u-v", kind: "sdk" } }); // 503: no SDK credentials
    const endpoint = await check("POST", "/api/v1/webhook-endpoints", "/api/v1/webhook-endpoints", { body: { url: "https://app.example.com/hooks" } });
    const id = endpoint.json.id as string;
    await check("GET", "/api/v1/webhook-endpoints", "/api/v1/webhook-endpoints");
    await check("GET", "/api/v1/webhook-endpoints/{id}", `/api/v1/webhook-endpoints/${id}`);
    const disabled = await check("PATCH", "/api/v1/webhook-endpoints/{id}", `/api/v1/webhook-endpoints/${id}`, { body: { enabled: false } });
    expect(disabled.json).toMatchObject({ enabled: false, disabledReason: expect.any(String), disabledAt: expect.any(String) });
    await check("GET", "/api/v1/webhook-endpoints", "/api/v1/webhook-endpoints");
    await check("PATCH", "/api/v1/webhook-endpoints/{id}", `/api/v1/webhook-endpoints/${id}`, { body: { enabled: true } });
    await check("PATCH", "/api/v1/webhook-endpoints/{id}", "/api/v1/webhook-endpoints/ep_nope", { body: { enabled: true } });
    await check("POST", "/api/v1/webhook-endpoints/{id}/rotate-secret", `/api/v1/webhook-endpoints/${id}/rotate-secret`);
    await check("GET", "/api/v1/webhook-endpoints/{id}/dead-letters", `/api/v1/webhook-endpoints/${id}/dead-letters`);
    await check("POST", "/api/v1/webhook-endpoints/{id}/replay", `/api/v1/webhook-endpoints/${id}/replay`, { body: {} });
    await check("DELETE", "/api/v1/webhook-endpoints/{id}", `/api/v1/webhook-endpoints/${id}`);
    await check("DELETE", "/api/v1/users/{externalId}", "/api/v1/users/u-w");
    for (const [template, path] of [
      ["/api/v1/live", "/api/v1/live"],
      ["/api/v1/instances/{uuid}/live", `/api/v1/instances/${uuid}/live`],
    ] as const) {
      const abort = new AbortController();
      const answer = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.writeKey}` }, signal: abort.signal });
      expect(answer.status).toBe(200);
      expect(Object.keys(document.paths[template].get.responses["200"].content)).toEqual([(answer.headers.get("content-type") ?? "").split(";")[0]]);
      abort.abort();
      validated.add(`GET ${template}`);
    }
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect([...validated].sort()).toEqual(documented.sort());
  }, 180_000);
});
