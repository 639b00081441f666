import { describe, expect, it } from "vitest";
import { computeInstance, DEFAULT_PRECEDENCE, resolveEngineOptions, type Link, type ParticipantIdentifiers, type ResolutionMethod } from "../../src/core/index.js";
import { MEETING, UUID, joined, left, min, reportRow } from "./event-builders.js";

const M = 60_000;
const who = { userId: "1", participantUuid: "P", customerKey: "ck-1", email: "bo@example.com", userName: "Bo [rc:bo]" };
const events = [joined(min(0), who), left(min(10), who)];
const links: Link[] = [
  { method: "customer_key", value: "ck-1", userId: "alice" },
  { method: "email", value: "bo@example.com", userId: "bob" },
  { method: "name_token", value: "bo", userId: "bob" },
];

/** What one method needs on the session, and the link that makes it point at `userId`. */
const evidenceFor: Record<ResolutionMethod, { who: ParticipantIdentifiers; link: (userId: string) => Link }> = {
  manual: { who: {}, link: (userId) => ({ method: "manual", instanceUuid: UUID, sessionKey: "P", userId }) },
  customer_key: { who: { customerKey: "ck-9" }, link: (userId) => ({ method: "customer_key", value: "ck-9", userId }) },
  registrant_id: { who: { registrantId: "reg-9" }, link: (userId) => ({ method: "registrant_id", value: "reg-9", meetingId: MEETING, userId }) },
  zoom_user_id: { who: { zoomUserId: "zu-9" }, link: (userId) => ({ method: "zoom_user_id", value: "zu-9", userId }) },
  email: { who: { email: "nine@example.com" }, link: (userId) => ({ method: "email", value: "nine@example.com", userId }) },
  name_token: { who: { userName: "Nine [rc:nine]" }, link: (userId) => ({ method: "name_token", value: "nine", userId }) },
};

describe("identity precedence, one adjacent pair at a time", () => {
  // design.md's order, written out here: the engine's own list must not be what the test trusts.
  const designOrder: ResolutionMethod[] = ["manual", "customer_key", "registrant_id", "zoom_user_id", "email", "name_token"];
  const pairs = designOrder.slice(0, -1).map((stronger, i) => [stronger, designOrder[i + 1]!] as const);
  it("pairs cover the engine's default methods", () => {
    expect([...DEFAULT_PRECEDENCE].sort()).toEqual([...designOrder].sort());
  });

  it.each(pairs)("%s outranks %s, whichever user each points at", (stronger, weaker) => {
    const who = { userId: "1", participantUuid: "P", ...evidenceFor[stronger].who, ...evidenceFor[weaker].who };
    const session = [joined(min(0), who), left(min(10), who)];
    // Both ways round, so the deterministic tie-break (the smaller user id) cannot decide it.
    for (const [strong, weak] of [["amy", "zed"], ["zed", "amy"]] as const) {
      const r = computeInstance(session, [evidenceFor[weaker].link(weak), evidenceFor[stronger].link(strong)]);
      expect(r.resolutions[0]).toMatchObject({ userId: strong, method: stronger, conflicts: [{ userId: weak, method: weaker }] });
    }
  });
});

