import { BREAKOUT_JOINED, BREAKOUT_LEFT, JOINED, LEFT, NO_STRING, REPORT_ROW, SOURCES, type EventColumnsBuilder } from "./event-columns.js";
import type { EventSource } from "./normalised-event.js";
import { CUSTOMER_KEY, EMAIL, FIELD_OF_CODE, ID, PARTICIPANT_USER_ID, REGISTRANT_ID, USER_NAME } from "./identifier-fields.js";
import { resolvedIdentity, resolveIdentifiers, type IdentityContext, type ResolvedIdentity } from "./identity.js";
import type { Interval, Resolution, SeenIdentifier, Session } from "./instance-result.js";
import { intervalOf, pairTimes } from "./intervals.js";
import { SessionTable } from "./session-table.js";
import type { Scratch } from "./scratch.js";
import { grown } from "./typed-arrays.js";
import { compareStrings } from "./comparators.js";
import { sortPrefix } from "./sort-prefix.js";

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
 * Every distinct participant event of the instance, once, as columns: row `i` is chained to the
 * previous row of its connection by `next[i]` (-1 ends the chain). No object per event, and nothing
 * for the garbage collector to trace but a few typed arrays and the strings.
 */
export interface EventStore {
  /** The rows, with the state's own string table. */
  rows: EventColumnsBuilder;
  next: number[];
  /** A cheap digest of each row's key, so de-duplication compares keys only when it matches. */
  fingerprints: number[];
}

/** Finds a connection by a string (a user_id, or a participant_uuid). */
export interface ConnectionLookup {
  get(value: string): Connection | undefined;
}

/** Context shared by every session of one result. */
export interface SessionContext {
  instanceStart: number | undefined;
  endTimes: readonly number[];
  openEnd: number;
  /** Resolves each session as it is built (its identifiers are still in the scratch columns then). */
  identity: IdentityContext;
  /** Build the rich `Session` and `Resolution` objects too (else only the table's columns). */
  detail: boolean;
}

export interface ConnectionGraph {
  connections: readonly Connection[];
  byUserId: ConnectionLookup;
  /** First connection seen with each participant_uuid. */
  byUuid: ConnectionLookup;
  /** Pairs of connection indexes sharing a participant_uuid. */
  uuidEdges: readonly number[];
  store: EventStore;
}

/** The sessions of one result: a table row each (build order), and with detail their objects aligned with it. */
export interface BuiltSessions {
  table: SessionTable;
  /** With detail: row `i`'s session and resolution; empty otherwise. */
  sessions: Session[];
  resolutions: Resolution[];
  /** Earliest interval start over all sessions (Infinity when none). */
  firstFrom: number;
  /** Latest interval end over all sessions, open ones counting until `openEnd` (-Infinity when none). */
  lastTo: number;
}

/**
 * Groups connections into sessions: connections sharing a participant_uuid, a breakout room's
 * `parent_user_id` or a phone bind are one session (union–find over connection, uuid and user-id
 * nodes). Only groups with attendance (joins, leaves, report rows) become sessions; waiting-room and
 * join-before-host events only add identifiers to the session they share a key with. Each session
 * is resolved as it is built. Rows come in group order; `table.sortedOrder()` sorts them by key.
 */
export function buildSessions(graph: ConnectionGraph, ctx: SessionContext, scratch: Scratch): BuiltSessions {
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
  const built: BuiltSessions = { table: new SessionTable(), sessions: [], resolutions: [], firstFrom: Infinity, lastTo: -Infinity };
  const resolved = resolvedIdentity();
  const group: Connection[] = [];
  for (let g = 0; g < roots.length; g++) {
    group.length = 0;
    let attendance = false;
    for (let c = roots[g]!; c !== -1; c = nextInGroup[c]!) {
      const conn = connections[c]!;
      group.push(conn);
      if (conn.attendance) attendance = true;
    }
    if (attendance) buildSession(group, graph.store, ctx, built, resolved, scratch);
  }
  return built;
}

/** What gathering a group's events collects besides the scratch columns: counts, and the latest name. */
interface Gathered {
  nMerged: number;
  nIds: number;
  nNames: number;
  nIdentifiers: number;
  webhook: boolean;
  latestName: string | undefined;
  latestNameAt: number;
  latestNameKey: string;
}

/** Gathers one group's events into the scratch, then adds the session as a table row (and objects, with detail). */
export function buildSession(group: Connection[], store: EventStore, ctx: SessionContext, built: BuiltSessions, resolved: ResolvedIdentity, scratch: Scratch): void {
  const key = chooseKey(group);
  const g: Gathered = { nMerged: 0, nIds: 0, nNames: 0, nIdentifiers: 0, webhook: false, latestName: undefined, latestNameAt: -Infinity, latestNameKey: "" };
  scratch.pieces.clear();
  for (let i = 0; i < group.length; i++) gatherConnection(group[i]!, key.value, store, ctx, scratch, g);
  const { present, attendedMs, m } = sessionTime(scratch, ctx.openEnd, built);
  resolveIdentifiers(key.value, scratch, g.nIdentifiers, g.nNames > 0, store.rows.key, ctx.identity, ctx.detail, resolved);
  addTableRow(built.table, key, resolved, g, scratch, attendedMs, present, m);
  if (ctx.detail) addObjects(built, key, g, scratch, store.rows.key, attendedMs, present, m, resolved);
}

