import { computeAttendance } from "./attendance.js";
import { resolveEngineOptions, type EngineOptions } from "./engine-options.js";
import { resolveSession } from "./identity.js";
import type { InstanceInfo, InstanceResult, Resolution } from "./instance-result.js";
import type { Link } from "./link.js";
import { toLinkIndex, type LinkIndex } from "./link-index.js";
import type { InstanceEvent, MeetingInfo, NormalisedEvent, ParticipantEvent, Product, ReportRowEvent } from "./normalised-event.js";
import { buildSessions, type Connection } from "./sessions.js";

/** Participant kinds that are time in the meeting (breakout rooms included). */
const JOIN_KINDS: ReadonlySet<string> = new Set(["joined", "breakout_joined"]);
const LEAVE_KINDS: ReadonlySet<string> = new Set(["left", "breakout_left"]);

/**
 * The engine's incremental form: feed events one at a time (any order, duplicates welcome), ask for
 * a result whenever needed. `apply` is O(1); `result` is O(events of the instance). The output is
 * identical to {@link computeInstance} over the same events, because the state keeps only
 * order-independent facts (sets of joins/leaves per connection, min/max times) and derives the rest
 * in `result`.
 */
export interface InstanceState {
  /** Adds one event; returns false when it was a duplicate (same `key`) or a registration (meeting-level). */
  apply(event: NormalisedEvent): boolean;
  /** Sessions, resolutions and attendance for the events applied so far. */
  result(links: readonly Link[] | LinkIndex, options?: EngineOptions): InstanceResult;
  /** Number of distinct events applied. */
  readonly size: number;
}

/**
 * Creates an empty {@link InstanceState}. All events must belong to one instance (`instanceUuid`);
 * `apply` throws on an event of another instance, since mixing them is a caller bug.
 *
 * @example
 * const state = createInstanceState();
 * for (const e of events) state.apply(e);
 * const { attendance, unresolved } = state.result(links, { now: Date.now() });
 */
