/**
 * The emulator is a stranger to Rollcall (it shares no code with it), so its output is an honest
 * check of Rollcall's Zoom schemas: for every shipped scenario, every webhook body it would send is
 * accepted by `src/zoom/events` (no rejection, every participant event normalised), and so is every
 * row of the participant report it keeps, read back the way reconciliation stores it.
 */
import { describe, expect, it } from "vitest";
import { loadScenario, SHIPPED_SCENARIOS } from "../../src/emulator/scenarios/load-scenario.js";
import { simulateMeeting } from "../../src/emulator/simulator/simulate-meeting.js";
import { reportParticipantBody } from "../../src/reconcile/index.js";
import { normaliseInboxBody } from "../../src/zoom/events/normalise-inbox-body.js";
import { normaliseZoomEvent } from "../../src/zoom/events/index.js";

// The generated webinar is sized by a parameter; a few hundred attendees cover its shapes.
const params: Record<string, Record<string, string>> = { "webinar-at-scale": { attendees: "300" } };

describe("the emulator's output is accepted by Rollcall's Zoom schemas", () => {
  it("ships the scenarios this test walks", () => {
    expect(SHIPPED_SCENARIOS).toEqual(expect.arrayContaining(["classroom", "flaky-network", "interpreter-sdk-hipaa", "webinar-at-scale"]));
  });

  for (const name of SHIPPED_SCENARIOS) {
    for (const seed of [1, 2, 3]) {
      it(`${name} (seed ${seed}): every webhook body normalises, none is rejected`, () => {
        const sim = simulateMeeting(loadScenario(name, params[name] ?? {}), { seed });
        const bodies = [...sim.deliveries, ...sim.dropped].map((d) => d.body);
        expect(bodies.length).toBeGreaterThan(0);
        const problems: string[] = [];
        let participantEvents = 0;
        for (const body of bodies) {
          const result = normaliseZoomEvent(JSON.parse(JSON.stringify(body)));
          if (result.status === "rejected") problems.push(`${body.event}: ${result.issues.map((i) => i.message).join("; ")}`);
          if (body.event.includes(".participant_")) {
            participantEvents++;
            if (result.status !== "event") problems.push(`${body.event}: ${result.status}, expected a normalised participant event`);
          }
        }
        expect(problems).toEqual([]);
        expect(participantEvents).toBeGreaterThan(0);
      });
    }

    it(`${name}: every participant report row normalises as reconciliation stores it`, () => {
      const sim = simulateMeeting(loadScenario(name, params[name] ?? {}), { seed: 1 });
      expect(sim.report.rows.length).toBeGreaterThan(0);
      const context = { accountId: sim.instance.accountId, instanceUuid: sim.instance.uuid, meetingId: sim.instance.id, product: sim.instance.product, endpoint: "report" as const, fetchedAt: Date.now() };
      for (const row of sim.report.rows) {
        const body = JSON.parse(JSON.stringify(reportParticipantBody({ ...row }, context)));
        const result = normaliseInboxBody(body);
        expect(result.status, JSON.stringify(result)).toBe("event");
        if (result.status === "event") expect(result.event).toMatchObject({ type: "report_row", source: "report", instanceUuid: sim.instance.uuid });
      }
    });
  }
});
