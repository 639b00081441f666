import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { JoinLinkError } from "../../src/join-links/app-user.js";
import { DEFAULT_NAME_TOKEN_PATTERN, issueNameToken, NameTokenRefusedError } from "../../src/join-links/name-token-links.js";
import { issueRegistrantLink, issueRegistrantLinks } from "../../src/join-links/registrant-links.js";
import { issueSdkJoin } from "../../src/join-links/sdk-links.js";
import { useEmulator } from "../zoom/api/emulator-fixture.js";

const DOMAIN = "isv.rollcall.test";

describe("registrant links (against the emulator)", () => {
  const h = useEmulator();

  it("registers one user and returns the registrant_id link and personal join URL", async () => {
    const zoom = h.client();
    const meeting = await zoom.createMeeting({ topic: "Week 3", start_time: "2026-01-01T09:00:00Z" });
    const issued = await issueRegistrantLink(zoom, meeting.id, { externalId: "user-1", email: "dana@example.test", name: "Dana Q Example" }, { syntheticEmailDomain: DOMAIN });
    const registrant = h.world.findRegistrant(meeting.id, issued.link.value);
    expect(registrant).toMatchObject({ email: "dana@example.test", first_name: "Dana", last_name: "Q Example", status: "approved", join_url: issued.joinUrl });
    expect(issued.link).toEqual({ method: "registrant_id", value: registrant!.id, userId: "user-1", meetingId: String(meeting.id) });
    expect(issued.tk).toBe(registrant!.token);
  });

  it("registers a user without an e-mail under a synthetic rc-<random>@domain address", async () => {
    const zoom = h.client();
    const meeting = await zoom.createMeeting({ topic: "No mail" });
    const a = await issueRegistrantLink(zoom, meeting.id, { externalId: "user-2" }, { syntheticEmailDomain: DOMAIN });
    const b = await issueRegistrantLink(zoom, meeting.id, { externalId: "user-3" }, { syntheticEmailDomain: DOMAIN });
    expect(a.registrantEmail).toMatch(/^rc-[a-z0-9]{16}@isv\.rollcall\.test$/);
    expect(a.registrantEmail).not.toContain("user-2");
    expect(a.link.value).not.toBe(b.link.value);
    expect(h.world.findRegistrant(meeting.id, a.link.value)?.first_name).toBe("Participant");
  });

  it("batches 70 users of a scheduled meeting in calls of ≤30 and maps each back to its user", async () => {
    const zoom = h.client();
    const meeting = await zoom.createMeeting({ topic: "Lecture", type: 2 });
    const users = Array.from({ length: 70 }, (_, i) => ({ externalId: `u${i}`, name: `Student ${i}`, ...(i % 3 === 0 ? {} : { email: `s${i}@example.test` }) }));
    const before = h.emulator.controls.apiRequests;
    const links = await issueRegistrantLinks(zoom, meeting.id, users, { syntheticEmailDomain: DOMAIN, meetingType: 2 });
    expect(h.emulator.controls.apiRequests - before).toBe(3);
    expect(links.map((l) => l.link.userId)).toEqual(users.map((u) => u.externalId));
    for (const [i, l] of links.entries()) {
      const registrant = h.world.findRegistrant(meeting.id, l.link.value)!;
      expect(registrant.email).toBe(users[i]!.email ?? l.registrantEmail);
      expect(registrant.join_url).toBe(l.joinUrl);
    }
    expect(new Set(links.map((l) => l.link.value)).size).toBe(70);
  });

  it("registers one by one for a recurring meeting (batch is for scheduled meetings only)", async () => {
    const zoom = h.client();
    const meeting = await zoom.createMeeting({ topic: "Office hours", type: 3 });
    const before = h.emulator.controls.apiRequests;
    const links = await issueRegistrantLinks(zoom, meeting.id, [{ externalId: "a", email: "a@example.test" }, { externalId: "b" }], { syntheticEmailDomain: DOMAIN });
    expect(h.emulator.controls.apiRequests - before).toBe(3); // GET meeting + 2 single registrations
    expect(links.map((l) => l.link.userId)).toEqual(["a", "b"]);
  });

  it("refuses two users sharing one e-mail before calling Zoom", async () => {
    const zoom = h.client();
    const before = h.emulator.controls.apiRequests;
    const call = issueRegistrantLinks(zoom, 81234567890, [{ externalId: "a", email: "x@example.test" }, { externalId: "b", email: "X@example.test" }], { syntheticEmailDomain: DOMAIN, meetingType: 2 });
    await expect(call).rejects.toThrow(JoinLinkError);
    expect(h.emulator.controls.apiRequests).toBe(before);
  });
});

