import type { Scenario } from "./scenario-schema.js";
import type { ScenarioIssue } from "./scenario-error.js";

/** Where one device of a participant is, while walking its timeline. */
type DeviceState = "out" | "in" | "waiting_room" | "jbh_waiting";

/**
 * Cross-field checks that a schema cannot express: unique ids, references between participants,
 * breakout rounds inside the meeting, and timelines that make sense step by step (no leave without
 * a join, no admit without a waiting room, times in order).
 *
 * @returns every issue found (empty when the scenario is sound), each naming its field.
 */
export function checkScenario(scenario: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const end = scenario.end.at;
  const webinar = scenario.meeting.product === "webinar";

  if (end <= 0) add("end.at", `expected the meeting to end after it starts (a positive offset), got ${end}s`);

  const byId = new Map<string, Scenario["participants"][number]>();
  scenario.participants.forEach((p, i) => {
    if (byId.has(p.id)) add(`participants[${i}].id`, `expected a unique id, "${p.id}" is used twice`);
    byId.set(p.id, p);
  });

  const hostRef = scenario.meeting.host.participant;
  if (hostRef !== undefined) {
    const host = byId.get(hostRef);
    if (!host) add("meeting.host.participant", `expected the id of a participant, no participant is "${hostRef}"`);
    else if (host.kind !== "logged_in") {
      add("meeting.host.participant", `expected a logged_in participant (hosts sign in), "${hostRef}" is ${host.kind}`);
    }
  }

  scenario.participants.forEach((p, i) => {
    const here = `participants[${i}]`;
    if (p.kind === "phone" && p.bindTo !== undefined) {
      const target = byId.get(p.bindTo);
      if (!target) add(`${here}.bindTo`, `expected the id of a participant, no participant is "${p.bindTo}"`);
      else if (target.kind === "phone") add(`${here}.bindTo`, `expected a computer participant, "${p.bindTo}" is a phone`);
    }
    checkTimeline(p.timeline, here, end, webinar, add);
  });

  if (webinar && scenario.breakouts.length > 0) {
    add("breakouts", "expected no breakout rounds: webinars have no breakout rooms");
  }
  let previousClose = -Infinity;
  scenario.breakouts.forEach((round, r) => {
    const here = `breakouts[${r}]`;
    if (round.opens < 0) add(`${here}.opens`, `expected a time after the meeting starts, got ${round.opens}s`);
    if (round.closes <= round.opens) add(`${here}.closes`, `expected a time after opens (${round.opens}s), got ${round.closes}s`);
    if (round.closes >= end) add(`${here}.closes`, `expected a time before the meeting ends (${end}s), got ${round.closes}s`);
    if (round.opens < previousClose) add(`${here}.opens`, `expected rounds not to overlap: the previous round closes at ${previousClose}s`);
    previousClose = round.closes;
    const seen = new Set<string>();
    round.rooms.forEach((room, k) => {
      room.participants.forEach((id, j) => {
        const path = `${here}.rooms[${k}].participants[${j}]`;
        if (!byId.has(id)) add(path, `expected the id of a participant, no participant is "${id}"`);
        else if (byId.get(id)!.kind === "phone") add(path, `expected a computer participant, "${id}" is a phone (phone legs follow their bound participant)`);
        if (seen.has(id)) add(path, `expected each participant in one room per round, "${id}" is assigned twice`);
        seen.add(id);
      });
    });
  });
  return issues;
}

function checkTimeline(
  timeline: Scenario["participants"][number]["timeline"],
  here: string,
  end: number,
  webinar: boolean,
  add: (path: string, message: string) => void,
): void {
  const devices = new Map<string, DeviceState>();
  let previousAt = -Infinity;
  timeline.forEach((step, s) => {
    const path = `${here}.timeline[${s}]`;
    if (step.at < previousAt) add(`${path}.at`, `expected steps in time order, ${step.at}s comes after ${previousAt}s`);
    previousAt = step.at;
    if (step.at > end) add(`${path}.at`, `expected a time before the meeting ends (${end}s), got ${step.at}s`);
    if (step.do === "rename") return;
    const name = step.device ?? "default";
    const state = devices.get(name) ?? "out";
    const expect = (wanted: DeviceState[], next: DeviceState) => {
      if (!wanted.includes(state)) {
        add(`${path}.do`, `"${step.do}" expected the device "${name}" to be ${wanted.join(" or ")}, it is ${state}`);
      }
      devices.set(name, next);
    };
    if (webinar && (step.do === "waiting_room" || step.do === "admit" || step.do === "jbh_wait")) {
      add(`${path}.do`, `expected join or leave: webinars have no "${step.do}" in this emulator`);
    }
    switch (step.do) {
      case "join":
        if (step.jbh && step.at !== 0) add(`${path}.at`, `expected a join before the host at the meeting start (0), got ${step.at}s`);
        if (step.at < 0) add(`${path}.at`, `expected a join at or after the start (0); use jbh_wait to wait for the host, got ${step.at}s`);
        expect(["out", "jbh_waiting"], "in");
        break;
      case "leave":
        expect(["in", "waiting_room", "jbh_waiting"], "out");
        break;
      case "waiting_room":
        if (step.at < 0) add(`${path}.at`, `expected a time at or after the start (0), got ${step.at}s`);
        expect(["out"], "waiting_room");
        break;
      case "admit":
        expect(["waiting_room"], "in");
        break;
      case "jbh_wait":
        if (step.at >= 0) add(`${path}.at`, `expected a time before the start (negative): one waits for a host who has not started, got ${step.at}s`);
        expect(["out"], "jbh_waiting");
        break;
    }
  });
  for (const [name, state] of devices) {
    if (state === "jbh_waiting") {
      add(`${here}.timeline`, `expected the device "${name}" to join or leave after jbh_wait, it is still waiting for the host`);
    }
  }
}
