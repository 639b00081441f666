/**
 * What participants do, as Zoom reports it: registering, joining (directly, through the waiting
 * room or after waiting for the host), phone binds, leaving, and the host ending the meeting.
 */
import type { DeliveryFaults, ScenarioParticipant, TimelineStep } from "../scenarios/scenario-schema.js";
import { ORDER, type ActionQueue } from "./action-queue.js";
import { breakoutLeaveReason, mainLeaveReason, type MainLeaveCause } from "./leave-reasons.js";
import type { Conn, MeetingRun } from "./meeting-run.js";
import * as bodies from "./webhook-bodies.js";

/** People who registered: `meeting.registration_created`, by default 15 minutes before the start. */
export function scheduleRegistrations(run: MeetingRun, queue: ActionQueue): void {
  const { instance } = run;
  for (const p of run.scenario.participants) {
    if (p.kind !== "registered_guest") continue;
    const identity = run.identities.get(p.id)!;
    const [firstName, ...rest] = p.name.split(" ");
    const at = p.registeredAt ?? -900;
    queue.schedule(at, ORDER.registration, () =>
      run.emit(at, run.lag(), (ts) =>
        bodies.registrationCreated(
          instance,
          { id: identity.registrantId!, firstName: firstName ?? "", lastName: rest.join(" "), email: p.email, joinUrl: `https://zoom.us/w/${instance.id}?tk=${identity.joinToken}` },
          ts,
        ),
      ),
    );
  }
}

/** `meeting.started`; with a join before the host, `participant_jbh_joined` precedes it by ~0.3 s (capture 07). */
export function scheduleStart(run: MeetingRun, queue: ActionQueue): void {
  const jbhStart = run.scenario.participants.some((p) => p.timeline.some((s) => s.do === "join" && s.jbh));
  queue.schedule(0, ORDER.started, () => run.emit(0, jbhStart ? 620 : run.random.timing.int(150, 600), (ts) => bodies.instanceStarted(run.instance, ts)));
}

/** Every timeline step of every participant, at its time. */
export function scheduleSteps(run: MeetingRun, queue: ActionQueue): void {
  for (const p of run.scenario.participants) for (const step of p.timeline) queue.schedule(step.at, ORDER.step, () => runStep(run, p, step));
}

/** The host ends the meeting: everyone still inside gets "Host ended the meeting.", then `meeting.ended` (perhaps twice). */
export function scheduleEnd(run: MeetingRun, queue: ActionQueue): void {
  const end = run.scenario.end.at;
  queue.schedule(end, ORDER.end, () => {
    for (const conn of run.connections) {
      if (conn.state === "in") endConnection(run, conn, end, "host_ended");
      else if (conn.state === "waiting_room") {
        conn.state = "out";
        run.closeWaiting(conn, end);
        run.emit(end, run.lag(), (ts) => bodies.waitingRoomEvent("participant_left_waiting_room", run.instance, run.snapshot(conn, conn.waitingUserId!), run.iso(end), ts));
      }
    }
    const endedLag = run.random.timing.int(300, 2000);
    run.emit(end, endedLag, (ts) => bodies.instanceEnded(run.instance, ts));
    if (run.scenario.end.endedTwice) run.emit(end, endedLag + run.random.timing.int(2000, 30000), (ts) => bodies.instanceEnded(run.instance, ts));
  });
}

/** The connection enters the main room under `userId` (a fresh one unless given). */
export function startMain(run: MeetingRun, conn: Conn, at: number, faults?: DeliveryFaults, userId = run.random.userIds.allocate(), extraLag = 0): void {
  conn.state = "in";
  conn.joinAt ??= at;
  conn.segments.push({ room: null, userId, join: at });
  // Joins in the first second follow meeting.started (captures 04 and 07).
  run.emit(at, run.lag() + extraLag + (at === 0 ? 700 : 0), (ts) => bodies.participantJoined(run.instance, run.snapshot(conn, userId), run.iso(at), ts), faults);
}

/** The connection leaves the meeting (from the main room or a breakout room). */
export function endConnection(run: MeetingRun, conn: Conn, at: number, cause: MainLeaveCause, faults?: DeliveryFaults): void {
  const segment = run.current(conn);
  run.closeSegment(conn, at);
  conn.leaveAt = at;
  conn.state = "out";
  const snap = run.snapshot(conn, segment.userId);
  if (segment.room) {
    const room = segment.room;
    const reason = breakoutLeaveReason(cause === "host_ended" || cause === "to_breakout" || cause === "to_breakout_plain" ? "left" : cause);
    run.emit(at, run.lag(), (ts) => bodies.breakoutLeft(run.instance, snap, segment.parentUserId!, room.uuid, run.iso(at), reason, ts), faults);
  } else {
    run.emit(at, run.lag(), (ts) => bodies.participantLeft(run.instance, snap, run.iso(at), mainLeaveReason(cause, run.instance.product), ts), faults);
  }
}

