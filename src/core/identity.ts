import { CONFLICT_PENALTY, DEFAULT_NAME_PATTERN, METHOD_CONFIDENCE, type ResolutionMethod, type ResolvedEngineOptions } from "./engine-options.js";
import { SOURCES } from "./event-columns.js";
import type { Conflict, Evidence, Resolution } from "./instance-result.js";
import type { UnresolvedReason } from "./result-common.js";
import { FIELD_OF_CODE, fieldMaskOf } from "./identifier-fields.js";
import type { LinkIndex, LinkTarget } from "./link-index.js";
import type { Scratch } from "./scratch.js";
import { sortPrefix } from "./sort-prefix.js";

/** What identity resolution needs from the instance. */
export interface IdentityContext {
  instanceUuid: string;
  meetingId: string;
  links: LinkIndex;
  options: ResolvedEngineOptions;
  /** Per-result cache: display name → token (or null), so the name pattern runs once per name. */
  tokenCache: Map<string, string | null>;
  /** Manual links of this instance by session key (undefined when there are none). */
  manualBySession: ReadonlyMap<string, readonly string[]> | undefined;
  /** Per method of `options.methods`: the link values and the identifier fields it reads, as a mask of field codes (looked up once per result). */
  plan: { values: Array<ReadonlyMap<string, readonly LinkTarget[]> | undefined>; fieldMasks: number[] };
  /** Working space of this computation (one per context, never shared: computations may interleave). */
  candidates?: Candidates;
}

/** Manual links grouped per instance, computed once per link index. */
const manualByInstance = new WeakMap<ReadonlyMap<string, readonly string[]>, { size: number; perInstance: Map<string, Map<string, readonly string[]>> }>();

/**
 * The context for resolving the sessions of one instance; manual links are looked up by session key
 * in a per-instance map (built once per link index) instead of one key string per session.
 */
export function identityContext(instanceUuid: string, meetingId: string, links: LinkIndex, options: ResolvedEngineOptions): IdentityContext {
  let manualBySession: ReadonlyMap<string, readonly string[]> | undefined;
  if (links.manual.size > 0 && options.methods.includes("manual")) {
    const cached = manualByInstance.get(links.manual);
    let perInstance = cached !== undefined && cached.size === links.manual.size ? cached.perInstance : undefined;
    if (perInstance === undefined) {
      perInstance = new Map();
      for (const [key, users] of links.manual) {
        const cut = key.indexOf("\u0000");
        const instance = key.slice(0, cut);
        let bySession = perInstance.get(instance);
        if (bySession === undefined) perInstance.set(instance, (bySession = new Map()));
        bySession.set(key.slice(cut + 1), users);
      }
      manualByInstance.set(links.manual, { size: links.manual.size, perInstance });
    }
    manualBySession = perInstance.get(instanceUuid);
  }
  const values: Array<ReadonlyMap<string, readonly LinkTarget[]> | undefined> = [];
  const fieldMasks: number[] = [];
  for (const method of options.methods) {
    values.push(method === "manual" ? undefined : links.byMethod.get(method));
    fieldMasks.push(method === "manual" ? 0 : fieldMaskOf(method));
  }
  return { instanceUuid, meetingId, links, options, tokenCache: new Map(), manualBySession, plan: { values, fieldMasks }, candidates: new Candidates() };
}

/** What resolving one session says, written into a reused object (no allocation in lean mode). */
export interface ResolvedIdentity {
  /** Undefined when unresolved. */
  userId: string | undefined;
  /** Index of the winning method in the options' methods (-1: unresolved). */
  methodRank: number;
  confidence: number;
  /** Strongest source over the winner's evidence: 0 a manual link, 1 webhook, 2 report. */
  sourceRank: number;
  reason: UnresolvedReason | undefined;
  /** The full resolution (evidence and conflicts as objects); only when asked for. */
  resolution: Resolution | undefined;
}

/** An empty {@link ResolvedIdentity} to reuse. */
export function resolvedIdentity(): ResolvedIdentity {
  return { userId: undefined, methodRank: -1, confidence: 0, sourceRank: 2, reason: undefined, resolution: undefined };
}

