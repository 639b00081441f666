import type { EventSource, ParticipantEvent, ParticipantEventKind, Product, ReportRowEvent } from "./normalised-event.js";

/**
 * Participant kinds by code (a kind's code is its index); report rows take the two codes after
 * them, one for rows in the meeting and one for waiting-room rows (never attendance).
 */
export const KINDS: readonly ParticipantEventKind[] = Object.freeze([
  "joined",
  "left",
  "breakout_joined",
  "breakout_left",
  "waiting_room_joined",
  "waiting_room_left",
  "admitted",
  "put_in_waiting_room",
  "jbh_joined",
  "jbh_waiting",
  "jbh_waiting_left",
  "bind",
  "role_changed",
] as const);
export const KIND_CODE: ReadonlyMap<ParticipantEventKind, number> = new Map(KINDS.map((k, i) => [k, i]));
export const JOINED = 0;
export const LEFT = 1;
export const BREAKOUT_JOINED = 2;
export const BREAKOUT_LEFT = 3;
export const BIND = 11;
export const REPORT_ROW = 13;
export const REPORT_ROW_WAITING = 14;

/** Sources by code. */
export const SOURCES: readonly EventSource[] = Object.freeze(["webhook", "report"] as const);
/** Products by code. */
export const PRODUCTS: readonly Product[] = Object.freeze(["meeting", "webinar"] as const);

/** Absent string. */
export const NO_STRING = -1;

/**
 * Participant facts and report rows as columns: typed arrays for codes and times, string ids
 * (indexes into `strings`, {@link NO_STRING} when absent) for everything textual but the content
 * key. Instance, account and meeting are interned (one id per distinct string, so consumers can
 * compare ids); every other string may be stored without interning (equal strings, different ids:
 * compare their strings). `addEvent` interns user_id, participant_uuid and parent user_id too; the
 * normaliser does not, since a batch-wide map lookup per row cost more than the one the engine
 * makes for each row anyway. What the engine reads of a {@link ParticipantEvent} or
 * {@link ReportRowEvent}, without an object per event. Row `i` of every column is one fact. Built with {@link EventColumnsBuilder};
 * instance and registration events travel as objects beside it (a handful per instance).
 */
export interface EventColumns {
  readonly length: number;
  /** The strings the ids point at. */
  readonly strings: readonly string[];
  /** {@link KINDS} code, or {@link REPORT_ROW} / {@link REPORT_ROW_WAITING}. */
  readonly kind: Uint8Array;
  /** Own time (a report row's join). */
  readonly at: Float64Array;
  /** A report row's leave time (NaN otherwise). */
  readonly leaveAt: Float64Array;
  /** {@link SOURCES} code. */
  readonly source: Uint8Array;
  /** {@link PRODUCTS} code. */
  readonly product: Uint8Array;
  /** Content keys. */
  readonly key: readonly string[];
  readonly instanceUuid: Int32Array;
  readonly accountId: Int32Array;
  readonly meetingId: Int32Array;
  readonly userId: Int32Array;
  readonly participantUuid: Int32Array;
  readonly parentUserId: Int32Array;
  readonly userName: Int32Array;
  readonly email: Int32Array;
  readonly zoomUserId: Int32Array;
  /** `id`, only when it differs from `participant_user_id` (see `ParticipantIdentifiers.id`). */
  readonly id: Int32Array;
  readonly registrantId: Int32Array;
  readonly customerKey: Int32Array;
  /** 1 when a `bind` names what it binds to (`boundTo`), else 0. */
  readonly bound: Uint8Array;
  /** `bind` only: the computer participant a phone leg is bound to. */
  readonly boundUserId: Int32Array;
  readonly boundUuid: Int32Array;
}

/**
 * Collects rows into {@link EventColumns}, interning strings as they come. The normaliser writes
 * webhook participant events straight into one (no event object); `addEvent` takes an object.
 * An instance state takes the filled builder through `applyColumns`.
 */
export class EventColumnsBuilder implements EventColumns {
  length = 0;
  readonly strings: string[];
  private readonly ids: Map<string, number>;
  kind = new Uint8Array(0);
  at = new Float64Array(0);
  leaveAt = new Float64Array(0);
  source = new Uint8Array(0);
  product = new Uint8Array(0);
  readonly key: string[] = [];
  instanceUuid = new Int32Array(0);
  accountId = new Int32Array(0);
  meetingId = new Int32Array(0);
  userId = new Int32Array(0);
  participantUuid = new Int32Array(0);
  parentUserId = new Int32Array(0);
  userName = new Int32Array(0);
  email = new Int32Array(0);
  zoomUserId = new Int32Array(0);
  id = new Int32Array(0);
  registrantId = new Int32Array(0);
  customerKey = new Int32Array(0);
  bound = new Uint8Array(0);
  boundUserId = new Int32Array(0);
  boundUuid = new Int32Array(0);

  /** `interning` false: every string gets an id of its own (for one-row batches, where looking for equal strings is wasted work). */
  constructor(
    capacity = 256,
    private readonly interning = true,
  ) {
    this.strings = [];
    this.ids = new Map();
    this.resize(Math.max(1, capacity));
  }

  /** Empties the rows and the string table. */
  clear(): void {
    this.length = 0;
    this.key.length = 0;
    this.strings.length = 0;
    if (this.ids.size > 0) this.ids.clear();
  }

