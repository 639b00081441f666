import { addRanks, userAttendance, type UserRanks } from "./attendance.js";
import type { ResolutionMethod } from "./engine-options.js";
import { resolvedIdentity, type IdentityContext } from "./identity.js";
import type { Attendance } from "./instance-result.js";
import type { InstanceUpdate, SessionState, SessionSummary } from "./instance-update.js";
import type { InstanceInfo } from "./result-common.js";
import { Scratch } from "./scratch.js";
import { buildSession, type BuiltSessions, type Connection, type ConnectionGraph } from "./sessions.js";
import { SessionTable } from "./session-table.js";

/** What one update needs from the state besides the graph. */
export interface UpdateContext {
  identity: IdentityContext;
  methods: readonly ResolutionMethod[];
  instanceStart: number | undefined;
  endTimes: readonly number[];
  /** The span's lower end of its end: `meeting.ended`'s time, else `now` (undefined: the sessions' own). */
  spanEndFloor: number | undefined;
  /** Where open time stops for the span (`now`, else the latest event): sessions themselves leave it out. */
  openEnd: number;
  everything: boolean;
}

/** A built session as the view keeps it between updates: a summary, and what attendance and the span read of it. */
interface SessionEntry {
  summary: SessionSummary;
  /** A digest of the session's rows (its session, resolution and name): equal digests, nothing to write. */
  digest: number;
  methodRank: number;
  sourceRank: number;
  confidence: number;
  /** Start of its first interval (Infinity: none). */
  firstFrom: number;
  /** End of its latest closed interval (-Infinity: none). */
  closedLastTo: number;
  /** Whether its time depends on the instance's end (an open interval, or one `meeting.ended` closed) or start (a leave without its join). */
  followsEnd: boolean;
  followsStart: boolean;
}

/**
 * The incremental side of the engine: keeps the sessions and attendance it last reported and, on
 * each update, rebuilds only the sessions whose connections got events since (or whose groups
 * merged), then the attendance of the users those sessions belong to, before and after. Groups are
 * a union–find over connections that persists between updates: unions only ever merge (a shared
 * participant_uuid, a breakout parent, a phone bind), so a group's session is rebuilt from its
 * members when it grows. The sessions are built by the same `buildSession` as a full result, in
 * the stored form (open time left out), so the two cannot disagree.
 */
export class IncrementalView {
  /** Union–find over nodes: one per connection seen (`nodeOf`), plus phantoms for link targets never seen themselves. */
  private readonly parent: number[] = [];
  /** Member chain of each root: first, next, last node. */
  private readonly head: number[] = [];
  private readonly next: number[] = [];
  private readonly tail: number[] = [];
  /** Connection index of each node (-1: a phantom). */
  private readonly connOfNode: number[] = [];
  private readonly nodeOf: number[] = [];
  private readonly phantoms = new Map<string, number>();
  /** How much of each connection's links and uuids has been turned into unions. */
  private readonly linkedUserIdsDone: number[] = [];
  private readonly linkedUuidsDone: number[] = [];
  private readonly uuidsDone: number[] = [];
  private uuidEdgesDone = 0;
  /** The session key each connection's group had at the last update (undefined: none). */
  private readonly keyOfConn: Array<string | undefined> = [];
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly sessionsOfUser = new Map<string, Set<string>>();
  private readonly attendance = new Map<string, Attendance>();
  private instanceStart: number | undefined;
  private endTimes: readonly number[] = [];
  private updated = false;
  private instance: InstanceInfo | undefined;

