import type { Kysely } from "kysely";
import type { Config } from "../../config/index.js";
import type { Database, DialectName, RollcallDatabase } from "../../store/index.js";
import type { ZoomApiClient } from "../../zoom/api/index.js";
import type { MeetingSdkCredentials } from "../../zoom/sdk/sdk-credentials.js";

/** What the API's route groups work with; built by the composition root (`src/service`). */
export interface ApiDeps {
  db: Kysely<Database>;
  /**
   * The store `db` belongs to, for writes in many transactions (a users import): on SQLite each
   * then takes the write lock up front (`BEGIN IMMEDIATE`) instead of failing when the inbox's
   * thread commits between its first read and its first write.
   */
  store?: RollcallDatabase;
  /** Which database `db` is (the live streams read PostgreSQL's event ids with care for transactions still in flight). */
  dialect: DialectName;
  config: Config;
  /**
   * Brings derived attendance up to date now (the pipeline run until idle), so that a manual link
   * shows in attendance by the time its answer arrives. Absent: the pipeline worker catches up
   * within its poll interval.
   */
  settle?: (instanceUuids: string[]) => Promise<void>;
  /** Zoom's REST client for registrant join links, or why there is none. */
  zoom: { ok: true; client: ZoomApiClient } | { ok: false; message: string };
  /** Meeting SDK credentials for SDK join links, or why there are none. */
  sdk: { ok: true; credentials: MeetingSdkCredentials } | { ok: false; message: string };
  /** HMAC key of hosted-join tokens (`ROLLCALL_JOIN_TOKEN_SECRET` or the generated one). */
  joinTokenSecret: string;
  /** HMAC key of dashboard session cookies: with it, `/api` also answers the dashboard's signed-in requests. */
  dashboardSecret?: string;
  /** Fires when the service begins to stop: long requests (a users import) end early instead of holding the shutdown. */
  stopping?: AbortSignal;
  now?: () => number;
}
