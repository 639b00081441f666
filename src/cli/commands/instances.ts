import type { Command } from "commander";
import type { InstancesFlags } from "../actions/instances.js";
import { withStoreOptions } from "../store-options.js";

/**
 * `rollcall instances [--meeting ID] [--from DATE] [--to DATE] [--limit N] [--json]`: the meeting
 * instances Rollcall has seen, newest first, with the uuid `rollcall attendance --instance` takes.
 */
export function registerInstancesCommand(program: Command): void {
  withStoreOptions(
    program
      .command("instances")
      .description("list the meeting instances seen, newest first (the uuid for `rollcall attendance --instance`)")
      .option("--meeting <id>", "only instances of this meeting number")
      .option("--account <id>", "only this Zoom account")
      .option("--from <date>", "started at or after (ISO-8601)")
      .option("--to <date>", "started before (ISO-8601; a date: through that day)")
      .option("--limit <n>", "at most this many", "20")
      .option("--json", "print JSON"),
  ).action(async (flags: InstancesFlags) => (await import("../actions/instances.js")).runInstances(flags));
}
