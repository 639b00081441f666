/**
 * Child process for the concurrent-migration test: opens the database given as argv[2], waits
 * until the epoch millisecond in argv[3] (so processes started at different speeds migrate at the
 * same moment), migrates, and prints the applied migrations as JSON.
 */
import { migrateToLatest, openDatabase } from "../../../src/store/index.js";

const [url, goAt] = process.argv.slice(2);
const store = await openDatabase(url!);
try {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(goAt) - Date.now())));
  process.stdout.write(`${JSON.stringify(await migrateToLatest(store))}\n`);
} finally {
  await store.close();
}