  /** See `InstanceState.update`. */
  update(graph: ConnectionGraph, touched: readonly number[], ctx: UpdateContext, info: (spanFrom: number | undefined, spanTo: number | undefined) => InstanceInfo): InstanceUpdate {
    // Every union involves a connection that got an event now, so the roots of those connections
    // are every group that grew.
    this.register(graph);
    for (const c of touched) this.link(graph, graph.connections[c]!);
    this.linkUuidEdges(graph);
    const everything = ctx.everything || !this.updated;
    const roots = everything ? this.allRoots() : this.rootsOf(touched);
    // The instance's start or end moved: the sessions whose time follows them are rebuilt too (a
    // leave without its join opens at the start; meeting.ended closes what is open).
    if (!everything) this.addFollowers(roots, ctx.instanceStart !== this.instanceStart, !sameTimes(ctx.endTimes, this.endTimes));
    this.instanceStart = ctx.instanceStart;
    this.endTimes = ctx.endTimes;
    const complete = !this.updated;
    this.updated = true;
    const { changed, gone, users } = this.rebuild(graph, roots, ctx);
    const span = this.span(ctx);
    const attendance = this.attend(users, ctx.methods, span);
    const instance = info(span.from, span.to);
    const instanceBefore = this.instance;
    this.instance = instance;
    return { instance, instanceBefore, sessions: changed, goneSessions: gone, attendance: attendance.changed, goneAttendance: attendance.gone, complete };
  }

  // ── groups ───────────────────────────────────────────────────────────────────────────────

  private newNode(conn: number): number {
    const node = this.parent.length;
    this.parent.push(node);
    this.head.push(node);
    this.next.push(-1);
    this.tail.push(node);
    this.connOfNode.push(conn);
    return node;
  }

  private find(i: number): number {
    const parent = this.parent;
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  }

