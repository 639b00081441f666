import { describe, expect, it } from "vitest";
import { newInstanceUuid } from "../../../src/emulator/world.js";
import { ZoomApiError, ZoomAuthError, ZoomRateLimitError, ZoomReportNotReadyError } from "../../../src/zoom/api/errors.js";
import { CREDENTIALS, reportRows, useEmulator } from "./emulator-fixture.js";

describe("ZoomApiClient against the emulator: OAuth tokens", () => {
  const h = useEmulator({ tokenTtlSeconds: 3600 });

  it("caches the token across calls", async () => {
    const zoom = h.client();
    await zoom.getUser();
    await zoom.getUser("me");
    expect(h.emulator.controls.tokenRequests).toBe(1);
    expect(zoom.tokenRequests).toBe(1);
  });

  it("renews the token 60 s before it expires, not earlier", async () => {
    const zoom = h.client();
    await zoom.getUser();
    h.clock.advance(3539_000);
    await zoom.getUser();
    expect(h.emulator.controls.tokenRequests).toBe(1);
    h.clock.advance(2_000);
    await zoom.getUser();
    expect(h.emulator.controls.tokenRequests).toBe(2);
    expect(h.emulator.controls.unauthorized).toBe(0);
  });

  it("sends one token request for many concurrent calls", async () => {
    const zoom = h.client();
    const users = await Promise.all(Array.from({ length: 25 }, () => zoom.getUser()));
    expect(users.every((u) => u.id === h.world.owner.id)).toBe(true);
    expect(h.emulator.controls.tokenRequests).toBe(1);
  });

  it("fetches a new token once when Zoom answers 401", async () => {
    const zoom = h.client();
    await zoom.getUser();
    h.emulator.tokens.revokeAll();
    await zoom.getUser();
    expect(h.emulator.controls.unauthorized).toBe(1);
    expect(h.emulator.controls.tokenRequests).toBe(2);
  });

  it("refuses wrong credentials with ZoomAuthError that never shows the secret", async () => {
    const zoom = h.client({ clientSecret: "wrong-secret-value" });
    const error = await zoom.getUser().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZoomAuthError);
    expect((error as ZoomAuthError).status).toBe(401);
    expect((error as Error).message).toContain("invalid_client");
    expect((error as Error).message).not.toContain("wrong-secret-value");
    expect(JSON.stringify(error)).not.toContain("wrong-secret-value");
  });
});

describe("ZoomApiClient against the emulator: meetings and registrants", () => {
  const h = useEmulator();

  it("creates a meeting with registration on (approval_type 0) and reads it back", async () => {
    const zoom = h.client();
    const created = await zoom.createMeeting({ topic: "Cohort 7 – Week 3", start_time: "2026-01-01T09:00:00Z", duration: 60 });
    expect(created.settings?.approval_type).toBe(0);
    expect(created.registration_url).toMatch(/^https:\/\//);
    const read = await zoom.getMeeting(created.id);
    expect(read).toMatchObject({ id: created.id, topic: "Cohort 7 – Week 3", type: 2 });
  });

  it("adds a registrant with a personal join_url carrying tk=, auto-approved on a manual-approval meeting", async () => {
    const zoom = h.client();
    const meeting = await zoom.createMeeting({ topic: "Manual", settings: { approval_type: 1 } });
    const added = await zoom.addRegistrant(meeting.id, { email: "dana@example.test", first_name: "Dana" });
    expect(new URL(added.join_url).searchParams.get("tk")).toBeTruthy();
    const approved = [];
    for await (const r of zoom.listRegistrants(meeting.id)) approved.push(r);
    expect(approved.map((r) => r.id)).toEqual([added.registrant_id]);
  });

  it("batches 65 registrants as 3 calls of at most 30 and lists them across pages", async () => {
    const zoom = h.client();
    const meeting = await zoom.createMeeting({ topic: "Big class" });
    const before = h.emulator.controls.apiRequests;
    const people = Array.from({ length: 65 }, (_, i) => ({ email: `p${i}@example.test`, first_name: `P${i}` }));
    const result = await zoom.addRegistrantsBatch(meeting.id, people);
    expect(h.emulator.controls.apiRequests - before).toBe(3);
    expect(result.map((r) => r.email)).toEqual(people.map((p) => p.email));
    expect(new Set(result.map((r) => r.registrant_id)).size).toBe(65);
    // 310 more through the world so the listing spans two pages of 300.
    for (let i = 0; i < 310; i++) h.world.addRegistrant(meeting.id, { email: `w${i}@example.test`, first_name: "W" });
    const listed = [];
    for await (const r of zoom.listRegistrants(meeting.id)) listed.push(r.email);
    expect(listed).toHaveLength(375);
    expect(new Set(listed).size).toBe(375);
  });

  it("answers an unknown meeting with a typed ZoomApiError carrying Zoom's code and tracking id", async () => {
    const error = await h.client().getMeeting(12345678901).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZoomApiError);
    expect(error).not.toBeInstanceOf(ZoomReportNotReadyError);
    expect(error).toMatchObject({ status: 404, code: 3001, method: "GET", path: "/meetings/12345678901" });
    expect((error as ZoomApiError).trackingId).toMatch(/^v=2\.0;/);
  });

  it("answers a validation failure (no e-mail) with status 400 and code 300, without retrying", async () => {
    const zoom = h.client();
    const meeting = await zoom.createMeeting({ topic: "x" });
    const before = h.emulator.controls.apiRequests;
    const error = await zoom.addRegistrant(meeting.id, { email: "", first_name: "No mail" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 300 });
    expect(h.emulator.controls.apiRequests - before).toBe(1);
  });
});

