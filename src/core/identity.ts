import { CONFLICT_PENALTY, DEFAULT_NAME_PATTERN, METHOD_CONFIDENCE, type ResolutionMethod, type ResolvedEngineOptions } from "./engine-options.js";
import type { Conflict, Evidence, IdentifierField, Resolution, Session, UnresolvedReason } from "./instance-result.js";
import { IDENTIFIER_FIELDS_OF_METHOD } from "./identifier-fields.js";
import { manualKey, type LinkIndex, type LinkTarget } from "./link-index.js";
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
  manualBySession?: ReadonlyMap<string, readonly string[]> | undefined;
  /** Per method of `options.methods`: the link values and the identifier fields it reads (looked up once per result). */
  plan?: { values: Array<ReadonlyMap<string, readonly LinkTarget[]> | undefined>; fields: Array<readonly IdentifierField[]> };
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
  const fields: Array<readonly IdentifierField[]> = [];
  for (const method of options.methods) {
    values.push(method === "manual" ? undefined : links.byMethod.get(method));
    fields.push(method === "manual" ? NO_FIELDS : IDENTIFIER_FIELDS_OF_METHOD[method]);
  }
  return { instanceUuid, meetingId, links, options, tokenCache: new Map(), manualBySession, plan: { values, fields }, candidates: new Candidates() };
}

/**
 * Resolves one session to a user. Every enabled method looks at every identifier the session's
 * events carried (late binding: a `registrant_id` only on the leave resolves the whole session).
 * The strongest method with a match wins; evidence pointing at other users is kept as conflicts and
 * lowers the confidence. Without a match the session says why.
 */
export function resolveSession(session: Session, ctx: IdentityContext): Resolution {
  // userId → evidence, kept in method order so the strongest method per user comes first.
  // Usually zero or one user: a Map per session would cost more than it saves.
  const candidates = (ctx.candidates ??= new Candidates());
  candidates.clear();
  let usableIdentifier = false;
  const methods = ctx.options.methods;
  const plan = ctx.plan;
  for (let m = 0; m < methods.length; m++) {
    const method = methods[m]!;
    if (method === "manual") {
      if (ctx.links.manual.size === 0) continue;
      const users = "manualBySession" in ctx ? ctx.manualBySession?.get(session.sessionKey) : ctx.links.manual.get(manualKey(ctx.instanceUuid, session.sessionKey));
      if (users !== undefined) {
        for (const userId of users) candidates.add(userId, { method, field: "manual", value: session.sessionKey, eventKey: "", source: "link" });
      }
      continue;
    }
    const values = plan !== undefined ? plan.values[m] : ctx.links.byMethod.get(method);
    const fields = plan !== undefined ? plan.fields[m]! : IDENTIFIER_FIELDS_OF_METHOD[method];
    const identifiers = session.identifiers;
    for (let k = 0; k < identifiers.length; k++) {
      const seen = identifiers[k]!;
      const field = seen.field;
      // `id` is read by two methods (a Zoom user id, or a registrant id in older data): a value
      // linked both ways to two users becomes a conflict below, like any other disagreement.
      if (!fields.includes(field)) continue;
      let value = seen.value;
      if (method === "name_token") {
        const token = tokenOf(value, ctx);
        if (token === null) continue;
        value = token;
      }
      usableIdentifier = true;
      const targets = values?.get(value);
      if (targets === undefined) continue;
      for (const target of targets) {
        // A registrant id belongs to one meeting number; a link for another meeting does not apply.
        if (target.meetingId !== undefined && ctx.meetingId !== "" && target.meetingId !== ctx.meetingId) continue;
        candidates.add(target.userId, { method, field, value, eventKey: seen.eventKey, source: seen.source });
      }
    }
  }
  if (candidates.length === 0) {
    return { sessionKey: session.sessionKey, confidence: 0, evidence: [], conflicts: [], unresolvedReason: unresolvedReason(session, usableIdentifier, ctx) };
  }
  let winner: string | undefined;
  let winnerRank = Infinity;
  for (let i = 0; i < candidates.length; i++) {
    const userId = candidates.users[i]!;
    const r = methods.indexOf(candidates.evidence[i]![0]!.method);
    // Same strongest method for two users: the smaller id, so the choice never depends on order.
    if (r < winnerRank || (r === winnerRank && userId < winner!)) {
      winner = userId;
      winnerRank = r;
    }
  }
  const conflicts: Conflict[] = [];
  let evidence: Evidence[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const userId = candidates.users[i]!;
    const list = candidates.evidence[i]!;
    if (userId !== winner) conflicts.push({ userId, method: list[0]!.method, evidence: sortEvidence(list, methods) });
    else evidence = sortEvidence(list, methods);
  }
  if (conflicts.length > 1) {
    conflicts.sort((a, b) => methods.indexOf(a.method) - methods.indexOf(b.method) || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  }
  candidates.clear();
  const method = evidence[0]!.method;
  const confidence = METHOD_CONFIDENCE[method] * (conflicts.length > 0 ? CONFLICT_PENALTY : 1);
  return { sessionKey: session.sessionKey, userId: winner!, method, confidence, evidence, conflicts };
}

function tokenOf(name: string, ctx: IdentityContext): string | null {
  if (ctx.options.namePattern === DEFAULT_NAME_PATTERN) return defaultToken(name);
  let token = ctx.tokenCache.get(name);
  if (token === undefined) {
    const match = ctx.options.namePattern.exec(name);
    token = match?.groups?.["token"] || null;
    ctx.tokenCache.set(name, token);
  }
  return token;
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
 * - `identifier_unknown`: something an enabled method could use was seen, but no link matches it.
 * - `names_hidden`: nothing usable, and names/e-mails were unavailable (privacy mode, or a blanked
 *   HIPAA/BAA account: no name on any event), so a name or e-mail might have told.
 * - `no_identifier`: nothing usable although names were visible (a guest without token or e-mail).
 */
function unresolvedReason(session: Session, usableIdentifier: boolean, ctx: IdentityContext): UnresolvedReason {
  if (usableIdentifier) return "identifier_unknown";
  if (ctx.options.privacy !== "store" || session.names.length === 0) return "names_hidden";
  return "no_identifier";
}

/** A tiny insertion-ordered multimap from user id to evidence, backed by arrays; one per context, reused. */
export class Candidates {
  readonly users: string[] = [];
  readonly evidence: Evidence[][] = [];
  length = 0;
  clear(): void {
    this.length = 0;
  }
  add(userId: string, evidence: Evidence): void {
    for (let i = 0; i < this.length; i++) {
      if (this.users[i] === userId) {
        this.evidence[i]!.push(evidence);
        return;
      }
    }
    this.users[this.length] = userId;
    this.evidence[this.length] = [evidence];
    this.length++;
  }
}

const NO_FIELDS: readonly IdentifierField[] = Object.freeze([]);

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
