/**
 * API keys for `/api/v1` (`src/api-keys`). Only the SHA-256 of a key is kept: a stolen database
 * does not give working keys. Times are epoch milliseconds.
 */
import type { Generated } from "kysely";

export interface ApiKeyTable {
  id: Generated<number>;
  /** A label chosen by whoever created the key ("dashboard", "billing app"). */
  name: string;
  /** `read` (GET only) or `write` (everything). */
  scope: string;
  /** Hex SHA-256 of the whole presented key; unique. */
  hash: string;
  /** The key's first characters (`rk_` and a few more), to tell keys apart in a listing. */
  prefix: string;
  created_at: number;
  /** Set once by `rollcall keys revoke`; a revoked key never authenticates again. */
  revoked_at: number | null;
  /** Roughly when the key was last used (written at most once a minute per key). */
  last_used_at: number | null;
}

export interface ApiKeyTables {
  api_keys: ApiKeyTable;
}