describe("ZoomApiClient against the emulator: reports", () => {
  const h = useEmulator({ reportDelayMs: 120_000 });

  it("walks every page of the participant report (page_size 300) with registrant_id included", async () => {
    const meeting = h.world.createMeeting("me", { topic: "Large" });
    const uuid = meeting.uuid; // the world gives the meeting a fresh uuid once this instance ends
    const rows = reportRows(650);
    h.world.recordFinishedInstance({ meetingId: meeting.id, uuid: meeting.uuid, startTime: "2026-01-01T09:00:00Z", endTime: "2026-01-01T10:00:00Z", reportRows: rows });
    h.clock.advance(120_000);
    const zoom = h.client();
    const before = h.emulator.controls.apiRequests;
    const got = await zoom.collectReportParticipants(uuid);
    expect(h.emulator.controls.apiRequests - before).toBe(3);
    expect(got.map((r) => r.user_id)).toEqual(rows.map((r) => r.user_id));
    expect(got[649]).toMatchObject({ registrant_id: "reg649", customer_key: "ck649" });
    const past = await zoom.collectPastMeetingParticipants(uuid);
    expect(past).toHaveLength(650);
    expect(past[0]).toMatchObject({ registrant_id: "reg0", user_id: rows[0]!.user_id });
  });

  it("says ZoomReportNotReadyError while the meeting runs and until the availability delay has passed", async () => {
    const meeting = h.world.createMeeting("me", { topic: "Live" });
    const uuid = meeting.uuid;
    const zoom = h.client();
    h.world.recordStartedInstance({ meetingId: meeting.id, startTime: "2026-01-01T09:00:00Z" });
    await expect(zoom.collectReportParticipants(uuid)).rejects.toBeInstanceOf(ZoomReportNotReadyError);
    h.world.recordFinishedInstance({ meetingId: meeting.id, uuid, startTime: "2026-01-01T09:00:00Z", endTime: "2026-01-01T10:00:00Z", reportRows: reportRows(2) });
    h.clock.advance(119_000);
    const early = await zoom.collectPastMeetingParticipants(uuid).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(ZoomReportNotReadyError);
    expect(early).toMatchObject({ status: 404, code: 3001 });
    h.clock.advance(1_000);
    expect(await zoom.collectReportParticipants(uuid)).toHaveLength(2);
  });

  it.each([
    ["starting with /", "/" + "ajR4OwWbQj2hY7oZ" + "wS+x0A=="],
    ["containing //", "Kx9+" + "//" + "b2Vtd3EeR1kq0Q=="],
    ["with + and a single /", "ab+cdef/ghijklmnopq0A=="],
    ["plain", "Qk9uZUZhS2VVdUlkMDAwMQ=="],
  ])("round-trips an instance uuid %s through both report endpoints and the instances list", async (_label, uuid) => {
    const meeting = h.world.createMeeting("me", { topic: "uuid" });
    h.world.recordFinishedInstance({ meetingId: meeting.id, uuid, startTime: "2026-01-01T09:00:00Z", endTime: "2026-01-01T10:00:00Z", reportRows: reportRows(3) });
    h.clock.advance(120_000);
    const zoom = h.client();
    expect(await zoom.listPastInstances(meeting.id)).toEqual([{ uuid, start_time: "2026-01-01T09:00:00Z" }]);
    expect(await zoom.collectReportParticipants(uuid)).toHaveLength(3);
    expect(await zoom.collectPastMeetingParticipants(uuid)).toHaveLength(3);
  });

  it("treats a never-seen instance uuid as not ready (Zoom's 3001 cannot tell the two apart)", async () => {
    await expect(h.client().collectReportParticipants(newInstanceUuid())).rejects.toBeInstanceOf(ZoomReportNotReadyError);
  });
});

