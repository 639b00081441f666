import type { DeliveryFaults, Scenario, ScenarioParticipant } from "../scenarios/scenario-schema.js";
import { zoomTimeAt } from "../zoom-time.js";
import type { ConnectionRecord } from "./ground-truth.js";
import type { Identity } from "./meeting-identities.js";
import type { Random } from "./random.js";
import type { Occurrence } from "./schedule-deliveries.js";
import type { SimulatedInstance, WebhookBody } from "./simulation-types.js";
import type { ParticipantSnapshot } from "./webhook-bodies.js";
import { participantUuid, type UserIdAllocator } from "./zoom-ids.js";

/** A breakout room of one round. */
export interface Room {
  name: string;
  uuid: string;
  openedAtMs: number;
}

/** One stay of a connection in the main room or in one breakout room (one `user_id`). */
export interface Segment {
  room: Room | null;
  userId: string;
  parentUserId?: string;
  join: number;
  leave?: number;
  /** Display name when the stay ended (the report shows the latest name). */
  name?: string;
}

/** One stay of a connection in the waiting room. */
export interface WaitingStay {
  userId: string;
  join: number;
  leave?: number;
  name?: string;
}

/** One connection (device) of a participant: what Zoom saw of it, and what really happened. */
export interface Conn extends ConnectionRecord {
  participant: ScenarioParticipant;
  device: string;
  state: "in" | "waiting_room" | "jbh_waiting" | "out";
  participantUuid: string;
  publicIp?: string;
  privateIp?: string;
  waitingUserId?: string;
  segments: Segment[];
  /** Stays in the waiting room: the report lists them with `status: "in_waiting_room"`. */
  waiting: WaitingStay[];
}

/** The independent random streams of a run (so adding a step never shifts anyone's ids). */
export interface RunRandom {
  ids: Random;
  timing: Random;
  wording: Random;
  userIds: UserIdAllocator;
}

/**
 * The state of one simulated meeting while its actions run: who is connected how, the names
 * people go by now, and every event Zoom produced so far (with its `event_ts`). Steps and
 * breakout rounds (`connection-steps.ts`, `breakout-rounds.ts`) act on it.
 */
export class MeetingRun {
  readonly startMs: number;
  readonly names: Map<string, string>;
  readonly occurrences: Occurrence[] = [];
  readonly connections: Conn[] = [];
  /** `${participant}\u0000${device}` → that device's live connection. */
  readonly devices = new Map<string, Conn>();

  constructor(
    readonly scenario: Scenario,
    readonly instance: SimulatedInstance,
    readonly identities: ReadonlyMap<string, Identity>,
    readonly random: RunRandom,
  ) {
    this.startMs = Date.parse(scenario.meeting.start);
    this.names = new Map(scenario.participants.map((p) => [p.id, p.name] as const));
  }

  /** `second` from the start, as Zoom prints times. */
  iso(second: number): string {
    return zoomTimeAt(this.startMs, second);
  }

  /** Records an event that happened at `second`, stamped `lagMs` later (Zoom's `event_ts`). */
  emit(second: number, lagMs: number, build: (eventTs: number) => WebhookBody, faults?: DeliveryFaults): void {
    this.occurrences.push({ seq: this.occurrences.length, body: build(this.startMs + second * 1000 + lagMs), faults });
  }

  /** Zoom's usual delay between something happening and its event's timestamp. */
  lag(): number {
    return this.random.timing.int(80, 2600);
  }

  /** What a webhook says of the connection now, under `userId`. */
  snapshot(conn: Conn, userId: string): ParticipantSnapshot {
    const p = conn.participant;
    const identity = this.identities.get(p.id)!;
    const hipaa = this.scenario.account.hipaa;
    return {
      userId,
      // HIPAA/BAA accounts blank names and e-mails (zoom-facts §6.13).
      name: hipaa ? "" : this.names.get(p.id)!,
      email: hipaa ? "" : webhookEmail(p),
      zoomUserId: identity.zoomUserId,
      participantUuid: conn.participantUuid,
      registrantId: identity.registrantId,
      customerKey: p.kind === "sdk" ? p.customerKey : undefined,
      phoneNumber: p.kind === "phone" ? p.phoneNumber : undefined,
      publicIp: conn.publicIp,
      privateIp: conn.privateIp,
      registrantIdOnJoin: p.registrantIdOnJoin ?? this.scenario.registrantIdOnJoin,
    };
  }

  /** A new connection of `p` on `device` (not yet in the meeting). */
  newConn(p: ScenarioParticipant, device: string): Conn {
    const ids = this.random.ids;
    const phone = p.kind === "phone";
    const conn: Conn = {
      participant: p,
      device,
      state: "out",
      participantUuid: participantUuid(ids),
      publicIp: phone ? undefined : `203.0.113.${ids.int(1, 254)}`,
      privateIp: phone ? undefined : `10.0.${ids.int(0, 9)}.${ids.int(1, 254)}`,
      segments: [],
      waiting: [],
    };
    this.connections.push(conn);
    return conn;
  }

  /** The connection's current room stay. */
  current(conn: Conn): Segment {
    return conn.segments[conn.segments.length - 1]!;
  }

  closeSegment(conn: Conn, at: number): void {
    const segment = this.current(conn);
    segment.leave = at;
    segment.name = this.names.get(conn.participant.id)!;
  }

  closeWaiting(conn: Conn, at: number): void {
    const stay = conn.waiting[conn.waiting.length - 1]!;
    stay.leave = at;
    stay.name = this.names.get(conn.participant.id)!;
  }
}

/** The e-mail a webhook shows: a registrant's, an SDK join's if given, a signed-in user's on the host's account. */
function webhookEmail(p: ScenarioParticipant): string {
  if (p.kind === "registered_guest") return p.email;
  if (p.kind === "sdk") return p.email ?? "";
  if (p.kind === "logged_in" && p.sameAccount) return p.email;
  return "";
}
