/**
 * Plays a scenario as Zoom would: walks every participant's timeline, the breakout rounds and the
 * host's end of the meeting in time order, and records what Zoom would send (webhook bodies with
 * their `event_ts`), what really happened (connections and room stays → ground truth) and what
 * Zoom's participant report would hold afterwards.
 */
import type { Scenario, ScenarioParticipant } from "../scenarios/scenario-schema.js";
import { ActionQueue } from "./action-queue.js";
import { scheduleBreakoutRounds } from "./breakout-rounds.js";
import { scheduleEnd, scheduleRegistrations, scheduleStart, scheduleSteps } from "./connection-steps.js";
import { computeGroundTruth, type GroundTruthParticipant } from "./ground-truth.js";
import { meetingIdentities } from "./meeting-identities.js";
import { MeetingRun } from "./meeting-run.js";
import { buildReportRows, type ReportConnection } from "./participant-report.js";
import { Random } from "./random.js";
import { scheduleDeliveries } from "./schedule-deliveries.js";
import type { Simulation } from "./simulation-types.js";
import { UserIdAllocator } from "./zoom-ids.js";

export type { Conn, Room, Segment, WaitingStay } from "./meeting-run.js";

/** Options of one simulation run. */
export interface SimulateOptions {
  /** Seed for every random choice (ids, delays, wording); the same seed gives the same stream. */
  seed?: number;
}

/**
 * Simulates one meeting instance of a (validated) scenario.
 */
export function simulateMeeting(scenario: Scenario, options: SimulateOptions = {}): Simulation {
  const seed = options.seed ?? 1;
  const root = new Random(seed);
  // Ids also depend on the meeting, so two scenarios run with one seed never share an instance uuid.
  const ids = root.fork(`ids:${scenario.meeting.number}:${scenario.meeting.topic}:${scenario.meeting.start}`);
  const timing = root.fork("timing");
  const wording = root.fork("wording");
  const userIds = new UserIdAllocator(root.fork("user-ids"));
  const { instance, identities } = meetingIdentities(scenario, ids);
  const run = new MeetingRun(scenario, instance, identities, { ids, timing, wording, userIds });

  const queue = new ActionQueue();
  scheduleRegistrations(run, queue);
  scheduleStart(run, queue);
  scheduleSteps(run, queue);
  scheduleBreakoutRounds(run, queue);
  scheduleEnd(run, queue);
  queue.runAll();

  const { deliveries, dropped } = scheduleDeliveries(run.occurrences, root.fork("delivery"));
  const groundTruth = computeGroundTruth(instance.uuid, run.startMs, groundTruthParticipants(scenario), run.connections);
  const rows = buildReportRows(run.connections.map((conn) => reportConnection(run, conn)), run.startMs);
  return { seed, instance, deliveries, dropped, groundTruth, report: { instance, rows } };
}

/** Each participant with the app user it belongs to: a phone leg bound to a computer is that person. */
function groundTruthParticipants(scenario: Scenario): GroundTruthParticipant[] {
  const byId = new Map(scenario.participants.map((p) => [p.id, p] as const));
  const userOf = (p: ScenarioParticipant): string => {
    if (p.user !== undefined) return p.user;
    if (p.kind === "phone" && p.bindTo !== undefined) return userOf(byId.get(p.bindTo)!);
    return p.id;
  };
  return scenario.participants.map((p) => ({ id: p.id, user: userOf(p) }));
}

/** What Zoom's participant report knows of one connection. */
function reportConnection(run: MeetingRun, conn: MeetingRun["connections"][number]): ReportConnection {
  const p = conn.participant;
  const identity = run.identities.get(p.id)!;
  const hipaa = run.scenario.account.hipaa;
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
}
