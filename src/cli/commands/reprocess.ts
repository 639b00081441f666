import type { Command } from "commander";
import type { ReprocessFlags } from "../actions/reprocess.js";
import { withStoreOptions } from "../store-options.js";

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
  ).action(async (flags: ReprocessFlags) => (await import("../actions/reprocess.js")).runReprocess(flags));
}