describe("ZoomApiClient against the emulator: 429 and 5xx", () => {
  const h = useEmulator();

  it("honours Retry-After in seconds, then succeeds", async () => {
    const zoom = h.client();
    h.emulator.controls.rateLimitNext(2, { seconds: 3 });
    await zoom.getUser();
    expect(h.clock.sleeps).toEqual([3000, 3000]);
  });

  it("honours Retry-After as an HTTP-date, then succeeds", async () => {
    const zoom = h.client();
    h.emulator.controls.rateLimitNext(1, { date: new Date(h.clock.now() + 7_000) }, "Daily");
    const user = await zoom.getUser();
    expect(user.id).toBe(h.world.owner.id);
    expect(h.clock.sleeps).toEqual([7000]);
  });

  it("backs off 1 s, then 2 s for per-second limits without Retry-After", async () => {
    h.emulator.controls.rateLimitNext(2, { none: true });
    await h.client().getUser();
    expect(h.clock.sleeps).toEqual([1000, 2000]);
  });

  it("backs off longer for a daily limit without Retry-After", async () => {
    h.emulator.controls.rateLimitNext(1, { none: true }, "Daily");
    await h.client().getUser();
    expect(h.clock.sleeps).toEqual([60_000]);
  });

  it("fails at once with ZoomRateLimitError.retryAt when Zoom asks for a wait beyond the cap", async () => {
    const until = h.clock.now() + 6 * 3600_000;
    h.emulator.controls.rateLimitNext(1, { date: new Date(until) }, "Daily");
    const error = await h.client().getUser().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZoomRateLimitError);
    expect(error).toMatchObject({ status: 429, retryAt: until, rateLimitType: "Daily-limit" });
    expect(h.clock.sleeps).toEqual([]);
  });

  it("gives up after maxAttempts 429s with ZoomRateLimitError", async () => {
    h.emulator.controls.rateLimitNext(10, { seconds: 1 });
    const error = await h.client({ retry: { maxAttempts: 4 } }).getUser().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZoomRateLimitError);
    expect(error).toMatchObject({ attempts: 4, code: 429 });
    expect(h.clock.sleeps).toEqual([1000, 1000, 1000]);
    expect(h.emulator.controls.pendingFaults).toBe(6);
  });

  it("retries 5xx with jittered exponential backoff, then succeeds", async () => {
    h.emulator.controls.failNext(3, 503);
    const zoom = h.client({ random: () => 0.5, retry: { baseDelayMs: 400 } });
    await zoom.getUser();
    // equal jitter: half fixed + random * half; with random 0.5 that is 0.75 of 400, 800, 1600.
    expect(h.clock.sleeps).toEqual([300, 600, 1200]);
  });

  it("keeps the jitter within [half, full] of the exponential step", async () => {
    h.emulator.controls.failNext(2, 502);
    await h.client({ random: () => 0.999, retry: { baseDelayMs: 1000 } }).getUser();
    expect(h.clock.sleeps[0]).toBeGreaterThanOrEqual(500);
    expect(h.clock.sleeps[0]).toBeLessThanOrEqual(1000);
    expect(h.clock.sleeps[1]).toBeGreaterThan(1000);
    expect(h.clock.sleeps[1]).toBeLessThanOrEqual(2000);
  });

  it("gives up on persistent 5xx with a ZoomApiError naming the status and attempts", async () => {
    h.emulator.controls.failNext(5, 500);
    const error = await h.client({ retry: { maxAttempts: 3 } }).getMeeting(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZoomApiError);
    expect(error).toMatchObject({ status: 500, attempts: 3 });
    expect((error as Error).message).toContain("after 3 attempts");
    expect((error as Error).message).not.toContain(CREDENTIALS.clientSecret);
  });
});
