import type { ZoomReportRow } from "../world.js";

/** A webhook body exactly as it will be serialised (key order matters: it follows the captures). */
export type WebhookBody = { event: string; event_ts: number; payload: Record<string, unknown> } & Record<string, unknown>;

/** One delivery Zoom will attempt: a body and when (simulated epoch ms) its first attempt happens. */
export interface ScheduledDelivery {
  /** Position of the underlying event in production order (duplicates share it). */
  seq: number;
  /** Simulated time of the first attempt, epoch milliseconds. */
  at: number;
  event: string;
  body: WebhookBody;
  /** Why this delivery looks unusual: "duplicate", "delayed", "held until meeting.ended", chaos… */
  note?: string;
}

/** The meeting instance the simulation produced. */
export interface SimulatedInstance {
  product: "meeting" | "webinar";
  accountId: string;
  hostId: string;
  /** Meeting number as Zoom prints it (string of digits). */
  id: string;
  uuid: string;
  topic: string;
  type: number;
  timezone: string;
  /** Scheduled minutes. */
  duration: number;
  startTime: string;
  endTime: string;
}

/** One participant's attendance in the emulator's own terms. */
export interface GroundTruthEntry {
  /** Scenario participant id (or, in `byUser`, the app reference). */
  key: string;
  /** App reference of the person. */
  user: string;
  /** Seconds in the meeting (waiting room and join-before-host excluded, breakout rooms included, devices unioned). */
  seconds: number;
  /** First `participant_joined` time, ISO; null if never admitted. */
  firstJoin: string | null;
  /** Last leave time, ISO; null if never admitted. */
  lastLeave: string | null;
  /**
   * Sessions, as Rollcall counts them: a rejoin or a second device each add one; breakout moves do
   * not, nor does a phone leg bound to a computer's session (its time counts in that session).
   */
  connections: number;
  /** The merged intervals, ISO, sorted. */
  intervals: { join: string; leave: string }[];
}

/** Attendance per scenario participant and per app user (phone legs bound to a person fold into them). */
export interface GroundTruth {
  instanceUuid: string;
  byParticipant: GroundTruthEntry[];
  byUser: GroundTruthEntry[];
}

/**
 * One row of `GET /report/meetings/{uuid}/participants` (with `include_fields=registrant_id`), as
 * the simulator writes it: the world's row with every field the simulator knows filled in. Zoom
 * writes one row per `user_id`, so a connection that visits breakout rooms has one row per room
 * stay (`bo_mtg_id` names the breakout room) and a rejoin starts new rows.
 */
export type ReportRow = Required<Omit<ZoomReportRow, "internal_user">>;

/** What the participant report holds once the instance has ended. */
export interface ParticipantReport {
  instance: SimulatedInstance;
  rows: ReportRow[];
}

/** Everything a simulation run produced. */
export interface Simulation {
  seed: number;
  instance: SimulatedInstance;
  /** Deliveries in order of `at` (then `seq`). Dropped ones are not here. */
  deliveries: ScheduledDelivery[];
  /** Deliveries the scenario says Zoom never makes (`deliver.drop`). */
  dropped: ScheduledDelivery[];
  groundTruth: GroundTruth;
  report: ParticipantReport;
}
