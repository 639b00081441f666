import type { Command } from "commander";
import { attendanceCsv, attendanceReport, listInstances, type AttendanceReport } from "../../reports/index.js";
import { withConfiguredStore, type StoreFlags, withStoreOptions } from "../configured-store.js";
import { parseDateFlag } from "./date-flag.js";

interface ExportFlags extends StoreFlags {
  from?: string;
  to?: string;
  meeting?: string;
  account?: string;
  format: string;
}

const formats = ["json", "ndjson", "csv"] as const;

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
      .option("--to <date>", "instances that started before (ISO-8601)")
      .option("--meeting <id>", "only instances of this meeting number")
      .option("--account <id>", "only this Zoom account")
      .option("--format <format>", "json, ndjson or csv", "json"),
  )
    .action(async (flags: ExportFlags) => {
      if (!(formats as readonly string[]).includes(flags.format)) throw new Error(`--format: expected one of ${formats.join(", ")}, got "${flags.format}"`);
      const reports = await withConfiguredStore(flags, async (store, config) => {
        const instances = await listInstances(store.db, {
          limit: Number.MAX_SAFE_INTEGER,
          ...(flags.meeting !== undefined ? { meetingId: flags.meeting } : {}),
          ...(flags.account !== undefined ? { accountId: flags.account } : {}),
          ...(flags.from !== undefined ? { from: parseDateFlag("--from", flags.from) } : {}),
          ...(flags.to !== undefined ? { to: parseDateFlag("--to", flags.to) } : {}),
        });
        const out: AttendanceReport[] = [];
        // Oldest first reads naturally in a spreadsheet.
        for (const instance of instances.reverse()) {
          const report = await attendanceReport(store.db, instance.uuid, { policy: config.statusPolicy, accountId: instance.accountId });
          if (report) out.push(report);
        }
        return out;
      });
      process.stdout.write(render(reports, flags.format as (typeof formats)[number]));
    });
}

function render(reports: AttendanceReport[], format: (typeof formats)[number]): string {
  if (format === "json") return `${JSON.stringify(reports, null, 2)}\n`;
  if (format === "ndjson") return reports.map((r) => `${JSON.stringify(r)}\n`).join("");
  // One header for the whole file: each per-instance CSV starts with the same header line.
  return reports.map((r, i) => (i === 0 ? attendanceCsv(r) : attendanceCsv(r).split("\n").slice(1).join("\n"))).join("");
}
