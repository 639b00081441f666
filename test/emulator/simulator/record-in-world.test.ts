import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../src/emulator/scenarios/load-scenario.js";
import { recordInWorld } from "../../../src/emulator/simulator/record-in-world.js";
import { simulateMeeting } from "../../../src/emulator/simulator/simulate-meeting.js";
import { ZoomWorld } from "../../../src/emulator/world.js";

describe("recordInWorld", () => {
  it("makes the simulated instance's participant report available from the World", () => {
    const world = new ZoomWorld();
    const meeting = world.createMeeting("me", { topic: "Week 3", type: 2, settings: { approval_type: 0 } });
    const sim = simulateMeeting(
      parseScenario({
        meeting: { number: String(meeting.id), topic: "Week 3", start: "2026-01-01T10:00:00Z", duration: 60 },
        end: { at: "30m" },
        participants: [
          { id: "a", kind: "sdk", name: "A", customerKey: "cka", timeline: [{ do: "join", at: "1m" }, { do: "leave", at: "10m" }, { do: "join", at: "12m" }] },
          { id: "b", kind: "anonymous_guest", name: "B", timeline: [{ do: "join", at: "2m" }] },
        ],
      }),
    );
    recordInWorld(world, sim);
    const availability = world.reportAvailability(sim.instance.uuid);
    expect(availability.state).toBe("ready");
    if (availability.state !== "ready") return;
    expect(availability.instance.reportRows.map((r) => [r.customer_key, r.duration])).toEqual([
      ["cka", 540],
      ["", 1680],
      ["cka", 1080],
    ]);
    expect(() => recordInWorld(new ZoomWorld(), sim)).toThrow(/Meeting does not exist/);
  });
});
