import { computeAttendance } from "./attendance.js";
import { resolveEngineOptions, type EngineOptions } from "./engine-options.js";
import { identityContext, resolveSession } from "./identity.js";
import type { InstanceInfo, InstanceResult, Resolution } from "./instance-result.js";
import type { Link } from "./link.js";
import { toLinkIndex, type LinkIndex } from "./link-index.js";
import type { InstanceEvent, MeetingInfo, NormalisedEvent, ParticipantEvent, Product, ReportRowEvent } from "./normalised-event.js";
import { Scratch } from "./scratch.js";
import { buildSessions, type Connection, type EventStore } from "./sessions.js";


/**
 * The engine's incremental form: feed events one at a time (any order, duplicates welcome), ask for
 * a result whenever needed. `apply` is O(1); `result` is O(events of the instance). The output is
 * identical to `computeInstance` over the same events, because the state keeps only
 * order-independent facts (each distinct event once, chained per connection; min/max times) and derives the rest
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
 * const { attendance, unresolved } = state.result(links, { now: nowFromTheCaller });
 */
export function createInstanceState(): InstanceState {
  // Keys of events that have no connection (instance events, jbh_* without ids); connection events
  // are de-duplicated within their connection, which keeps this set tiny.
  const otherKeys = new Set<string>();
  let size = 0;
  // Connections by user_id, and by participant_uuid for events without a user_id.
  const byUserId = new Map<string, Connection>();
  const byUuidOnly = new Map<string, Connection>();
  // First connection seen with each participant_uuid; later ones are recorded as edges to it.
  const byUuid = new Map<string, Connection>();
  const uuidEdges: number[] = [];
  const connections: Connection[] = [];
  let uuid: string | undefined;
  let meetingId = "";
  let accountId = "";
  let product: Product = "meeting";
  let startTime: number | undefined;
  let endTime: number | undefined;
  const endTimes: number[] = [];
  let infoEvent: InstanceEvent | undefined;
  let latest = -Infinity;

  const store: EventStore = { events: [], next: [], fingerprints: [] };

  const newConnection = (userId: string | undefined): Connection => {
    const conn: Connection = { index: connections.length, userId, uuid: undefined, moreUuids: undefined, linkedUserIds: NONE, linkedUuids: NONE, phoneLeg: false, breakout: false, last: -1, attendance: false, webhook: false };
    connections.push(conn);
    return conn;
  };

  const applyParticipant = (event: ParticipantEvent | ReportRowEvent): boolean => {
    const p = event.participant;
    let conn: Connection | undefined;
    if (p.userId !== undefined) {
      conn = byUserId.get(p.userId);
      if (conn === undefined) byUserId.set(p.userId, (conn = newConnection(p.userId)));
    } else if (p.participantUuid !== undefined) {
      conn = byUuidOnly.get(p.participantUuid);
      if (conn === undefined) byUuidOnly.set(p.participantUuid, (conn = newConnection(undefined)));
    } else {
      // jbh_* events have neither: they can never share a session, so they carry no evidence either.
      if (otherKeys.has(event.key)) return false;
      otherKeys.add(event.key);
      return true;
    }
    const events = store.events;
    const next = store.next;
    const fingerprints = store.fingerprints;
    const key = event.key;
    const fp = fingerprint(key);
    // Compare keys only where the fingerprints match: earlier events stay untouched (no cache misses).
    for (let i = conn.last; i !== -1; i = next[i]!) if (fingerprints[i] === fp && events[i]!.key === key) return false;
    next.push(conn.last);
    fingerprints.push(fp);
    conn.last = events.length;
    events.push(event);
    const u = p.participantUuid;
    // The first participant_uuid sits on the connection itself: no list to read for the usual one.
    if (u !== undefined && u !== conn.uuid && !isExtraUuid(conn, u)) {
      if (conn.uuid === undefined) conn.uuid = u;
      else (conn.moreUuids ??= []).push(u);
      const first = byUuid.get(u);
      if (first === undefined) byUuid.set(u, conn);
      else uuidEdges.push(first.index, conn.index);
    }
    if (event.type === "report_row") {
      if (event.status === "in_waiting_room") return true;
      conn.attendance = true;
      if (event.leaveAt > latest) latest = event.leaveAt;
      return true;
    }
    const kind = event.kind;
    if (kind === "breakout_joined" || kind === "breakout_left") {
      conn.breakout = true;
      if (p.parentUserId !== undefined) conn.linkedUserIds = withValue(conn.linkedUserIds, p.parentUserId);
    }
    if (kind === "bind" && event.boundTo !== undefined) {
      conn.phoneLeg = true;
      if (event.boundTo.participantUuid !== undefined) conn.linkedUuids = withValue(conn.linkedUuids, event.boundTo.participantUuid);
      if (event.boundTo.userId !== undefined) conn.linkedUserIds = withValue(conn.linkedUserIds, event.boundTo.userId);
    }
    // Only the meeting proper and breakout rooms are attendance (their times are read from the
    // stored events when a result is asked for); waiting room and jbh only add evidence.
    if (kind === "joined" || kind === "breakout_joined" || kind === "left" || kind === "breakout_left") {
      conn.attendance = true;
      conn.webhook = true;
      if (event.at > latest) latest = event.at;
    }
    return true;
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
      return size;
    },
    apply(event: NormalisedEvent): boolean {
      if (event.type === "registration") return false;
      if (uuid === undefined) uuid = event.instanceUuid;
      else if (event.instanceUuid !== uuid) {
        throw new Error(`instanceUuid: expected "${uuid}" (one instance per state), got "${event.instanceUuid}"; group events by instance first`);
      }
      if (event.type === "instance") {
        if (otherKeys.has(event.key)) return false;
        otherKeys.add(event.key);
      } else if (!applyParticipant(event)) return false;
      size++;
      // Smallest non-empty value: identical whatever the arrival order.
      if (event.meetingId !== "" && (meetingId === "" || event.meetingId < meetingId)) meetingId = event.meetingId;
      if (event.accountId !== "" && (accountId === "" || event.accountId < accountId)) accountId = event.accountId;
      if (event.product === "webinar") product = "webinar";
      if (event.type === "instance") applyInstance(event);
      return true;
    },
    result(links: readonly Link[] | LinkIndex, options?: EngineOptions): InstanceResult {
      const opts = resolveEngineOptions(options);
      const sortedEnds = endTimes.length < 2 ? endTimes.slice() : [...endTimes].sort((a, b) => a - b);
      const openEnd = opts.now ?? (latest > -Infinity ? latest : 0);
      // Fresh working space per result: nothing shared with another computation running meanwhile.
      const scratch = new Scratch();
      const built = buildSessions({ connections, byUserId, byUuid, uuidEdges, store }, { instanceStart: startTime, endTimes: sortedEnds, openEnd }, scratch);
      const sessions = built.sessions;
      const spanFromCandidate = Math.min(startTime ?? Infinity, built.firstFrom);
      const spanToCandidate = Math.max(endTime ?? opts.now ?? -Infinity, built.lastTo);
      const spanFrom = Number.isFinite(spanFromCandidate) ? spanFromCandidate : undefined;
      const spanTo = Number.isFinite(spanToCandidate) ? spanToCandidate : undefined;
      const ctx = identityContext(uuid ?? "", meetingId, toLinkIndex(links), opts);
      const resolutions: Resolution[] = new Array(sessions.length);
      for (let i = 0; i < sessions.length; i++) resolutions[i] = resolveSession(sessions[i]!, ctx);
      const { attendance, unresolved } = computeAttendance(sessions, resolutions, built.latestNames, { methods: opts.methods, openEnd, spanFrom, spanTo, scratch });
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

/**
 * Shared empty list. Most connections never get links, and an array grown from `[]` by `push`
 * reserves 17 slots: starting from a one-element literal keeps 40k connections small.
 */
const NONE: string[] = [];

/**
 * Equal keys have equal fingerprints: the length and two characters near the end (a content key ends
 * with the event's own time, so the seconds and minutes tell most events of a connection apart).
 */
function fingerprint(key: string): number {
  const n = key.length;
  return n < 5 ? n : ((n & 0x3fff) << 16) | ((key.charCodeAt(n - 2) & 0xff) << 8) | (key.charCodeAt(n - 5) & 0xff);
}

function isExtraUuid(conn: Connection, u: string): boolean {
  return conn.uuid !== undefined && conn.moreUuids !== undefined && conn.moreUuids.includes(u);
}

function withValue(list: string[], value: string): string[] {
  if (list.includes(value)) return list;
  if (list === NONE) return [value];
  list.push(value);
  return list;
}

function copyInfo(instance: InstanceInfo, meeting: MeetingInfo | undefined): void {
  if (meeting === undefined) return;
  if (meeting.topic !== undefined) instance.topic = meeting.topic;
  if (meeting.hostId !== undefined) instance.hostId = meeting.hostId;
  if (meeting.meetingType !== undefined) instance.meetingType = meeting.meetingType;
}