/**
 * Resolves one session to a user from its identifiers, held as the scratch columns the session was
 * gathered into (`scratch.idFieldCode`/`idValue`/`idSourceCode`/`idRow`, `n` of them; `rowKeys` are
 * the content keys of the rows `idRow` points at). Every enabled method looks at every identifier
 * the session's events carried (late binding: a `registrant_id` only on the leave resolves the whole
 * session). The strongest method with a match wins; evidence pointing at other users is kept as
 * conflicts and lowers the confidence. Without a match the session says why. With `detail`, the
 * evidence and conflicts are built as objects too (`out.resolution`).
 */
export function resolveIdentifiers(sessionKey: string, scratch: Scratch, n: number, hasNames: boolean, rowKeys: readonly string[], ctx: IdentityContext, detail: boolean, out: ResolvedIdentity): void {
  // userId → evidence, kept in method order so the strongest method per user comes first.
  // Usually zero or one user: a Map per session would cost more than it saves.
  const candidates = (ctx.candidates ??= new Candidates());
  candidates.clear();
  let usableIdentifier = false;
  const methods = ctx.options.methods;
  const plan = ctx.plan;
  const { idFieldCode, idValue, idSourceCode, idRow } = scratch;
  for (let m = 0; m < methods.length; m++) {
    const method = methods[m]!;
    if (method === "manual") {
      if (ctx.links.manual.size === 0) continue;
      const users = ctx.manualBySession?.get(sessionKey);
      if (users !== undefined) {
        for (const userId of users) candidates.add(userId, m, LINK, detail ? { method, field: "manual", value: sessionKey, eventKey: "", source: "link" } : undefined);
      }
      continue;
    }
    const values = plan.values[m];
    const mask = plan.fieldMasks[m]!;
    for (let k = 0; k < n; k++) {
      const field = idFieldCode[k]!;
      // `id` is read by two methods (a Zoom user id, or a registrant id in older data): a value
      // linked both ways to two users becomes a conflict below, like any other disagreement.
      if ((mask & (1 << field)) === 0) continue;
      let value = idValue[k]!;
      if (method === "name_token") {
        const token = tokenOf(value, ctx);
        if (token === null) continue;
        value = token;
      }
      usableIdentifier = true;
      const targets = values?.get(value);
      if (targets === undefined) continue;
      const source = idSourceCode[k]!;
      for (const target of targets) {
        // A registrant id belongs to one meeting number; a link for another meeting does not apply.
        if (target.meetingId !== undefined && ctx.meetingId !== "" && target.meetingId !== ctx.meetingId) continue;
        candidates.add(target.userId, m, source + 1, detail ? { method, field: FIELD_OF_CODE[field]!, value, eventKey: rowKeys[idRow[k]!]!, source: SOURCES[source]! } : undefined);
      }
    }
  }
  out.resolution = undefined;
  if (candidates.length === 0) {
    // - `identifier_unknown`: something an enabled method could use was seen, but no link matches it.
    // - `names_hidden`: nothing usable, and names/e-mails were unavailable (privacy mode, or a blanked
    //   HIPAA/BAA account: no name on any event), so a name or e-mail might have told.
    // - `no_identifier`: nothing usable although names were visible (a guest without token or e-mail).
    const reason: UnresolvedReason = usableIdentifier ? "identifier_unknown" : ctx.options.privacy !== "store" || !hasNames ? "names_hidden" : "no_identifier";
    out.userId = undefined;
    out.methodRank = -1;
    out.confidence = 0;
    out.sourceRank = 2;
    out.reason = reason;
    if (detail) out.resolution = { sessionKey, confidence: 0, evidence: [], conflicts: [], unresolvedReason: reason };
    return;
  }
  // Same strongest method for two users: the smaller id, so the choice never depends on order.
  let w = 0;
  for (let i = 1; i < candidates.length; i++) {
    const r = candidates.methodRank[i]!;
    const best = candidates.methodRank[w]!;
    if (r < best || (r === best && candidates.users[i]! < candidates.users[w]!)) w = i;
  }
  const winner = candidates.users[w]!;
  const methodRank = candidates.methodRank[w]!;
  const confidence = METHOD_CONFIDENCE[methods[methodRank]!] * (candidates.length > 1 ? CONFLICT_PENALTY : 1);
  out.userId = winner;
  out.methodRank = methodRank;
  out.confidence = confidence;
  out.sourceRank = candidates.sourceRank[w]!;
  out.reason = undefined;
  if (detail) {
    const conflicts: Conflict[] = [];
    for (let i = 0; i < candidates.length; i++) {
      if (i !== w) conflicts.push({ userId: candidates.users[i]!, method: methods[candidates.methodRank[i]!]!, evidence: sortEvidence(candidates.evidence[i]!, methods) });
    }
    if (conflicts.length > 1) {
      conflicts.sort((a, b) => methods.indexOf(a.method) - methods.indexOf(b.method) || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    }
    out.resolution = { sessionKey, userId: winner, method: methods[methodRank]!, confidence, evidence: sortEvidence(candidates.evidence[w]!, methods), conflicts };
  }
  candidates.clear();
}

/** Evidence source ranks (see {@link ResolvedIdentity.sourceRank}); a webhook identifier is 1, a report one 2. */
const LINK = 0;

function tokenOf(name: string, ctx: IdentityContext): string | null {
  if (ctx.options.namePattern === DEFAULT_NAME_PATTERN) return defaultToken(name);
  let token = ctx.tokenCache.get(name);
  if (token === undefined) {
    token = nameToken(name, ctx.options.namePattern);
    ctx.tokenCache.set(name, token);
  }
  return token;
}

/**
 * The token a display name carries under `namePattern` (its named group `token`), or null: what a
 * `name_token` link's value is compared with. Exported so the store can look such links up by value.
 */
export function nameToken(name: string, namePattern: RegExp): string | null {
  if (namePattern === DEFAULT_NAME_PATTERN) return defaultToken(name);
  return namePattern.exec(name)?.groups?.["token"] || null;
}

/**
 * {@link DEFAULT_NAME_PATTERN} (`/\[rc:(?<token>[^\]\s]+)\]/`) by hand: the first `[rc:` followed by
 * one or more characters other than `]` and white space, then `]`; else the next `[rc:`.
 */
function defaultToken(name: string): string | null {
  let at = name.indexOf("[rc:");
  while (at !== -1) {
    const start = at + 4;
    let i = start;
    for (; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c === 93 /* ] */ || isRegExpSpace(c)) break;
    }
    if (i > start && i < name.length && name.charCodeAt(i) === 93) return name.slice(start, i);
    at = name.indexOf("[rc:", at + 1);
  }
  return null;
}

