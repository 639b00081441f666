import type { Generated } from "kysely";

/**
 * The directory: the app's users and the links that recognise them in Zoom events.
 * `account_id` is a Zoom account id, or `*` (the default account) for rows that apply to every
 * account — the usual case for an app with a single Zoom account. Times are epoch milliseconds.
 */
export interface DirectoryUserTable {
  id: Generated<number>;
  account_id: string;
  /** The app's own id for the user; unique per account. */
  external_id: string;
  /** Lower-cased e-mail, its keyed hash (`ROLLCALL_PRIVACY=hash`) or null (`drop`, or unknown). */
  email: string | null;
  /** Display name, its keyed hash (`hash`) or null (`drop`, or unknown). */
  name: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * One way to recognise a user. `scope` narrows the value: the meeting number for `registrant_id`
 * (and `customer_key` links issued for one meeting), the instance uuid for `manual` links (whose
 * `value` is then the session key), `""` otherwise.
 */
export interface DirectoryLinkTable {
  id: Generated<number>;
  account_id: string;
  user_id: number;
  method: string;
  value: string;
  scope: string;
  /** `api` | `import` | `learned` | `manual`: who made the link. */
  source: string;
  created_at: number;
}

/** One row (`id` 1): bumped by triggers on every change to `directory_links` (migration 0014). */
export interface DirectoryRevisionTable {
  id: number;
  revision: number;
}

export interface DirectoryTables {
  directory_users: DirectoryUserTable;
  directory_links: DirectoryLinkTable;
  directory_revision: DirectoryRevisionTable;
}
