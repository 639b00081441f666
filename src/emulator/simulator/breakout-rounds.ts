/**
 * Breakout rounds as Zoom reports them: when a round opens, every connected assignee leaves the
 * main room and joins their room within a few seconds (a new `user_id` whose parent is the main
 * one); when it closes, all come back. A move never ends the connection.
 */
import type { Scenario } from "../scenarios/scenario-schema.js";
import { ORDER, type ActionQueue } from "./action-queue.js";
import { startMain } from "./connection-steps.js";
import { breakoutLeaveReason, mainLeaveReason, type MainLeaveCause } from "./leave-reasons.js";
import type { Conn, MeetingRun, Room } from "./meeting-run.js";
import * as bodies from "./webhook-bodies.js";
import { breakoutUserId, instanceUuid } from "./zoom-ids.js";

/** Schedules every round's opening and closing (room uuids are drawn now, in scenario order). */
export function scheduleBreakoutRounds(run: MeetingRun, queue: ActionQueue): void {
  for (const round of run.scenario.breakouts) scheduleRound(run, queue, round);
}

function scheduleRound(run: MeetingRun, queue: ActionQueue, round: Scenario["breakouts"][number]): void {
  const timing = run.random.timing;
  const rooms = round.rooms.map((room) => ({
    room: { name: room.name, uuid: instanceUuid(run.random.ids), openedAtMs: run.startMs + round.opens * 1000 },
    members: new Set(room.participants),
  }));
  queue.schedule(round.opens, ORDER.breakout, () => {
    for (const { room, members } of rooms) {
      for (const conn of run.connections) {
        if (!members.has(conn.participant.id) || conn.state !== "in") continue;
        const at = round.opens + timing.int(0, Math.min(3, round.closes - round.opens - 1));
        queue.schedule(at, ORDER.move, () => moveToRoom(run, conn, room, at));
      }
    }
  });
  queue.schedule(round.closes, ORDER.breakout, () => {
    for (const conn of run.connections) {
      if (conn.state !== "in" || !rooms.some(({ room }) => run.current(conn).room === room)) continue;
      const at = round.closes + timing.int(0, Math.min(3, run.scenario.end.at - round.closes - 1));
      queue.schedule(at, ORDER.move, () => returnToMain(run, conn, at));
    }
  });
}

function moveToRoom(run: MeetingRun, conn: Conn, room: Room, at: number): void {
  const main = run.current(conn);
  if (conn.state !== "in" || main.room !== null) return; // left (or moved) since the round opened
  const wordingChoice = run.scenario.breakoutLeaveReason;
  const cause: MainLeaveCause = wordingChoice === "breakout" || (wordingChoice === "mixed" && run.random.wording.chance(0.6)) ? "to_breakout" : "to_breakout_plain";
  run.closeSegment(conn, at);
  const leaveSnap = run.snapshot(conn, main.userId);
  run.emit(at, run.lag(), (ts) => bodies.participantLeft(run.instance, leaveSnap, run.iso(at), mainLeaveReason(cause, run.instance.product), ts));
  const userId = breakoutUserId(run.random.userIds.allocate(), room.openedAtMs);
  conn.segments.push({ room, userId, parentUserId: main.userId, join: at });
  const joinSnap = run.snapshot(conn, userId);
  run.emit(at, run.lag() + 300, (ts) => bodies.breakoutJoined(run.instance, joinSnap, main.userId, room.uuid, run.iso(at), ts));
}

function returnToMain(run: MeetingRun, conn: Conn, at: number): void {
  const stay = run.current(conn);
  if (conn.state !== "in" || stay.room === null) return;
  run.closeSegment(conn, at);
  const room = stay.room;
  const leaveSnap = run.snapshot(conn, stay.userId);
  run.emit(at, run.lag(), (ts) => bodies.breakoutLeft(run.instance, leaveSnap, stay.parentUserId!, room.uuid, run.iso(at), breakoutLeaveReason("return"), ts));
  startMain(run, conn, at, undefined, undefined, 300);
}