/** `\s` of a JavaScript regular expression. */
function isRegExpSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) ||
    c === 32 ||
    c === 160 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Users the evidence of one session points at, in insertion order, backed by arrays: the strongest
 * method and source per user, and (with detail) the evidence itself. One per context, reused.
 */
export class Candidates {
  readonly users: string[] = [];
  readonly methodRank: number[] = [];
  readonly sourceRank: number[] = [];
  readonly evidence: Evidence[][] = [];
  length = 0;
  clear(): void {
    this.length = 0;
  }
  /** Methods are visited strongest first, so a user's first method is their strongest. */
  add(userId: string, methodRank: number, sourceRank: number, evidence: Evidence | undefined): void {
    for (let i = 0; i < this.length; i++) {
      if (this.users[i] === userId) {
        if (sourceRank < this.sourceRank[i]!) this.sourceRank[i] = sourceRank;
        if (evidence !== undefined) this.evidence[i]!.push(evidence);
        return;
      }
    }
    const n = this.length;
    this.users[n] = userId;
    this.methodRank[n] = methodRank;
    this.sourceRank[n] = sourceRank;
    if (evidence !== undefined) this.evidence[n] = [evidence];
    this.length = n + 1;
  }
}

function sortEvidence(evidence: Evidence[], methods: readonly ResolutionMethod[]): Evidence[] {
  if (evidence.length < 2) return evidence;
  sortPrefix(evidence, evidence.length, (a, b) => compareEvidence(a, b, methods));
  return evidence.slice();
}

function compareEvidence(a: Evidence, b: Evidence, methods: readonly ResolutionMethod[]): number {
  return methods.indexOf(a.method) - methods.indexOf(b.method) || cmp(a.field, b.field) || cmp(a.value, b.value) || cmp(a.source, b.source) || cmp(a.eventKey, b.eventKey);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
