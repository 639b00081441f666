import { addRanks, userAttendance, type UserRanks } from "./attendance.js";
import type { ResolutionMethod } from "./engine-options.js";
import { resolvedIdentity, type IdentityContext } from "./identity.js";
import type { Attendance } from "./instance-result.js";
import type { InstanceUpdate, SessionState } from "./instance-update.js";
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

/** A built session as the view keeps it: its state and what attendance and the span read of it. */
interface SessionEntry {
  state: SessionState;
  userId: string | undefined;
  methodRank: number;
  sourceRank: number;
  confidence: number;
  /** Start of its first interval (Infinity: none). */
  firstFrom: number;
  /** End of its latest closed interval (-Infinity: none). */
  closedLastTo: number;
  present: boolean;
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

  /** See `InstanceState.update`. */
  update(graph: ConnectionGraph, touched: readonly number[], ctx: UpdateContext, info: (spanFrom: number | undefined, spanTo: number | undefined) => InstanceInfo): InstanceUpdate {
    // Every union involves a connection that got an event now, so the roots of those connections
    // are every group that grew.
    this.register(graph);
    for (const c of touched) this.link(graph, graph.connections[c]!);
    this.linkUuidEdges(graph);
    // The instance's start or end moved: every session's time may follow (a leave without join
    // opens at the start; meeting.ended closes what is open).
    const everything = ctx.everything || !this.updated || ctx.instanceStart !== this.instanceStart || !sameTimes(ctx.endTimes, this.endTimes);
    this.instanceStart = ctx.instanceStart;
    this.endTimes = ctx.endTimes;
    const complete = everything;
    this.updated = true;
    const roots = everything ? this.allRoots() : this.rootsOf(touched);
    const { changed, gone, users } = this.rebuild(graph, roots, ctx);
    const span = this.span(ctx);
    const attendance = this.attend(users, ctx.methods, span);
    return { instance: info(span.from, span.to), sessions: changed, goneSessions: gone, attendance: attendance.changed, goneAttendance: attendance.gone, complete };
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
        const entry = entryOf(built, r);
        key = entry.state.session.sessionKey;
        newKeys.add(key);
        const before = this.sessions.get(key);
        if (before === undefined || !sameSession(before.state, entry.state)) {
          changed.push({ now: entry.state, before: before?.state });
          this.setSession(key, entry, before, users);
        }
      }
      for (const conn of group) this.keyOfConn[conn.index] = key;
    }
    const gone: SessionState[] = [];
    for (const key of oldKeys) {
      if (newKeys.has(key)) continue;
      const before = this.sessions.get(key);
      if (before === undefined) continue;
      gone.push(before.state);
      this.setSession(key, undefined, before, users);
    }
    return { changed, gone, users };
  }

  /** Records a session's new entry (undefined: gone), keeping each user's set of sessions; notes the users affected. */
  private setSession(key: string, entry: SessionEntry | undefined, before: SessionEntry | undefined, users: Set<string>): void {
    if (before?.userId !== undefined) {
      users.add(before.userId);
      this.sessionsOfUser.get(before.userId)?.delete(key);
    }
    if (entry === undefined) {
      this.sessions.delete(key);
      return;
    }
    this.sessions.set(key, entry);
    if (entry.userId !== undefined) {
      users.add(entry.userId);
      let keys = this.sessionsOfUser.get(entry.userId);
      if (!keys) this.sessionsOfUser.set(entry.userId, (keys = new Set()));
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
      if (s.present) open = true;
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
        for (const i of s.state.session.intervals) {
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

/** The entry of row `r` of a per-update table (its session and resolution objects built with detail). */
function entryOf(built: BuiltSessions, r: number): SessionEntry {
  const t = built.table;
  let firstFrom = Infinity;
  let closedLastTo = -Infinity;
  for (let j = t.intervalStart[r]!; j < t.intervalStart[r + 1]!; j++) {
    if (t.from[j]! < firstFrom) firstFrom = t.from[j]!;
    const to = t.to[j]!;
    if (to !== Infinity && to > closedLastTo) closedLastTo = to;
  }
  return {
    state: { session: built.sessions[r]!, resolution: built.resolutions[r]!, latestName: t.latestName[r] },
    userId: t.userId[r],
    methodRank: t.methodRank[r]!,
    sourceRank: t.sourceRank[r]!,
    confidence: t.confidence[r]!,
    firstFrom,
    closedLastTo,
    present: t.present[r]!,
  };
}

function sameTimes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

function sameSession(a: SessionState, b: SessionState): boolean {
  return a.latestName === b.latestName && JSON.stringify(a.session) === JSON.stringify(b.session) && JSON.stringify(a.resolution) === JSON.stringify(b.resolution);
}

/** Equal attendance rows; the share of the span is a reader's figure and changes with every event, so it is left out. */
function sameAttendance(a: Attendance, b: Attendance): boolean {
  return JSON.stringify({ ...a, shareOfInstance: 0 }) === JSON.stringify({ ...b, shareOfInstance: 0 });
}
