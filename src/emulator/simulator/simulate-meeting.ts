/**
 * Plays a scenario as Zoom would: walks every participant's timeline, the breakout rounds and the
 * host's end of the meeting in time order, and records what Zoom would send (webhook bodies with
 * their `event_ts`), what really happened (connections and room stays → ground truth) and what
 * Zoom's participant report would hold afterwards.
 */
import type { DeliveryFaults, Scenario, ScenarioParticipant, TimelineStep } from "../scenarios/scenario-schema.js";
import { computeGroundTruth, type ConnectionRecord } from "./ground-truth.js";
import { breakoutLeaveReason, mainLeaveReason, type MainLeaveCause } from "./leave-reasons.js";
import { buildReportRows } from "./participant-report.js";
import { Random } from "./random.js";
import { scheduleDeliveries, type Occurrence } from "./schedule-deliveries.js";
import type { SimulatedInstance, Simulation, WebhookBody } from "./simulation-types.js";
import * as bodies from "./webhook-bodies.js";
import {
  breakoutUserId,
  instanceUuid,
  participantUuid,
  registrantToken,
  UserIdAllocator,
  zoomId,
} from "./zoom-ids.js";

/** Options of one simulation run. */
export interface SimulateOptions {
  /** Seed for every random choice (ids, delays, wording); the same seed gives the same stream. */
  seed?: number;
}

interface Room {
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

interface Conn extends ConnectionRecord {
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

interface Identity {
  zoomUserId: string;
  registrantId?: string;
  joinToken?: string;
}

interface Action {
  at: number;
  order: number;
  seq: number;
  run: () => void;
}

// Same-second ordering: registrations, start, timeline steps, breakout moves, the host's end.
const ORDER = { registration: 0, started: 1, step: 2, breakout: 3, move: 4, end: 5 } as const;

/**
 * Simulates one meeting instance of a (validated) scenario.
 */
export function simulateMeeting(scenario: Scenario, options: SimulateOptions = {}): Simulation {
  const seed = options.seed ?? 1;
  const root = new Random(seed);
  // Ids also depend on the meeting, so two scenarios run with one seed never share an instance uuid.
  const idRandom = root.fork(`ids:${scenario.meeting.number}:${scenario.meeting.topic}:${scenario.meeting.start}`);
  const timing = root.fork("timing");
  const wording = root.fork("wording");
  const userIds = new UserIdAllocator(root.fork("user-ids"));

  const startMs = Date.parse(scenario.meeting.start);
  const iso = (second: number) => new Date(startMs + second * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const byId = new Map(scenario.participants.map((p) => [p.id, p] as const));
  const product = scenario.meeting.product;

  // Identities first, in scenario order, so adding a step never changes anyone's ids.
  const hostParticipant = scenario.meeting.host.participant ? byId.get(scenario.meeting.host.participant) : undefined;
  const accountId = scenario.account.id ?? zoomId(idRandom);
  const hostId =
    scenario.meeting.host.id ??
    (hostParticipant?.kind === "logged_in" ? hostParticipant.zoomUserId : undefined) ??
    zoomId(idRandom);
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
    startTime: iso(0),
    endTime: iso(scenario.end.at),
  };
  const identities = new Map<string, Identity>();
  for (const p of scenario.participants) {
    const identity: Identity = { zoomUserId: "" };
    if (p.kind === "logged_in") identity.zoomUserId = p === hostParticipant ? hostId : (p.zoomUserId ?? zoomId(idRandom));
    if (p.kind === "registered_guest") {
      identity.registrantId = p.registrantId ?? zoomId(idRandom);
      identity.joinToken = registrantToken(idRandom);
    }
    if (p.kind === "sdk" && p.registrantId !== undefined) identity.registrantId = p.registrantId;
    identities.set(p.id, identity);
  }

  const names = new Map(scenario.participants.map((p) => [p.id, p.name] as const));
  const occurrences: Occurrence[] = [];
  const emit = (second: number, lagMs: number, build: (eventTs: number) => WebhookBody, faults?: DeliveryFaults) => {
    occurrences.push({ seq: occurrences.length, body: build(startMs + second * 1000 + lagMs), faults });
  };
  const lag = () => timing.int(80, 2600);

  const snapshot = (conn: Conn, userId: string): bodies.ParticipantSnapshot => {
    const p = conn.participant;
    const identity = identities.get(p.id)!;
    const hipaa = scenario.account.hipaa;
    let email = "";
    if (p.kind === "registered_guest") email = p.email;
    else if (p.kind === "sdk") email = p.email ?? "";
    else if (p.kind === "logged_in" && p.sameAccount) email = p.email;
    return {
      userId,
      // HIPAA/BAA accounts blank names and e-mails (zoom-facts §6.13).
      name: hipaa ? "" : names.get(p.id)!,
      email: hipaa ? "" : email,
      zoomUserId: identity.zoomUserId,
      participantUuid: conn.participantUuid,
      registrantId: identity.registrantId,
      customerKey: p.kind === "sdk" ? p.customerKey : undefined,
      phoneNumber: p.kind === "phone" ? p.phoneNumber : undefined,
      publicIp: conn.publicIp,
      privateIp: conn.privateIp,
      registrantIdOnJoin: p.registrantIdOnJoin ?? scenario.registrantIdOnJoin,
    };
  };

  const connections: Conn[] = [];
  const devices = new Map<string, Conn>(); // `${participant}\u0000${device}` → live connection
  const newConn = (p: ScenarioParticipant, device: string): Conn => {
    const phone = p.kind === "phone";
    const conn: Conn = {
      participant: p,
      device,
      state: "out",
      participantUuid: participantUuid(idRandom),
      publicIp: phone ? undefined : `203.0.113.${idRandom.int(1, 254)}`,
      privateIp: phone ? undefined : `10.0.${idRandom.int(0, 9)}.${idRandom.int(1, 254)}`,
      segments: [],
      waiting: [],
    };
    connections.push(conn);
    return conn;
  };
  const current = (conn: Conn) => conn.segments[conn.segments.length - 1]!;
  const closeSegment = (conn: Conn, at: number) => {
    const segment = current(conn);
    segment.leave = at;
    segment.name = names.get(conn.participant.id)!;
  };
  const closeWaiting = (conn: Conn, at: number) => {
    const stay = conn.waiting[conn.waiting.length - 1]!;
    stay.leave = at;
    stay.name = names.get(conn.participant.id)!;
  };

  // --- the action queue -------------------------------------------------------------------
  const queue: Action[] = [];
  let actionSeq = 0;
  const schedule = (at: number, order: number, run: () => void) => {
    const action = { at, order, seq: actionSeq++, run };
    // Binary insert keeps the queue sorted while breakout rounds add moves on the fly.
    let lo = 0;
    let hi = queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = queue[mid]!;
      const before = other.at < at || (other.at === at && (other.order < order || (other.order === order && other.seq < action.seq)));
      if (before) lo = mid + 1;
      else hi = mid;
    }
    queue.splice(lo, 0, action);
  };

