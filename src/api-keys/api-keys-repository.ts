import { timingSafeEqual } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import { apiKeyPrefix, generateApiKey, hashApiKey, looksLikeApiKey } from "./api-key-secret.js";
import { isoTime } from "../json/index.js";

/** What a key may do: `read` answers GET (and HEAD) only, `write` everything. */
export type ApiKeyScope = "read" | "write";
export const apiKeyScopes: readonly ApiKeyScope[] = ["read", "write"];

/** A key as listed: never the key itself. */
export interface ApiKeyInfo {
  id: number;
  name: string;
  scope: ApiKeyScope;
  /** The first characters of the key (`rk_AbCd`). */
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** A key that authenticated a request. */
export interface VerifiedApiKey {
  id: number;
  name: string;
  scope: ApiKeyScope;
}

/** A refused key operation (unknown key id, bad name or scope); `field` names the input at fault. */
export class ApiKeyError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "ApiKeyError";
  }
}

/** How often `last_used_at` is written per key at most: a busy key must not cost a write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Creates a key and returns it: the only moment the key exists outside the caller; the database
 * keeps its SHA-256.
 */
export async function createApiKey(db: Kysely<Database>, input: { name: string; scope?: ApiKeyScope; now?: number }): Promise<ApiKeyInfo & { key: string }> {
  const name = input.name.trim();
  if (name === "") throw new ApiKeyError("name", "expected a non-empty name");
  const scope = input.scope ?? "write";
  if (!apiKeyScopes.includes(scope)) throw new ApiKeyError("scope", `expected read or write, got "${String(scope)}"`);
  const key = generateApiKey();
  const createdAt = input.now ?? Date.now();
  const row = await db
    .insertInto("api_keys")
    .values({ name, scope, hash: hashApiKey(key), prefix: apiKeyPrefix(key), created_at: createdAt, revoked_at: null, last_used_at: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), name, scope, prefix: apiKeyPrefix(key), createdAt: isoTime(createdAt)!, revokedAt: null, lastUsedAt: null, key };
}

/** Every key, oldest first, revoked ones included (never the keys themselves). */
export async function listApiKeys(db: Kysely<Database>): Promise<ApiKeyInfo[]> {
  const rows = await db.selectFrom("api_keys").selectAll().orderBy("id").execute();
  return rows.map((row) => ({
    id: Number(row.id),
    name: row.name,
    scope: row.scope as ApiKeyScope,
    prefix: row.prefix,
    createdAt: isoTime(Number(row.created_at))!,
    revokedAt: isoTime(row.revoked_at),
    lastUsedAt: isoTime(row.last_used_at),
  }));
}

/**
 * Revokes a key by id; from then on it answers 401. Revoking twice keeps the first time.
 * Throws {@link ApiKeyError} for an unknown id.
 */
export async function revokeApiKey(db: Kysely<Database>, id: number, now = Date.now()): Promise<void> {
  const found = await db.selectFrom("api_keys").select(["id", "revoked_at"]).where("id", "=", id).executeTakeFirst();
  if (!found) throw new ApiKeyError("id", `no API key with id ${id}`);
  if (found.revoked_at !== null) return;
  await db.updateTable("api_keys").set({ revoked_at: now }).where("id", "=", id).execute();
}

/**
 * The key a request presented, if it is a live one. The lookup is by the key's SHA-256 (so the
 * time it takes says nothing about how close a guess was), and the hashes are compared once more in
 * constant time. Revoked keys and anything not shaped like a key give `undefined`.
 */
export async function verifyApiKey(db: Kysely<Database>, presented: string, now = Date.now()): Promise<VerifiedApiKey | undefined> {
  if (!looksLikeApiKey(presented)) return undefined;
  const hash = hashApiKey(presented);
  const row = await db.selectFrom("api_keys").select(["id", "name", "scope", "hash", "revoked_at", "last_used_at"]).where("hash", "=", hash).executeTakeFirst();
  if (!row || row.revoked_at !== null) return undefined;
  if (!timingSafeEqual(Buffer.from(row.hash, "hex"), Buffer.from(hash, "hex"))) return undefined;
  if (row.last_used_at === null || now - Number(row.last_used_at) >= LAST_USED_RESOLUTION_MS) {
    await db.updateTable("api_keys").set({ last_used_at: now }).where("id", "=", row.id).execute();
  }
  return { id: Number(row.id), name: row.name, scope: row.scope as ApiKeyScope };
}
