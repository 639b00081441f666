import { computeAttendance } from "./attendance.js";
import { resolveEngineOptions, type EngineOptions, type ResolutionMethod } from "./engine-options.js";
import { BIND, BREAKOUT_JOINED, BREAKOUT_LEFT, EventColumnsBuilder, JOINED, LEFT, NO_STRING, REPORT_ROW, REPORT_ROW_WAITING, type EventColumns } from "./event-columns.js";
import { identityContext } from "./identity.js";
import type { Attendance, InstanceResult, Resolution, Session } from "./instance-result.js";
import type { InstanceState } from "./instance-state.js";
import type { InstanceUpdate, UpdateOptions } from "./instance-update.js";
import { IncrementalView } from "./incremental-view.js";
import type { LeanInstanceResult, LeanSession } from "./lean-result.js";
import type { Link } from "./link.js";
import { toLinkIndex, type LinkIndex } from "./link-index.js";
import type { InstanceEvent, MeetingInfo, NormalisedEvent, Product } from "./normalised-event.js";
import type { InstanceInfo } from "./result-common.js";
import { Scratch } from "./scratch.js";
import { buildSessions, type Connection, type ConnectionGraph, type EventStore } from "./sessions.js";
import type { SessionTable } from "./session-table.js";

/** Batches with at most this many strings (one event's) reuse one connection cache. */
const SMALL_BATCH_STRINGS = 32;
/** Scratch for small batches, shared by every state (a batch is applied in one synchronous call): one per state cost each cached instance 256 bytes. */
const smallCache = new Int32Array(2 * SMALL_BATCH_STRINGS);

/**
 * The engine's state of one instance (see {@link InstanceState}): every distinct event once, as
 * rows of columns chained per connection, the connections by user_id and participant_uuid, and the
 * order-independent instance facts (min/max times, the latest descriptive event).
 */
export class EngineState implements InstanceState {
  // Keys of events that have no connection (instance events, jbh_* without ids); connection events
  // are de-duplicated within their connection, which keeps this set tiny.
  private readonly otherKeys = new Set<string>();
  private count = 0;
  // Small at first: most instances hold a handful of events, and a service caches thousands.
  private readonly rows = new EventColumnsBuilder(4);
  private readonly store: EventStore = { rows: this.rows, next: [], fingerprints: [] };
  /** Connections by user_id, and by participant_uuid for events without a user_id. */
  private readonly byUserId = new Map<string, Connection>();
  private readonly byUuidOnly = new Map<string, Connection>();
  /** First connection seen with each participant_uuid; later ones are recorded as edges to it. */
  private readonly byUuid = new Map<string, Connection>();
  private readonly uuidEdges: number[] = [];
  private readonly connections: Connection[] = [];
  private uuid: string | undefined;
  private meetingId = "";
  private accountId = "";
  private product: Product = "meeting";
  private startTime: number | undefined;
  private endTime: number | undefined;
  private readonly endTimes: number[] = [];
  private infoEvent: InstanceEvent | undefined;
  private latest = -Infinity;
  /** One event object goes through a one-row column batch of its own: one code path for both inputs. */
  private readonly single = new EventColumnsBuilder(1, false);
  /** Connections that got rows since the last update (indexes), for {@link update}. */
  private readonly touched: number[] = [];
  private readonly isTouched: boolean[] = [];
  private view: IncrementalView | undefined;

  /** Whether a `meeting.ended` (or a report's end) was applied. */
  get ended(): boolean {
    return this.endTimes.length > 0;
  }

  get size(): number {
    return this.count;
  }

  apply(event: NormalisedEvent): boolean {
    if (event.type === "registration") return false;
    if (event.type === "instance") {
      this.instanceFacts(event.instanceUuid, event.accountId, event.meetingId, event.product === "webinar");
      if (this.otherKeys.has(event.key)) return false;
      this.otherKeys.add(event.key);
      this.count++;
      this.applyInstance(event);
      return true;
    }
    this.single.clear();
    this.single.addEvent(event);
    return this.applyBatch(this.single) === 1;
  }

  applyColumns(columns: EventColumns): number {
    return this.applyBatch(columns);
  }

  result(links: readonly Link[] | LinkIndex, options?: EngineOptions): InstanceResult {
    const { instance, built, order, attendance, unresolved } = this.compute(links, options, true);
    const sessions: Session[] = new Array(order.length);
    const resolutions: Resolution[] = new Array(order.length);
    for (let o = 0; o < order.length; o++) {
      sessions[o] = built.sessions[order[o]!]!;
      resolutions[o] = built.resolutions[order[o]!]!;
    }
    return { instance, sessions, resolutions, attendance: attendance as Attendance[], unresolved };
  }

  lean(links: readonly Link[] | LinkIndex, options?: EngineOptions): LeanInstanceResult {
    const { instance, built, order, attendance, unresolved, methods } = this.compute(links, options, false);
    const t = built.table;
    const sessions: LeanSession[] = new Array(order.length);
    for (let o = 0; o < order.length; o++) sessions[o] = leanSession(t, order[o]!, methods);
    return { instance, sessions, attendance, unresolved };
  }