describe("identity resolution", () => {
  it("the stronger method wins, and the other user is reported as a conflict with its evidence", () => {
    const r = computeInstance(events, links);
    expect(r.resolutions[0]).toMatchObject({ userId: "alice", method: "customer_key", confidence: 0.99 * 0.5 });
    expect(r.resolutions[0]!.conflicts).toEqual([
      {
        userId: "bob",
        method: "email",
        evidence: [
          { method: "email", field: "email", value: "bo@example.com", eventKey: events[0]!.key, source: "webhook" },
          { method: "name_token", field: "user_name", value: "bo", eventKey: events[0]!.key, source: "webhook" },
        ],
      },
    ]);
  });

  it("methods can be switched off one by one and reordered", () => {
    expect(computeInstance(events, links, { methods: ["email", "name_token"] }).resolutions[0]).toMatchObject({ userId: "bob", method: "email", conflicts: [], confidence: 0.8 });
    expect(computeInstance(events, links, { methods: ["name_token", "customer_key"] }).resolutions[0]).toMatchObject({ userId: "bob", method: "name_token", conflicts: [{ userId: "alice", method: "customer_key" }] });
    expect(computeInstance(events, links, { methods: [] }).unresolved).toEqual([{ sessionKey: "P", userName: "Bo [rc:bo]", attendedMs: 10 * M, reason: "no_identifier" }]);
  });

  it("a manual link outranks everything", () => {
    const r = computeInstance(events, [...links, { method: "manual", instanceUuid: UUID, sessionKey: "P", userId: "carol" }]);
    expect(r.resolutions[0]).toMatchObject({ userId: "carol", method: "manual", evidence: [{ method: "manual", field: "manual", value: "P", eventKey: "", source: "link" }] });
    expect(r.resolutions[0]!.conflicts.map((c) => c.userId)).toEqual(["alice", "bob"]);
    // A manual link for another instance does nothing here.
    expect(computeInstance(events, [{ method: "manual", instanceUuid: "other", sessionKey: "P", userId: "carol" }]).attendance).toEqual([]);
  });

  it("one identifier linked to two users: the smaller id wins deterministically, the other is a conflict", () => {
    const r = computeInstance(events, [
      { method: "customer_key", value: "ck-1", userId: "zed" },
      { method: "customer_key", value: "ck-1", userId: "amy" },
    ]);
    expect(r.resolutions[0]).toMatchObject({ userId: "amy", conflicts: [{ userId: "zed", method: "customer_key" }] });
  });

  it("an interpreter-style name pattern works as the token source", () => {
    const interp = [joined(min(0), { userId: "9", userName: "Maria 4711 (Spanish Interpreter)" }), left(min(5), { userId: "9" })];
    const tokenLinks: Link[] = [{ method: "name_token", value: "4711", userId: "maria" }];
    expect(computeInstance(interp, tokenLinks, { namePattern: /^\S+ (?<token>\d+) \(.+ Interpreter\)$/ }).attendance).toEqual([expect.objectContaining({ userId: "maria", resolvedBy: "name_token" })]);
    expect(computeInstance(interp, tokenLinks).unresolved).toEqual([expect.objectContaining({ reason: "no_identifier" })]);
  });

  it("privacy modes switch off the methods they make impossible", () => {
    expect(resolveEngineOptions({ privacy: "drop" }).methods).toEqual(["manual", "customer_key", "registrant_id", "zoom_user_id"]);
    expect(resolveEngineOptions({ privacy: "hash" }).methods).toEqual(["manual", "customer_key", "registrant_id", "zoom_user_id", "email"]);
    const noCk = [joined(min(0), { userId: "1", email: "bo@example.com", userName: "Bo [rc:bo]" }), left(min(1), { userId: "1" })];
    expect(computeInstance(noCk, links, { privacy: "drop" }).unresolved).toEqual([expect.objectContaining({ reason: "names_hidden" })]);
  });

  it("unknown identifiers say so", () => {
    const r = computeInstance([joined(min(0), { userId: "1", registrantId: "nobody" }), left(min(1), { userId: "1" })], links);
    expect(r.unresolved).toEqual([{ sessionKey: "1", attendedMs: M, reason: "identifier_unknown" }]);
  });

  it("rejects options that cannot work, naming them", () => {
    expect(() => resolveEngineOptions({ namePattern: /\[rc:(\w+)\]/ })).toThrow(/namePattern: expected a regular expression with a named group "token"/);
    expect(() => resolveEngineOptions({ methods: ["phone" as never] })).toThrow(/methods: expected one of/);
  });
});

describe("attendance: the method in resolvedBy, where its evidence came from in source", () => {
  const links: Link[] = [{ method: "customer_key", value: "ck-9", userId: "nia" }];
  const webhook = [joined(min(0), { userId: "1", customerKey: "ck-9" }), left(min(10), { userId: "1" })];
  const reportOnly = [reportRow(min(20), min(30), { userId: "2", customerKey: "ck-9" })];

  it("webhook evidence says webhook; evidence only on Zoom's report says report; the method is the same", () => {
    expect(computeInstance(webhook, links).attendance).toEqual([expect.objectContaining({ userId: "nia", resolvedBy: "customer_key", source: "webhook" })]);
    expect(computeInstance(reportOnly, links).attendance).toEqual([expect.objectContaining({ userId: "nia", resolvedBy: "customer_key", source: "report" })]);
  });

  it("the strongest source that contributed counts: webhook over report, a manual link over both", () => {
    expect(computeInstance([...webhook, ...reportOnly], links).attendance).toEqual([expect.objectContaining({ userId: "nia", sessions: 2, resolvedBy: "customer_key", source: "webhook" })]);
    const manual: Link = { method: "manual", instanceUuid: UUID, sessionKey: "2", userId: "nia" };
    expect(computeInstance([...webhook, ...reportOnly], [...links, manual]).attendance).toEqual([expect.objectContaining({ userId: "nia", resolvedBy: "manual", source: "manual" })]);
  });
});
