import { computeAttendance } from "./attendance.js";
import { resolveEngineOptions, type EngineOptions, type ResolutionMethod } from "./engine-options.js";
import { identityContext } from "./identity.js";
import type { Attendance, InstanceResult, Resolution, Session } from "./instance-result.js";
import type { InstanceInfo } from "./result-common.js";
import type { LeanInstanceResult, LeanSession } from "./lean-result.js";
import type { Link } from "./link.js";
import { toLinkIndex, type LinkIndex } from "./link-index.js";
import type { InstanceEvent, MeetingInfo, NormalisedEvent, Product } from "./normalised-event.js";
import { Scratch } from "./scratch.js";
import { buildSessions, type Connection, type EventStore } from "./sessions.js";
import type { SessionTable } from "./session-table.js";
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
  /** Sessions, resolutions and attendance for the events applied so far, with every detail. */
  result(links: readonly Link[] | LinkIndex, options?: EngineOptions): InstanceResult;
  /**
   * The same figures without the per-session detail (identifiers, evidence, conflicts, intervals):
   * what attendance readers need, at a fraction of the cost of {@link result}.
   */
  lean(links: readonly Link[] | LinkIndex, options?: EngineOptions): LeanInstanceResult;
  /** Number of distinct events applied. */
  readonly size: number;
}

/**
 * Creates an empty {@link InstanceState}. All events must belong to one instance (`instanceUuid`);
 * applying one of another instance throws, since mixing them is a caller bug.
 *
 * @example
 * declare const bodies: AsyncIterable<unknown>; // parsed Zoom webhook bodies of one instance, as they arrive
 * const links: Link[] = [{ method: "customer_key", value: "ck-1", userId: "user-42" }];
 * const state = createInstanceState();
 * for await (const body of bodies) {
 *   const r = normaliseZoomEvent(body);
 *   if (r.status === "event") state.apply(r.event);
 * }
 * const now = 1767261600000; // the caller's clock: the core reads none
 * const { attendance, unresolved } = state.result(links, { now }); // open sessions count until now
 */