  // Registrations: people registered before the meeting (default 15 minutes before the start).
  scenario.participants.forEach((p) => {
    if (p.kind !== "registered_guest") return;
    const identity = identities.get(p.id)!;
    const [firstName, ...rest] = p.name.split(" ");
    schedule(p.registeredAt ?? -900, ORDER.registration, () =>
      emit(p.registeredAt ?? -900, lag(), (ts) =>
        bodies.registrationCreated(
          instance,
          {
            id: identity.registrantId!,
            firstName: firstName ?? "",
            lastName: rest.join(" "),
            email: p.email,
            joinUrl: `https://zoom.us/w/${instance.id}?tk=${identity.joinToken}`,
          },
          ts,
        ),
      ),
    );
  });

  const jbhStart = scenario.participants.some((p) => p.timeline.some((s) => s.do === "join" && s.jbh));
  // With a join before the host, jbh_joined precedes meeting.started by ~0.3 s (capture 07).
  schedule(0, ORDER.started, () => emit(0, jbhStart ? 620 : timing.int(150, 600), (ts) => bodies.instanceStarted(instance, ts)));

  const bind = (phoneConn: Conn, at: number) => {
    const p = phoneConn.participant;
    if (p.kind !== "phone" || p.bindTo === undefined) return;
    const target = connections.find((c) => c.participant.id === p.bindTo && c.state === "in");
    if (!target) return; // nobody to bind to yet: Zoom cannot bind a phone to an absent computer
    phoneConn.boundToSession = true;
    const bound = { userId: current(target).parentUserId ?? current(target).userId, participantUuid: target.participantUuid };
    const phoneUserId = current(phoneConn).userId;
    emit(at, lag() + 1500, (ts) => bodies.participantBind(instance, snapshot(phoneConn, phoneUserId), bound, iso(at), ts));
  };

