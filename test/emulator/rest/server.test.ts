import { describe, expect, it } from "vitest";
import { CREDENTIALS, reportRows, useEmulator } from "../../zoom/api/emulator-fixture.js";

/** Raw HTTP against the emulator, as a stranger to Rollcall's client would speak to Zoom. */
describe("emulator REST: what Zoom would answer", () => {
  const h = useEmulator({ tokenTtlSeconds: 3600, reportDelayMs: 0 });

  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
  async function token(): Promise<string> {
    const res = await fetch(`${h.emulator.url}/oauth/token?grant_type=account_credentials&account_id=${CREDENTIALS.accountId}`, {
      method: "POST",
      headers: { authorization: basic(CREDENTIALS.clientId, CREDENTIALS.clientSecret) },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body).toMatchObject({ token_type: "bearer", expires_in: 3600 });
    return body.access_token;
  }
  const get = async (path: string, bearer?: string) => {
    const res = await fetch(`${h.emulator.apiBaseUrl}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };

  it("issues a token for a form-encoded body too", async () => {
    const res = await fetch(`${h.emulator.url}/oauth/token`, {
      method: "POST",
      headers: { authorization: basic(CREDENTIALS.clientId, CREDENTIALS.clientSecret), "content-type": "application/x-www-form-urlencoded" },
      body: `grant_type=account_credentials&account_id=${CREDENTIALS.accountId}`,
    });
    expect(res.status).toBe(200);
  });

  it.each([
    ["a wrong secret", basic(CREDENTIALS.clientId, "nope"), `grant_type=account_credentials&account_id=${CREDENTIALS.accountId}`, 401, "invalid_client"],
    ["no Basic auth", "", `grant_type=account_credentials&account_id=${CREDENTIALS.accountId}`, 401, "invalid_client"],
    ["another account", basic(CREDENTIALS.clientId, CREDENTIALS.clientSecret), "grant_type=account_credentials&account_id=other", 400, "invalid_request"],
    ["another grant type", basic(CREDENTIALS.clientId, CREDENTIALS.clientSecret), `grant_type=client_credentials&account_id=${CREDENTIALS.accountId}`, 400, "unsupported_grant_type"],
  ])("refuses a token request with %s", async (_label, authorization, query, status, error) => {
    const res = await fetch(`${h.emulator.url}/oauth/token?${query}`, { method: "POST", headers: authorization ? { authorization } : {} });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error });
    expect(h.emulator.controls.tokenRequests).toBe(0);
  });

  it("refuses /v2 calls without, with an unknown, or with an expired bearer token (Zoom code 124)", async () => {
    expect(await get("/users/me")).toMatchObject({ status: 401, body: { code: 124, message: "Invalid access token." } });
    expect(await get("/users/me", "made-up")).toMatchObject({ status: 401, body: { code: 124 } });
    const t = await token();
    expect((await get("/users/me", t)).status).toBe(200);
    h.clock.advance(3600_000);
    expect(await get("/users/me", t)).toMatchObject({ status: 401, body: { code: 124, message: "Access token is expired." } });
  });

  it("answers Zoom-shaped errors with x-zm-trackingid", async () => {
    const t = await token();
    const missing = await get("/meetings/12345678901", t);
    expect(missing).toMatchObject({ status: 404, body: { code: 3001, message: "Meeting does not exist: 12345678901." } });
    expect(missing.headers.get("x-zm-trackingid")).toMatch(/^v=2\.0;clid=emu;rid=[0-9a-f]{16}$/);
    const meeting = h.world.createMeeting("me", { topic: "t", settings: { approval_type: 0 } });
    const bad = await fetch(`${h.emulator.apiBaseUrl}/meetings/${meeting.id}/registrants`, {
      method: "POST",
      headers: { authorization: `Bearer ${t}`, "content-type": "application/json" },
      body: JSON.stringify({ first_name: "No mail" }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 300, message: "Validation Failed.", errors: [{ field: "email" }] });
  });

  it("refuses registration on a meeting without it, and batches over 30", async () => {
    const t = await token();
    const post = (path: string, body: unknown) =>
      fetch(`${h.emulator.apiBaseUrl}${path}`, { method: "POST", headers: { authorization: `Bearer ${t}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    const closed = h.world.createMeeting("me", { topic: "closed" });
    const r1 = await post(`/meetings/${closed.id}/registrants`, { email: "a@example.test", first_name: "A" });
    expect(r1.status).toBe(400);
    expect(await r1.json()).toMatchObject({ code: 3000 });
    const open = h.world.createMeeting("me", { topic: "open", type: 2, settings: { approval_type: 0 } });
    const many = Array.from({ length: 31 }, (_, i) => ({ email: `p${i}@example.test`, first_name: "P" }));
    const r2 = await post(`/meetings/${open.id}/batch_registrants`, { registrants: many });
    expect(r2.status).toBe(400);
    expect(await r2.json()).toMatchObject({ code: 300, errors: [{ field: "registrants" }] });
    expect(h.world.listRegistrants(open.id)).toHaveLength(0);
  });

  it("decodes double-encoded uuids and refuses a once-encoded uuid that needed double encoding", async () => {
    const t = await token();
    const uuid = "/Ab+cd//efghijklmnopqA==";
    const meeting = h.world.createMeeting("me", { topic: "u" });
    h.world.recordFinishedInstance({ meetingId: meeting.id, uuid, startTime: "2026-01-01T09:00:00Z", endTime: "2026-01-01T10:00:00Z", reportRows: reportRows(2) });
    const once = encodeURIComponent(uuid);
    expect(await get(`/past_meetings/${once}/participants`, t)).toMatchObject({ status: 404, body: { code: 3001 } });
    const twice = encodeURIComponent(once);
    expect(await get(`/past_meetings/${twice}/participants`, t)).toMatchObject({ status: 200, body: { total_records: 2 } });
  });

  it("includes registrant_id in the report only when include_fields asks for it", async () => {
    const t = await token();
    const meeting = h.world.createMeeting("me", { topic: "r" });
    const uuid = meeting.uuid;
    h.world.recordFinishedInstance({ meetingId: meeting.id, uuid, startTime: "2026-01-01T09:00:00Z", endTime: "2026-01-01T10:00:00Z", reportRows: reportRows(2) });
    const path = `/report/meetings/${encodeURIComponent(encodeURIComponent(uuid))}/participants`;
    const plain = await get(path, t);
    expect((plain.body["participants"] as object[])[0]).not.toHaveProperty("registrant_id");
    const asked = await get(`${path}?include_fields=registrant_id`, t);
    expect((asked.body["participants"] as object[])[0]).toMatchObject({ registrant_id: "reg0", customer_key: "ck0" });
    // A meeting number means the latest ended instance.
    expect((await get(`/report/meetings/${meeting.id}/participants`, t)).body).toMatchObject({ total_records: 2 });
  });

  it("pages with next_page_token, which expires after 15 minutes and cannot continue another listing", async () => {
    const t = await token();
    const meeting = h.world.createMeeting("me", { topic: "p" });
    const uuid = meeting.uuid;
    h.world.recordFinishedInstance({ meetingId: meeting.id, uuid, startTime: "2026-01-01T09:00:00Z", endTime: "2026-01-01T10:00:00Z", reportRows: reportRows(5) });
    const path = `/past_meetings/${encodeURIComponent(encodeURIComponent(uuid))}/participants`;
    const first = await get(`${path}?page_size=2`, t);
    expect(first.body).toMatchObject({ page_count: 3, page_size: 2, total_records: 5 });
    const next = first.body["next_page_token"] as string;
    expect(next).not.toBe("");
    expect((await get(`/report/meetings/${meeting.id}/participants?next_page_token=${next}`, t)).status).toBe(400);
    h.clock.advance(15 * 60_000);
    const t2 = await token();
    expect(await get(`${path}?page_size=2&next_page_token=${next}`, t2)).toMatchObject({ status: 400, body: { code: 300, message: "The next page token is invalid or expired." } });
  });

  it("answers 429 with Retry-After as a date when asked through its control panel", async () => {
    const t = await token();
    const retryAt = new Date(h.clock.now() + 60_000);
    const control = await fetch(`${h.emulator.url}/_emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "rate_limit", count: 1, retry_after_date: retryAt.toISOString(), type: "Daily" }),
    });
    expect(control.status).toBe(201);
    const limited = await get("/users/me", t);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 429 });
    expect(limited.headers.get("retry-after")).toBe(retryAt.toUTCString());
    expect(limited.headers.get("x-ratelimit-type")).toBe("Daily-limit");
    expect((await get("/users/me", t)).status).toBe(200);
  });

  it("reports not ready (3001) until the instance ended and the delay passed", async () => {
    h.world.reportDelayMs = 60_000;
    const t = await token();
    const meeting = h.world.createMeeting("me", { topic: "d" });
    const uuid = meeting.uuid;
    const path = `/report/meetings/${encodeURIComponent(encodeURIComponent(uuid))}/participants`;
    h.world.recordStartedInstance({ meetingId: meeting.id, startTime: "2026-01-01T09:00:00Z" });
    expect(await get(path, t)).toMatchObject({ status: 404, body: { code: 3001, message: "Meeting ID is invalid or not end." } });
    expect((await get(`/past_meetings/${meeting.id}/instances`, t)).body).toEqual({ meetings: [] });
    h.world.recordFinishedInstance({ meetingId: meeting.id, uuid, startTime: "2026-01-01T09:00:00Z", endTime: "2026-01-01T10:00:00Z", reportRows: reportRows(2) });
    expect((await get(path, t)).status).toBe(404);
    h.clock.advance(60_000);
    expect((await get(path, t)).status).toBe(200);
  });
});
