import { computeAttendance } from "./attendance.js";
import { resolveEngineOptions, type EngineOptions } from "./engine-options.js";
import { identityContext, resolveSession } from "./identity.js";
import type { InstanceInfo, InstanceResult, Resolution } from "./instance-result.js";
import type { Link } from "./link.js";
import { toLinkIndex, type LinkIndex } from "./link-index.js";
import type { InstanceEvent, MeetingInfo, NormalisedEvent, Product } from "./normalised-event.js";
import { Scratch } from "./scratch.js";
import { buildSessions, type Connection, type ConnectionLookup, type EventStore } from "./sessions.js";
import { BIND, BREAKOUT_JOINED, BREAKOUT_LEFT, EventColumnsBuilder, JOINED, LEFT, NO_STRING, REPORT_ROW, REPORT_ROW_WAITING, type EventColumns } from "./event-columns.js";


/**
 * The engine's incremental form: feed events one at a time or as columns (any order, duplicates
 * welcome), ask for a result whenever needed. Applying is O(1) per event; `result` is O(events of
 * the instance). The output is identical to `computeInstance` over the same events, because the
 * state keeps only order-independent facts (each distinct event once, as a row of columns chained
 * per connection; min/max times) and derives the rest in `result`.
 */
export interface InstanceState {
  /** Adds one event; returns false when it was a duplicate (same `key`) or a registration (meeting-level). */
  apply(event: NormalisedEvent): boolean;
  /**
   * Adds every row of `columns` (participant events and report rows; instance events go to
   * `apply`), without an object per event. Returns how many were new (not duplicates).
   */
  applyColumns(columns: EventColumns): number;
  /** Sessions, resolutions and attendance for the events applied so far. */
  result(links: readonly Link[] | LinkIndex, options?: EngineOptions): InstanceResult;
  /** Number of distinct events applied. */
  readonly size: number;
}

