import { inboxMigration } from "./0001-inbox.js";
import { derivedMigration } from "./0002-derived.js";
import { directoryMigration } from "./0003-directory.js";
import { reconcileMigration } from "./0004-reconcile.js";
import { derivedFillfactorMigration } from "./0005-derived-fillfactor.js";
import { apiKeysMigration } from "./0006-api-keys.js";
import { notifyMigration } from "./0007-notify.js";
import { attendanceSourceMigration } from "./0008-attendance-source.js";
import { websocketMigration } from "./0009-websocket.js";
import { openTimeMigration } from "./0012-open-time.js";
import { webhookEndpointDisabledMigration } from "./0013-webhook-endpoint-disabled.js";
import { directoryRevisionMigration } from "./0014-directory-revision.js";
import { inboxLandingMigration } from "./0015-inbox-landing.js";
import type { RollcallMigration } from "./migration.js";

/**
 * Every migration, by name, in the order they apply. Names sort in that order; never rename or
 * edit one that has shipped: add a new one.
 */
export const migrations: Record<string, RollcallMigration> = {
  "0001-inbox": inboxMigration,
  "0002-derived": derivedMigration,
  "0003-directory": directoryMigration,
  "0004-reconcile": reconcileMigration,
  "0005-derived-fillfactor": derivedFillfactorMigration,
  "0006-api-keys": apiKeysMigration,
  "0007-notify": notifyMigration,
  "0008-attendance-source": attendanceSourceMigration,
  "0009-websocket": websocketMigration,
  "0012-open-time": openTimeMigration,
  "0013-webhook-endpoint-disabled": webhookEndpointDisabledMigration,
  "0014-directory-revision": directoryRevisionMigration,
  "0015-inbox-landing": inboxLandingMigration,
};
