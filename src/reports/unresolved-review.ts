import type { Kysely } from "kysely";
import type { Conflict, Interval, SeenIdentifier } from "../core/index.js";
import { knownJoinAndLeave } from "./attendee-figures.js";
import { isoTime } from "../json/index.js";
import type { Database } from "../store/index.js";
import { nameSimilarity } from "./name-similarity.js";
import { storedNumber } from "../store/index.js";
import { liveAttendedMs, wholeSeconds } from "./attendee-figures.js";

/** A user who might be the person behind an unresolved session, and why. Shown, never applied. */
export interface LinkSuggestion {
  externalId: string;
  /** The user's name as the privacy mode kept it, so a person can tell suggestions apart. */
  name: string | null;
  /** 0..1: how alike the session's e-mail or name is to the user's. */
  score: number;
  /** `email` or `name`: what was alike. */
  matchedOn: "email" | "name";
}

/** One session for a person to review: nobody was found for it, or two users were. */
export interface ReviewSession {
  sessionKey: string;
  /** As the privacy mode kept it (null under `drop` or when Zoom blanked it). */
  userName: string | null;
  attendedSeconds: number;
  /** ISO-8601: when the session joined (null while no join was seen) and left (null while connected): what tells sessions apart when names are hidden. */
  firstJoin: string | null;
  lastLeave: string | null;
  /** Every identifier seen on the session's events (field, value, source). */
  identifiers: Array<{ field: string; value: string; source: string }>;
  /** `no_identifier`, `identifier_unknown`, `names_hidden`, or `conflict` for a resolved session with a conflict. */
  reason: string;
  /** For a conflict: who it resolved to and by what (the winning side). */
  resolvedTo: { externalId: string; method: string } | null;
  /** For a conflict: the other users the evidence points at (the losing sides). */
  conflicts: Array<{ externalId: string; method: string; evidence: Array<{ field: string; value: string }> }>;
  suggestions: LinkSuggestion[];
}

/** How many suggestions one session gets at most, and the lowest score worth showing. */
const MAX_SUGGESTIONS = 5;
const MIN_SCORE = 0.5;

/**
 * The sessions of an instance that need a person: each unresolved session (with the identifiers
 * seen, why nothing matched and users whose e-mail or name is similar), and each resolved session
 * whose evidence also pointed at someone else (both sides). Undefined when the instance is unknown.
 */
export async function unresolvedReview(db: Kysely<Database>, instanceUuid: string, options: { accountId?: string } = {}): Promise<ReviewSession[] | undefined> {
  let instanceQuery = db.selectFrom("instances").select(["account_id", "span_to"]).where("instance_uuid", "=", instanceUuid);
  if (options.accountId !== undefined) instanceQuery = instanceQuery.where("account_id", "=", options.accountId);
  const instance = await instanceQuery.executeTakeFirst();
  if (!instance) return undefined;
  const rows = await db
    .selectFrom("session_resolutions as r")
    .innerJoin("participant_sessions as s", (j) =>
      j.onRef("s.account_id", "=", "r.account_id").onRef("s.instance_uuid", "=", "r.instance_uuid").onRef("s.session_key", "=", "r.session_key"),
    )
    .select(["r.session_key", "r.user_id", "r.method", "r.unresolved_reason", "r.conflicts_json", "s.display_name", "s.attended_ms", "s.open_since", "s.identifiers_json", "s.names_json", "s.intervals_json", "s.present"])
    .where("r.account_id", "=", instance.account_id)
    .where("r.instance_uuid", "=", instanceUuid)
    .where((eb) => eb.or([eb("r.user_id", "is", null), eb("r.conflicts_json", "not in", ["", "[]"])]))
    .orderBy("r.session_key")
    .execute();
  if (rows.length === 0) return [];
  const users = await db.selectFrom("directory_users").select(["external_id", "email", "name"]).where("account_id", "in", [instance.account_id, "*"]).execute();
  return rows.map((row) => {
    const identifiers = JSON.parse(row.identifiers_json) as SeenIdentifier[];
    const conflicts = JSON.parse(row.conflicts_json || "[]") as Conflict[];
    const names = JSON.parse(row.names_json || "[]") as string[];
    const unresolved = row.user_id === null;
    const { firstJoin, lastLeave } = knownJoinAndLeave(JSON.parse(row.intervals_json) as Interval[], Number(row.present) === 1);
    return {
      sessionKey: row.session_key,
      userName: row.display_name,
      attendedSeconds: wholeSeconds(liveAttendedMs(Number(row.attended_ms), storedNumber(row.open_since), storedNumber(instance.span_to))),
      firstJoin: isoTime(firstJoin),
      lastLeave: isoTime(lastLeave),
      identifiers: identifiers.map((i) => ({ field: i.field, value: i.value, source: i.source })),
      reason: unresolved ? (row.unresolved_reason ?? "identifier_unknown") : "conflict",
      resolvedTo: unresolved ? null : { externalId: row.user_id!, method: row.method ?? "unknown" },
      conflicts: conflicts.map((c) => ({ externalId: c.userId, method: c.method, evidence: c.evidence.map((e) => ({ field: e.field, value: e.value })) })),
      suggestions: unresolved ? suggest(identifiers, names, row.display_name, users) : [],
    };
  });
}

function suggest(identifiers: SeenIdentifier[], names: string[], displayName: string | null, users: Array<{ external_id: string; email: string | null; name: string | null }>): LinkSuggestion[] {
  const emails = identifiers.filter((i) => i.field === "email").map((i) => i.value);
  const shownNames = [...new Set([...names, ...(displayName ? [displayName] : []), ...identifiers.filter((i) => i.field === "user_name").map((i) => i.value)])];
  const best = new Map<string, LinkSuggestion>();
  const offer = (s: LinkSuggestion) => {
    const known = best.get(s.externalId);
    if (s.score >= MIN_SCORE && (!known || s.score > known.score)) best.set(s.externalId, s);
  };
  for (const user of users) {
    for (const email of emails) {
      if (user.email === null) continue;
      // Same mailbox at another domain, or a typo: compare whole addresses and local parts.
      const score = Math.max(nameSimilarity(email, user.email), 0.95 * nameSimilarity(localPart(email), localPart(user.email)));
      offer({ externalId: user.external_id, name: user.name, score: round(score), matchedOn: "email" });
    }
    for (const name of shownNames) {
      if (user.name !== null) offer({ externalId: user.external_id, name: user.name, score: round(nameSimilarity(name, user.name)), matchedOn: "name" });
      if (user.email !== null) offer({ externalId: user.external_id, name: user.name, score: round(0.9 * nameSimilarity(name, localPart(user.email))), matchedOn: "email" });
    }
  }
  return [...best.values()].sort((a, b) => b.score - a.score || (a.externalId < b.externalId ? -1 : 1)).slice(0, MAX_SUGGESTIONS);
}

function localPart(email: string): string {
  const at = email.indexOf("@");
  return at < 0 ? email : email.slice(0, at);
}

function round(score: number): number {
  return Math.round(score * 100) / 100;
}
