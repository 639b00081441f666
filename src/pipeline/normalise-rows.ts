import { EventColumnsBuilder, type NormalisedEvent } from "../core/index.js";
import { nulCharacterPath, type ColumnsTarget } from "../zoom/events/index.js";
// Webhooks and the report rows reconciliation stores (`rollcall.report_participant`) share one entry point.
import { normaliseInboxBody, normaliseInboxBodyInto } from "../zoom/events/normalise-inbox-body.js";
import { normaliseOptionsForStoredBody, type PrivacySettings } from "../zoom/privacy/index.js";
import { maxIdentifierLength } from "../zoom/webhook/delivery-envelope.js";

/** What a stored body is to the pipeline: a row put into columns, an event object, why it is ignored, or why it cannot be read. */
export type NormalisedRow = { event: NormalisedEvent } | { row: true; parsed: unknown } | { ignored: string } | { error: string };

/** Where rows go that must not reach a state (another account's, an identifier too long): emptied on every use. */
const discardedRows = new EventColumnsBuilder(4, false);

/** A target that keeps nothing. */
export function discard(): EventColumnsBuilder {
  discardedRows.clear();
  return discardedRows;
}

/**
 * Normalises a stored body. A webhook participant event becomes a row of the columns `target`
 * gives for its account and instance (`{ row: true }`, no event object); anything else comes back
 * as an event, or as why it is ignored, or as an error text when it cannot be read. The body is
 * read with the privacy options it needs: a body the ingest hook (or reconciliation) already
 * stripped carries the marker and is read as stored, so a hash is never hashed again; a raw body
 * (stored before the mode was switched on) gets the configured mode now.
 */
export function normaliseRow(body: string, target: (accountId: string, instanceUuid: string) => EventColumnsBuilder, privacy: PrivacySettings): NormalisedRow {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { error: "body: expected JSON" };
  }
  // PostgreSQL text cannot hold NUL: refused here, so both databases treat such an event alike.
  const nul = nulCharacterPath(parsed, body);
  if (nul !== undefined) return { error: `${nul}: must not contain NUL characters` };
  try {
    let tooLong: string | undefined;
    // Ingest refuses these since; a row stored before must not reach a database index either.
    const checked: ColumnsTarget = (accountId, instanceUuid) => {
      tooLong = identifierTooLong(accountId, instanceUuid);
      return tooLong === undefined ? target(accountId, instanceUuid) : discard();
    };
    const result = normaliseInboxBodyInto(parsed, checked, normaliseOptionsForStoredBody(parsed, privacy));
    if (tooLong !== undefined) return { error: tooLong };
    if (result.status === "row") return { row: true, parsed };
    if (result.status === "event") {
      const long = identifierTooLong(result.event.accountId, result.event.instanceUuid);
      return long === undefined ? { event: result.event } : { error: long };
    }
    if (result.status === "ignored") return { ignored: result.reason };
    return { error: result.issues.map((i) => (i.message.startsWith(`${i.path}:`) ? i.message : `${i.path}: ${i.message}`)).join("; ") || "rejected by the normaliser" };
  } catch (error) {
    return { error: `normaliser failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The same body as an event object (the slow path that finds which events the engine cannot take). */
export function eventObject(parsed: unknown, privacy: PrivacySettings): NormalisedEvent | undefined {
  const result = normaliseInboxBody(parsed, normaliseOptionsForStoredBody(parsed, privacy));
  return result.status === "event" ? result.event : undefined;
}

/** Why an account or instance id cannot be stored (too long for a database index), or undefined. */
function identifierTooLong(accountId: string, instanceUuid: string): string | undefined {
  if (accountId.length > maxIdentifierLength) return `payload.account_id: expected at most ${maxIdentifierLength} characters`;
  if (instanceUuid.length > maxIdentifierLength) return `payload.object.uuid: expected at most ${maxIdentifierLength} characters`;
  return undefined;
}
