import type { EventSource, ParticipantEvent, ReportRowEvent } from "./normalised-event.js";
import type { Interval, SeenIdentifier, Session, IdentifierField } from "./instance-result.js";
import { PieceBuffer } from "./intervals.js";

/**
 * Everything known about one Zoom connection of an instance: one `user_id` (each room segment and
 * each rejoin has its own), or a `participant_uuid` when an event had no `user_id`.
 * Filled by the incremental state in O(1) per event; read when a result is asked for.
 * The connection's events live in the state's {@link EventStore}, chained from `last`.
 */
export interface Connection {
  /** Position in the state's connection list (union–find node). */
  index: number;
  /** The connection's `user_id`; undefined when its events only had a participant_uuid. */
  userId: string | undefined;
  /** The first participant_uuid seen on its events (normally the only one). */
  uuid: string | undefined;
  /** Further participant_uuids, when there are any. */
  moreUuids: string[] | undefined;
  /** user_ids this connection belongs with: breakout `parent_user_id`, bound computer participant. */
  linkedUserIds: string[];
  /** participant_uuids this connection belongs with (bound computer participant). */
  linkedUuids: string[];
  phoneLeg: boolean;
  breakout: boolean;
  /** Index in the event store of the connection's most recent event (-1: none); earlier ones via `next`. */
  last: number;
  attendance: boolean;
  webhook: boolean;
}

/**
 * Every distinct participant event of the instance, once: `events[i]` is chained to the previous
 * event of its connection by `next[i]` (-1 ends the chain). One flat list instead of an array per
 * connection: no per-event allocation, and nothing for the garbage collector to trace but the events.
 */
export interface EventStore {
  events: Array<ParticipantEvent | ReportRowEvent>;
  next: number[];
  /** A cheap digest of each event's key, so de-duplication compares keys only when it matches. */
  fingerprints: number[];
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
  store: EventStore;
}

/** Sessions sorted by key, with what unresolved reports and the instance span need. */
export interface BuiltSessions {
  sessions: Session[];
  /** Latest name by event time (then key) per session, aligned with `sessions`. */
  latestNames: Array<string | undefined>;
  /** Earliest interval start over all sessions (Infinity when none). */
  firstFrom: number;
  /** Latest interval end over all sessions, open ones counting until `openEnd` (-Infinity when none). */
  lastTo: number;
}

/**
 * Groups connections into sessions: connections sharing a participant_uuid, a breakout room's
 * `parent_user_id` or a phone bind are one session (union–find over connection, uuid and user-id
 * nodes). Only groups with attendance (joins, leaves, report rows) become sessions; waiting-room and
 * join-before-host events only add identifiers to the session they share a key with.
 */