/** One connection's ids (with detail), its times paired into pieces, and its events' identifiers and names into the scratch. */
function gatherConnection(conn: Connection, keyValue: string, store: EventStore, ctx: SessionContext, scratch: Scratch, g: Gathered): void {
  const scratchNames = scratch.names;
  if (conn.webhook) g.webhook = true;
  if (ctx.detail) gatherIds(conn, keyValue, scratch, g);
  const rows = store.rows;
  const next = store.next;
  const { kind: kinds, at: ats, leaveAt: leaveAts, source: sources, key: keys, strings } = rows;
  const { customerKey, registrantId, zoomUserId, id: zoomId, email, userName: userNames } = rows;
  let nJoins = 0;
  let nLeaves = 0;
  let joins = scratch.joins;
  let leaves = scratch.leaves;
  let n = g.nIdentifiers;
  for (let i = conn.last; i !== -1; i = next[i]!) {
    const kind = kinds[i]!;
    const at = ats[i]!;
    // Attendance times: joins and leaves of the meeting proper and breakout rooms; report rows both.
    if (kind === JOINED || kind === BREAKOUT_JOINED || kind === REPORT_ROW) {
      if (nJoins === joins.length) joins = scratch.joins = grown(joins);
      joins[nJoins++] = at;
    }
    if (kind === LEFT || kind === BREAKOUT_LEFT || kind === REPORT_ROW) {
      if (nLeaves === leaves.length) leaves = scratch.leaves = grown(leaves);
      leaves[nLeaves++] = kind === REPORT_ROW ? leaveAts[i]! : at;
    }
    const source = sources[i]!;
    let id = customerKey[i]!;
    if (id !== NO_STRING) n = addIdentifier(scratch, strings, n, CUSTOMER_KEY, id, source, at, i, keys);
    id = registrantId[i]!;
    if (id !== NO_STRING) n = addIdentifier(scratch, strings, n, REGISTRANT_ID, id, source, at, i, keys);
    id = zoomUserId[i]!;
    if (id !== NO_STRING) n = addIdentifier(scratch, strings, n, PARTICIPANT_USER_ID, id, source, at, i, keys);
    id = zoomId[i]!;
    if (id !== NO_STRING) n = addIdentifier(scratch, strings, n, ID, id, source, at, i, keys);
    id = email[i]!;
    if (id !== NO_STRING) n = addIdentifier(scratch, strings, n, EMAIL, id, source, at, i, keys);
    id = userNames[i]!;
    if (id !== NO_STRING) {
      n = addIdentifier(scratch, strings, n, USER_NAME, id, source, at, i, keys);
      const userName = strings[id]!;
      if (!includes(scratchNames, g.nNames, userName)) scratchNames[g.nNames++] = userName;
      if (at > g.latestNameAt || (at === g.latestNameAt && keys[i]! > g.latestNameKey)) {
        g.latestName = userName;
        g.latestNameAt = at;
        g.latestNameKey = keys[i]!;
      }
    }
  }
  g.nIdentifiers = n;
  if (nJoins > 0 || nLeaves > 0) pairTimes(joins, nJoins, leaves, nLeaves, ctx.instanceStart, ctx.endTimes, scratch.pieces);
}

/** With detail: the connection's user_id, and the participant_uuids merged into the session's key. */
function gatherIds(conn: Connection, keyValue: string, scratch: Scratch, g: Gathered): void {
  const { merged: scratchStrings, userIds: scratchIds } = scratch;
  if (conn.userId !== undefined) scratchIds[g.nIds++] = conn.userId;
  const first = conn.uuid;
  if (first !== undefined && first !== keyValue && !includes(scratchStrings, g.nMerged, first)) scratchStrings[g.nMerged++] = first;
  const more = conn.moreUuids;
  if (more !== undefined) {
    for (let u = 0; u < more.length; u++) {
      const uuid = more[u]!;
      if (uuid !== keyValue && !includes(scratchStrings, g.nMerged, uuid)) scratchStrings[g.nMerged++] = uuid;
    }
  }
  if (conn.phoneLeg && first === undefined && conn.userId !== undefined && conn.userId !== keyValue) scratchStrings[g.nMerged++] = conn.userId;
}