  const startMain = (conn: Conn, at: number, faults?: DeliveryFaults, userId = userIds.allocate(), extraLag = 0) => {
    conn.state = "in";
    conn.joinAt ??= at;
    conn.segments.push({ room: null, userId, join: at });
    // Joins in the first second follow meeting.started (captures 04 and 07).
    emit(at, lag() + extraLag + (at === 0 ? 700 : 0), (ts) => bodies.participantJoined(instance, snapshot(conn, userId), iso(at), ts), faults);
  };

  const runStep = (p: ScenarioParticipant, step: TimelineStep) => {
    if (step.do === "rename") {
      names.set(p.id, step.name); // no webhook: later events simply carry the new name
      return;
    }
    const key = `${p.id}\u0000${step.device ?? "default"}`;
    const live = devices.get(key);
    const at = step.at;
    switch (step.do) {
      case "join": {
        const conn = live ?? newConn(p, step.device ?? "default");
        devices.set(key, conn);
        if (step.jbh) emit(at, 310, (ts) => bodies.jbhEvent("participant_jbh_joined", instance, snapshot(conn, ""), ts), step.deliver);
        startMain(conn, at, step.deliver, undefined, step.jbh ? 1500 : 0);
        bind(conn, at);
        return;
      }
      case "waiting_room": {
        const conn = newConn(p, step.device ?? "default");
        devices.set(key, conn);
        conn.state = "waiting_room";
        // Whether the waiting-room user_id survives admission is unknown (zoom-facts §6.7); we keep it.
        conn.waitingUserId = userIds.allocate();
        conn.waiting.push({ userId: conn.waitingUserId, join: at });
        emit(at, lag(), (ts) => bodies.waitingRoomEvent("participant_joined_waiting_room", instance, snapshot(conn, conn.waitingUserId!), iso(at), ts), step.deliver);
        return;
      }
      case "admit": {
        const conn = live!;
        closeWaiting(conn, at);
        emit(at, lag(), (ts) => bodies.waitingRoomEvent("participant_admitted", instance, snapshot(conn, conn.waitingUserId!), iso(at), ts), step.deliver);
        startMain(conn, at, step.deliver, conn.waitingUserId, 400);
        return;
      }
      case "jbh_wait": {
        const conn = newConn(p, step.device ?? "default");
        devices.set(key, conn);
        conn.state = "jbh_waiting";
        emit(at, lag(), (ts) => bodies.jbhEvent("participant_jbh_waiting", instance, snapshot(conn, ""), ts), step.deliver);
        return;
      }
      case "leave": {
        const conn = live!;
        devices.delete(key);
        const reason = step.reason ?? "left";
        if (conn.state === "waiting_room") {
          closeWaiting(conn, at);
          emit(at, lag(), (ts) => bodies.waitingRoomEvent("participant_left_waiting_room", instance, snapshot(conn, conn.waitingUserId!), iso(at), ts), step.deliver);
        } else if (conn.state === "jbh_waiting") {
          emit(at, lag(), (ts) => bodies.jbhEvent("participant_jbh_waiting_left", instance, snapshot(conn, ""), ts), step.deliver);
        } else {
          endConnection(conn, at, reason, step.deliver);
        }
        conn.state = "out";
        return;
      }
    }
  };

  const endConnection = (conn: Conn, at: number, cause: MainLeaveCause, faults?: DeliveryFaults) => {
    const segment = current(conn);
    closeSegment(conn, at);
    conn.leaveAt = at;
    conn.state = "out";
    const snap = snapshot(conn, segment.userId);
    if (segment.room) {
      const room = segment.room;
      const reason = breakoutLeaveReason(cause === "host_ended" || cause === "to_breakout" || cause === "to_breakout_plain" ? "left" : cause);
      emit(at, lag(), (ts) => bodies.breakoutLeft(instance, snap, segment.parentUserId!, room.uuid, iso(at), reason, ts), faults);
    } else {
      emit(at, lag(), (ts) => bodies.participantLeft(instance, snap, iso(at), mainLeaveReason(cause, product), ts), faults);
    }
  };

  scenario.participants.forEach((p) => p.timeline.forEach((step) => schedule(step.at, ORDER.step, () => runStep(p, step))));

  // Breakout rounds: on open, every connected assignee moves within a few seconds; on close, all return.
  scenario.breakouts.forEach((round) => {
    const rooms = round.rooms.map((room) => ({
      room: { name: room.name, uuid: instanceUuid(idRandom), openedAtMs: startMs + round.opens * 1000 },
      members: new Set(room.participants),
    }));
    schedule(round.opens, ORDER.breakout, () => {
      for (const { room, members } of rooms) {
        for (const conn of connections) {
          if (!members.has(conn.participant.id) || conn.state !== "in") continue;
          const at = round.opens + timing.int(0, Math.min(3, round.closes - round.opens - 1));
          schedule(at, ORDER.move, () => moveToRoom(conn, room, at));
        }
      }
    });
    schedule(round.closes, ORDER.breakout, () => {
      for (const conn of connections) {
        if (conn.state !== "in" || !rooms.some(({ room }) => current(conn).room === room)) continue;
        const at = round.closes + timing.int(0, Math.min(3, scenario.end.at - round.closes - 1));
        schedule(at, ORDER.move, () => returnToMain(conn, at));
      }
    });
  });