export function buildSessions(graph: ConnectionGraph, ctx: SessionContext): BuiltSessions {
  const { connections, byUserId, byUuid, uuidEdges } = graph;
  const n = connections.length;
  // Union–find over connection indexes, plus phantom nodes for link targets never seen themselves
  // (e.g. two breakout segments whose parent user_id had no event of its own).
  const parent: number[] = new Array(n);
  for (let c = 0; c < n; c++) parent[c] = c;
  let phantoms: Map<string, number> | undefined;
  const phantom = (name: string): number => {
    phantoms ??= new Map();
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
  for (let c = 0; c < n; c++) {
    const conn = connections[c]!;
    const lu = conn.linkedUserIds;
    // The phantom's name is only built when there is no connection to link to.
    for (let k = 0; k < lu.length; k++) union(c, byUserId.get(lu[k]!)?.index ?? phantom(`u${lu[k]!}`));
    const lp = conn.linkedUuids;
    for (let k = 0; k < lp.length; k++) union(c, byUuid.get(lp[k]!)?.index ?? phantom(`p${lp[k]!}`));
  }
  // Groups as chains of connection indexes (a root is its group's smallest index, so groups come in
  // order of their first connection, as a Map keyed by root would give them).
  const nextInGroup = new Int32Array(n);
  const tail = new Int32Array(n);
  const roots: number[] = [];
  for (let c = 0; c < n; c++) {
    const root = find(c);
    nextInGroup[c] = -1;
    if (root === c) {
      roots.push(c);
      tail[c] = c;
    } else {
      nextInGroup[tail[root]!] = c;
      tail[root] = c;
    }
  }
  const sessions: Session[] = [];
  const latestNames: Array<string | undefined> = [];
  const span = { firstFrom: Infinity, lastTo: -Infinity };
  const group: Connection[] = [];
  for (let g = 0; g < roots.length; g++) {
    group.length = 0;
    let attendance = false;
    for (let c = roots[g]!; c !== -1; c = nextInGroup[c]!) {
      const conn = connections[c]!;
      group.push(conn);
      if (conn.attendance) attendance = true;
    }
    if (!attendance) continue;
    sessions.push(buildSession(group, graph.store, ctx, span, latestNames));
  }
  // Sort by key (stable, like the map-ordered list it replaces), keeping latest names aligned.
  const order: number[] = new Array(sessions.length);
  let sorted = true;
  for (let i = 0; i < sessions.length; i++) {
    order[i] = i;
    if (i > 0 && sessions[i - 1]!.sessionKey > sessions[i]!.sessionKey) sorted = false;
  }
  if (!sorted) {
    const keys = sessions.map((s) => s.sessionKey);
    order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
    const s2: Session[] = new Array(sessions.length);
    const n2: Array<string | undefined> = new Array(sessions.length);
    for (let i = 0; i < order.length; i++) {
      s2[i] = sessions[order[i]!]!;
      n2[i] = latestNames[order[i]!];
    }
    return { sessions: s2, latestNames: n2, firstFrom: span.firstFrom, lastTo: span.lastTo };
  }
  return { sessions, latestNames, firstFrom: span.firstFrom, lastTo: span.lastTo };
}

// Scratch buffers reused by every session (results are computed synchronously, one at a time).
const pieces = new PieceBuffer();
let joins = new Float64Array(64);
let leaves = new Float64Array(64);
const scratchStrings: string[] = [];
const scratchIds: string[] = [];
const scratchNames: string[] = [];
const idField: IdentifierField[] = [];
const idValue: string[] = [];
const idKey: string[] = [];
const idSource: EventSource[] = [];
const idAt: number[] = [];
const idOrder: number[] = [];

function buildSession(
  group: Connection[],
  store: EventStore,
  ctx: SessionContext,
  span: { firstFrom: number; lastTo: number },
  latestNames: Array<string | undefined>,
): Session {
  const key = chooseKey(group);
  const keyValue = key.value;
  const events = store.events;
  const next = store.next;
  let nMerged = 0;
  let nIds = 0;
  let nNames = 0;
  let nIdentifiers = 0;
  let webhook = false;
  let latestName: string | undefined;
  let latestNameAt = -Infinity;
  let latestNameKey = "";
  pieces.clear();
  for (let g = 0; g < group.length; g++) {
    const conn = group[g]!;
    if (conn.userId !== undefined) scratchIds[nIds++] = conn.userId;
    if (conn.webhook) webhook = true;
    const first = conn.uuid;
    if (first !== undefined && first !== keyValue && !includes(scratchStrings, nMerged, first)) scratchStrings[nMerged++] = first;
    const more = conn.moreUuids;
    if (more !== undefined) {
      for (let u = 0; u < more.length; u++) {
        const uuid = more[u]!;
        if (uuid !== keyValue && !includes(scratchStrings, nMerged, uuid)) scratchStrings[nMerged++] = uuid;
      }
    }
    if (conn.phoneLeg && first === undefined && conn.userId !== undefined && conn.userId !== keyValue) scratchStrings[nMerged++] = conn.userId;
    let nJoins = 0;
    let nLeaves = 0;
    for (let i = conn.last; i !== -1; i = next[i]!) {
      const event = events[i]!;
      // Attendance times: joins and leaves of the meeting proper and breakout rooms; report rows both.
      if (event.type === "report_row") {
        if (event.status !== "in_waiting_room") {
          if (nJoins === joins.length) joins = grown(joins);
          joins[nJoins++] = event.at;
          if (nLeaves === leaves.length) leaves = grown(leaves);
          leaves[nLeaves++] = event.leaveAt;
        }
      } else {
        const kind = event.kind;
        if (kind === "joined" || kind === "breakout_joined") {
          if (nJoins === joins.length) joins = grown(joins);
          joins[nJoins++] = event.at;
        } else if (kind === "left" || kind === "breakout_left") {
          if (nLeaves === leaves.length) leaves = grown(leaves);
          leaves[nLeaves++] = event.at;
        }
      }
      const p = event.participant;
      if (p.customerKey !== undefined) nIdentifiers = addIdentifier(nIdentifiers, "customer_key", p.customerKey, event);
      if (p.registrantId !== undefined) nIdentifiers = addIdentifier(nIdentifiers, "registrant_id", p.registrantId, event);
      if (p.zoomUserId !== undefined) nIdentifiers = addIdentifier(nIdentifiers, "participant_user_id", p.zoomUserId, event);
      if (p.id !== undefined) nIdentifiers = addIdentifier(nIdentifiers, "id", p.id, event);
      if (p.email !== undefined) nIdentifiers = addIdentifier(nIdentifiers, "email", p.email, event);
      const userName = p.userName;
      if (userName !== undefined) {
        nIdentifiers = addIdentifier(nIdentifiers, "user_name", userName, event);
        if (!includes(scratchNames, nNames, userName)) scratchNames[nNames++] = userName;
        if (event.at > latestNameAt || (event.at === latestNameAt && event.key > latestNameKey)) {
          latestName = userName;
          latestNameAt = event.at;
          latestNameKey = event.key;
        }
      }
    }
    if (nJoins > 0 || nLeaves > 0) pairTimes(nJoins, nLeaves, ctx.instanceStart, ctx.endTimes);
  }
  const intervals = pieces.union();
  let present = false;
  let attendedMs = 0;
  const openEnd = ctx.openEnd;
  for (let i = 0; i < intervals.length; i++) {
    const interval = intervals[i]!;
    const from = interval.from;
    if (from < span.firstFrom) span.firstFrom = from;
    let to: number;
    if (interval.to === undefined) {
      present = true;
      to = openEnd > from ? openEnd : from;
      if (openEnd > span.lastTo) span.lastTo = openEnd;
    } else {
      to = interval.to;
      if (to > span.lastTo) span.lastTo = to;
    }
    attendedMs += to - from;
  }
  const userIds = sortedCopy(scratchIds, nIds);
  const mergedKeys = sortedCopy(scratchStrings, nMerged);
  const identifiers = identifierList(nIdentifiers);
  const names = sortedCopy(scratchNames, nNames);
  const source: EventSource = webhook ? "webhook" : "report";
  // One literal per shape (participantUuid last, as when it used to be added afterwards): a property
  // added later would give every session an extra out-of-object property store.
  const session: Session = key.isUuid
    ? { sessionKey: keyValue, userIds, mergedKeys, identifiers, names, intervals, attendedMs, present, source, participantUuid: keyValue }
    : { sessionKey: keyValue, userIds, mergedKeys, identifiers, names, intervals, attendedMs, present, source };
  latestNames.push(latestName);
  return session;
}

/**
 * One connection's joins and leaves (in the scratch buffers) → pieces; the rules of
 * {@link pairJoinsAndLeaves} in `intervals.ts`, without arrays or objects.
 */
function pairTimes(nJoins: number, nLeaves: number, instanceStart: number | undefined, endTimes: readonly number[]): void {
  sortNumbers(joins, nJoins);
  sortNumbers(leaves, nLeaves);
  let open = NaN;
  let sawJoin = false;
  let j = 0;
  let l = 0;
  while (j < nJoins || l < nLeaves) {
    if (j < nJoins && (l >= nLeaves || joins[j]! <= leaves[l]!)) {
      if (open !== open) open = joins[j]!;
      sawJoin = true;
      j++;
      continue;
    }
    const at = leaves[l++]!;
    if (open === open) {
      pieces.add(open, at, false, false);
      open = NaN;
    } else if (!sawJoin) {
      pieces.add(instanceStart !== undefined && instanceStart <= at ? instanceStart : at, at, false, true);
      sawJoin = true; // later stray leaves of this connection are stale extras
    }
  }
  if (open === open) {
    let end = Infinity;
    for (let i = 0; i < endTimes.length; i++) {
      if (endTimes[i]! >= open) {
        end = endTimes[i]!;
        break;
      }
    }
    pieces.add(open, end, end !== Infinity, false);
  }
}

function sortNumbers(a: Float64Array, n: number): void {
  if (n < 2) return;
  if (n > 32) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let k = i - 1;
    while (k >= 0 && a[k]! > v) {
      a[k + 1] = a[k]!;
      k--;
    }
    a[k + 1] = v;
  }
}

