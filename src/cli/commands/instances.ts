import type { Command } from "commander";
import { listInstances } from "../../reports/index.js";
import { withConfiguredStore, type StoreFlags, withStoreOptions } from "../configured-store.js";
import { parseDateFlag } from "./date-flag.js";

interface InstancesFlags extends StoreFlags {
  meeting?: string;
  account?: string;
  from?: string;
  to?: string;
  limit: string;
  json?: boolean;
}

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
      .option("--to <date>", "started before (ISO-8601)")
      .option("--limit <n>", "at most this many", "20")
      .option("--json", "print JSON"),
  )
    .action(async (flags: InstancesFlags) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit: expected a whole number from 1, got "${flags.limit}"`);
      const instances = await withConfiguredStore(flags, (store) =>
        listInstances(store.db, {
          limit,
          ...(flags.meeting !== undefined ? { meetingId: flags.meeting } : {}),
          ...(flags.account !== undefined ? { accountId: flags.account } : {}),
          ...(flags.from !== undefined ? { from: parseDateFlag("--from", flags.from) } : {}),
          ...(flags.to !== undefined ? { to: parseDateFlag("--to", flags.to) } : {}),
        }),
      );
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(instances, null, 2)}\n`);
        return;
      }
      if (instances.length === 0) {
        process.stdout.write("no instances yet: Rollcall has not processed a meeting event\n");
        return;
      }
      for (const i of instances) {
        process.stdout.write(`${i.uuid}  ${i.meetingId}  ${i.startTime ?? "?"}  ${i.status.padEnd(9)}  ${String(i.sessions).padStart(5)} sessions  ${i.topic ?? ""}\n`);
      }
    });
}