  /** Merges two groups (the smaller root stays), chaining their members. */
  private union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (rb < ra) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.next[this.tail[ra]!] = this.head[rb]!;
    this.tail[ra] = this.tail[rb]!;
  }

  private phantom(name: string): number {
    let node = this.phantoms.get(name);
    if (node === undefined) this.phantoms.set(name, (node = this.newNode(-1)));
    return node;
  }

  /** Nodes for connections new since the last update; a phantom that stood for one of them joins it. */
  private register(graph: ConnectionGraph): void {
    for (let c = this.nodeOf.length; c < graph.connections.length; c++) {
      const node = this.newNode(c);
      this.nodeOf.push(node);
      this.linkedUserIdsDone.push(0);
      this.linkedUuidsDone.push(0);
      this.uuidsDone.push(0);
      this.keyOfConn.push(undefined);
      const userId = graph.connections[c]!.userId;
      const stood = userId !== undefined ? this.phantoms.get(`u${userId}`) : undefined;
      if (stood !== undefined) this.union(node, stood);
    }
  }

  /** The links a connection gained since the last update (breakout parents, binds; uuids first shown by it), as unions. */
  private link(graph: ConnectionGraph, conn: Connection): void {
    const c = conn.index;
    const node = this.nodeOf[c]!;
    const lu = conn.linkedUserIds;
    for (let k = this.linkedUserIdsDone[c]!; k < lu.length; k++) {
      const target = graph.byUserId.get(lu[k]!);
      this.union(node, target !== undefined ? this.nodeOf[target.index]! : this.phantom(`u${lu[k]!}`));
    }
    this.linkedUserIdsDone[c] = lu.length;
    const lp = conn.linkedUuids;
    for (let k = this.linkedUuidsDone[c]!; k < lp.length; k++) {
      const target = graph.byUuid.get(lp[k]!);
      this.union(node, target !== undefined ? this.nodeOf[target.index]! : this.phantom(`p${lp[k]!}`));
    }
    this.linkedUuidsDone[c] = lp.length;
    const uuids = conn.uuid === undefined ? [] : [conn.uuid, ...(conn.moreUuids ?? [])];
    for (let k = this.uuidsDone[c]!; k < uuids.length; k++) {
      const stood = graph.byUuid.get(uuids[k]!) === conn ? this.phantoms.get(`p${uuids[k]!}`) : undefined;
      if (stood !== undefined) this.union(node, stood);
    }
    this.uuidsDone[c] = uuids.length;
  }

  private linkUuidEdges(graph: ConnectionGraph): void {
    const edges = graph.uuidEdges;
    for (let e = this.uuidEdgesDone; e < edges.length; e += 2) this.union(this.nodeOf[edges[e]!]!, this.nodeOf[edges[e + 1]!]!);
    this.uuidEdgesDone = edges.length;
  }

  private allRoots(): Set<number> {
    const roots = new Set<number>();
    for (let n = 0; n < this.parent.length; n++) if (this.parent[n] === n) roots.add(n);
    return roots;
  }

  /** Adds the roots of the sessions that follow the instance's start or end, when those moved. */
  private addFollowers(roots: Set<number>, start: boolean, end: boolean): void {
    if (!start && !end) return;
    const keys = new Set<string>();
    for (const [key, entry] of this.sessions) if ((start && entry.followsStart) || (end && entry.followsEnd)) keys.add(key);
    for (let c = 0; c < this.keyOfConn.length; c++) {
      const key = this.keyOfConn[c];
      if (key !== undefined && keys.has(key)) roots.add(this.find(this.nodeOf[c]!));
    }
  }

  private rootsOf(touched: readonly number[]): Set<number> {
    const roots = new Set<number>();
    for (const c of touched) roots.add(this.find(this.nodeOf[c]!));
    return roots;
  }

  // ── sessions ─────────────────────────────────────────────────────────────────────────────

  /** Rebuilds the sessions of `roots`; returns what changed and the users whose attendance may follow. */
  private rebuild(graph: ConnectionGraph, roots: Set<number>, ctx: UpdateContext) {
    const scratch = new Scratch();
    const built: BuiltSessions = { table: new SessionTable(), sessions: [], resolutions: [], firstFrom: Infinity, lastTo: -Infinity };
    const resolved = resolvedIdentity();
    const sessionCtx = { instanceStart: ctx.instanceStart, endTimes: ctx.endTimes, openEnd: -Infinity, identity: ctx.identity, detail: true };
    const changed: InstanceUpdate["sessions"] = [];
    const oldKeys = new Set<string>();
    const newKeys = new Set<string>();
    const users = new Set<string>();
    const group: Connection[] = [];
    for (const root of roots) {
      group.length = 0;
      let attendance = false;
      for (let n = this.head[root]!; n !== -1; n = this.next[n]!) {
        const c = this.connOfNode[n]!;
        if (c < 0) continue;
        const conn = graph.connections[c]!;
        group.push(conn);
        if (conn.attendance) attendance = true;
        const old = this.keyOfConn[c];
        if (old !== undefined) oldKeys.add(old);
      }
      let key: string | undefined;
      if (attendance) {
        const r = built.table.length;
        buildSession(group, graph.store, sessionCtx, built, resolved, scratch);
        const state: SessionState = { session: built.sessions[r]!, resolution: built.resolutions[r]!, latestName: built.table.latestName[r] };
        const entry = entryOf(built, r, state);
        key = state.session.sessionKey;
        newKeys.add(key);
        const before = this.sessions.get(key);
        if (before === undefined || before.digest !== entry.digest) {
          changed.push({ now: state, before: before?.summary });
          this.setSession(key, entry, before, users);
        }
      }
      for (const conn of group) this.keyOfConn[conn.index] = key;
    }
    const gone: SessionSummary[] = [];
    for (const key of oldKeys) {
      if (newKeys.has(key)) continue;
      const before = this.sessions.get(key);
      if (before === undefined) continue;
      gone.push(before.summary);
      this.setSession(key, undefined, before, users);
    }
    return { changed, gone, users };
  }

  /** Records a session's new entry (undefined: gone), keeping each user's set of sessions; notes the users affected. */
  private setSession(key: string, entry: SessionEntry | undefined, before: SessionEntry | undefined, users: Set<string>): void {
    const beforeUser = before?.summary.userId;
    if (beforeUser !== undefined) {
      users.add(beforeUser);
      this.sessionsOfUser.get(beforeUser)?.delete(key);
    }
    if (entry === undefined) {
      this.sessions.delete(key);
      return;
    }
    this.sessions.set(key, entry);
    const userId = entry.summary.userId;
    if (userId !== undefined) {
      users.add(userId);
      let keys = this.sessionsOfUser.get(userId);
      if (!keys) this.sessionsOfUser.set(userId, (keys = new Set()));
      keys.add(key);
    }
  }

  /** The instance's span over every session: from the start (or first join) to the end, `now` or the latest leave (or open time's end). */
  private span(ctx: UpdateContext): { from: number | undefined; to: number | undefined } {
    let from = ctx.instanceStart ?? Infinity;
    let to = ctx.spanEndFloor ?? -Infinity;
    let open = false;
    for (const s of this.sessions.values()) {
      if (s.firstFrom < from) from = s.firstFrom;
      if (s.closedLastTo > to) to = s.closedLastTo;
      if (s.summary.present) open = true;
    }
    if (open && ctx.openEnd > to) to = ctx.openEnd;
    return { from: Number.isFinite(from) ? from : undefined, to: Number.isFinite(to) ? to : undefined };
  }

  // ── attendance ───────────────────────────────────────────────────────────────────────────

  /** Attendance of the given users from their sessions now; what changed and who is gone. */
  private attend(users: Set<string>, methods: readonly ResolutionMethod[], span: { from: number | undefined; to: number | undefined }) {
    const scratch = new Scratch();
    const pieces = scratch.pieces;
    const spanMs = span.from !== undefined && span.to !== undefined ? span.to - span.from : 0;
    const changed: InstanceUpdate["attendance"] = [];
    const gone: Attendance[] = [];
    for (const userId of [...users].sort()) {
      const before = this.attendance.get(userId);
      const keys = [...(this.sessionsOfUser.get(userId) ?? [])].sort();
      if (keys.length === 0) {
        this.sessionsOfUser.delete(userId);
        if (before !== undefined) {
          this.attendance.delete(userId);
          gone.push(before);
        }
        continue;
      }
      pieces.clear();
      const ranks: UserRanks = { closedByMeetingEnd: false, methodRank: Infinity, sourceRank: 2, confidence: 1 };
      for (const key of keys) {
        const s = this.sessions.get(key)!;
        for (const i of s.summary.intervals) {
          pieces.addInterval(i);
          if (i.closedByMeetingEnd) ranks.closedByMeetingEnd = true;
        }
        addRanks(ranks, s.methodRank, s.sourceRank, s.confidence);
      }
      const now = userAttendance(userId, keys.length, pieces, ranks, keys, { methods, openEnd: -Infinity, span: spanMs }) as Attendance;
      if (before !== undefined && sameAttendance(before, now)) continue;
      this.attendance.set(userId, now);
      changed.push({ now, before });
    }
    return { changed, gone };
  }
}

