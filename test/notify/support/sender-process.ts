/**
 * A sender in a process of its own, so a test can kill it mid-delivery (SIGKILL: no cleanup).
 * argv: DATABASE_URL, lease in ms. Prints "ready" once it runs.
 */
import { createWebhookSender } from "../../../src/notify/index.js";
import { openDatabase } from "../../../src/store/index.js";

const [databaseUrl, leaseMs] = process.argv.slice(2);
const store = await openDatabase(databaseUrl!);
const sender = createWebhookSender(store, { retrySeconds: [0, 0.2, 0.2], timeoutMs: 60_000, allowPrivate: true, leaseMs: Number(leaseMs), pollMs: 50 });
sender.start();
process.stdout.write("ready\n");
