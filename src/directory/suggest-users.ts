import type { DirectoryUser } from "./users-repository.js";

/** A user who might be behind an unresolved session, with how alike their name or e-mail is (0..1). */
export interface UserSuggestion {
  externalId: string;
  name: string | null;
  email: string | null;
  score: number;
}

/**
 * Users whose name or e-mail looks like what an unresolved session showed (its display names and
 * e-mails), best first. Only suggestions: nothing is linked until someone chooses.
 *
 * @example
 * suggestUsers({ names: ["Ada L."], emails: [] }, users); // [{ externalId: "u-1", score: 0.71, … }]
 */
export function suggestUsers(
  seen: { names: readonly string[]; emails: readonly string[] },
  users: readonly DirectoryUser[],
  options: { limit?: number; minScore?: number } = {},
): UserSuggestion[] {
  const minScore = options.minScore ?? 0.5;
  const seenEmails = new Set(seen.emails.map((e) => e.toLowerCase()));
  // Names and e-mail local parts: domains are shared by many people and would make everyone alike.
  const clues = [...seen.names, ...seen.emails.map(localPart)].map(normalise).filter((c) => c.length > 1);
  if (clues.length === 0) return [];
  const scored: UserSuggestion[] = [];
  for (const user of users) {
    const targets = [user.name, user.email ? localPart(user.email) : null].filter((t): t is string => !!t).map(normalise);
    let score = user.email && seenEmails.has(user.email.toLowerCase()) ? 1 : 0;
    for (const clue of clues) for (const target of targets) score = Math.max(score, diceCoefficient(clue, target));
    if (score >= minScore) scored.push({ externalId: user.externalId, name: user.name, email: user.email, score: Math.round(score * 100) / 100 });
  }
  scored.sort((a, b) => b.score - a.score || (a.externalId < b.externalId ? -1 : 1));
  return scored.slice(0, options.limit ?? 3);
}

function localPart(email: string): string {
  return email.split("@")[0] ?? "";
}

function normalise(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** Sørensen–Dice similarity of character bigrams: robust to word order, initials and typos. */
function diceCoefficient(a: string, b: string): number {
  if (a === b) return 1;
  const bigrams = (s: string): Map<string, number> => {
    const map = new Map<string, number>();
    for (let i = 0; i < s.length - 1; i++) map.set(s.slice(i, i + 2), (map.get(s.slice(i, i + 2)) ?? 0) + 1);
    return map;
  };
  const x = bigrams(a);
  const y = bigrams(b);
  let shared = 0;
  for (const [gram, count] of x) shared += Math.min(count, y.get(gram) ?? 0);
  const total = a.length - 1 + (b.length - 1);
  return total <= 0 ? 0 : (2 * shared) / total;
}