function grown(a: Float64Array): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

function includes(list: string[], n: number, value: string): boolean {
  for (let i = 0; i < n; i++) if (list[i] === value) return true;
  return false;
}

/** The first `n` strings of a scratch list, sorted (like `Array.prototype.sort()` on strings), as a new exact-size array. */
export function sortedCopy(list: string[], n: number): string[] {
  if (n === 0) return [];
  if (n === 1) return [list[0]!];
  if (n === 2) return list[0]! <= list[1]! ? [list[0]!, list[1]!] : [list[1]!, list[0]!];
  const out = list.slice(0, n);
  if (n > 32) return out.sort();
  for (let i = 1; i < n; i++) {
    const v = out[i]!;
    let k = i - 1;
    while (k >= 0 && out[k]! > v) {
      out[k + 1] = out[k]!;
      k--;
    }
    out[k + 1] = v;
  }
  return out;
}

/**
 * participant_uuid where present (the computer side's when a phone leg is bound), else the main-room
 * user_id; the smallest value when several qualify, so the choice does not depend on arrival.
 */
function chooseKey(group: Connection[]): { value: string; isUuid: boolean } {
  // A phone leg's participant_uuid may also sit on its user_id connection (which saw no bind event).
  let phoneUuids: string[] | undefined;
  for (const conn of group) {
    if (!conn.phoneLeg || conn.uuid === undefined) continue;
    (phoneUuids ??= []).push(conn.uuid);
    if (conn.moreUuids !== undefined) phoneUuids.push(...conn.moreUuids);
  }
  let best: string | undefined;
  for (let pass = 0; pass < 2; pass++) {
    for (let g = 0; g < group.length; g++) {
      const conn = group[g]!;
      const more = conn.moreUuids;
      for (let k = -1; k < (more === undefined ? 0 : more.length); k++) {
        const u = k === -1 ? conn.uuid : more![k]!;
        if (u === undefined) break;
        const phone = phoneUuids !== undefined && phoneUuids.includes(u);
        if (phone === (pass === 1) && (best === undefined || u < best)) best = u;
      }
    }
    if (best !== undefined) return { value: best, isUuid: true };
    if (phoneUuids === undefined) break; // nothing for the second pass to find
  }
  for (let pass = 0; pass < 3; pass++) {
    for (let g = 0; g < group.length; g++) {
      const conn = group[g]!;
      const eligible = pass === 0 ? !conn.phoneLeg && !conn.breakout : pass === 1 ? !conn.phoneLeg : true;
      if (eligible && conn.userId !== undefined && (best === undefined || conn.userId < best)) best = conn.userId;
    }
    if (best !== undefined) return { value: best, isUuid: false };
  }
  return { value: group[0]!.uuid ?? "", isUuid: true };
}