  /** The id of a new entry holding `value`, without looking for an equal string ({@link NO_STRING} for undefined). */
  append(value: string | undefined): number {
    if (value === undefined) return NO_STRING;
    this.strings.push(value);
    return this.strings.length - 1;
  }

  /** Appends a whole string table (no interning); returns the id its first string gets. */
  appendStrings(strings: readonly string[]): number {
    const offset = this.strings.length;
    for (let i = 0; i < strings.length; i++) this.strings.push(strings[i]!);
    return offset;
  }

  /** The id of `value` when it was interned, else {@link NO_STRING}. */
  find(value: string): number {
    return this.ids.get(value) ?? NO_STRING;
  }

  /** The id of `value` in `strings` ({@link NO_STRING} for undefined). */
  intern(value: string | undefined): number {
    if (value === undefined) return NO_STRING;
    if (!this.interning) return this.append(value);
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(value);
      this.ids.set(value, id);
    }
    return id;
  }

  /**
   * Starts a row with its codes and times; every string column starts absent. Returns the row
   * index, for the caller to set string ids (`columns.userId[row] = columns.intern(...)`).
   */
  addRow(kind: number, at: number, leaveAt: number, source: number, product: number, key: string, instanceUuid: number, accountId: number, meetingId: number): number {
    const i = this.length;
    if (i === this.kind.length) this.resize(i * 2);
    this.kind[i] = kind;
    this.at[i] = at;
    this.leaveAt[i] = leaveAt;
    this.source[i] = source;
    this.product[i] = product;
    this.key.push(key);
    this.instanceUuid[i] = instanceUuid;
    this.accountId[i] = accountId;
    this.meetingId[i] = meetingId;
    this.userId[i] = NO_STRING;
    this.participantUuid[i] = NO_STRING;
    this.parentUserId[i] = NO_STRING;
    this.userName[i] = NO_STRING;
    this.email[i] = NO_STRING;
    this.zoomUserId[i] = NO_STRING;
    this.id[i] = NO_STRING;
    this.registrantId[i] = NO_STRING;
    this.customerKey[i] = NO_STRING;
    this.bound[i] = 0;
    this.boundUserId[i] = NO_STRING;
    this.boundUuid[i] = NO_STRING;
    this.length = i + 1;
    return i;
  }

  /** Adds a participant event or report row given as an object. */
  addEvent(event: ParticipantEvent | ReportRowEvent): void {
    const kind = event.type === "report_row" ? (event.status === "in_waiting_room" ? REPORT_ROW_WAITING : REPORT_ROW) : KIND_CODE.get(event.kind)!;
    const leaveAt = event.type === "report_row" ? event.leaveAt : NaN;
    const row = this.addRow(kind, event.at, leaveAt, event.source === "report" ? 1 : 0, event.product === "webinar" ? 1 : 0, event.key, this.intern(event.instanceUuid), this.intern(event.accountId), this.intern(event.meetingId));
    const p = event.participant;
    if (p.userId !== undefined) this.userId[row] = this.intern(p.userId);
    if (p.participantUuid !== undefined) this.participantUuid[row] = this.intern(p.participantUuid);
    if (p.parentUserId !== undefined) this.parentUserId[row] = this.intern(p.parentUserId);
    if (p.userName !== undefined) this.userName[row] = this.append(p.userName);
    if (p.email !== undefined) this.email[row] = this.append(p.email);
    if (p.zoomUserId !== undefined) this.zoomUserId[row] = this.append(p.zoomUserId);
    if (p.id !== undefined) this.id[row] = this.append(p.id);
    if (p.registrantId !== undefined) this.registrantId[row] = this.append(p.registrantId);
    if (p.customerKey !== undefined) this.customerKey[row] = this.append(p.customerKey);
    if (event.type === "participant" && event.kind === "bind" && event.boundTo !== undefined) {
      this.bound[row] = 1;
      if (event.boundTo.userId !== undefined) this.boundUserId[row] = this.append(event.boundTo.userId);
      if (event.boundTo.participantUuid !== undefined) this.boundUuid[row] = this.append(event.boundTo.participantUuid);
    }
  }

  private resize(size: number): void {
    const n = this.length;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a.subarray(0, n));
      return b;
    };
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(size);
      b.set(a.subarray(0, n));
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a.subarray(0, n));
      return b;
    };
    this.kind = u8(this.kind);
    this.at = f64(this.at);
    this.leaveAt = f64(this.leaveAt);
    this.source = u8(this.source);
    this.product = u8(this.product);
    this.instanceUuid = i32(this.instanceUuid);
    this.accountId = i32(this.accountId);
    this.meetingId = i32(this.meetingId);
    this.userId = i32(this.userId);
    this.participantUuid = i32(this.participantUuid);
    this.parentUserId = i32(this.parentUserId);
    this.userName = i32(this.userName);
    this.email = i32(this.email);
    this.zoomUserId = i32(this.zoomUserId);
    this.id = i32(this.id);
    this.registrantId = i32(this.registrantId);
    this.customerKey = i32(this.customerKey);
    this.bound = u8(this.bound);
    this.boundUserId = i32(this.boundUserId);
    this.boundUuid = i32(this.boundUuid);
  }
}