export function createInstanceState(): InstanceState {
  // Keys of events that have no connection (instance events, jbh_* without ids); connection events
  // are de-duplicated within their connection, which keeps this set tiny.
  const otherKeys = new Set<string>();
  let size = 0;
  const rows = new EventColumnsBuilder(64);
  const strings = rows.strings;
  const store: EventStore = { rows, next: [], fingerprints: [] };
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

  const newConnection = (userId: string | undefined): Connection => {
    const conn: Connection = { index: connections.length, userId, uuid: undefined, moreUuids: undefined, linkedUserIds: NONE, linkedUuids: NONE, phoneLeg: false, breakout: false, last: -1, attendance: false, webhook: false };
    connections.push(conn);
    return conn;
  };

  /** Checks the instance and takes the smallest non-empty meeting id and account id (identical whatever the arrival order). */
  const instanceFacts = (instance: string, account: string, meeting: string, webinar: boolean): void => {
    if (uuid === undefined) uuid = instance;
    else if (instance !== uuid) {
      throw new Error(`instanceUuid: expected "${uuid}" (one instance per state), got "${instance}"; group events by instance first`);
    }
    if (meeting !== "" && meeting !== meetingId && (meetingId === "" || meeting < meetingId)) meetingId = meeting;
    if (account !== "" && account !== accountId && (accountId === "" || account < accountId)) accountId = account;
    if (webinar) product = "webinar";
  };

  /**
   * Row `i` of `batch` into the state, unless its connection already has it; returns false for a
   * duplicate. The batch's strings sit in the state's table from `offset` on; `cache[cacheBase + id]`
   * remembers the connection (index + 1) of each user_id / participant_uuid id of the batch.
   */
  const applyRow = (batch: EventColumns, i: number, offset: number, cache: Int32Array, cacheBase: number): boolean => {
    const userIdId = batch.userId[i]!;
    const uuidId = batch.participantUuid[i]!;
    const key = batch.key[i]!;
    let conn: Connection | undefined;
    const cacheId = userIdId !== NO_STRING ? userIdId : uuidId;
    if (cacheId === NO_STRING) {
      // jbh_* events have neither: they can never share a session, so they carry no evidence either.
      if (otherKeys.has(key)) return false;
      otherKeys.add(key);
      return true;
    }
    const cached = cache[cacheBase + cacheId]!;
    if (cached !== 0) conn = connections[cached - 1]!;
    else {
      const value = batch.strings[cacheId]!;
      const map = userIdId !== NO_STRING ? byUserId : byUuidOnly;
      conn = map.get(value);
      if (conn === undefined) map.set(value, (conn = newConnection(userIdId !== NO_STRING ? value : undefined)));
      cache[cacheBase + cacheId] = conn.index + 1;
    }
    const next = store.next;
    const fingerprints = store.fingerprints;
    const fp = fingerprint(key);
    const keys = rows.key;
    // Compare keys only where the fingerprints match: earlier rows stay untouched (no cache misses).
    for (let r = conn.last; r !== -1; r = next[r]!) if (fingerprints[r] === fp && keys[r] === key) return false;
    const kind = batch.kind[i]!;
    const at = batch.at[i]!;
    const row = rows.addRow(kind, at, batch.leaveAt[i]!, batch.source[i]!, 0, key, NO_STRING, NO_STRING, NO_STRING);
    rows.userName[row] = shifted(batch.userName[i]!, offset);
    rows.email[row] = shifted(batch.email[i]!, offset);
    rows.zoomUserId[row] = shifted(batch.zoomUserId[i]!, offset);
    rows.id[row] = shifted(batch.id[i]!, offset);
    rows.registrantId[row] = shifted(batch.registrantId[i]!, offset);
    rows.customerKey[row] = shifted(batch.customerKey[i]!, offset);
    next.push(conn.last);
    fingerprints.push(fp);
    conn.last = row;
    if (uuidId !== NO_STRING) {
      const u = batch.strings[uuidId]!;
      // The first participant_uuid sits on the connection itself: no list to read for the usual one.
      if (u !== conn.uuid && !isExtraUuid(conn, u)) {
        if (conn.uuid === undefined) conn.uuid = u;
        else (conn.moreUuids ??= []).push(u);
        const first = byUuid.get(u);
        if (first === undefined) byUuid.set(u, conn);
        else uuidEdges.push(first.index, conn.index);
      }
    }
    if (kind === REPORT_ROW_WAITING) return true;
    if (kind === REPORT_ROW) {
      conn.attendance = true;
      const leaveAt = batch.leaveAt[i]!;
      if (leaveAt > latest) latest = leaveAt;
      return true;
    }
    if (kind === BREAKOUT_JOINED || kind === BREAKOUT_LEFT) {
      conn.breakout = true;
      const parent = batch.parentUserId[i]!;
      if (parent !== NO_STRING) conn.linkedUserIds = withValue(conn.linkedUserIds, batch.strings[parent]!);
    }
    // A bind that does not say what it binds to binds nothing.
    if (kind === BIND && batch.bound[i] === 1) {
      conn.phoneLeg = true;
      const boundUuid = batch.boundUuid[i]!;
      const boundUser = batch.boundUserId[i]!;
      if (boundUuid !== NO_STRING) conn.linkedUuids = withValue(conn.linkedUuids, batch.strings[boundUuid]!);
      if (boundUser !== NO_STRING) conn.linkedUserIds = withValue(conn.linkedUserIds, batch.strings[boundUser]!);
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

  /** Every row of a batch; returns how many were new. */
  const applyBatch = (batch: EventColumns): number => {
    const offset = rows.appendStrings(batch.strings);
    // Connection per user_id / participant_uuid id of the batch (index + 1): user_ids in the first
    // half, participant_uuids of rows without a user_id in the second. Where the batch interned
    // them, a connection's later rows find it here without a map lookup.
    const n = batch.strings.length;
    const cache = n <= SMALL_BATCH_STRINGS ? smallCache.fill(0, 0, 2 * n) : new Int32Array(2 * n);
    const strs = batch.strings;
    let lastInstance = NO_STRING;
    let added = 0;
    for (let i = 0; i < batch.length; i++) {
      const instance = batch.instanceUuid[i]!;
      // Rows of a batch mostly share instance, account and meeting: check only when the ids change.
      if (instance !== lastInstance || batch.accountId[i] !== batch.accountId[i - 1] || batch.meetingId[i] !== batch.meetingId[i - 1] || batch.product[i] !== batch.product[i - 1]) {
        instanceFacts(strs[instance] ?? "", strs[batch.accountId[i]!] ?? "", strs[batch.meetingId[i]!] ?? "", batch.product[i] === 1);
        lastInstance = instance;
      }
      if (applyRow(batch, i, offset, cache, batch.userId[i] !== NO_STRING ? 0 : n)) added++;
    }
    size += added;
    return added;
  };

  // One event object goes through a one-row column batch of its own: one code path for both inputs.
  const single = new EventColumnsBuilder(1, false);
  const smallCache = new Int32Array(2 * SMALL_BATCH_STRINGS);

  return {
    get size() {
      return size;
    },
    apply(event: NormalisedEvent): boolean {
      if (event.type === "registration") return false;
      if (event.type === "instance") {
        instanceFacts(event.instanceUuid, event.accountId, event.meetingId, event.product === "webinar");
        if (otherKeys.has(event.key)) return false;
        otherKeys.add(event.key);
        size++;
        applyInstance(event);
        return true;
      }
      single.clear();
      single.addEvent(event);
      return applyBatch(single) === 1;
    },
    applyColumns(columns: EventColumns): number {
      return applyBatch(columns);
    },
    result(links: readonly Link[] | LinkIndex, options?: EngineOptions): InstanceResult {
      const { instance, built, order, attendance, unresolved } = compute(links, options, true);
      const sessions: Session[] = new Array(order.length);
      const resolutions: Resolution[] = new Array(order.length);
      for (let o = 0; o < order.length; o++) {
        sessions[o] = built.sessions[order[o]!]!;
        resolutions[o] = built.resolutions[order[o]!]!;
      }
      return { instance, sessions, resolutions, attendance: attendance as Attendance[], unresolved };
    },
    lean(links: readonly Link[] | LinkIndex, options?: EngineOptions): LeanInstanceResult {
      const { instance, built, order, attendance, unresolved, methods } = compute(links, options, false);
      const t = built.table;
      const sessions: LeanSession[] = new Array(order.length);
      for (let o = 0; o < order.length; o++) sessions[o] = leanSession(t, order[o]!, methods);
      return { instance, sessions, attendance, unresolved };
    },
  };

  /** Sessions (resolved as they are built), attendance and the instance's facts; rich objects only with `detail`. */
  function compute(links: readonly Link[] | LinkIndex, options: EngineOptions | undefined, detail: boolean) {
    const opts = resolveEngineOptions(options);
    const sortedEnds = endTimes.length < 2 ? endTimes.slice() : [...endTimes].sort((a, b) => a - b);
    const openEnd = opts.now ?? (latest > -Infinity ? latest : 0);
    // Fresh working space per result: nothing shared with another computation running meanwhile.
    const scratch = new Scratch();
    const identity = identityContext(uuid ?? "", meetingId, toLinkIndex(links), opts);
    const built = buildSessions({ connections, byUserId, byUuid, uuidEdges, store }, { instanceStart: startTime, endTimes: sortedEnds, openEnd, identity, detail }, scratch);
    const spanFromCandidate = Math.min(startTime ?? Infinity, built.firstFrom);
    const spanToCandidate = Math.max(endTime ?? opts.now ?? -Infinity, built.lastTo);
    const spanFrom = Number.isFinite(spanFromCandidate) ? spanFromCandidate : undefined;
    const spanTo = Number.isFinite(spanToCandidate) ? spanToCandidate : undefined;
    const order = built.table.sortedOrder();
    const { attendance, unresolved } = computeAttendance(built.table, order, { methods: opts.methods, openEnd, spanFrom, spanTo, scratch }, detail);
    const instance: InstanceInfo = { uuid: uuid ?? "", meetingId, accountId, product, status: endTimes.length > 0 ? "ended" : "live" };
    copyInfo(instance, infoEvent?.meeting);
    if (startTime !== undefined) instance.startTime = startTime;
    if (endTime !== undefined) instance.endTime = endTime;
    if (spanFrom !== undefined) instance.spanFrom = spanFrom;
    if (spanTo !== undefined) instance.spanTo = spanTo;
    return { instance, built, order, attendance, unresolved, methods: opts.methods };
  }
}

/** Row `i` of a session table as a {@link LeanSession}. */
function leanSession(t: SessionTable, i: number, methods: readonly ResolutionMethod[]): LeanSession {
  let lastLeave = -Infinity;
  let present = false;
  const first = t.intervalStart[i]!;
  const end = t.intervalStart[i + 1]!;
  for (let j = first; j < end; j++) {
    const to = t.to[j]!;
    if (to === Infinity) present = true;
    else if (to > lastLeave) lastLeave = to;
  }
  const s: LeanSession = {
    sessionKey: t.key[i]!,
    firstJoin: end > first ? t.from[first]! : NaN,
    attendedMs: t.attendedMs[i]!,
    present: t.present[i]!,
    source: t.webhook[i] ? "webhook" : "report",
    confidence: t.confidence[i]!,
  };
  if (t.keyIsUuid[i]) s.participantUuid = t.key[i]!;
  const name = t.latestName[i];
  if (name !== undefined) s.userName = name;
  if (!present && lastLeave > -Infinity) s.lastLeave = lastLeave;
  const userId = t.userId[i];
  if (userId !== undefined) {
    s.userId = userId;
    s.method = methods[t.methodRank[i]!]!;
  } else s.unresolvedReason = t.reason[i]!;
  return s;
}

/** A batch's string id as an id of the state's table, where the batch's strings start at `offset`. */
function shifted(id: number, offset: number): number {
  return id === NO_STRING ? NO_STRING : id + offset;
}

/** Batches with at most this many strings (one event's) reuse one connection cache. */
const SMALL_BATCH_STRINGS = 32;

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