  update(links: readonly Link[] | LinkIndex, options: UpdateOptions = {}): InstanceUpdate {
    const opts = resolveEngineOptions(options);
    this.view ??= new IncrementalView();
    const touched = this.touched.slice();
    for (const c of this.touched) this.isTouched[c] = false;
    this.touched.length = 0;
    return this.view.update(
      this.graph(),
      touched,
      {
        identity: identityContext(this.uuid ?? "", this.meetingId, toLinkIndex(links), opts),
        methods: opts.methods,
        instanceStart: this.startTime,
        endTimes: this.sortedEnds(),
        spanEndFloor: this.endTime ?? opts.now,
        openEnd: opts.now ?? (this.latest > -Infinity ? this.latest : 0),
        everything: options.everything === true,
      },
      (spanFrom, spanTo) => this.instanceInfo(spanFrom, spanTo),
    );
  }

  private graph(): ConnectionGraph {
    return { connections: this.connections, byUserId: this.byUserId, byUuid: this.byUuid, uuidEdges: this.uuidEdges, store: this.store };
  }

  private sortedEnds(): number[] {
    return this.endTimes.length < 2 ? this.endTimes.slice() : [...this.endTimes].sort((a, b) => a - b);
  }

  private newConnection(userId: string | undefined): Connection {
    const conn: Connection = { index: this.connections.length, userId, uuid: undefined, moreUuids: undefined, linkedUserIds: NONE, linkedUuids: NONE, phoneLeg: false, breakout: false, last: -1, attendance: false, webhook: false };
    this.connections.push(conn);
    return conn;
  }

  /** Checks the instance and takes the smallest non-empty meeting id and account id (identical whatever the arrival order). */
  private instanceFacts(instance: string, account: string, meeting: string, webinar: boolean): void {
    if (this.uuid === undefined) this.uuid = instance;
    else if (instance !== this.uuid) {
      throw new Error(`instanceUuid: expected "${this.uuid}" (one instance per state), got "${instance}"; group events by instance first`);
    }
    if (meeting !== "" && meeting !== this.meetingId && (this.meetingId === "" || meeting < this.meetingId)) this.meetingId = meeting;
    if (account !== "" && account !== this.accountId && (this.accountId === "" || account < this.accountId)) this.accountId = account;
    if (webinar) this.product = "webinar";
  }

  /** The connection of row `i` of `batch` (made on first sight); `cache[cacheBase + id]` remembers it (index + 1) per string id of the batch. */
  private connectionOf(batch: EventColumns, i: number, cache: Int32Array, cacheBase: number): Connection {
    const userIdId = batch.userId[i]!;
    const cacheId = userIdId !== NO_STRING ? userIdId : batch.participantUuid[i]!;
    const cached = cache[cacheBase + cacheId]!;
    if (cached !== 0) return this.connections[cached - 1]!;
    const value = batch.strings[cacheId]!;
    const map = userIdId !== NO_STRING ? this.byUserId : this.byUuidOnly;
    let conn = map.get(value);
    if (conn === undefined) map.set(value, (conn = this.newConnection(userIdId !== NO_STRING ? value : undefined)));
    cache[cacheBase + cacheId] = conn.index + 1;
    return conn;
  }

  /**
   * Row `i` of `batch` into the state, unless its connection already has it; returns false for a
   * duplicate. The batch's strings sit in the state's table from `offset` on.
   */
  private applyRow(batch: EventColumns, i: number, offset: number, cache: Int32Array, cacheBase: number): boolean {
    const key = batch.key[i]!;
    if (batch.userId[i] === NO_STRING && batch.participantUuid[i] === NO_STRING) {
      // jbh_* events have neither: they can never share a session, so they carry no evidence either.
      if (this.otherKeys.has(key)) return false;
      this.otherKeys.add(key);
      return true;
    }
    const conn = this.connectionOf(batch, i, cache, cacheBase);
    const { next, fingerprints } = this.store;
    const fp = fingerprint(key);
    const keys = this.rows.key;
    // Compare keys only where the fingerprints match: earlier rows stay untouched (no cache misses).
    for (let r = conn.last; r !== -1; r = next[r]!) if (fingerprints[r] === fp && keys[r] === key) return false;
    const row = this.copyRow(batch, i, offset);
    next.push(conn.last);
    fingerprints.push(fp);
    conn.last = row;
    if (!this.isTouched[conn.index]) {
      this.isTouched[conn.index] = true;
      this.touched.push(conn.index);
    }
    this.noteUuid(conn, batch, i);
    this.noteKind(conn, batch, i);
    return true;
  }

  /** Copies row `i` of the batch into the state's rows; returns its index. */
  private copyRow(batch: EventColumns, i: number, offset: number): number {
    const rows = this.rows;
    const row = rows.addRow(batch.kind[i]!, batch.at[i]!, batch.leaveAt[i]!, batch.source[i]!, 0, batch.key[i]!, NO_STRING, NO_STRING, NO_STRING);
    rows.userName[row] = shifted(batch.userName[i]!, offset);
    rows.email[row] = shifted(batch.email[i]!, offset);
    rows.zoomUserId[row] = shifted(batch.zoomUserId[i]!, offset);
    rows.id[row] = shifted(batch.id[i]!, offset);
    rows.registrantId[row] = shifted(batch.registrantId[i]!, offset);
    rows.customerKey[row] = shifted(batch.customerKey[i]!, offset);
    return row;
  }

