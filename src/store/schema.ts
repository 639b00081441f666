import type { ApiKeyTables } from "./tables/api-keys.js";
import type { DerivedTables } from "./tables/derived.js";
import type { DirectoryTables } from "./tables/directory.js";
import type { InboxTables } from "./tables/inbox.js";
import type { NotifyTables } from "./tables/notify.js";
import type { ReconcileTables } from "./tables/reconcile.js";
import type { WebsocketTables } from "./tables/websocket.js";

/**
 * Every table, by name. Each group of tables is described in its own file under `tables/`
 * (and created by a migration under `migrations/`); add a group by extending this interface.
 */
export interface Database extends InboxTables, DerivedTables, DirectoryTables, ReconcileTables, ApiKeyTables, NotifyTables, WebsocketTables {}