/**
 * Creates an empty {@link InstanceState}. All events must belong to one instance (`instanceUuid`);
 * applying one of another instance throws, since mixing them is a caller bug.
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
  const rows = new EventColumnsBuilder(64);
  const strings = rows.strings;
  const store: EventStore = { rows, next: [], fingerprints: [] };
  // Connections by string id (index + 1; 0: none): by user_id, by participant_uuid for events
  // without a user_id, and the first connection seen with each participant_uuid (later ones are
  // recorded as edges to it).
  let byUserIdId = new Int32Array(64);
  let byUuidOnlyId = new Int32Array(64);
  let firstByUuidId = new Int32Array(64);
  const uuidEdges: number[] = [];
  const connections: Connection[] = [];
  let uuidId = NO_STRING;
  let uuid: string | undefined;
  let meetingId = "";
  let accountId = "";
  let product: Product = "meeting";
  let startTime: number | undefined;
  let endTime: number | undefined;
  const endTimes: number[] = [];
  let infoEvent: InstanceEvent | undefined;
  let latest = -Infinity;

  const ensureIds = (): void => {
    const n = strings.length;
    if (n <= byUserIdId.length) return;
    const size = Math.max(n, byUserIdId.length * 2);
    const grow = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    byUserIdId = grow(byUserIdId);
    byUuidOnlyId = grow(byUuidOnlyId);
    firstByUuidId = grow(firstByUuidId);
  };
  const byUserId: ConnectionLookup = { get: (value) => connectionOf(byUserIdId, value) };
  const byUuid: ConnectionLookup = { get: (value) => connectionOf(firstByUuidId, value) };
  const connectionOf = (table: Int32Array, value: string): Connection | undefined => {
    const id = rows.find(value);
    if (id === NO_STRING || id >= table.length) return undefined;
    const c = table[id]!;
    return c === 0 ? undefined : connections[c - 1];
  };

  const newConnection = (userId: string | undefined): Connection => {
    const conn: Connection = { index: connections.length, userId, uuid: undefined, moreUuids: undefined, linkedUserIds: NONE, linkedUuids: NONE, phoneLeg: false, breakout: false, last: -1, attendance: false, webhook: false };
    connections.push(conn);
    return conn;
  };

  /** Checks the instance and takes the smallest non-empty meeting id and account id (identical whatever the arrival order). */
  const instanceFacts = (instance: number, account: number, meeting: number, productCode: number): void => {
    if (uuidId === NO_STRING) {
      uuidId = instance;
      uuid = strings[instance];
    } else if (instance !== uuidId) {
      throw new Error(`instanceUuid: expected "${uuid}" (one instance per state), got "${strings[instance]}"; group events by instance first`);
    }
    const m = strings[meeting]!;
    if (m !== "" && m !== meetingId && (meetingId === "" || m < meetingId)) meetingId = m;
    const a = strings[account]!;
    if (a !== "" && a !== accountId && (accountId === "" || a < accountId)) accountId = a;
    if (productCode === 1) product = "webinar";
  };

  /**
   * Row `i` of `src` (string ids mapped by `id`) into the state, unless its connection already has
   * it. Returns false for a duplicate.
   */
  const applyRow = (src: EventColumns, i: number, id: (value: number) => number): boolean => {
    const userIdId = id(src.userId[i]!);
    const uuidOfRow = id(src.participantUuid[i]!);
    const key = src.key[i]!;
    ensureIds();
    let conn: Connection | undefined;
    if (userIdId !== NO_STRING) {
      const c = byUserIdId[userIdId]!;
      if (c === 0) {
        conn = newConnection(strings[userIdId]);
        byUserIdId[userIdId] = conn.index + 1;
      } else conn = connections[c - 1]!;
    } else if (uuidOfRow !== NO_STRING) {
      const c = byUuidOnlyId[uuidOfRow]!;
      if (c === 0) {
        conn = newConnection(undefined);
        byUuidOnlyId[uuidOfRow] = conn.index + 1;
      } else conn = connections[c - 1]!;
    } else {
      // jbh_* events have neither: they can never share a session, so they carry no evidence either.
      if (otherKeys.has(key)) return false;
      otherKeys.add(key);
      return true;
    }
    const next = store.next;
    const fingerprints = store.fingerprints;
    const fp = fingerprint(key);
    const keys = rows.key;
    // Compare keys only where the fingerprints match: earlier rows stay untouched (no cache misses).
    for (let r = conn.last; r !== -1; r = next[r]!) if (fingerprints[r] === fp && keys[r] === key) return false;
    const kind = src.kind[i]!;
    const at = src.at[i]!;
    const row = rows.addRow(kind, at, src.leaveAt[i]!, src.source[i]!, src.product[i]!, key, uuidId, NO_STRING, NO_STRING);
    rows.userId[row] = userIdId;
    rows.participantUuid[row] = uuidOfRow;
    rows.userName[row] = id(src.userName[i]!);
    rows.email[row] = id(src.email[i]!);
    rows.zoomUserId[row] = id(src.zoomUserId[i]!);
    rows.registrantId[row] = id(src.registrantId[i]!);
    rows.customerKey[row] = id(src.customerKey[i]!);
    next.push(conn.last);
    fingerprints.push(fp);
    conn.last = row;
    if (uuidOfRow !== NO_STRING) {
      const u = strings[uuidOfRow]!;
      // The first participant_uuid sits on the connection itself: no list to read for the usual one.
      if (u !== conn.uuid && !isExtraUuid(conn, u)) {
        if (conn.uuid === undefined) conn.uuid = u;
        else (conn.moreUuids ??= []).push(u);
        const first = firstByUuidId[uuidOfRow]!;
        if (first === 0) firstByUuidId[uuidOfRow] = conn.index + 1;
        else uuidEdges.push(first - 1, conn.index);
      }
    }
    if (kind === REPORT_ROW_WAITING) return true;
    if (kind === REPORT_ROW) {
      conn.attendance = true;
      const leaveAt = src.leaveAt[i]!;
      if (leaveAt > latest) latest = leaveAt;
      return true;
    }
    if (kind === BREAKOUT_JOINED || kind === BREAKOUT_LEFT) {
      conn.breakout = true;
      const parent = id(src.parentUserId[i]!);
      if (parent !== NO_STRING) conn.linkedUserIds = withValue(conn.linkedUserIds, strings[parent]!);
    }
    if (kind === BIND) {
      const boundUuid = id(src.boundUuid[i]!);
      const boundUser = id(src.boundUserId[i]!);
      // A bind that does not say what it binds to binds nothing.
      if (src.bound[i] === 1) {
        conn.phoneLeg = true;
        if (boundUuid !== NO_STRING) conn.linkedUuids = withValue(conn.linkedUuids, strings[boundUuid]!);
        if (boundUser !== NO_STRING) conn.linkedUserIds = withValue(conn.linkedUserIds, strings[boundUser]!);
      }
    }
    // Only the meeting proper and breakout rooms are attendance (their times are read from the
    // stored rows when a result is asked for); waiting room and jbh only add evidence.
    if (kind === JOINED || kind === BREAKOUT_JOINED || kind === LEFT || kind === BREAKOUT_LEFT) {
      conn.attendance = true;
      conn.webhook = true;
      if (at > latest) latest = at;
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

  // One event object goes through a one-row column batch of its own: one code path for both inputs.
  const single = new EventColumnsBuilder(1, rows);
  const sameId = (value: number): number => value;

  return {
    get size() {
      return size;
    },
    apply(event: NormalisedEvent): boolean {
      if (event.type === "registration") return false;
      if (event.type === "instance") {
        instanceFacts(rows.intern(event.instanceUuid), rows.intern(event.accountId), rows.intern(event.meetingId), event.product === "webinar" ? 1 : 0);
        if (otherKeys.has(event.key)) return false;
        otherKeys.add(event.key);
        size++;
        applyInstance(event);
        return true;
      }
      // Interned straight into the state's own table, so the row's ids need no mapping.
      single.clear();
      single.addEvent(event);
      instanceFacts(single.instanceUuid[0]!, single.accountId[0]!, single.meetingId[0]!, single.product[0]!);
      if (!applyRow(single, 0, sameId)) return false;
      size++;
      return true;
    },
    applyColumns(columns: EventColumns): number {
      // Batch string id → state string id, each batch string interned once.
      const map = new Int32Array(columns.strings.length).fill(-2);
      const id = (value: number): number => {
        if (value === NO_STRING) return NO_STRING;
        let mapped = map[value]!;
        if (mapped === -2) map[value] = mapped = rows.intern(columns.strings[value]!);
        return mapped;
      };
      let added = 0;
      for (let i = 0; i < columns.length; i++) {
        instanceFacts(id(columns.instanceUuid[i]!), id(columns.accountId[i]!), id(columns.meetingId[i]!), columns.product[i]!);
        if (applyRow(columns, i, id)) added++;
      }
      size += added;
      return added;
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