describe("SDK join bundles", () => {
  const credentials = { sdkKey: "sdkKeyXYZ", sdkSecret: "sdk-secret" };

  it("returns a signed bundle and a random opaque customer key (alphanumeric, ≤35, not the e-mail)", () => {
    const user = { externalId: "user-42", email: "dana@example.test", name: "Dana" };
    const a = issueSdkJoin(credentials, "81234567890", user, { tk: "tokenFromJoinUrl" });
    const b = issueSdkJoin(credentials, "81234567890", user);
    expect(a.bundle.customerKey).toMatch(/^[A-Za-z0-9]{1,35}$/);
    expect(a.bundle.customerKey).not.toBe(b.bundle.customerKey);
    expect(a.bundle.customerKey).not.toContain("42");
    expect(a.link).toEqual({ method: "customer_key", value: a.bundle.customerKey, userId: "user-42" });
    expect(a.bundle).toMatchObject({ sdkKey: "sdkKeyXYZ", meetingNumber: "81234567890", userName: "Dana", userEmail: "dana@example.test", tk: "tokenFromJoinUrl" });
    const [h, p, s] = a.bundle.signature.split(".");
    expect(createHmac("sha256", "sdk-secret").update(`${h}.${p}`).digest("base64url")).toBe(s);
    expect(JSON.parse(Buffer.from(p!, "base64url").toString())).toMatchObject({ mn: "81234567890", sdkKey: "sdkKeyXYZ" });
  });

  it("reuses a given customer key and refuses a malformed one", () => {
    const user = { externalId: "u" };
    expect(issueSdkJoin(credentials, "81234567890", user, { customerKey: "abc123" }).link.value).toBe("abc123");
    expect(() => issueSdkJoin(credentials, "81234567890", user, { customerKey: "a".repeat(36) })).toThrow(/customerKey: expected 1 to 35/);
    expect(() => issueSdkJoin(credentials, "81234567890", user, { customerKey: "dana@example.test" })).toThrow(JoinLinkError);
    expect(() => issueSdkJoin(credentials, "81234567890", { externalId: "" })).toThrow(/externalId/);
  });
});

describe("name tokens", () => {
  it("embeds a random token the default pattern finds, marked weak", () => {
    const issued = issueNameToken({ externalId: "u7", name: "Dana" }, { privacy: "store" });
    const match = DEFAULT_NAME_TOKEN_PATTERN.exec(issued.displayName);
    expect(issued.displayName).toMatch(/^Dana \[rc:[a-z0-9]{6}\]$/);
    expect(match?.groups?.["token"]).toBe(issued.link.value);
    expect(issued.link).toEqual({ method: "name_token", value: issued.link.value, userId: "u7" });
    expect(issued.confidence).toBe("weak");
  });

  it.each(["hash", "drop"] as const)("is refused under privacy mode %s", (privacy) => {
    expect(() => issueNameToken({ externalId: "u7", name: "Dana" }, { privacy })).toThrow(NameTokenRefusedError);
    expect(() => issueNameToken({ externalId: "u7", name: "Dana" }, { privacy })).toThrow(/ROLLCALL_PRIVACY=store/);
  });
});