  /** A participant_uuid the connection had not shown yet: kept on it, and tied to the first connection that showed it. */
  private noteUuid(conn: Connection, batch: EventColumns, i: number): void {
    const uuidId = batch.participantUuid[i]!;
    if (uuidId === NO_STRING) return;
    const u = batch.strings[uuidId]!;
    // The first participant_uuid sits on the connection itself: no list to read for the usual one.
    if (u === conn.uuid || isExtraUuid(conn, u)) return;
    if (conn.uuid === undefined) conn.uuid = u;
    else (conn.moreUuids ??= []).push(u);
    const first = this.byUuid.get(u);
    if (first === undefined) this.byUuid.set(u, conn);
    else this.uuidEdges.push(first.index, conn.index);
  }

  /** What the row's kind says of its connection: attendance, breakout, a phone bind, the latest time. */
  private noteKind(conn: Connection, batch: EventColumns, i: number): void {
    const kind = batch.kind[i]!;
    if (kind === REPORT_ROW_WAITING) return;
    if (kind === REPORT_ROW) {
      conn.attendance = true;
      const leaveAt = batch.leaveAt[i]!;
      if (leaveAt > this.latest) this.latest = leaveAt;
      return;
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
      const at = batch.at[i]!;
      if (at > this.latest) this.latest = at;
    }
  }

  private applyInstance(event: InstanceEvent): void {
    const m = event.meeting;
    if (m.startTime !== undefined && (this.startTime === undefined || m.startTime < this.startTime)) this.startTime = m.startTime;
    if (event.kind === "ended") {
      const end = m.endTime ?? event.at;
      this.endTimes.push(end);
      if (this.endTime === undefined || end > this.endTime) this.endTime = end;
    }
    if (event.at > this.latest) this.latest = event.at;
    // Descriptive fields come from the most recent instance event (by its time, then key).
    const info = this.infoEvent;
    if (info === undefined || event.at > info.at || (event.at === info.at && event.key > info.key)) this.infoEvent = event;
  }

  /** Every row of a batch; returns how many were new. */
  private applyBatch(batch: EventColumns): number {
    const offset = this.rows.appendStrings(batch.strings);
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
        this.instanceFacts(strs[instance] ?? "", strs[batch.accountId[i]!] ?? "", strs[batch.meetingId[i]!] ?? "", batch.product[i] === 1);
        lastInstance = instance;
      }
      if (this.applyRow(batch, i, offset, cache, batch.userId[i] !== NO_STRING ? 0 : n)) added++;
    }
    this.count += added;
    return added;
  }

  /** The instance's facts, with its span. */
  private instanceInfo(spanFrom: number | undefined, spanTo: number | undefined): InstanceInfo {
    const instance: InstanceInfo = { uuid: this.uuid ?? "", meetingId: this.meetingId, accountId: this.accountId, product: this.product, status: this.endTimes.length > 0 ? "ended" : "live" };
    copyInfo(instance, this.infoEvent?.meeting);
    if (this.startTime !== undefined) instance.startTime = this.startTime;
    if (this.endTime !== undefined) instance.endTime = this.endTime;
    if (spanFrom !== undefined) instance.spanFrom = spanFrom;
    if (spanTo !== undefined) instance.spanTo = spanTo;
    return instance;
  }

  /** Sessions (resolved as they are built), attendance and the instance's facts; rich objects only with `detail`. */
  private compute(links: readonly Link[] | LinkIndex, options: EngineOptions | undefined, detail: boolean) {
    const opts = resolveEngineOptions(options);
    const openEnd = opts.now ?? (this.latest > -Infinity ? this.latest : 0);
    // Fresh working space per result: nothing shared with another computation running meanwhile.
    const scratch = new Scratch();
    const identity = identityContext(this.uuid ?? "", this.meetingId, toLinkIndex(links), opts);
    const built = buildSessions(this.graph(), { instanceStart: this.startTime, endTimes: this.sortedEnds(), openEnd, identity, detail }, scratch);
    const spanFrom = finiteOr(Math.min(this.startTime ?? Infinity, built.firstFrom));
    const spanTo = finiteOr(Math.max(this.endTime ?? opts.now ?? -Infinity, built.lastTo));
    const order = built.table.sortedOrder();
    const { attendance, unresolved } = computeAttendance(built.table, order, { methods: opts.methods, openEnd, spanFrom, spanTo, scratch }, detail);
    return { instance: this.instanceInfo(spanFrom, spanTo), built, order, attendance, unresolved, methods: opts.methods };
  }
}

/** A finite number, or undefined for ±Infinity. */
export function finiteOr(n: number): number | undefined {
  return Number.isFinite(n) ? n : undefined;
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