  const moveToRoom = (conn: Conn, room: Room, at: number) => {
    const main = current(conn);
    if (conn.state !== "in" || main.room !== null) return; // left (or moved) since the round opened
    const wordingChoice = scenario.breakoutLeaveReason;
    const cause: MainLeaveCause =
      wordingChoice === "breakout" || (wordingChoice === "mixed" && wording.chance(0.6)) ? "to_breakout" : "to_breakout_plain";
    closeSegment(conn, at);
    const leaveSnap = snapshot(conn, main.userId);
    emit(at, lag(), (ts) => bodies.participantLeft(instance, leaveSnap, iso(at), mainLeaveReason(cause, product), ts));
    const userId = breakoutUserId(userIds.allocate(), room.openedAtMs);
    conn.segments.push({ room, userId, parentUserId: main.userId, join: at });
    const joinSnap = snapshot(conn, userId);
    emit(at, lag() + 300, (ts) => bodies.breakoutJoined(instance, joinSnap, main.userId, room.uuid, iso(at), ts));
  };

  const returnToMain = (conn: Conn, at: number) => {
    const stay = current(conn);
    if (conn.state !== "in" || stay.room === null) return;
    closeSegment(conn, at);
    const room = stay.room;
    const leaveSnap = snapshot(conn, stay.userId);
    emit(at, lag(), (ts) => bodies.breakoutLeft(instance, leaveSnap, stay.parentUserId!, room.uuid, iso(at), breakoutLeaveReason("return"), ts));
    startMain(conn, at, undefined, undefined, 300);
  };

  // The host ends the meeting: everyone still inside gets a "Host ended the meeting." leave.
  schedule(scenario.end.at, ORDER.end, () => {
    const end = scenario.end.at;
    for (const conn of connections) {
      if (conn.state === "in") endConnection(conn, end, "host_ended");
      else if (conn.state === "waiting_room") {
        conn.state = "out";
        closeWaiting(conn, end);
        emit(end, lag(), (ts) => bodies.waitingRoomEvent("participant_left_waiting_room", instance, snapshot(conn, conn.waitingUserId!), iso(end), ts));
      }
    }
    const endedLag = timing.int(300, 2000);
    emit(end, endedLag, (ts) => bodies.instanceEnded(instance, ts));
    if (scenario.end.endedTwice) emit(end, endedLag + timing.int(2000, 30000), (ts) => bodies.instanceEnded(instance, ts));
  });

  // Actions added while running are never earlier than the one running, so an index walk suffices.
  for (let i = 0; i < queue.length; i++) queue[i]!.run();

  const { deliveries, dropped } = scheduleDeliveries(occurrences, root.fork("delivery"));
  const userOf = (p: ScenarioParticipant): string => {
    if (p.user !== undefined) return p.user;
    // A phone leg bound to a computer participant is the same person.
    if (p.kind === "phone" && p.bindTo !== undefined) return userOf(byId.get(p.bindTo)!);
    return p.id;
  };
  const groundTruth = computeGroundTruth(
    instance.uuid,
    startMs,
    scenario.participants.map((p) => ({ id: p.id, user: userOf(p) })),
    connections,
  );
  const rows = buildReportRows(
    connections.map((conn) => {
      const p = conn.participant;
      const identity = identities.get(p.id)!;
      const hipaa = scenario.account.hipaa;
      const email = hipaa ? "" : p.kind === "registered_guest" || p.kind === "logged_in" ? p.email : p.kind === "sdk" ? (p.email ?? "") : "";
      return {
        segments: conn.segments,
        waiting: conn.waiting,
        // Since Mar 2023 reports blank the Zoom user id of external participants.
        zoomUserId: p.kind === "logged_in" && p.sameAccount ? identity.zoomUserId : "",
        email,
        hipaa,
        registrantId: identity.registrantId ?? "",
        customerKey: p.kind === "sdk" ? p.customerKey : "",
      };
    }),
    startMs,
  );
  return { seed, instance, deliveries, dropped, groundTruth, report: { instance, rows } };
}
