import type { Scenario, ScenarioParticipant } from "../scenarios/scenario-schema.js";
import { zoomTimeAt } from "../zoom-time.js";
import type { Random } from "./random.js";
import type { SimulatedInstance } from "./simulation-types.js";
import { instanceUuid, registrantToken, zoomId } from "./zoom-ids.js";

/** The ids one participant carries through the meeting. */
export interface Identity {
  zoomUserId: string;
  registrantId?: string;
  joinToken?: string;
}

/**
 * The instance and everyone's ids, drawn first and in scenario order, so that adding a step never
 * changes anyone's ids (and one seed always gives one stream).
 */
export function meetingIdentities(scenario: Scenario, idRandom: Random): { instance: SimulatedInstance; identities: Map<string, Identity> } {
  const startMs = Date.parse(scenario.meeting.start);
  const product = scenario.meeting.product;
  const hostParticipant = scenario.meeting.host.participant ? scenario.participants.find((p) => p.id === scenario.meeting.host.participant) : undefined;
  const accountId = scenario.account.id ?? zoomId(idRandom);
  const hostId = scenario.meeting.host.id ?? (hostParticipant?.kind === "logged_in" ? hostParticipant.zoomUserId : undefined) ?? zoomId(idRandom);
  const instance: SimulatedInstance = {
    product,
    accountId,
    hostId,
    id: scenario.meeting.number,
    uuid: scenario.meeting.uuid ?? instanceUuid(idRandom),
    topic: scenario.meeting.topic,
    type: scenario.meeting.type ?? (product === "webinar" ? 5 : 2),
    timezone: scenario.meeting.timezone,
    duration: scenario.meeting.duration,
    startTime: zoomTimeAt(startMs, 0),
    endTime: zoomTimeAt(startMs, scenario.end.at),
  };
  const identities = new Map<string, Identity>();
  for (const p of scenario.participants) identities.set(p.id, identityOf(p, p === hostParticipant ? hostId : undefined, idRandom));
  return { instance, identities };
}

function identityOf(p: ScenarioParticipant, hostId: string | undefined, idRandom: Random): Identity {
  const identity: Identity = { zoomUserId: "" };
  if (p.kind === "logged_in") identity.zoomUserId = hostId ?? p.zoomUserId ?? zoomId(idRandom);
  if (p.kind === "registered_guest") {
    identity.registrantId = p.registrantId ?? zoomId(idRandom);
    identity.joinToken = registrantToken(idRandom);
  }
  if (p.kind === "sdk" && p.registrantId !== undefined) identity.registrantId = p.registrantId;
  return identity;
}
