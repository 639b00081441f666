import { migrateToLatest, openDatabase } from "../../store/index.js";
import { configFromFlags } from "../configured-store.js";
import type { StoreFlags } from "../store-options.js";

/** `rollcall migrate`: brings the schema to the newest version and says what it applied. */
export async function runMigrate(flags: StoreFlags): Promise<void> {
  const config = configFromFlags(flags);
  const store = await openDatabase(config.databaseUrl);
  try {
    const applied = await migrateToLatest(store);
    process.stdout.write(applied.length > 0 ? `applied ${applied.join(", ")} to ${store.url}\n` : `${store.url} is up to date\n`);
  } finally {
    await store.close();
  }
}
