import { randomBytes } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import type { WebhookEndpointTable } from "../store/tables/notify.js";
import type { Database } from "../store/index.js";
import { checkEndpointUrl } from "./destination.js";
import { parseEventTypes, type NotifyEventType } from "./event-types.js";
import { generateSecret } from "./signing.js";
import { isoTime } from "../json/index.js";

/** An endpoint as listed (never its secrets). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Null: every event type. */
  events: NotifyEventType[] | null;
  description: string | null;
  createdAt: string;
  /** Until when the previous secret still signs (after a rotation), else null. */
  previousSecretExpiresAt: string | null;
  /** False once switched off (a `410 Gone`, or the API): nothing is written or sent to it. */
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
}

export interface NewEndpoint {
  url: string;
  /** Event types to send; undefined or empty = all. */
  events?: readonly string[] | undefined;
  description?: string | undefined;
}

/** Rotations keep signing with the old secret this long by default (24 h), so receivers can switch over. */
export const defaultRotationGraceMs = 24 * 3_600_000;

function endpointOf(row: Selectable<WebhookEndpointTable>, now: number): WebhookEndpoint {
  const expires = row.previous_secret_expires_at === null ? null : Number(row.previous_secret_expires_at);
  return {
    id: row.id,
    url: row.url,
    events: row.event_types_json === null ? null : (JSON.parse(row.event_types_json) as NotifyEventType[]),
    description: row.description,
    createdAt: isoTime(row.created_at)!,
    previousSecretExpiresAt: expires !== null && expires > now ? isoTime(expires) : null,
    enabled: row.disabled_at === null,
    disabledAt: isoTime(row.disabled_at),
    disabledReason: row.disabled_reason,
  };
}

/**
 * Adds an endpoint and returns it with its signing secret (`whsec_…`), which is shown this once.
 */
export async function addEndpoint(db: Kysely<Database>, input: NewEndpoint, options: { allowPrivate: boolean; now?: number }): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const url = checkEndpointUrl(input.url, options);
  const events = input.events !== undefined && input.events.length > 0 ? parseEventTypes(input.events) : null;
  const now = options.now ?? Date.now();
  const row = {
    id: `ep_${randomBytes(12).toString("base64url")}`,
    url,
    event_types_json: events === null ? null : JSON.stringify(events),
    secret: generateSecret(),
    previous_secret: null,
    previous_secret_expires_at: null,
    description: input.description ?? null,
    created_at: now,
    updated_at: now,
    disabled_at: null,
    disabled_reason: null,
  };
  await db.insertInto("webhook_endpoints").values(row).execute();
  return { endpoint: endpointOf(row, now), secret: row.secret };
}

/** Every endpoint, oldest first. */
export async function listEndpoints(db: Kysely<Database>, now: number = Date.now()): Promise<WebhookEndpoint[]> {
  const rows = await db.selectFrom("webhook_endpoints").selectAll().orderBy("created_at").orderBy("id").execute();
  return rows.map((r) => endpointOf(r, now));
}

/** One endpoint, or undefined. */
export async function getEndpoint(db: Kysely<Database>, id: string, now: number = Date.now()): Promise<WebhookEndpoint | undefined> {
  const row = await db.selectFrom("webhook_endpoints").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? endpointOf(row, now) : undefined;
}

/**
 * Removes an endpoint and its undelivered messages (delivered ones and attempts stay as history).
 * False when there is no such endpoint.
 */
export async function removeEndpoint(db: Kysely<Database>, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom("webhook_endpoints").where("id", "=", id).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) return false;
    await trx.deleteFrom("webhook_messages").where("endpoint_id", "=", id).where("state", "in", ["pending", "dead"]).execute();
    return true;
  });
}

/**
 * Gives an endpoint a new secret. For `graceMs` (default 24 h) messages are signed with both the
 * old and the new secret, so a receiver can switch at its own pace. Returns the new secret, or
 * undefined when there is no such endpoint.
 */
export async function rotateEndpointSecret(db: Kysely<Database>, id: string, options: { graceMs?: number; now?: number } = {}): Promise<string | undefined> {
  const now = options.now ?? Date.now();
  const row = await db.selectFrom("webhook_endpoints").select(["secret"]).where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  const secret = generateSecret();
  await db
    .updateTable("webhook_endpoints")
    .set({ secret, previous_secret: row.secret, previous_secret_expires_at: now + (options.graceMs ?? defaultRotationGraceMs), updated_at: now })
    .where("id", "=", id)
    .execute();
  return secret;
}

/** The secrets that sign a message to this endpoint now: the current one, and the previous one during its grace period. */
export function signingSecrets(row: { secret: string; previous_secret: string | null; previous_secret_expires_at: number | null }, now: number): string[] {
  const secrets = [row.secret];
  if (row.previous_secret !== null && row.previous_secret_expires_at !== null && Number(row.previous_secret_expires_at) > now) secrets.push(row.previous_secret);
  return secrets;
}
