import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDuration } from "../../../src/emulator/scenarios/duration.js";
import { loadScenario, parseScenario, SHIPPED_SCENARIOS } from "../../../src/emulator/scenarios/load-scenario.js";
import { ScenarioError } from "../../../src/emulator/scenarios/scenario-error.js";

/** A minimal valid scenario; tests break one field at a time. */
function base(): any {
  return {
    meeting: { number: "81111111111", topic: "T", start: "2026-01-01T10:00:00Z", duration: 60 },
    end: { at: "60m" },
    participants: [{ id: "a", kind: "anonymous_guest", name: "A", timeline: [{ do: "join", at: "1m" }] }],
  };
}

function issuesOf(document: unknown): { path: string; message: string }[] {
  try {
    parseScenario(document, "test");
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return [...(error as ScenarioError).issues];
  }
  throw new Error("expected the scenario to be rejected");
}

describe("scenario validation", () => {
  it("accepts the minimal scenario and fills defaults", () => {
    const scenario = parseScenario(base());
    expect(scenario.meeting.product).toBe("meeting");
    expect(scenario.registrantIdOnJoin).toBe("present");
    expect(scenario.participants[0]!.timeline[0]!.at).toBe(60);
  });

  it("names the field of a bad duration and says what was expected", () => {
    const doc = base();
    doc.participants[0].timeline[0].at = "soon";
    const issues = issuesOf(doc);
    expect(issues[0]!.path).toBe("participants[0].timeline[0].at");
    expect(issues[0]!.message).toMatch(/duration like "90s"/);
  });

  it("names an unknown participant kind and lists the valid ones", () => {
    const doc = base();
    doc.participants[0].kind = "robot";
    const [issue] = issuesOf(doc);
    expect(issue!.path).toBe("participants[0].kind");
    expect(issue!.message).toMatch(/registered_guest, sdk, logged_in, anonymous_guest, phone/);
  });

  it("requires a customer key on SDK joins and checks its length", () => {
    const doc = base();
    doc.participants[0] = { id: "s", kind: "sdk", name: "S", customerKey: "x".repeat(36), timeline: [{ do: "join", at: 0 }] };
    const [issue] = issuesOf(doc);
    expect(issue!.path).toBe("participants[0].customerKey");
    expect(issue!.message).toMatch(/35/);
  });

  it("rejects unknown fields by name", () => {
    const doc = base();
    doc.meeting.colour = "blue";
    expect(issuesOf(doc)[0]!.message).toMatch(/colour/);
  });

  it("checks timelines step by step", () => {
    const doc = base();
    doc.participants[0].timeline = [{ do: "leave", at: "1m" }];
    const [issue] = issuesOf(doc);
    expect(issue!.path).toBe("participants[0].timeline[0].do");
    expect(issue!.message).toMatch(/"leave" expected the device "default" to be in or waiting_room or jbh_waiting, it is out/);
  });

  it("checks steps are in time order and inside the meeting", () => {
    const doc = base();
    doc.participants[0].timeline = [{ do: "join", at: "10m" }, { do: "leave", at: "5m" }, { do: "join", at: "61m" }];
    const paths = issuesOf(doc).map((i) => i.path);
    expect(paths).toContain("participants[0].timeline[1].at");
    expect(paths).toContain("participants[0].timeline[2].at");
  });

  it("checks references: bindTo, breakout members, host, duplicate ids", () => {
    const doc = base();
    doc.meeting.host = { participant: "nobody" };
    doc.participants.push(
      { id: "p", kind: "phone", name: "P", phoneNumber: "15555550100", bindTo: "ghost", timeline: [{ do: "join", at: 0 }] },
      { id: "a", kind: "anonymous_guest", name: "A2", timeline: [{ do: "join", at: 0 }] },
    );
    doc.breakouts = [{ opens: "10m", closes: "70m", rooms: [{ name: "R", participants: ["zed"] }] }];
    const byPath = new Map(issuesOf(doc).map((i) => [i.path, i.message]));
    expect(byPath.get("meeting.host.participant")).toMatch(/no participant is "nobody"/);
    expect(byPath.get("participants[1].bindTo")).toMatch(/no participant is "ghost"/);
    expect(byPath.get("participants[2].id")).toMatch(/unique/);
    expect(byPath.get("breakouts[0].closes")).toMatch(/before the meeting ends/);
    expect(byPath.get("breakouts[0].rooms[0].participants[0]")).toMatch(/no participant is "zed"/);
  });

  it("refuses breakout rooms and waiting rooms in webinars", () => {
    const doc = base();
    doc.meeting.product = "webinar";
    doc.participants[0].timeline = [{ do: "waiting_room", at: "1m" }, { do: "admit", at: "2m" }];
    const paths = issuesOf(doc).map((i) => i.path);
    expect(paths).toContain("participants[0].timeline[0].do");
  });

  it("loads every shipped scenario (the generated one with small parameters)", () => {
    for (const name of SHIPPED_SCENARIOS) {
      const scenario = loadScenario(name, name === "webinar-at-scale" ? { attendees: "25" } : {});
      expect(scenario.participants.length).toBeGreaterThan(2);
    }
    expect(loadScenario("webinar-at-scale", { attendees: "25" }).participants.filter((p) => p.kind === "registered_guest")).toHaveLength(25);
    expect(() => loadScenario("webinar-at-scale", { attendes: "5" })).toThrow(/no parameter "attendes"/);
  });

  it("loads JSON and YAML files and applies dotted overrides before validating", () => {
    const dir = mkdtempSync(join(tmpdir(), "rollcall-scenario-"));
    const json = join(dir, "s.json");
    writeFileSync(json, JSON.stringify(base()));
    expect(loadScenario(json, { "account.hipaa": "true" }).account.hipaa).toBe(true);
    const yaml = join(dir, "s.yaml");
    writeFileSync(yaml, "meeting: { number: 81111111111, topic: T, start: '2026-01-01T10:00:00Z', duration: 60 }\nend: { at: 1h }\nparticipants:\n  - { id: a, kind: anonymous_guest, name: A, timeline: [{ do: join, at: 90s }] }\n");
    const scenario = loadScenario(yaml);
    expect(scenario.meeting.number).toBe("81111111111");
    expect(scenario.participants[0]!.timeline[0]!.at).toBe(90);
    expect(() => loadScenario(yaml, { "participants.0.kind": "robot" })).toThrow(/participants\[0\]\.kind/);
    expect(loadScenario("interpreter-sdk-hipaa", { "account.hipaa": "false" }).account.hipaa).toBe(false);
  });

  it("parses durations", () => {
    expect(parseDuration("1h2m3s")).toBe(3723);
    expect(parseDuration("-2m")).toBe(-120);
    expect(parseDuration("45")).toBe(45);
    expect(parseDuration(30)).toBe(30);
    expect(parseDuration("")).toBeUndefined();
    expect(parseDuration("-")).toBeUndefined();
    expect(parseDuration("5 minutes")).toBeUndefined();
    expect(parseDuration(1.5)).toBeUndefined();
  });
});