function addIdentifier(n: number, field: IdentifierField, value: string, event: ParticipantEvent | ReportRowEvent): number {
  const source: EventSource = event.source;
  // Linear scan: a session has a handful of distinct identifiers, cheaper than a Map per session.
  for (let i = 0; i < n; i++) {
    if (idValue[i] === value && idField[i] === field && idSource[i] === source) {
      // Keep the earliest event (own time, then key) so the choice is independent of arrival order.
      if (event.at < idAt[i]! || (event.at === idAt[i]! && event.key < idKey[i]!)) {
        idAt[i] = event.at;
        idKey[i] = event.key;
      }
      return n;
    }
  }
  idField[n] = field;
  idValue[n] = value;
  idKey[n] = event.key;
  idSource[n] = source;
  idAt[n] = event.at;
  return n + 1;
}

/** The scratch identifiers sorted by field, value, source, as result objects. */
function identifierList(n: number): SeenIdentifier[] {
  if (n === 0) return [];
  for (let i = 0; i < n; i++) idOrder[i] = i;
  if (n > 32) {
    const order = idOrder.slice(0, n).sort(compareIdentifiers);
    for (let i = 0; i < n; i++) idOrder[i] = order[i]!;
  } else {
    for (let i = 1; i < n; i++) {
      const v = idOrder[i]!;
      let k = i - 1;
      while (k >= 0 && compareIdentifiers(idOrder[k]!, v) > 0) {
        idOrder[k + 1] = idOrder[k]!;
        k--;
      }
      idOrder[k + 1] = v;
    }
  }
  const out: SeenIdentifier[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const k = idOrder[i]!;
    out[i] = { field: idField[k]!, value: idValue[k]!, eventKey: idKey[k]!, source: idSource[k]! };
  }
  return out;
}

function compareIdentifiers(a: number, b: number): number {
  return cmp(idField[a]!, idField[b]!) || cmp(idValue[a]!, idValue[b]!) || cmp(idSource[a]!, idSource[b]!);
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

export type { Interval };
