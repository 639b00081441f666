import type { Command } from "commander";
import type { ExportFlags } from "../actions/export.js";
import { withStoreOptions } from "../store-options.js";

/**
 * `rollcall export [--from DATE] [--to DATE] [--meeting ID] [--format json|ndjson|csv]`: the
 * attendance of every instance in a range, in the same shape as `rollcall attendance`, for
 * spreadsheets and data pipelines. CSV is one table (one header) across all instances.
 */
export function registerExportCommand(program: Command): void {
  withStoreOptions(
    program
      .command("export")
      .description("export the attendance of every instance in a date range (json, ndjson or csv)")
      .option("--from <date>", "instances that started at or after (ISO-8601)")
      .option("--to <date>", "instances that started before (ISO-8601; a date: through that day)")
      .option("--meeting <id>", "only instances of this meeting number")
      .option("--account <id>", "only this Zoom account")
      .option("--format <format>", "json, ndjson or csv", "json"),
  ).action(async (flags: ExportFlags) => (await import("../actions/export.js")).runExport(flags));
}
