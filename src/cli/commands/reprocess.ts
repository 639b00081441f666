import type { Command } from "commander";
import { configFromFlags, withStoreOptions } from "../configured-store.js";
import { listParkedEvents, reprocess } from "../../pipeline/index.js";
import { pipelineOptionsFromConfig } from "../../service/pipeline-from-config.js";
import { migrateToLatest, openDatabase } from "../../store/index.js";

interface ReprocessFlags {
  instance?: string;
  listParked?: boolean;
  databaseUrl?: string;
  dataDir?: string;
  config?: string;
}

/**
 * `rollcall reprocess [--instance UUID]`: rebuilds everything derived from the inbox (sessions,
 * resolutions, attendance, instances, meetings), retrying parked events, and prints a JSON summary.
 * `--list-parked` only lists the parked events (id, event, account, instance, times, error).
 */
export function registerReprocessCommand(program: Command): void {
  withStoreOptions(
    program
      .command("reprocess")
      .description("rebuild sessions, resolutions and attendance from the raw inbox (parked events are retried)")
      .option("--instance <uuid>", "only this meeting instance (object.uuid)")
      .option("--list-parked", "list the parked events instead of reprocessing"),
  )
    .action(async (flags: ReprocessFlags) => {
      const config = configFromFlags(flags);
      if (flags.instance !== undefined && flags.instance.trim() === "") throw new Error("--instance: expected a meeting instance uuid, got an empty string");
      const store = await openDatabase(config.databaseUrl);
      try {
        await migrateToLatest(store);
        if (flags.listParked) {
          const parked = await listParkedEvents(store.db);
          const rows = parked.map((p) => ({ ...p, receivedAt: new Date(p.receivedAt).toISOString(), processedAt: p.processedAt === null ? null : new Date(p.processedAt).toISOString() }));
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
    });
}