/** The session's pieces merged: attended time (open time counted to `openEnd`), presence; the result's span widened to them. */
function sessionTime(scratch: Scratch, openEnd: number, built: BuiltSessions): { present: boolean; attendedMs: number; m: number } {
  const pieces = scratch.pieces;
  const m = pieces.merge();
  const { mergedFrom, mergedTo } = pieces;
  let present = false;
  let attendedMs = 0;
  for (let i = 0; i < m; i++) {
    const from = mergedFrom[i]!;
    if (from < built.firstFrom) built.firstFrom = from;
    let to = mergedTo[i]!;
    if (to === Infinity) {
      present = true;
      to = openEnd > from ? openEnd : from;
      if (openEnd > built.lastTo) built.lastTo = openEnd;
    } else if (to > built.lastTo) built.lastTo = to;
    attendedMs += to - from;
  }
  return { present, attendedMs, m };
}

function addTableRow(table: SessionTable, key: { value: string; isUuid: boolean }, resolved: ResolvedIdentity, g: Gathered, scratch: Scratch, attendedMs: number, present: boolean, m: number): void {
  const pieces = scratch.pieces;
  table.key.push(key.value);
  table.keyIsUuid.push(key.isUuid);
  table.userId.push(resolved.userId);
  table.methodRank.push(resolved.methodRank);
  table.confidence.push(resolved.confidence);
  table.sourceRank.push(resolved.sourceRank);
  table.reason.push(resolved.reason);
  table.latestName.push(g.latestName);
  table.attendedMs.push(attendedMs);
  table.present.push(present);
  table.webhook.push(g.webhook);
  table.followsStart.push(pieces.anyFlag(2));
  table.followsEnd.push(pieces.anyFlag(1) || present);
  table.addIntervals(pieces, m);
  table.length++;
}

/** With detail: the session's and resolution's objects, aligned with the table row just added. */
function addObjects(built: BuiltSessions, key: { value: string; isUuid: boolean }, g: Gathered, scratch: Scratch, keys: readonly string[], attendedMs: number, present: boolean, m: number, resolved: ResolvedIdentity): void {
  const { mergedFrom, mergedTo, mergedFlags } = scratch.pieces;
  const keyValue = key.value;
  const intervals: Interval[] = new Array(m);
  for (let i = 0; i < m; i++) intervals[i] = intervalOf(mergedFrom[i]!, mergedTo[i]!, mergedFlags[i]!);
  const userIds = sortedCopy(scratch.userIds, g.nIds);
  const mergedKeys = sortedCopy(scratch.merged, g.nMerged);
  const identifiers = identifierList(scratch, g.nIdentifiers, keys);
  const names = sortedCopy(scratch.names, g.nNames);
  const source: EventSource = g.webhook ? "webhook" : "report";
  // One literal per shape (participantUuid last, as when it used to be added afterwards): a property
  // added later would give every session an extra out-of-object property store.
  built.sessions.push(
    key.isUuid
      ? { sessionKey: keyValue, userIds, mergedKeys, identifiers, names, intervals, attendedMs, present, source, participantUuid: keyValue }
      : { sessionKey: keyValue, userIds, mergedKeys, identifiers, names, intervals, attendedMs, present, source },
  );
  built.resolutions.push(resolved.resolution!);
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
  sortPrefix(out, n, compareStrings);
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

function addIdentifier(scratch: Scratch, strings: readonly string[], n: number, field: number, value: number, sourceCode: number, at: number, row: number, keys: readonly string[]): number {
  const { idFieldCode, idValue, idSourceCode, idAt, idRow } = scratch;
  const text = strings[value]!;
  // Linear scan: a session has a handful of distinct identifiers, cheaper than a Map per session.
  // Strings, not ids, are compared: identifier values are not interned.
  for (let i = 0; i < n; i++) {
    if (idValue[i] === text && idFieldCode[i] === field && idSourceCode[i] === sourceCode) {
      // Keep the earliest event (own time, then key) so the choice is independent of arrival order.
      if (at < idAt[i]! || (at === idAt[i]! && keys[row]! < keys[idRow[i]!]!)) {
        idAt[i] = at;
        idRow[i] = row;
      }
      return n;
    }
  }
  idFieldCode[n] = field;
  idSourceCode[n] = sourceCode;
  idAt[n] = at;
  idRow[n] = row;
  scratch.idField[n] = FIELD_OF_CODE[field]!;
  idValue[n] = text;
  scratch.idSource[n] = SOURCES[sourceCode]!;
  return n + 1;
}

/** The scratch identifiers sorted by field, value, source, as result objects. */
function identifierList(scratch: Scratch, n: number, keys: readonly string[]): SeenIdentifier[] {
  if (n === 0) return [];
  const { idField, idValue, idRow, idSource, idOrder } = scratch;
  for (let i = 0; i < n; i++) idOrder[i] = i;
  sortPrefix(idOrder, n, scratch.compareIdentifiers);
  const out: SeenIdentifier[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const k = idOrder[i]!;
    out[i] = { field: idField[k]!, value: idValue[k]!, eventKey: keys[idRow[k]!]!, source: idSource[k]! };
  }
  return out;
}

export type { Interval };