/** The entry of row `r` of a per-update table, whose session and resolution objects are `state`. */
function entryOf(built: BuiltSessions, r: number, state: SessionState): SessionEntry {
  const t = built.table;
  const { session, resolution } = state;
  let firstFrom = Infinity;
  let closedLastTo = -Infinity;
  for (const i of session.intervals) {
    if (i.from < firstFrom) firstFrom = i.from;
    if (i.to !== undefined && i.to > closedLastTo) closedLastTo = i.to;
  }
  const userId = resolution.userId;
  const summary: SessionSummary = {
    sessionKey: session.sessionKey,
    userId,
    method: resolution.method,
    unresolvedReason: resolution.unresolvedReason,
    intervals: session.intervals,
    present: session.present,
    source: session.source,
    userName: state.latestName ?? session.names[0],
    identifiers: userId === undefined ? session.identifiers : [],
  };
  return {
    summary,
    digest: digestOf(JSON.stringify(session) + JSON.stringify(resolution) + (state.latestName ?? "\u0000")),
    methodRank: t.methodRank[r]!,
    sourceRank: t.sourceRank[r]!,
    confidence: t.confidence[r]!,
    firstFrom,
    closedLastTo,
    followsEnd: t.followsEnd[r]!,
    followsStart: t.followsStart[r]!,
  };
}

/**
 * A 53-bit digest of a text (cyrb53): two different session rows share one with a chance of about
 * one in 10^16, far below anything else that can go wrong; the text itself would cost a copy of
 * every row in memory.
 */
function digestOf(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function sameTimes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/** Equal attendance rows; the share of the span is a reader's figure and changes with every event, so it is left out. */
function sameAttendance(a: Attendance, b: Attendance): boolean {
  return JSON.stringify({ ...a, shareOfInstance: 0 }) === JSON.stringify({ ...b, shareOfInstance: 0 });
}
