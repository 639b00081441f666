export { openDatabase, redactUrl, type OpenDatabaseOptions, type RollcallDatabase } from "./database.js";
export { dialectOf, type DialectName } from "./dialect.js";
export { migrateToLatest } from "./migrate.js";
export type { Database } from "./schema.js";
export type { InboxEventTable } from "./tables/inbox.js";
export { dataErrorReason, isDataError } from "./data-error.js";
export { withReadSnapshot } from "./read-snapshot.js";
export { withWriteTransaction } from "./write-transaction.js";
export { storedNumber } from "./stored-number.js";