export function createInstanceState(): InstanceState {
  const keys = new Set<string>();
  const connections = new Map<string, Connection>();
  let uuid: string | undefined;
  let meetingId = "";
  let accountId = "";
  let product: Product = "meeting";
  let startTime: number | undefined;
  let endTime: number | undefined;
  const endTimes: number[] = [];
  let infoEvent: InstanceEvent | undefined;
  let latest = -Infinity;

  const connectionFor = (node: string, userId: string | undefined): Connection => {
    let conn = connections.get(node);
    if (conn === undefined) {
      conn = { node, userId, uuids: [], links: [], phoneLeg: false, breakout: false, marks: [], events: [], attendance: false, webhook: false };
      connections.set(node, conn);
    }
    return conn;
  };

  const applyParticipant = (event: ParticipantEvent | ReportRowEvent): void => {
    const p = event.participant;
    const node = p.userId !== undefined ? `u${p.userId}` : p.participantUuid !== undefined ? `p${p.participantUuid}` : undefined;
    // jbh_* events have neither: they can never share a session, so they carry no evidence either.
    if (node === undefined) return;
    const conn = connectionFor(node, p.userId);
    conn.events.push(event);
    if (p.participantUuid !== undefined && !conn.uuids.includes(p.participantUuid)) conn.uuids.push(p.participantUuid);
    if (event.type === "report_row") {
      if (event.status === "in_waiting_room") return;
      conn.marks.push({ at: event.at, join: true }, { at: event.leaveAt, join: false });
      conn.attendance = true;
      if (event.leaveAt > latest) latest = event.leaveAt;
      return;
    }
    const kind = event.kind;
    if (kind === "breakout_joined" || kind === "breakout_left") {
      conn.breakout = true;
      if (p.parentUserId !== undefined) addLink(conn, `u${p.parentUserId}`);
    }
    if (kind === "bind" && event.boundTo !== undefined) {
      conn.phoneLeg = true;
      if (event.boundTo.participantUuid !== undefined) addLink(conn, `p${event.boundTo.participantUuid}`);
      if (event.boundTo.userId !== undefined) addLink(conn, `u${event.boundTo.userId}`);
    }
    const join = JOIN_KINDS.has(kind);
    if (join || LEAVE_KINDS.has(kind)) {
      conn.marks.push({ at: event.at, join });
      conn.attendance = true;
      conn.webhook = true;
      if (event.at > latest) latest = event.at;
    }
  };

  const applyInstance = (event: InstanceEvent): void => {
    const m = event.meeting;
    if (m.startTime !== undefined && (startTime === undefined || m.startTime < startTime)) startTime = m.startTime;
    if (event.kind === "ended") {
      const end = m.endTime ?? event.at;
      endTimes.push(end);
      if (endTime === undefined || end > endTime) endTime = end;
    }
    if (event.at > latest) latest = event.at;
    // Descriptive fields come from the most recent instance event (by its time, then key).
    if (infoEvent === undefined || event.at > infoEvent.at || (event.at === infoEvent.at && event.key > infoEvent.key)) infoEvent = event;
  };

  return {
    get size() {
      return keys.size;
    },
    apply(event: NormalisedEvent): boolean {
      if (event.type === "registration") return false;
      if (uuid === undefined) uuid = event.instanceUuid;
      else if (event.instanceUuid !== uuid) {
        throw new Error(`instanceUuid: expected "${uuid}" (one instance per state), got "${event.instanceUuid}"; group events by instance first`);
      }
      if (keys.has(event.key)) return false;
      keys.add(event.key);
      // Smallest non-empty value: identical whatever the arrival order.
      if (event.meetingId !== "" && (meetingId === "" || event.meetingId < meetingId)) meetingId = event.meetingId;
      if (event.accountId !== "" && (accountId === "" || event.accountId < accountId)) accountId = event.accountId;
      if (event.product === "webinar") product = "webinar";
      if (event.type === "instance") applyInstance(event);
      else applyParticipant(event);
      return true;
    },
    result(links: readonly Link[] | LinkIndex, options?: EngineOptions): InstanceResult {
      const opts = resolveEngineOptions(options);
      const sortedEnds = [...endTimes].sort((a, b) => a - b);
      const openEnd = opts.now ?? (latest > -Infinity ? latest : 0);
      const built = buildSessions(connections.values(), { instanceStart: startTime, endTimes: sortedEnds, openEnd });
      const sessions = built.map((b) => b.session);
      let lastTo = -Infinity;
      let firstFrom = Infinity;
      for (const s of sessions) {
        for (const i of s.intervals) {
          if (i.from < firstFrom) firstFrom = i.from;
          const to = i.to ?? openEnd;
          if (to > lastTo) lastTo = to;
        }
      }
      const spanFromCandidate = Math.min(startTime ?? Infinity, firstFrom);
      const spanToCandidate = Math.max(endTime ?? opts.now ?? -Infinity, lastTo);
      const spanFrom = Number.isFinite(spanFromCandidate) ? spanFromCandidate : undefined;
      const spanTo = Number.isFinite(spanToCandidate) ? spanToCandidate : undefined;
      const ctx = { instanceUuid: uuid ?? "", meetingId, links: toLinkIndex(links), options: opts, tokenCache: new Map<string, string | null>() };
      const resolutions: Resolution[] = sessions.map((s) => resolveSession(s, ctx));
      const { attendance, unresolved } = computeAttendance(
        sessions,
        resolutions,
        built.map((b) => b.latestName),
        { methods: opts.methods, openEnd, spanFrom, spanTo },
      );
      const instance: InstanceInfo = { uuid: uuid ?? "", meetingId, accountId, product, status: endTimes.length > 0 ? "ended" : "live" };
      copyInfo(instance, infoEvent?.meeting);
      if (startTime !== undefined) instance.startTime = startTime;
      if (endTime !== undefined) instance.endTime = endTime;
      if (spanFrom !== undefined) instance.spanFrom = spanFrom;
      if (spanTo !== undefined) instance.spanTo = spanTo;
      return { instance, sessions, resolutions, attendance, unresolved };
    },
  };
}

function addLink(conn: Connection, node: string): void {
  if (!conn.links.includes(node)) conn.links.push(node);
}

function copyInfo(instance: InstanceInfo, meeting: MeetingInfo | undefined): void {
  if (meeting === undefined) return;
  if (meeting.topic !== undefined) instance.topic = meeting.topic;
  if (meeting.hostId !== undefined) instance.hostId = meeting.hostId;
  if (meeting.meetingType !== undefined) instance.meetingType = meeting.meetingType;
}

/**
 * Batch form: sessions, identity and attendance of one instance from its events and the app's links.
 * Same output as feeding the events one by one into {@link createInstanceState}.
 *
 * @example
 * const result = computeInstance(events, [{ method: "registrant_id", value: "r-1", userId: "user-42" }], {});
 * result.attendance // [{ userId: "user-42", attendedMs: 3_540_000, resolvedBy: "registrant_id", ... }]
 */
export function computeInstance(events: readonly NormalisedEvent[], links: readonly Link[] | LinkIndex, options: EngineOptions = {}): InstanceResult {
  const state = createInstanceState();
  for (let i = 0; i < events.length; i++) state.apply(events[i]!);
  return state.result(links, options);
}