/** A phone leg with `bindTo` joins the session of that participant's computer, if it is in the meeting. */
function bind(run: MeetingRun, phoneConn: Conn, at: number): void {
  const p = phoneConn.participant;
  if (p.kind !== "phone" || p.bindTo === undefined) return;
  const target = run.connections.find((c) => c.participant.id === p.bindTo && c.state === "in");
  if (!target) return; // nobody to bind to yet: Zoom cannot bind a phone to an absent computer
  phoneConn.boundToSession = true;
  const bound = { userId: run.current(target).parentUserId ?? run.current(target).userId, participantUuid: target.participantUuid };
  const phoneUserId = run.current(phoneConn).userId;
  run.emit(at, run.lag() + 1500, (ts) => bodies.participantBind(run.instance, run.snapshot(phoneConn, phoneUserId), bound, run.iso(at), ts));
}

/** One timeline step of one participant. */
function runStep(run: MeetingRun, p: ScenarioParticipant, step: TimelineStep): void {
  if (step.do === "rename") {
    run.names.set(p.id, step.name); // no webhook: later events simply carry the new name
    return;
  }
  const key = `${p.id}\u0000${step.device ?? "default"}`;
  const device = step.device ?? "default";
  switch (step.do) {
    case "join":
      return join(run, run.devices.get(key) ?? run.newConn(p, device), key, step);
    case "waiting_room":
      return enterWaitingRoom(run, run.newConn(p, device), key, step);
    case "admit": {
      const conn = run.devices.get(key)!;
      run.closeWaiting(conn, step.at);
      run.emit(step.at, run.lag(), (ts) => bodies.waitingRoomEvent("participant_admitted", run.instance, run.snapshot(conn, conn.waitingUserId!), run.iso(step.at), ts), step.deliver);
      return startMain(run, conn, step.at, step.deliver, conn.waitingUserId, 400);
    }
    case "jbh_wait": {
      const conn = run.newConn(p, device);
      run.devices.set(key, conn);
      conn.state = "jbh_waiting";
      run.emit(step.at, run.lag(), (ts) => bodies.jbhEvent("participant_jbh_waiting", run.instance, run.snapshot(conn, ""), ts), step.deliver);
      return;
    }
    case "leave":
      return leave(run, run.devices.get(key)!, key, step);
  }
}

function join(run: MeetingRun, conn: Conn, key: string, step: Extract<TimelineStep, { do: "join" }>): void {
  run.devices.set(key, conn);
  if (step.jbh) run.emit(step.at, 310, (ts) => bodies.jbhEvent("participant_jbh_joined", run.instance, run.snapshot(conn, ""), ts), step.deliver);
  startMain(run, conn, step.at, step.deliver, undefined, step.jbh ? 1500 : 0);
  bind(run, conn, step.at);
}

function enterWaitingRoom(run: MeetingRun, conn: Conn, key: string, step: Extract<TimelineStep, { do: "waiting_room" }>): void {
  run.devices.set(key, conn);
  conn.state = "waiting_room";
  // Whether the waiting-room user_id survives admission is unknown (zoom-facts §6.7); we keep it.
  conn.waitingUserId = run.random.userIds.allocate();
  conn.waiting.push({ userId: conn.waitingUserId, join: step.at });
  run.emit(step.at, run.lag(), (ts) => bodies.waitingRoomEvent("participant_joined_waiting_room", run.instance, run.snapshot(conn, conn.waitingUserId!), run.iso(step.at), ts), step.deliver);
}

function leave(run: MeetingRun, conn: Conn, key: string, step: Extract<TimelineStep, { do: "leave" }>): void {
  run.devices.delete(key);
  const at = step.at;
  if (conn.state === "waiting_room") {
    run.closeWaiting(conn, at);
    run.emit(at, run.lag(), (ts) => bodies.waitingRoomEvent("participant_left_waiting_room", run.instance, run.snapshot(conn, conn.waitingUserId!), run.iso(at), ts), step.deliver);
  } else if (conn.state === "jbh_waiting") {
    run.emit(at, run.lag(), (ts) => bodies.jbhEvent("participant_jbh_waiting_left", run.instance, run.snapshot(conn, ""), ts), step.deliver);
  } else {
    endConnection(run, conn, at, step.reason ?? "left", step.deliver);
  }
  conn.state = "out";
}
