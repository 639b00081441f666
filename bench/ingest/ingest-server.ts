// Rollcall's ingest alone (HTTP + verify + group commit), configured from the environment like
// `rollcall serve`, but without the background workers: the bench measures the webhook path, not
// the pipeline that runs after the acknowledgement.
import { loadConfig } from "../../src/config/index.js";
import { startRollcall } from "../../src/service/start-rollcall.js";

const rollcall = await startRollcall(loadConfig());
await rollcall.stopped;
process.exit(0);
