import type { Command } from "commander";
import type { GapsFlags } from "../actions/gaps.js";
import { withStoreOptions } from "../store-options.js";

/**
 * `rollcall gaps [--from DATE] [--limit N] [--json]`: the stretches Zoom's WebSocket subscriptions
 * had no open connection (Zoom replays nothing), newest first, and each subscription's coverage.
 */
export function registerGapsCommand(program: Command): void {
  withStoreOptions(
    program
      .command("gaps")
      .description("list the WebSocket gaps (no connection open: events Zoom did not deliver), newest first")
      .option("--from <date>", "only gaps that ended at or after this (ISO-8601), or are still open")
      .option("--limit <n>", "at most this many", "50")
      .option("--json", "print JSON"),
  ).action(async (flags: GapsFlags) => (await import("../actions/gaps.js")).runGaps(flags));
}
