import type { NormalisedEvent } from "../../core/normalised-event.js";

/** One thing wrong with a body: where (dotted path), what was expected, and a readable message. */
export interface NormaliseIssue {
  path: string;
  expected: string;
  message: string;
}

/**
 * - `event`: a fact the engine uses.
 * - `ignored`: a well-formed body Rollcall does not use (e.g. `meeting.created`, unknown events).
 * - `rejected`: a body that cannot be read, with every issue found.
 */
export type NormaliseResult =
  | { status: "event"; event: NormalisedEvent }
  | { status: "ignored"; reason: string }
  | { status: "rejected"; issues: NormaliseIssue[] };

/** Privacy handling of names and e-mails (`ROLLCALL_PRIVACY`). */
export interface NormaliseOptions {
  /** `store` (default): keep; `hash`: keyed hashes (needs `hashKey`); `drop`: remove. */
  privacy?: "store" | "hash" | "drop";
  /** Secret for `hash`; required then. */
  hashKey?: string;
}
