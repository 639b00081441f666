import type { EventSource, ParticipantEvent, ReportRowEvent } from "./normalised-event.js";
import type { Interval, SeenIdentifier, Session, IdentifierField } from "./instance-result.js";
import { coveredMs, pairJoinsAndLeaves, unionIntervals } from "./intervals.js";

/**
 * Everything known about one Zoom connection of an instance: one `user_id` (each room segment and
 * each rejoin has its own), or a `participant_uuid` when an event had no `user_id`.
 * Filled by the incremental state in O(1) per event; read when a result is asked for.
 */
export interface Connection {
  /** Position in the state's connection list (union–find node). */
  index: number;
  /** The connection's `user_id`; undefined when its events only had a participant_uuid. */
  userId: string | undefined;
  /** participant_uuids seen on its events (normally one). */
  uuids: string[];
  /** user_ids this connection belongs with: breakout `parent_user_id`, bound computer participant. */
  linkedUserIds: string[];
  /** participant_uuids this connection belongs with (bound computer participant). */
  linkedUuids: string[];
  phoneLeg: boolean;
  breakout: boolean;
  /** Join and leave times (epoch ms) of attendance events; report rows add one of each. */
  joins: number[];
  leaves: number[];
  events: Array<ParticipantEvent | ReportRowEvent>;
  attendance: boolean;
  webhook: boolean;
}

/** A session plus what identity resolution needs to see. */
export interface BuiltSession {
  session: Session;
  /** Latest name by event time (then key), for unresolved reports. */
  latestName: string | undefined;
}

/** Context shared by every session of one result. */
export interface SessionContext {
  instanceStart: number | undefined;
  endTimes: readonly number[];
  openEnd: number;
}

export interface ConnectionGraph {
  connections: readonly Connection[];
  byUserId: ReadonlyMap<string, Connection>;
  /** First connection seen with each participant_uuid. */
  byUuid: ReadonlyMap<string, Connection>;
  /** Pairs of connection indexes sharing a participant_uuid. */
  uuidEdges: readonly number[];
}

/**
 * Groups connections into sessions: connections sharing a participant_uuid, a breakout room's
 * `parent_user_id` or a phone bind are one session (union–find over connection, uuid and user-id
 * nodes). Only groups with attendance (joins, leaves, report rows) become sessions; waiting-room and
 * join-before-host events only add identifiers to the session they share a key with.
 */
export function buildSessions(graph: ConnectionGraph, ctx: SessionContext): BuiltSession[] {
  const { connections, byUserId, byUuid, uuidEdges } = graph;
  // Union–find over connection indexes, plus phantom nodes for link targets never seen themselves
  // (e.g. two breakout segments whose parent user_id had no event of its own).
  const parent: number[] = new Array(connections.length);
  for (let c = 0; c < connections.length; c++) parent[c] = c;
  const phantoms = new Map<string, number>();
  const nodeFor = (target: Connection | undefined, name: string): number => {
    if (target !== undefined) return target.index;
    let i = phantoms.get(name);
    if (i === undefined) {
      i = parent.length;
      parent.push(i);
      phantoms.set(name, i);
    }
    return i;
  };
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  for (let e = 0; e < uuidEdges.length; e += 2) union(uuidEdges[e]!, uuidEdges[e + 1]!);
  for (let c = 0; c < connections.length; c++) {
    const conn = connections[c]!;
    for (const userId of conn.linkedUserIds) union(c, nodeFor(byUserId.get(userId), `u${userId}`));
    for (const uuid of conn.linkedUuids) union(c, nodeFor(byUuid.get(uuid), `p${uuid}`));
  }
  const groups = new Map<number, Connection[]>();
  for (let c = 0; c < connections.length; c++) {
    const root = find(c);
    const group = groups.get(root);
    if (group === undefined) groups.set(root, [connections[c]!]);
    else group.push(connections[c]!);
  }
  const out: BuiltSession[] = [];
  for (const group of groups.values()) {
    let attendance = false;
    for (const conn of group) if (conn.attendance) attendance = true;
    if (attendance) out.push(buildSession(group, ctx));
  }
  out.sort((a, b) => (a.session.sessionKey < b.session.sessionKey ? -1 : a.session.sessionKey > b.session.sessionKey ? 1 : 0));
  return out;
}

