/**
 * How the engine recognises users: which identity methods are on, in what order, the display-name
 * token pattern, the privacy mode and the caller's notion of "now" (the core has no clock).
 */

/** An identity method of an {@link IdentifierLink}, plus `manual` for hand-made session links. */
export type ResolutionMethod = "manual" | "customer_key" | "registrant_id" | "zoom_user_id" | "email" | "name_token";

/** What the operator keeps of names and e-mails (`ROLLCALL_PRIVACY`). */
export type PrivacyMode = "store" | "hash" | "drop";

export interface EngineOptions {
  /**
   * Methods in precedence order, strongest first; a method left out is switched off.
   * Default {@link DEFAULT_PRECEDENCE}.
   */
  methods?: readonly ResolutionMethod[];
  /**
   * Display-name token pattern with a named group `token`. Default {@link DEFAULT_NAME_PATTERN}
   * (`"Dana [rc:7f3k]"` → `7f3k`). Interpreter-style names work too:
   * `/^\S+ (?<token>\d+) \(.+ Interpreter\)$/`.
   */
  namePattern?: RegExp;
  /**
   * `store`: names and e-mails as Zoom sent them; `hash`: both keyed hashes (e-mail links must hold
   * the same hash; name tokens cannot be read, so `name_token` is off); `drop`: neither is kept, so
   * `email` and `name_token` are off. Default `store`.
   */
  privacy?: PrivacyMode;
  /** Epoch ms the caller considers "now": open intervals count until then. Default: latest event time. */
  now?: number;
}

/** manual > customer_key > registrant_id > zoom_user_id > email > name_token (design.md). */
export const DEFAULT_PRECEDENCE: readonly ResolutionMethod[] = Object.freeze([
  "manual",
  "customer_key",
  "registrant_id",
  "zoom_user_id",
  "email",
  "name_token",
]);

/** Recognises a token the app put into the display name anywhere, e.g. `"Dana [rc:7f3k]"`. */
export const DEFAULT_NAME_PATTERN = /\[rc:(?<token>[^\]\s]+)\]/;

/**
 * How much a resolution by each method can be trusted on its own (before conflicts).
 * Manual and SDK customer keys are set by the app itself; names are typed by people.
 */
export const METHOD_CONFIDENCE: Readonly<Record<ResolutionMethod, number>> = Object.freeze({
  manual: 1,
  customer_key: 0.99,
  registrant_id: 0.95,
  zoom_user_id: 0.9,
  email: 0.8,
  name_token: 0.6,
});

/** Confidence is multiplied by this when other evidence points at a different user. */
export const CONFLICT_PENALTY = 0.5;

/** Options with every default filled in and privacy applied to the method list. */
export interface ResolvedEngineOptions {
  methods: readonly ResolutionMethod[];
  namePattern: RegExp;
  privacy: PrivacyMode;
  now: number | undefined;
}

/**
 * Fills in defaults and switches off the methods a privacy mode makes impossible.
 */
export function resolveEngineOptions(options: EngineOptions = {}): ResolvedEngineOptions {
  const privacy = options.privacy ?? "store";
  const namePattern = options.namePattern ?? DEFAULT_NAME_PATTERN;
  if (!/\(\?<token>/.test(namePattern.source)) {
    throw new Error(`namePattern: expected a regular expression with a named group "token", got /${namePattern.source}/`);
  }
  const seen = new Set<ResolutionMethod>();
  const methods = (options.methods ?? DEFAULT_PRECEDENCE).filter((m) => {
    if (!(m in METHOD_CONFIDENCE)) throw new Error(`methods: expected one of ${Object.keys(METHOD_CONFIDENCE).join(", ")}, got "${String(m)}"`);
    if (seen.has(m)) return false;
    seen.add(m);
    if (privacy === "drop" && (m === "email" || m === "name_token")) return false;
    // Hashed names cannot be searched for a token; hashed e-mails still match hashed links.
    if (privacy === "hash" && m === "name_token") return false;
    return true;
  });
  return { methods, namePattern, privacy, now: options.now };
}
