import { CONFLICT_PENALTY, METHOD_CONFIDENCE, type ResolutionMethod, type ResolvedEngineOptions } from "./engine-options.js";
import type { Conflict, Evidence, IdentifierField, Resolution, Session, UnresolvedReason } from "./instance-result.js";
import type { IdentifierLinkMethod } from "./link.js";
import { manualKey, type LinkIndex } from "./link-index.js";

/** Which identifier field each identifier method reads. */
const FIELD_OF: Readonly<Record<Exclude<IdentifierLinkMethod, "name_token">, IdentifierField>> = {
  customer_key: "customer_key",
  registrant_id: "registrant_id",
  zoom_user_id: "participant_user_id",
  email: "email",
};

/** What identity resolution needs from the instance. */
export interface IdentityContext {
  instanceUuid: string;
  meetingId: string;
  links: LinkIndex;
  options: ResolvedEngineOptions;
  /** Per-result cache: display name → token (or null), so the name pattern runs once per name. */
  tokenCache: Map<string, string | null>;
}

/**
 * Resolves one session to a user. Every enabled method looks at every identifier the session's
 * events carried (late binding: a `registrant_id` only on the leave resolves the whole session).
 * The strongest method with a match wins; evidence pointing at other users is kept as conflicts and
 * lowers the confidence. Without a match the session says why.
 *
 * @example
 * resolveSession(session, ctx) // { sessionKey, userId: "u1", method: "registrant_id", confidence: 0.95, ... }
 */
export function resolveSession(session: Session, ctx: IdentityContext): Resolution {
  // userId → evidence, kept in method order so the strongest method per user comes first.
  // Usually zero or one user: a Map per session would cost more than it saves.
  const candidates = new Candidates();
  let usableIdentifier = false;
  for (const method of ctx.options.methods) {
    if (method === "manual") {
      const users = ctx.links.manual.get(manualKey(ctx.instanceUuid, session.sessionKey));
      if (users !== undefined) {
        for (const userId of users) candidates.add(userId, { method, field: "manual", value: session.sessionKey, eventKey: "", source: "link" });
      }
      continue;
    }
    const values = ctx.links.byMethod.get(method);
    const field: IdentifierField = method === "name_token" ? "user_name" : FIELD_OF[method];
    for (const seen of session.identifiers) {
      if (seen.field !== field) continue;
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
  if (candidates.size === 0) {
    return { sessionKey: session.sessionKey, confidence: 0, evidence: [], conflicts: [], unresolvedReason: unresolvedReason(session, usableIdentifier, ctx) };
  }
  const methods = ctx.options.methods;
  let winner: string | undefined;
  let winnerRank = Infinity;
  for (let i = 0; i < candidates.users.length; i++) {
    const userId = candidates.users[i]!;
    const r = methods.indexOf(candidates.evidence[i]![0]!.method);
    // Same strongest method for two users: the smaller id, so the choice never depends on order.
    if (r < winnerRank || (r === winnerRank && userId < winner!)) {
      winner = userId;
      winnerRank = r;
    }
  }
  const conflicts: Conflict[] = [];
  for (let i = 0; i < candidates.users.length; i++) {
    const userId = candidates.users[i]!;
    const evidence = candidates.evidence[i]!;
    if (userId !== winner) conflicts.push({ userId, method: evidence[0]!.method, evidence: sortEvidence(evidence, methods) });
  }
  conflicts.sort((a, b) => methods.indexOf(a.method) - methods.indexOf(b.method) || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  const evidence = sortEvidence(candidates.get(winner!)!, methods);
  const method = evidence[0]!.method;
  const confidence = METHOD_CONFIDENCE[method] * (conflicts.length > 0 ? CONFLICT_PENALTY : 1);
  return { sessionKey: session.sessionKey, userId: winner!, method, confidence, evidence, conflicts };
}

function tokenOf(name: string, ctx: IdentityContext): string | null {
  let token = ctx.tokenCache.get(name);
  if (token === undefined) {
    const match = ctx.options.namePattern.exec(name);
    token = match?.groups?.["token"] || null;
    ctx.tokenCache.set(name, token);
  }
  return token;
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

/** A tiny insertion-ordered multimap from user id to evidence, backed by arrays. */
class Candidates {
  readonly users: string[] = [];
  readonly evidence: Evidence[][] = [];
  get size(): number {
    return this.users.length;
  }
  add(userId: string, evidence: Evidence): void {
    const i = this.users.indexOf(userId);
    if (i === -1) {
      this.users.push(userId);
      this.evidence.push([evidence]);
    } else this.evidence[i]!.push(evidence);
  }
  get(userId: string): Evidence[] | undefined {
    const i = this.users.indexOf(userId);
    return i === -1 ? undefined : this.evidence[i];
  }
}

function sortEvidence(evidence: Evidence[], methods: readonly ResolutionMethod[]): Evidence[] {
  if (evidence.length < 2) return evidence;
  return evidence.sort(
    (a, b) => methods.indexOf(a.method) - methods.indexOf(b.method) || cmp(a.field, b.field) || cmp(a.value, b.value) || cmp(a.source, b.source) || cmp(a.eventKey, b.eventKey),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
