import { listParkedEvents, reprocess } from "../../pipeline/index.js";
import { pipelineOptionsFromConfig } from "../../service/pipeline-from-config.js";
import { migrateToLatest, openDatabase } from "../../store/index.js";
import { configFromFlags } from "../configured-store.js";
import type { StoreFlags } from "../store-options.js";
import { isoTime } from "../../json/index.js";

export interface ReprocessFlags extends StoreFlags {
  instance?: string;
  listParked?: boolean;
}

/** `rollcall reprocess`: rebuilds what is derived from the inbox (or lists the parked events) and prints a JSON summary. */
export async function runReprocess(flags: ReprocessFlags): Promise<void> {
  const config = configFromFlags(flags);
  if (flags.instance !== undefined && flags.instance.trim() === "") throw new Error("--instance: expected a meeting instance uuid, got an empty string");
  const store = await openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(store);
    if (flags.listParked) {
      const parked = await listParkedEvents(store.db);
      const rows = parked.map((p) => ({ ...p, receivedAt: isoTime(p.receivedAt), processedAt: isoTime(p.processedAt) }));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    const started = performance.now();
    const result = await reprocess(store, pipelineOptionsFromConfig(config), flags.instance !== undefined ? { instanceUuid: flags.instance } : {});
    process.stdout.write(`${JSON.stringify({ ...result, seconds: Number(((performance.now() - started) / 1000).toFixed(3)) })}\n`);
    if (result.parked > 0) process.stderr.write(`rollcall: ${result.parked} event(s) parked; see rollcall reprocess --list-parked\n`);
  } finally {
    await store.close();
  }
}
