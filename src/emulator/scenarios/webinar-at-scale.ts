import { Random } from "../simulator/random.js";
import type { ScenarioInput } from "./scenario-schema.js";

const FIRST = ["Ana", "Ben", "Chloé", "Dmitri", "Esi", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kavya", "Liam", "Mei", "Nia", "Omar", "Priya"];
const LAST = ["Silva", "Okafor", "Novak", "Tanaka", "Müller", "Haddad", "Kowalski", "García", "Larsen", "Nguyen", "Rossi", "Singh"];

function intParam(params: Record<string, string>, name: string, fallback: number, min: number): number {
  const raw = params[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`webinar-at-scale parameter "${name}": expected an integer >= ${min}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/**
 * Generates a large webinar: a signed-in host, a few panelists, and `attendees` registered guests
 * (default 10,000) who arrive over the first quarter hour, a share of whom drop out and rejoin
 * or leave early; the host ends it after `minutes` (default 60).
 *
 * Parameters (strings, as from `--param`): `attendees`, `minutes`, `rejoinPercent` (default 5),
 * `earlyLeavePercent` (default 15), `layout` (seed of the arrival pattern, default 1).
 */
export function webinarAtScale(params: Record<string, string>): ScenarioInput {
  const known = new Set(["attendees", "minutes", "rejoinPercent", "earlyLeavePercent", "layout"]);
  for (const key of Object.keys(params)) {
    if (!known.has(key)) throw new Error(`webinar-at-scale has no parameter "${key}": expected one of ${[...known].join(", ")}`);
  }
  const attendees = intParam(params, "attendees", 10_000, 1);
  const minutes = intParam(params, "minutes", 60, 30);
  const rejoinPercent = intParam(params, "rejoinPercent", 5, 0);
  const earlyLeavePercent = intParam(params, "earlyLeavePercent", 15, 0);
  const random = new Random(intParam(params, "layout", 1, 0));
  const end = minutes * 60;

  const participants: ScenarioInput["participants"] = [
    { id: "host", kind: "logged_in", name: "Webinar Host", email: "host@example.com", timeline: [{ do: "join", at: 0 }] },
    ...[1, 2, 3].map((n) => ({
      id: `panelist-${n}`,
      kind: "logged_in" as const,
      name: `Panelist ${n}`,
      email: `panelist${n}@example.com`,
      timeline: [{ do: "join" as const, at: random.int(0, 120) }],
    })),
  ];
  for (let i = 1; i <= attendees; i++) {
    const name = `${random.pick(FIRST)} ${random.pick(LAST)}`;
    const join = random.int(0, 900);
    const timeline: NonNullable<ScenarioInput["participants"][number]["timeline"]> = [{ do: "join", at: join }];
    if (random.chance(rejoinPercent / 100)) {
      // Bounds keep every step inside the meeting: join <= 900 s and end >= 1800 s.
      const drop = random.int(join + 60, end - 300);
      timeline.push({ do: "leave", at: drop, reason: "network" }, { do: "join", at: drop + random.int(5, 120) });
    }
    if (random.chance(earlyLeavePercent / 100)) {
      const last = timeline[timeline.length - 1]!.at as number;
      timeline.push({ do: "leave", at: random.int(last + 60, end - 60) });
    }
    participants.push({
      id: `attendee-${i}`,
      kind: "registered_guest",
      name,
      email: `attendee${i}@example.com`,
      // Registered shortly before, so a paced replay does not idle for hours before the start.
      registeredAt: -random.int(60, 1200),
      timeline,
    });
  }
  return {
    name: "webinar-at-scale",
    description: `A ${minutes}-minute webinar with ${attendees} registered attendees.`,
    meeting: {
      number: "93012345678",
      topic: "Quarterly All-Hands Webinar",
      product: "webinar",
      type: 5,
      start: "2026-03-10T16:00:00Z",
      duration: minutes,
      timezone: "America/New_York",
      host: { participant: "host" },
    },
    registrantIdOnJoin: "present",
    end: { at: end },
    participants,
  };
}