function buildSession(group: Connection[], ctx: SessionContext): BuiltSession {
  const key = chooseKey(group);
  const merged: string[] = [];
  const connectionIds: string[] = [];
  const pieces: Interval[] = [];
  const identifiers: SeenIdentifier[] = [];
  const identifierAts: number[] = [];
  const names: string[] = [];
  let webhook = false;
  let latestName: string | undefined;
  let latestNameAt = -Infinity;
  let latestNameKey = "";
  for (const conn of group) {
    if (conn.userId !== undefined) connectionIds.push(conn.userId);
    if (conn.webhook) webhook = true;
    for (const uuid of conn.uuids) if (uuid !== key.value && !merged.includes(uuid)) merged.push(uuid);
    if (conn.phoneLeg && conn.uuids.length === 0 && conn.userId !== undefined && conn.userId !== key.value) merged.push(conn.userId);
    if (conn.joins.length > 0 || conn.leaves.length > 0) pairJoinsAndLeaves(conn.joins, conn.leaves, ctx.instanceStart, ctx.endTimes, pieces);
    for (const event of conn.events) {
      const p = event.participant;
      if (p.customerKey !== undefined) addIdentifier(identifiers, identifierAts, "customer_key", p.customerKey, event);
      if (p.registrantId !== undefined) addIdentifier(identifiers, identifierAts, "registrant_id", p.registrantId, event);
      if (p.zoomUserId !== undefined) addIdentifier(identifiers, identifierAts, "participant_user_id", p.zoomUserId, event);
      if (p.email !== undefined) addIdentifier(identifiers, identifierAts, "email", p.email, event);
      if (p.userName !== undefined) {
        addIdentifier(identifiers, identifierAts, "user_name", p.userName, event);
        if (!names.includes(p.userName)) names.push(p.userName);
        if (event.at > latestNameAt || (event.at === latestNameAt && event.key > latestNameKey)) {
          latestName = p.userName;
          latestNameAt = event.at;
          latestNameKey = event.key;
        }
      }
    }
  }
  const intervals = unionIntervals(pieces);
  let present = false;
  for (const i of intervals) if (i.to === undefined) present = true;
  const session: Session = {
    sessionKey: key.value,
    userIds: exact(connectionIds.sort()),
    mergedKeys: exact(merged.sort()),
    identifiers: exact(identifiers.sort(compareIdentifiers)),
    names: exact(names.sort()),
    intervals: exact(intervals),
    attendedMs: coveredMs(intervals, ctx.openEnd),
    present,
    source: webhook ? "webhook" : "report",
  };
  if (key.isUuid) session.participantUuid = key.value;
  return { session, latestName };
}

/**
 * participant_uuid where present (the computer side's when a phone leg is bound), else the main-room
 * user_id; the smallest value when several qualify, so the choice does not depend on arrival.
 */
function chooseKey(group: Connection[]): { value: string; isUuid: boolean } {
  // A phone leg's participant_uuid may also sit on its user_id connection (which saw no bind event).
  let phoneUuids: string[] | undefined;
  for (const conn of group) if (conn.phoneLeg) for (const u of conn.uuids) (phoneUuids ??= []).push(u);
  let best: string | undefined;
  for (let pass = 0; pass < 2; pass++) {
    for (const conn of group) {
      for (const u of conn.uuids) {
        const phone = phoneUuids !== undefined && phoneUuids.includes(u);
        if (phone === (pass === 1) && (best === undefined || u < best)) best = u;
      }
    }
    if (best !== undefined) return { value: best, isUuid: true };
  }
  for (let pass = 0; pass < 3; pass++) {
    for (const conn of group) {
      const eligible = pass === 0 ? !conn.phoneLeg && !conn.breakout : pass === 1 ? !conn.phoneLeg : true;
      if (eligible && conn.userId !== undefined && (best === undefined || conn.userId < best)) best = conn.userId;
    }
    if (best !== undefined) return { value: best, isUuid: false };
  }
  return { value: group[0]!.uuids[0] ?? "", isUuid: true };
}

function addIdentifier(list: SeenIdentifier[], ats: number[], field: IdentifierField, value: string, event: ParticipantEvent | ReportRowEvent): void {
  const source: EventSource = event.source;
  // Linear scan: a session has a handful of distinct identifiers, cheaper than a Map per session.
  for (let i = 0; i < list.length; i++) {
    const seen = list[i]!;
    if (seen.value === value && seen.field === field && seen.source === source) {
      // Keep the earliest event (own time, then key) so the choice is independent of arrival order.
      if (event.at < ats[i]! || (event.at === ats[i]! && event.key < seen.eventKey)) {
        ats[i] = event.at;
        seen.eventKey = event.key;
      }
      return;
    }
  }
  list.push({ field, value, eventKey: event.key, source });
  ats.push(event.at);
}

function compareIdentifiers(a: SeenIdentifier, b: SeenIdentifier): number {
  return cmp(a.field, b.field) || cmp(a.value, b.value) || cmp(a.source, b.source);
}

/**
 * A copy without spare capacity. Arrays grown by `push` reserve 17 slots; the result keeps tens of
 * thousands of small arrays alive, so trimming them makes the garbage collector's job much lighter.
 */
export function exact<T>(list: T[]): T[] {
  return list.length === 0 ? [] : list.slice();
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
